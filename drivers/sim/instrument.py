"""Shared machinery of the serial instrument simulators: command handling, streaming ticks, fault injection.

A subclass sets ``CODEC`` and ``TICK_S`` (device time per tick) and implements ``handle(message)``
(answers to a host command) and ``stream()`` (messages due on this tick). Device time advances by
``TICK_S`` per tick whatever the wall clock does, so signals are deterministic; ``speed`` shortens
the wall-clock tick (tests run a 6-s blow in 1.5 s at speed 4).

Faults (``inject``): ``garbage`` (a burst of random bytes before the next output), ``bad_checksum``
(the next frame's CRC is flipped), ``stall`` (silence, also to commands, until ``resume``), ``drift``
(the sensor's gain becomes ``drift_gain``), ``resume`` (clear stall and drift). Subclasses may add
device-specific faults in ``EXTRA_FAULTS`` and handle them in ``inject_extra``; ``disconnect`` is done
by the PtyHost.
"""

from __future__ import annotations

import random
import time
from collections import deque
from typing import ClassVar

from drivers.base import CodecError
from drivers.codecs.instrument_frame import InstrumentCodec, InstrumentMessage
from drivers.sim.faults import Fault

COMMANDS_KEPT = 1_000  # the newest host commands a simulator remembers (tests look at the last few)


class InstrumentSimulator:
    """Base of the ByteSimulators for ``drivers.sim.pty.PtyHost``; see the module docstring."""

    CODEC: ClassVar[InstrumentCodec]
    TICK_S: ClassVar[float] = 0.01
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset()
    DEFAULT_DRIFT_GAIN: ClassVar[float] = 1.06

    def __init__(self, *, speed: float = 1.0, seed: int = 7, drift_gain: float | None = None) -> None:
        self.speed = speed
        self.tick_interval_s = self.TICK_S / speed
        self.rng = random.Random(seed)
        self.drift_gain = drift_gain if drift_gain is not None else self.DEFAULT_DRIFT_GAIN
        self.gain = 1.0  # the sensor's true gain error: 1.0 healthy, drift_gain after a drift fault
        self.stalled = False
        self._garbage_next = False
        self._bad_checksum_next = False
        self._stream = self.CODEC.stream()
        self.commands_seen: list[InstrumentMessage] = []  # the newest COMMANDS_KEPT only: a demo runs all day
        self.sent_at: deque[float] = deque(maxlen=100_000)  # perf_counter as each streamed frame left (bench)

    @property
    def FAULTS(self) -> frozenset[str]:  # the name PtyHost looks for
        return frozenset(f.value for f in Fault) | self.EXTRA_FAULTS

    def inject(self, fault: str) -> None:
        if fault == Fault.GARBAGE:
            self._garbage_next = True
        elif fault == Fault.BAD_CHECKSUM:
            self._bad_checksum_next = True
        elif fault == Fault.STALL:
            self.stalled = True
        elif fault == Fault.DRIFT:
            self.gain = self.drift_gain
        elif fault == Fault.RESUME:
            self.stalled = False
            self.gain = 1.0
        elif fault in self.EXTRA_FAULTS:
            self.inject_extra(fault)
        else:
            raise ValueError(f"{type(self).__name__} knows faults {sorted(self.FAULTS)}, not {fault!r}")

    def inject_extra(self, fault: str) -> None:
        raise ValueError(fault)

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        if self.stalled:
            return b""
        replies: list[InstrumentMessage] = []
        for item in self._stream.feed(data):
            if isinstance(item, CodecError):
                continue  # a real board drops frames it cannot read; the host times out and retries
            self.commands_seen.append(item)
            if len(self.commands_seen) > COMMANDS_KEPT:
                del self.commands_seen[:-COMMANDS_KEPT]
            replies += self.handle(item)
        return self._encode(replies, record=False)

    def on_tick(self, now_s: float) -> bytes:
        if self.stalled:
            return b""
        return self._encode(self.stream(), record=True)

    def _encode(self, messages: list[InstrumentMessage], *, record: bool) -> bytes:
        if not messages:
            return b""
        out = bytearray()
        if self._garbage_next:
            self._garbage_next = False
            out += bytes(self.rng.randrange(256) for _ in range(self.rng.randint(5, 40)))
        for message in messages:
            out += self.CODEC.encode(message, corrupt_crc=self._bad_checksum_next)
            self._bad_checksum_next = False
        if record:
            now = time.perf_counter()
            self.sent_at.extend([now] * len(messages))
        return bytes(out)

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        raise NotImplementedError

    def stream(self) -> list[InstrumentMessage]:
        raise NotImplementedError
