"""Choice reaction time on bought response boxes: a USB HID button box (evdev) and a Cedrus XID pad (serial).

Neither box has lamps: the station shows which button to press (``Progress("stimulus_key", key)`` is yielded
at onset, and ``stimulus_listener(key)`` is called, for the screen and for simulators), and times the press
on the box's side of the link: the kernel's event time stamp minus the onset (evdev), or the pad's own 1-ms
timer reset by ``e5`` at onset (XID). The trial rule is the station's (``drivers.devices.reaction_time``):
``stimuli`` correct presses after random fore-periods, wrong keys / false starts (< 100 ms, or a press before
the stimulus) / misses (3 s) repeated at most 5 times, result = mean correct time in s. A calibration
record's offset (ms, the screen's measured latency, entered by a technician) is subtracted.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Callable
from typing import ClassVar

from drivers.base import CodecError, DeviceDisconnected, DeviceTimeout, DriverError, FinalReading, MeasurementEvent
from drivers.base import Progress as P
from drivers.codecs import button_box_evdev as bb
from drivers.codecs import cedrus_xid as xid
from drivers.devices.input_device import InputDeviceDriver
from drivers.devices.reaction_time import ITEM, MAX_REPEATS, trial_result_s
from drivers.transport.evdev_input import InputEvent
from drivers.transport.serial import SerialPort

ANTICIPATION_MS = 100
NO_RESPONSE_S = 3.0
Reply = tuple[int, float] | None  # (button, reaction ms), or None for no press within 3 s


class ChoiceReactionBox(InputDeviceDriver):
    """The trial loop; subclasses present a stimulus and wait for the press."""

    kind = "reaction_time"
    REQUIRES_CALIBRATION = False
    BUTTONS: ClassVar[tuple[int, ...]] = (1, 2, 3, 4, 5)

    def __init__(self, *args: object, rng: random.Random | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rng = rng or random.Random()
        self.stimulus_listener: Callable[[int], None] | None = None

    async def _present_and_wait(self, key: int) -> Reply:
        raise NotImplementedError

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        stimuli = int(options.get("stimuli", 5))  # type: ignore[call-overload]
        low, high = options.get("foreperiod_s", (1.0, 2.5))  # type: ignore[misc]
        offset_ms = float(self.calibration.correction.get("offset", 0.0)) if self.calibration else 0.0
        correct: list[int] = []
        wrong = early = misses = 0
        started = time.monotonic()
        while len(correct) < stimuli:
            if wrong + early + misses > MAX_REPEATS:
                raise DriverError(f"{wrong} wrong keys, {early} false starts, {misses} misses: trial abandoned",
                                  device_id=self.device_id,
                                  resident_message="Let's stop this one. Press only the button shown.")
            await asyncio.sleep(self.rng.uniform(float(low), float(high)))
            key = self.rng.choice(self.BUTTONS)
            yield P(self.device_id, "stimulus_key", float(key), time.monotonic() - started)
            reply = await self._present_and_wait(key)
            if reply is None:
                misses += 1
                why = "no press"
            elif reply[1] < ANTICIPATION_MS:
                early += 1
                why = "too early: wait for the sign"
            elif reply[0] != key:
                wrong += 1
                why = "wrong key"
            else:
                correct.append(max(0, round(reply[1] - offset_ms)))
                yield P(self.device_id, "reaction_s", correct[-1] / 1000.0, time.monotonic() - started,
                        f"{len(correct)} of {stimuli}")
                continue
            yield P(self.device_id, "repeats_so_far", float(wrong + early + misses), time.monotonic() - started, why)
        yield FinalReading(self.device_id, ITEM, {ITEM: trial_result_s(correct)}, "s", trial=trial,
                           calibration_id=self.calibration_id, quality_flags=self.flags(),
                           details={"reaction_ms": correct, "rule": "mean of correct responses", "wrong_keys": wrong,
                                    "false_starts": early, "misses": misses, "protocol": self.PROTOCOL,
                                    "screen_latency_offset_ms": offset_ms})

    def _onset(self, key: int) -> None:
        if self.stimulus_listener is not None:
            self.stimulus_listener(key)


class EvdevButtonBox(ChoiceReactionBox):
    """A USB HID button box read through evdev (protocol ``button-box-evdev``); presses timed by the kernel."""

    PROTOCOL = "button-box-evdev"

    def __init__(self, *args: object, key_map: dict[int, int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.key_map = key_map or dict(bb.DEFAULT_KEY_MAP)
        self._inbox: asyncio.Queue[InputEvent | BaseException] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None

    async def _pump_events(self) -> None:
        """Read the source into a queue, so a wait can time out without closing the source's iterator."""
        try:
            async for event in self.source.events():
                self._inbox.put_nowait(event)
        except Exception as e:  # handed to the reader, which raises it inside the measurement
            self._inbox.put_nowait(e)
        else:
            self._inbox.put_nowait(DeviceDisconnected("button box event stream ended", device_id=self.device_id))

    async def _next_event(self, timeout_s: float) -> InputEvent | None:
        if self._pump is None or (self._pump.done() and self._inbox.empty()):
            self._pump = asyncio.get_running_loop().create_task(self._pump_events())
        try:
            item = self._inbox.get_nowait() if timeout_s <= 0 else await asyncio.wait_for(self._inbox.get(), timeout_s)
        except (TimeoutError, asyncio.QueueEmpty):
            return None
        if isinstance(item, BaseException):
            self._pump = None
            raise item
        return item

    async def _present_and_wait(self, key: int) -> Reply:
        while (stale := await self._next_event(0.0)) is not None:  # presses during the fore-period
            if bb.presses([stale], self.key_map):
                return (self.key_map[stale.code], 0.0)  # a press before the stimulus: a false start
        onset = time.time()
        self._onset(key)
        deadline = time.monotonic() + NO_RESPONSE_S
        while (left := deadline - time.monotonic()) > 0:
            event = await self._next_event(left)
            if event is None:
                break
            found = bb.presses([event], self.key_map)
            if found:
                return (found[0].button, (found[0].at_s - onset) * 1000.0)
        return None

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pump
            self._pump = None
        await super().close()


