"""Linux input devices (evdev): kernel input events read through python-evdev, or replayed from a recording.

A driver on this transport sees only ``EventSource``: ``open()``, ``close()``, ``events()`` (an async iterator of
``InputEvent``) and ``name``. ``EvdevEventSource`` reads a real ``/dev/input/event*`` node with python-evdev
(BSD-3-Clause; imported only when a real device is opened); ``ReplayEventSource`` plays a sequence of events (a
simulator's, or one recorded from a real device) with the gaps between their kernel time stamps, so the driver
cannot tell the two apart. Creating a virtual device through ``/dev/uinput`` needs privileges a test run does not
have, hence the injectable source.

Also here, pure and tested on text: the kernel's ``struct input_event`` bytes (64-bit layout: time as two
native longs, type u16, code u16, value s32 = 24 bytes, what ``cat /dev/input/eventN`` gives), ``evtest``'s
text output, and ``/proc/bus/input/devices`` (names, vendor/product ids, event handlers) for
``kiosk devices probe``. Event type and code numbers are the kernel's ABI (linux/input-event-codes.h).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import struct
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from drivers.base import CodecError, DeviceDisconnected

EV_SYN, EV_KEY, EV_ABS, EV_MSC = 0x00, 0x01, 0x03, 0x04
SYN_REPORT, SYN_DROPPED = 0, 3
EVENT_STRUCT = struct.Struct("<qqHHi")  # struct input_event on a 64-bit little-endian kernel
EVENT_SIZE = EVENT_STRUCT.size


@dataclass(frozen=True)
class InputEvent:
    """One kernel input event; ``sec``/``usec`` is the kernel's time stamp of it."""

    sec: int
    usec: int
    ev_type: int
    code: int
    value: int

    @property
    def timestamp(self) -> float:
        return self.sec + self.usec / 1e6

    @classmethod
    def at(cls, t_s: float, type_: int, code: int, value: int) -> InputEvent:
        micros = round(t_s * 1e6)
        return cls(micros // 1_000_000, micros % 1_000_000, type_, code, value)


def decode_input_events(data: bytes) -> list[InputEvent]:
    """``struct input_event`` records; CodecError if ``data`` is not a whole number of them."""
    if len(data) % EVENT_SIZE:
        raise CodecError(f"{len(data)} bytes are not a whole number of {EVENT_SIZE}-byte input events")
    return [InputEvent(*EVENT_STRUCT.unpack_from(data, i)) for i in range(0, len(data), EVENT_SIZE)]


def encode_input_events(events: Iterable[InputEvent]) -> bytes:
    return b"".join(EVENT_STRUCT.pack(e.sec, e.usec, e.ev_type, e.code, e.value) for e in events)


_EVTEST = re.compile(r"Event: time (\d+)\.(\d{1,6}), (?:type (\d+) \([^)]*\), code (\d+) \([^)]*\), value (-?\w+)"
                     r"|-+ (SYN_REPORT|SYN_DROPPED) -+)")


def parse_evtest(text: str) -> list[InputEvent]:
    """The events in ``evtest`` output ("Event: time S.U, type T (..), code C (..), value V" and its SYN lines).

    evtest prints EV_MSC scan codes in hex without a prefix; every other value is decimal.
    """
    out: list[InputEvent] = []
    for m in _EVTEST.finditer(text):
        sec, usec = int(m[1]), int(m[2].ljust(6, "0"))
        if m[6]:
            out.append(InputEvent(sec, usec, EV_SYN, SYN_REPORT if m[6] == "SYN_REPORT" else SYN_DROPPED, 0))
            continue
        type_, code = int(m[3]), int(m[4])
        out.append(InputEvent(sec, usec, type_, code, int(m[5], 16 if type_ == EV_MSC else 10)))
    return out


@dataclass(frozen=True)
class InputDeviceInfo:
    """One block of ``/proc/bus/input/devices``."""

    name: str
    bus: int = 0
    vendor: int = 0
    product: int = 0
    version: int = 0
    handlers: tuple[str, ...] = ()
    phys: str = ""
    uniq: str = ""

    @property
    def event_node(self) -> str | None:
        return next((f"/dev/input/{h}" for h in self.handlers if h.startswith("event")), None)

    @property
    def usb_id(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x}"


def parse_proc_input_devices(text: str) -> list[InputDeviceInfo]:
    """The devices listed in ``/proc/bus/input/devices`` text (blank-line separated blocks)."""
    devices: list[InputDeviceInfo] = []
    for block in text.strip().split("\n\n"):
        fields: dict[str, str] = {}
        ident: dict[str, int] = {}
        for line in block.splitlines():
            if line.startswith("I:"):
                ident = {k.lower(): int(v, 16) for k, v in re.findall(r"(\w+)=([0-9a-fA-F]+)", line)}
            elif line[:2] in ("N:", "P:", "U:", "H:"):
                key, _, value = line[3:].partition("=")
                fields[line[0] + key] = value.strip().strip('"')
        if "NName" in fields:
            devices.append(InputDeviceInfo(fields["NName"], ident.get("bus", 0), ident.get("vendor", 0),
                                           ident.get("product", 0), ident.get("version", 0),
                                           tuple(fields.get("HHandlers", "").split()), fields.get("PPhys", ""),
                                           fields.get("UUniq", "")))
    return devices


def attached_input_devices(proc: Path = Path("/proc/bus/input/devices")) -> list[InputDeviceInfo]:
    """What the kernel lists now (empty where there is no such file)."""
    try:
        return parse_proc_input_devices(proc.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return []


class EventSource(Protocol):
    """What an input-device driver needs: a name, open/close, and the events as they come."""

    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def events(self) -> AsyncIterator[InputEvent]: ...


class EvdevEventSource:
    """A real input device: ``where`` is an event node path, or a device name to look up in /proc."""

    def __init__(self, where: str, *, grab: bool = False, device_id: str | None = None) -> None:
        self.where = where
        self.grab = grab
        self.device_id = device_id
        self.name = where
        self._device: object | None = None

    async def open(self) -> None:
        path = self.where
        if not path.startswith("/dev/"):
            found = next((d for d in attached_input_devices() if d.name == self.where and d.event_node), None)
            if found is None:
                raise DeviceDisconnected(f"no input device named {self.where!r} is attached", device_id=self.device_id)
            path = str(found.event_node)
        try:
            import evdev  # python-evdev: only a real device needs it

            device = evdev.InputDevice(path)
            if self.grab:
                device.grab()  # the button box's presses must not also type into the kiosk
        except (OSError, ImportError) as e:
            raise DeviceDisconnected(f"cannot open input device {path}: {e}", device_id=self.device_id) from e
        self.name = device.name
        self._device = device

    async def close(self) -> None:
        if self._device is not None:
            with contextlib.suppress(OSError):
                self._device.close()  # type: ignore[attr-defined]
            self._device = None

    async def events(self) -> AsyncIterator[InputEvent]:
        if self._device is None:
            raise DeviceDisconnected("input device not open", device_id=self.device_id)
        try:
            async for e in self._device.async_read_loop():  # type: ignore[attr-defined]
                yield InputEvent(e.sec, e.usec, e.type, e.code, e.value)
        except OSError as e:
            raise DeviceDisconnected(f"input device {self.name!r} went away: {e}", device_id=self.device_id) from e


@dataclass
class ReplayEventSource:
    """Plays ``make_events()`` (a fresh iterable per ``events()`` call) with its time stamps' gaps ÷ ``speed``.

    ``name`` is what the real device would call itself; ``faults`` the simulator's faults (``inject``).
    """

    make_events: Callable[[], Iterable[InputEvent]]
    name: str = "replayed input device"
    speed: float = 1.0
    simulator: object | None = None
    opened: bool = field(default=False, init=False)

    async def open(self) -> None:
        if getattr(self.simulator, "away", False):
            raise DeviceDisconnected(f"{self.name}: not attached (simulated unplug)")
        self.opened = True

    async def close(self) -> None:
        self.opened = False

    async def events(self) -> AsyncIterator[InputEvent]:
        if not self.opened:
            raise DeviceDisconnected(f"{self.name}: not open")
        last: float | None = None
        for event in self.make_events():
            if last is not None and event.timestamp > last:
                await asyncio.sleep((event.timestamp - last) / self.speed)
            last = event.timestamp
            if not self.opened:
                raise DeviceDisconnected(f"{self.name}: closed while reading")
            yield event
        raise DeviceDisconnected(f"{self.name}: the recording ended")

    def inject(self, fault: str) -> None:
        inject = getattr(self.simulator, "inject", None)
        if inject is None:
            raise ValueError(f"{self.name} has no faults to inject")
        inject(fault)
