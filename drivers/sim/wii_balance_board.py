"""Simulated Wii Balance Board: the evdev event stream hid-wiimote would produce for a resident's single-leg stand.

The person is the serial platform simulator's model (``drivers.sim.balance_platform``: both feet, lift, sway,
touch-down; on the board's 433 × 238 mm geometry, without its cell errors, since the kernel has already
applied the board's factory calibration). Each ``events()`` pass is one stand, as reports at about 100 Hz
with a little jitter, each written the way the kernel writes them (only changed axes, then SYN_REPORT;
``drivers.codecs.wii_balance_board.frame_events``), stamped from the wall clock at its start so that the
driver's "skip stale events" rule sees what it would see on a real board.

Faults: ``step_off`` (the stand ends by stepping off), ``dropped`` (a SYN_DROPPED in the middle of the stand,
as when the kernel's buffer overflows), ``unplug`` (the stream ends mid-stand: the board switched off),
``away`` (the next open fails).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

from drivers.codecs import balance_platform as bp
from drivers.codecs import wii_balance_board as wbb
from drivers.sim.balance_platform import BalancePlatformSimulator
from drivers.transport.evdev_input import EV_SYN, SYN_DROPPED, InputEvent, ReplayEventSource

REPORT_S = 0.01


class WiiBalanceBoardSimulator:
    name = wbb.DEVICE_NAME
    faults = frozenset({"step_off", "dropped", "unplug", "away"})

    def __init__(self, *, speed: float = 1.0, seed: int = 11, body_kg: float = 64.0, both_feet_s: float = 2.0,
                 stand_s: float = 8.0, standing_foot: str = "right") -> None:
        self.speed = speed
        self.rng = random.Random(seed)
        self.person = BalancePlatformSimulator(body_kg=body_kg, both_feet_s=both_feet_s, stand_s=stand_s,
                                               standing_foot=standing_foot, geometry=wbb.GEOMETRY,
                                               cell_zero_kg=(0.0, 0.0, 0.0, 0.0), cell_gain=(1.0, 1.0, 1.0, 1.0),
                                               seed=seed)
        self.away = False
        self.placed_mass: tuple[float, float, float] | None = None  # (kg, x, y): a calibration mass instead
        self._armed: set[str] = set()

    def inject(self, fault: str) -> None:
        if fault not in self.faults:
            raise ValueError(f"{self.name} knows faults {sorted(self.faults)}, not {fault!r}")
        if fault == "away":
            self.away = True
        elif fault == "step_off":
            self.person.inject("step_off")
        else:
            self._armed.add(fault)

    def source(self) -> ReplayEventSource:
        """The event source a driver reads (the manager's ``link`` for a simulated board)."""
        return ReplayEventSource(self.events, name=self.name, speed=self.speed, simulator=self)

    def events(self) -> Iterator[InputEvent]:
        dropped, unplug = "dropped" in self._armed, "unplug" in self._armed
        self._armed.clear()
        self.person.placed_mass = self.placed_mass
        self.person.handle(bp.StartStream(100))
        total_s = self.person.both_feet_s + self.person.stand_s + 3.0
        base, t, previous = time.time(), 0.0, None
        while t < total_s or self.placed_mass is not None:
            (frame,) = self.person.stream()
            assert isinstance(frame, bp.CornerForces)
            kg = frame.kg
            stamp = base + t
            if dropped and t > self.person.both_feet_s + self.person.stand_s / 2:
                dropped = False
                yield InputEvent.at(stamp, EV_SYN, SYN_DROPPED, 0)
                previous = None
                continue
            if unplug and t > self.person.both_feet_s + self.person.stand_s / 2:
                return
            yield from wbb.frame_events(stamp, kg, previous)
            previous = kg
            t += REPORT_S + self.rng.uniform(-0.002, 0.002)
