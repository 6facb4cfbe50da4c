"""Simulated sit-and-reach meter: the resident pushes the slider forward and lets go (sit-and-reach codec).

Each StartStream begins one reach: the slider rests at ``start_cm`` for 1 s, is pushed smoothly to
``reach_cm`` in 2.5 s (with a small overshoot-and-settle of the hands), and stays there: the slider
keeps the furthest point, as on the real box. Positions stream at 20 Hz. Faults: the common ones
(``drift`` = the encoder scale × ``drift_gain``) and ``not_at_start`` (the next start is refused with
error 2, the slider was left forward).
"""

from __future__ import annotations

import math
from typing import ClassVar

from drivers.codecs import sit_and_reach as sr
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator


def slider_cm(t_s: float, start_cm: float, reach_cm: float) -> float:
    """Where the slider is ``t_s`` after the start: rest, smooth push, stays at the furthest point."""
    if t_s < 1.0:
        return start_cm
    u = min(1.0, (t_s - 1.0) / 2.5)
    return start_cm + (reach_cm - start_cm) * (1 - math.cos(math.pi * u)) / 2


class SitAndReachSimulator(InstrumentSimulator):
    CODEC = sr.CODEC
    TICK_S = 0.05
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"not_at_start"})
    DEFAULT_DRIFT_GAIN = 1.04

    def __init__(self, *, reach_cm: float = 6.3, start_cm: float = -20.0, **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.reach_cm, self.start_cm = reach_cm, start_cm
        self.streaming = False
        self._t = 0.0
        self._seq = 0
        self._not_at_start_next = False

    def inject_extra(self, fault: str) -> None:
        self._not_at_start_next = True

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, sr.StartStream):
            if self._not_at_start_next:
                self._not_at_start_next = False
                return [sr.DeviceError(sr.SitAndReachErrorCode.NOT_AT_START)]
            self.streaming, self._t = True, 0.0
        elif isinstance(message, sr.StopStream):
            self.streaming = False
        return []

    def stream(self) -> list[InstrumentMessage]:
        if not self.streaming:
            return []
        cm = slider_cm(self._t, self.start_cm, self.reach_cm) * self.gain
        self._t += self.TICK_S
        self._seq = (self._seq + 1) & 0xFFFF
        return [sr.Position(self._seq, max(-400, min(600, round(cm * 10))))]
