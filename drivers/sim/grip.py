"""Simulated grip dynamometer: a load cell squeezed to a peak and released, speaking ``drivers.codecs.grip``.

Each StartStream begins one squeeze: 0.5 s at rest, a rise to ``peak_kg`` in 0.6 s, a slowly fading hold
of 1.5 s, a release in 0.4 s, then rest. Noise ±0.05 kg; the load cell has a zero offset of
``zero_offset_kg`` until the host sends Tare. ``drift`` makes the cell read ``drift_gain`` × the force.
Extra fault ``overload`` sends the overload error instead of the next squeeze.
"""

from __future__ import annotations

import math
from typing import ClassVar

from drivers.codecs import grip as g
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator


def squeeze_force_kg(t_s: float, peak_kg: float) -> float:
    """The true force of one squeeze at ``t_s`` seconds after the stream started."""
    rest, rise, hold, release = 0.5, 0.6, 1.5, 0.4
    if t_s < rest:
        return 0.0
    t = t_s - rest
    if t < rise:
        return peak_kg * math.sin(math.pi / 2 * t / rise) ** 2
    t -= rise
    if t < hold:
        return peak_kg * (1 - 0.08 * t / hold)  # fatigue: the hold fades by 8 %
    t -= hold
    if t < release:
        return peak_kg * 0.92 * (1 - t / release)
    return 0.0


class GripSimulator(InstrumentSimulator):
    CODEC = g.CODEC
    TICK_S = 0.01
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"overload"})

    def __init__(self, *, peak_kg: float = 32.0, zero_offset_kg: float = 0.4, serial: int = 0x4752_0001,
                 **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.peak_kg = peak_kg
        self.zero_offset_kg = zero_offset_kg
        self.serial = serial
        self.tare_kg = 0.0
        self.streaming = False
        self.hanging_mass_kg: float | None = None  # calibration: a known mass on the handle instead of a squeeze
        self._t = 0.0
        self._seq = 0
        self._overload_next = False

    def inject_extra(self, fault: str) -> None:
        self._overload_next = True

    def true_force_kg(self) -> float:
        if self.hanging_mass_kg is not None:
            return self.hanging_mass_kg
        if not self.streaming:
            return 0.0  # between trials the hand is off the handle
        return squeeze_force_kg(self._t, self.peak_kg)

    def cell_reading_kg(self) -> float:
        return self.gain * self.true_force_kg() + self.zero_offset_kg + self.rng.gauss(0, 0.02)

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, g.StartStream):
            self.streaming, self._t = True, 0.0
            if self._overload_next:
                self._overload_next, self.streaming = False, False
                return [g.DeviceError(g.GripErrorCode.OVERLOAD)]
            return []
        if isinstance(message, g.StopStream):
            self.streaming = False
            return []
        if isinstance(message, g.Tare):
            reading = self.cell_reading_kg()
            if abs(reading - self.zero_offset_kg) > 2.0:
                return [g.Ack(g.Tare.TYPE, refused=True)]
            self.tare_kg = reading
            return [g.Ack(g.Tare.TYPE)]
        if isinstance(message, g.QueryInfo):
            return [g.Info(self.serial, (1, 4), 100, 90)]
        return []

    def stream(self) -> list[InstrumentMessage]:
        if not self.streaming:
            return []
        force = self.cell_reading_kg() - self.tare_kg
        self._t += self.TICK_S
        self._seq = (self._seq + 1) & 0xFFFF
        return [g.ForceSample(self._seq, round(force * 100), overload=force > 90, tared=self.tare_kg != 0.0)]
