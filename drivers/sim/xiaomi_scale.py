"""Simulated Xiaomi Mi Body Composition Scale: the real 0x181B advertisement bytes through a fake advertisement source.

A real weigh-in (as the public parsers describe the frames): while the person settles, the scale
advertises unstable weights rising towards the true weight; then a weight-stabilised frame; a few
seconds later (bare feet on the electrodes) the same weight with the impedance; when the person steps
off, a "weight removed" frame. Between weigh-ins it keeps advertising its last frame for a while, so a
listener that starts late hears an old, stabilised weighing first.

Scanning starts the simulated resident: ``step_on_s`` of real time later (never compressed by
``speed``) the rising frames begin. Every scan first hears the scale's last frame again at once (an
earlier resident's settled weighing at the start; BlueZ's cache and the scale's repeats do this).
Faults: ``step_off_early`` (the person steps off before the weight settles), ``no_impedance`` (shoes on: the
weight settles but no impedance follows), ``nobody`` (nobody steps on). Link faults are the source's.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from drivers.ble.advertisement import BroadcastLink
from drivers.codecs.xiaomi_mibcs import encode_advert

RISE_STEPS = 5  # unstable frames while the weight settles
FRAME_GAP_S = 0.5  # the scale advertises about twice a second
IMPEDANCE_S = 3.0  # from weight stabilised to impedance stabilised


class XiaomiScaleSimulator:
    name = "xiaomi-mibcs"
    faults = frozenset({"step_off_early", "no_impedance", "nobody"})

    def __init__(self, weight_kg: float = 71.3, impedance_ohm: int = 498, *, speed: float = 1.0, seed: int = 5,
                 step_on_s: float = 1.0) -> None:
        self.weight_kg = weight_kg
        self.impedance_ohm = impedance_ohm
        self.speed = speed
        self.step_on_s = step_on_s
        self.rng = random.Random(seed)
        self.link: BroadcastLink | None = None
        self.last_frame: bytes | None = encode_advert(82.6, impedance_ohm=455, stabilized=True,
                                                      when=datetime(2026, 12, 1, 8, 2, 11))  # an earlier resident
        self.sent: list[bytes] = []
        self._armed: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    # -- SimulatedBroadcaster

    def attach(self, link: BroadcastLink) -> None:
        self.link = link

    def detach(self) -> None:
        self._cancel()
        self.link = None

    def inject(self, fault: str) -> None:
        if fault not in self.faults:
            raise ValueError(f"{self.name} knows faults {sorted(self.faults)}, not {fault!r}")
        self._armed.add(fault)

    def on_scan(self, scanning: bool) -> None:
        if not scanning:
            self._cancel()
            return
        if self._task is None or self._task.done():
            self._spawn(self._weigh_in())

    # -- behaviour

    def _armed_once(self, fault: str) -> bool:
        if fault in self._armed:
            self._armed.discard(fault)
            return True
        return False

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self._task = asyncio.get_running_loop().create_task(coro)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _send(self, data: bytes) -> None:
        self.last_frame = data
        self.sent.append(data)
        if self.link is not None:
            self.link.advertise(data)

    async def _pause(self, simulated_s: float) -> None:
        await asyncio.sleep(simulated_s / self.speed)

    async def _weigh_in(self) -> None:
        if self.last_frame is not None:
            self._send(self.last_frame)  # the previous weighing, heard again
        early, shoes, nobody = (self._armed_once(f) for f in ("step_off_early", "no_impedance", "nobody"))
        await asyncio.sleep(self.step_on_s)
        if nobody:
            return
        now = datetime.now().replace(microsecond=0)
        weight = round(self.weight_kg + self.rng.uniform(-0.05, 0.05), 2)
        for i in range(1, RISE_STEPS + 1):  # rising, unstable
            self._send(encode_advert(round(weight * i / (RISE_STEPS + 1), 2), impedance_ohm=None, stabilized=False,
                                     when=now))
            await self._pause(FRAME_GAP_S)
        if early:
            self._send(encode_advert(0.0, impedance_ohm=None, stabilized=False, removed=True, when=now))
            return
        self._send(encode_advert(weight, impedance_ohm=None, stabilized=True, when=now))
        await self._pause(IMPEDANCE_S)
        if not shoes:
            self._send(encode_advert(weight, impedance_ohm=self.impedance_ohm, stabilized=True, when=now))
            await self._pause(FRAME_GAP_S)
            self._send(self.sent[-1])  # the scale repeats its last frame
        await self._pause(2.0)
        self._send(encode_advert(0.0, impedance_ohm=None, stabilized=False, removed=True, when=now))  # stepped off
