"""Simulated bought reaction boxes: a Cedrus XID pad on a pseudo-terminal and a USB HID button box as evdev events.

The simulated person sees the station's stimulus through ``see_stimulus(key)`` (the driver's
``stimulus_listener``; the manager wires it for simulated devices) and presses after a reaction time drawn
from N(``mean_ms``, ``sd_ms``), at least 150 ms, then releases 90 ms later. The XID pad answers ``_c1`` with
``_xid0`` and ``_d2``/``_d3``/``_d4``/``_d5`` as an RB-740 (product '2', model '2', firmware 2.1), restarts its
timer on ``e5`` and stamps the press with the ms since then; the button box stamps its EV_KEY events with
the wall clock as the kernel would (KEY_1..KEY_5). Faults: ``wrong_key`` (the next press is on another
button), ``early`` (a press before the next stimulus), ``no_response`` (the next stimulus is missed);
the XID pad also knows ``garbage`` (stray bytes).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import AsyncIterator

from drivers.base import DeviceDisconnected
from drivers.codecs import button_box_evdev as bb
from drivers.codecs import cedrus_xid as xid
from drivers.transport.evdev_input import EV_KEY, EV_MSC, EV_SYN, SYN_REPORT, InputEvent

FAULTS = frozenset({"wrong_key", "early", "no_response"})


class _Person:
    def __init__(self, mean_ms: float, sd_ms: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.mean_ms, self.sd_ms = mean_ms, sd_ms
        self.armed: set[str] = set()

    def take(self, fault: str) -> bool:
        if fault in self.armed:
            self.armed.discard(fault)
            return True
        return False

    def respond(self, key: int) -> tuple[int, float] | None:
        """(button pressed, reaction ms), or None when the stimulus is missed."""
        if self.take("no_response"):
            return None
        button = (key % 5) + 1 if self.take("wrong_key") else key
        return button, max(150.0, self.rng.gauss(self.mean_ms, self.sd_ms))


class CedrusXidSimulator:
    """A ``ByteSimulator`` for ``PtyHost``: an RB-740 in XID mode."""

    def __init__(self, *, speed: float = 1.0, mean_ms: float = 480.0, sd_ms: float = 50.0, seed: int = 3) -> None:
        self.speed = speed
        self.tick_interval_s = 0.002
        self.person = _Person(mean_ms, sd_ms, seed)
        self._lock = threading.Lock()
        self._buffer = b""
        self._reset_at: float | None = None
        self._key: int | None = None
        self._due: list[tuple[float, bytes]] = []
        self._garbage = False

    def inject(self, fault: str) -> None:
        if fault == "garbage":
            self._garbage = True
        elif fault in FAULTS:
            self.person.armed.add(fault)
        else:
            raise ValueError(f"XID pad knows faults {sorted(FAULTS | {'garbage'})}, not {fault!r}")

    def see_stimulus(self, key: int) -> None:
        with self._lock:
            self._key = key

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        self._buffer += data
        out = b""
        answers = {b"_c1": b"_xid0", b"_d2": b"2", b"_d3": b"2", b"_d4": b"2", b"_d5": b"1"}
        while self._buffer:
            for command in (*answers, b"_e5", b"c10", b"e5"):
                if self._buffer.startswith(command):
                    self._buffer = self._buffer[len(command):]
                    if command in answers:
                        out += answers[command]
                    elif command == b"e5":
                        with self._lock:
                            self._reset_at = now_s
                    elif command == b"_e5":
                        elapsed = 0 if self._reset_at is None else round((now_s - self._reset_at) * 1000 * self.speed)
                        out += b"_e5" + elapsed.to_bytes(4, "little")
                    break
            else:
                if len(self._buffer) >= 3:
                    self._buffer = self._buffer[1:]  # not a command this pad knows
                else:
                    break
        return out

    def on_tick(self, now_s: float) -> bytes:
        out = b""
        if self._garbage:
            self._garbage, out = False, b"\x00\xff\x13"
        with self._lock:
            if self.person.take("early"):
                out += xid.encode_key_packet(xid.KeyEvent(1, 0, True, 0))
            if self._key is not None and self._reset_at is not None:
                response = self.person.respond(self._key)
                if response is not None:
                    button, rt_ms = response
                    at = self._reset_at + rt_ms / 1000 / self.speed
                    self._due.append((at, xid.encode_key_packet(xid.KeyEvent(button, 0, True, round(rt_ms)))))
                    self._due.append((at + 0.09 / self.speed,
                                      xid.encode_key_packet(xid.KeyEvent(button, 0, False, round(rt_ms) + 90))))
                self._key = self._reset_at = None
        while self._due and self._due[0][0] <= now_s:
            out += self._due.pop(0)[1]
        return out


class ButtonBoxSimulator:
    """A USB HID button box as the kernel presents it; ``source()`` is what the driver reads."""

    name = "Simulated USB response box"

    def __init__(self, *, speed: float = 1.0, mean_ms: float = 480.0, sd_ms: float = 50.0, seed: int = 3) -> None:
        self.speed = speed
        self.person = _Person(mean_ms, sd_ms, seed)
        self.away = False
        self._queue: asyncio.Queue[InputEvent] = asyncio.Queue()

    def inject(self, fault: str) -> None:
        if fault == "away":
            self.away = True
        elif fault in FAULTS:
            self.person.armed.add(fault)
        else:
            raise ValueError(f"button box knows faults {sorted(FAULTS | {'away'})}, not {fault!r}")

    def _press(self, button: int, at_wall: float) -> None:
        code = next(c for c, b in bb.DEFAULT_KEY_MAP.items() if b == button)
        for t, value in ((at_wall, 1), (at_wall + 0.09, 0)):
            for event in (InputEvent.at(t, EV_MSC, 4, 0x7001D + button), InputEvent.at(t, EV_KEY, code, value),
                          InputEvent.at(t, EV_SYN, SYN_REPORT, 0)):
                self._queue.put_nowait(event)

    def see_stimulus(self, key: int) -> None:
        onset = time.time()
        if self.person.take("early"):
            self._press(key, onset - 0.2)
        response = self.person.respond(key)
        if response is None:
            return
        button, rt_ms = response
        loop = asyncio.get_running_loop()
        loop.call_later(rt_ms / 1000 / self.speed, self._press, button, onset + rt_ms / 1000)

    def source(self) -> ButtonBoxSource:
        return ButtonBoxSource(self)


class ButtonBoxSource:
    def __init__(self, box: ButtonBoxSimulator) -> None:
        self.box = box
        self.name = box.name
        self.opened = False

    async def open(self) -> None:
        if self.box.away:
            raise DeviceDisconnected(f"{self.name}: not attached (simulated unplug)")
        self.opened = True

    async def close(self) -> None:
        self.opened = False

    async def events(self) -> AsyncIterator[InputEvent]:
        while self.opened:
            yield await self.box._queue.get()
        raise DeviceDisconnected(f"{self.name}: closed")

    def inject(self, fault: str) -> None:
        self.box.inject(fault)
