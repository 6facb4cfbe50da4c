"""What a device test's live view draws: the curve so far, the value now, its peak and its time.

Pure: it is fed the drivers' ``Progress`` events and read by the view-model, which tells QML at most
fifteen times a second (``dirty``) however fast the device reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from drivers.base import Progress

SERIES_MAX = 1500  # points kept for a live curve
TIMED = ("cuff_pressure_mmhg", "force_kg", "volume_ml", "displacement_cm", "pleth")  # drawn against seconds
READOUTS = ("spo2_pct", "pulse_rate_bpm")  # numbers shown beside a curve (the oximeter's), not the curve itself


@dataclass
class LiveTrace:
    value: float = 0.0
    readouts: dict[str, float] = field(default_factory=dict)  # e.g. the oximeter's SpO2 and pulse beside the pleth
    peak: float = 0.0
    seconds: float = 0.0
    rising: bool = False
    series: list[float] = field(default_factory=list)  # flat [x0, y0, x1, y1, …]
    stimulus: int = 0  # the button a lamp-less reaction box wants pressed now (shown on screen); 0 = none
    dirty: bool = True

    def add(self, p: Progress, live: str) -> None:
        """One event; ``live`` is the guidance's live view ("flow" draws flow against volume)."""
        if p.quantity == "stimulus_key":  # a prompt, not a measured value
            self.stimulus = int(float(p.value))  # type: ignore[arg-type]
            self.dirty = True
            return
        if p.quantity in ("reaction_s", "repeats_so_far"):
            self.stimulus = 0
        if isinstance(p.value, tuple):
            x, y = float(p.value[0]), float(p.value[1])
            self.series += [x, y]
            self.value = y if live == "flow" else math.hypot(x, y)
        else:
            value = float(p.value)
            if p.quantity in READOUTS:
                self.readouts[p.quantity] = value
                self.dirty = True
                return
            self.rising = value > self.value
            self.value = value
            if p.quantity in TIMED:
                self.series += [float(p.at_s), value]
            elif p.quantity == "reaction_s":
                self.series += [float(len(self.series) // 2 + 1), value]
        if len(self.series) > 2 * SERIES_MAX:
            self.series = self.series[-2 * SERIES_MAX:]
        if p.quantity != "repeats_so_far":
            self.peak = max(self.peak, self.value)
        self.seconds = float(p.at_s)
        self.dirty = True

    def take_dirty(self) -> bool:
        """True once after any change (the view-model's timer asks)."""
        dirty, self.dirty = self.dirty, False
        return dirty