class XidPort:
    """The serial link to an XID pad as an ``EventSource``-like object: open finds XID mode and names the pad."""

    def __init__(self, port_path: str, baud: int | None = None, *, device_id: str | None = None) -> None:
        self.port_path, self.baud, self.device_id = port_path, baud, device_id
        self.port = SerialPort(device_id=device_id)
        self.name = "Cedrus XID"
        self.firmware = ""
        self.reader = xid.KeyPacketReader()

    async def ask(self, command: bytes, size: int) -> bytes:
        await self.port.write(command)
        return await self.port.read_exactly(size, timeout_s=0.5)

    async def open(self) -> None:
        for baud in (self.baud,) if self.baud else xid.BAUDS:
            await self.port.open(self.port_path, baud, read_timeout_s=0.5)
            await self.port.drain(quiet_s=0.05, max_s=0.3)
            with contextlib.suppress(DeviceTimeout):
                answer = await self.ask(xid.QUERY_PROTOCOL, 5)
                if answer.startswith(b"_xid"):
                    if answer != b"_xid0":
                        await self.port.write(xid.SET_XID_MODE)
                    product = (await self.ask(xid.QUERY_PRODUCT, 1)).decode("ascii", "replace")
                    model = (await self.ask(xid.QUERY_MODEL, 1)).decode("ascii", "replace")
                    major = (await self.ask(xid.QUERY_FW_MAJOR, 1)).decode("ascii", "replace")
                    minor = (await self.ask(xid.QUERY_FW_MINOR, 1)).decode("ascii", "replace")
                    self.name, self.firmware = xid.describe_device(product, model), f"{major}.{minor}"
                    return
            await self.port.close()
        raise DeviceDisconnected(f"no XID device answers _c1 on {self.port_path}", device_id=self.device_id)

    async def close(self) -> None:
        await self.port.close()

    def events(self) -> AsyncIterator[InputEvent]:  # the driver reads key packets instead
        raise NotImplementedError


class CedrusXidReactionBox(ChoiceReactionBox):
    """A Cedrus RB pad over XID (protocol ``cedrus-xid``); reaction times on the pad's own timer."""

    PROTOCOL = "cedrus-xid"
    BUTTONS = (1, 2, 3, 4, 5)
    source: XidPort  # type: ignore[assignment]

    @property
    def firmware(self) -> str:
        return self.source.firmware

    async def describe(self) -> dict[str, object]:
        return await super().describe() | {"firmware": self.source.firmware, "port": self.source.port_path}

    async def query_status(self) -> None:
        self.source.port.check_alive()

    async def _present_and_wait(self, key: int) -> Reply:
        port = self.source.port
        early = [e for e in self.source.reader.feed(await _read_now(port)) if isinstance(e, xid.KeyEvent)]
        if any(e.pressed for e in early):
            return (next(e.key for e in early if e.pressed), 0.0)
        await port.write(xid.RESET_TIMER)  # onset: the pad's timer starts from 0 now
        self._onset(key)
        deadline = time.monotonic() + NO_RESPONSE_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                data = await port.read(timeout_s=left)
            except DeviceTimeout:
                break
            for item in self.source.reader.feed(data):
                if isinstance(item, CodecError):
                    continue
                if item.pressed:
                    return (item.key, float(item.time_ms))
        return None


async def _read_now(port: SerialPort) -> bytes:
    with contextlib.suppress(DeviceTimeout):
        return await port.read(timeout_s=0.001)
    return b""


