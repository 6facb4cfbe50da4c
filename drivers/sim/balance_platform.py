"""Simulated four-load-cell balance platform: a resident doing the eyes-closed single-leg stand (balance codec).

Each StartStream begins one test: ``both_feet_s`` on both feet (CoP near the middle), then one foot
lifts (the CoP moves ``foot_offset_mm`` sideways under the standing foot), the resident sways — an
AR(1) random walk plus a 0.3-Hz oscillation, larger with eyes closed and growing with time — and
after ``stand_s`` the raised foot touches down (the CoP returns to the middle). The corner forces are
the bilinear split of body weight that puts the CoP exactly where the model says; each cell then has
its own zero offset and gain error (what the platform calibration corrects).

``placed_mass`` = (kg, x_mm, y_mm) replaces the resident by a calibration mass; ``(0, 0, 0)`` empty.
Faults: the common ones (``drift`` = cell 1 reads ``drift_gain`` × its load) and ``step_off`` (the next
stand ends by stepping off the platform instead of a touch-down).
"""

from __future__ import annotations

import math
from typing import ClassVar

from drivers.balance import PlatformGeometry
from drivers.codecs import balance_platform as bp
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator

DEFAULT_GEOMETRY = PlatformGeometry(400, 400)


def corner_forces_kg(total_kg: float, x_mm: float, y_mm: float,
                     geometry: PlatformGeometry) -> tuple[float, float, float, float]:
    """Split ``total_kg`` over the corners so the centre of pressure is (x, y)."""
    a, b = geometry.width_mm / 2, geometry.length_mm / 2
    forces = [total_kg / 4 * (1 + sx * x_mm / a) * (1 + sy * y_mm / b)
              for sx, sy in ((-1, 1), (1, 1), (-1, -1), (1, -1))]
    return (forces[0], forces[1], forces[2], forces[3])


class BalancePlatformSimulator(InstrumentSimulator):
    CODEC = bp.CODEC
    TICK_S = 0.01
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"step_off"})
    DEFAULT_DRIFT_GAIN = 1.05

    def __init__(self, *, body_kg: float = 64.0, both_feet_s: float = 2.0, stand_s: float = 8.0,
                 standing_foot: str = "right", eyes_closed: bool = True, foot_offset_mm: float = 80.0,
                 geometry: PlatformGeometry = DEFAULT_GEOMETRY,
                 cell_zero_kg: tuple[float, ...] = (0.30, 0.20, 0.40, 0.10),
                 cell_gain: tuple[float, ...] = (1.00, 1.01, 0.99, 1.00), **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.body_kg, self.both_feet_s, self.stand_s = body_kg, both_feet_s, stand_s
        self.standing_foot, self.eyes_closed, self.foot_offset_mm = standing_foot, eyes_closed, foot_offset_mm
        self.geometry = geometry
        self.cell_zero_kg, self.cell_gain = cell_zero_kg, cell_gain
        self.placed_mass: tuple[float, float, float] | None = None
        self.streaming = False
        self._t = 0.0
        self._seq = 0
        self._walk = [0.0, 0.0]
        self._step_off_next = False
        self._step_off = False

    def inject_extra(self, fault: str) -> None:
        self._step_off_next = True

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, bp.StartStream):
            self.streaming, self._t, self._walk = True, 0.0, [0.0, 0.0]
            self._step_off, self._step_off_next = self._step_off_next, False
        elif isinstance(message, bp.StopStream):
            self.streaming = False
        elif isinstance(message, bp.QueryInfo):
            return [bp.Info(0x424C_0001, 100, round(self.geometry.width_mm), round(self.geometry.length_mm))]
        return []

    def _sway_mm(self, scale: float) -> tuple[float, float]:
        for i in range(2):
            self._walk[i] = 0.995 * self._walk[i] + self.rng.gauss(0, 0.15 * scale)
        osc = 2.0 * scale * math.sin(2 * math.pi * 0.3 * self._t)
        x = max(-28.0, min(28.0, self._walk[0] + osc))
        y = max(-28.0, min(28.0, 1.5 * self._walk[1]))
        return x, y

    def true_load(self) -> tuple[float, float, float]:
        """(total kg, CoP x, CoP y) at the current device time."""
        if self.placed_mass is not None:
            return self.placed_mass
        t, side = self._t, (1 if self.standing_foot == "right" else -1)
        lifted_at, down_at = self.both_feet_s, self.both_feet_s + self.stand_s
        if t < lifted_at or t >= down_at:
            if self._step_off and t >= down_at:
                return 0.0, 0.0, 0.0
            x, y = self._sway_mm(0.5)
            return self.body_kg, x, y - 10.0
        grows = 1.0 + (t - lifted_at) / 10.0
        x, y = self._sway_mm((2.0 if self.eyes_closed else 1.0) * grows)
        return self.body_kg, side * self.foot_offset_mm + x, y - 10.0

    def stream(self) -> list[InstrumentMessage]:
        if not self.streaming:
            return []
        total, x, y = self.true_load()
        forces = corner_forces_kg(total, x, y, self.geometry)
        gains = list(self.cell_gain)
        gains[1] *= self.gain
        grams = [round(1000 * (g * f + z + self.rng.gauss(0, 0.01)))
                 for g, f, z in zip(gains, forces, self.cell_zero_kg, strict=True)]
        self._t += self.TICK_S
        self._seq = (self._seq + 1) & 0xFFFF
        return [bp.CornerForces(self._seq, (grams[0], grams[1], grams[2], grams[3]))]
