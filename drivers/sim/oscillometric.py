"""A simulated oscillometric cuff and the firmware algorithm a BP module runs on it (shared by the BP simulators).

The cuff inflates to about 30 mmHg above systolic, then deflates at ~3.5 mmHg/s. Each heartbeat adds
a small pressure oscillation whose amplitude follows an envelope that peaks at the mean arterial
pressure (MAP) and falls to 55 % of its peak at systolic and 75 % at diastolic (the fixed-ratio
characteristic ratios used by common oscillometric monitors). The "firmware" records the amplitude
of every beat against the cuff pressure and recovers MAP (envelope maximum), systolic and diastolic
(where the envelope crosses the ratios, interpolated) and the pulse from the beat intervals, so the
simulated result carries the same kind of error a real module's does (a few mmHg).

Faults change the physics, not the answer: a loose cuff never builds pressure, a leak loses it, a
moving arm adds artefact beats, a weak pulse gives a flat envelope, an over-pressure overshoots 300.
The module then reports the corresponding error instead of a result.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

SYSTOLIC_RATIO = 0.55
DIASTOLIC_RATIO = 0.75
SAFETY_LIMIT_MMHG = 300.0


@dataclass(frozen=True)
class BloodPressureTruth:
    """The resident's "real" pressures that the simulated cuff measures."""

    systolic_mmhg: float = 128.0
    diastolic_mmhg: float = 82.0
    pulse_bpm: float = 72.0

    @property
    def mean_mmhg(self) -> float:
        return self.diastolic_mmhg + (self.systolic_mmhg - self.diastolic_mmhg) / 3


@dataclass(frozen=True)
class CuffEstimate:
    systolic_mmhg: int
    diastolic_mmhg: int
    mean_mmhg: int
    pulse_bpm: int
    irregular_heartbeat: bool = False


@dataclass(frozen=True)
class CuffSample:
    at_s: float
    cuff_pressure_mmhg: float
    phase: str  # "inflating" | "deflating" | "dumping" | "done"
    beat: bool  # an oscillation peak happened since the previous sample


class CuffCycle:
    """One measurement, advanced in simulated seconds; ends with ``estimate`` or ``error`` (a module error name)."""

    STEP_S = 0.02

    def __init__(self, truth: BloodPressureTruth, *, rng: random.Random | None = None, inflate_mmhg_s: float = 25.0,
                 deflate_mmhg_s: float = 3.5, peak_amplitude_mmhg: float = 2.5, fault: str | None = None) -> None:
        self.truth = truth
        self.rng = rng or random.Random(1)
        self.fault = fault  # cuff_loose, air_leak, motion, weak_signal, over_pressure, irregular
        self.inflate_rate = inflate_mmhg_s * (0.08 if fault == "cuff_loose" else 1.0)
        self.deflate_rate = deflate_mmhg_s
        self.peak_amplitude = peak_amplitude_mmhg * (0.1 if fault == "weak_signal" else 1.0)
        self.target = min(truth.systolic_mmhg + 30, 280.0) if fault != "over_pressure" else SAFETY_LIMIT_MMHG + 15
        self.t = 0.0
        self.base_pressure = 0.0
        self.phase = "inflating"
        self.beats: list[tuple[float, float, float]] = []  # (time, cuff pressure, amplitude)
        self.next_beat_at = self._beat_interval()
        self.error: str | None = None
        self.estimate: CuffEstimate | None = None
        self._beat_flag = False
        mean = truth.mean_mmhg
        self._width_above = (truth.systolic_mmhg - mean) / math.sqrt(-math.log(SYSTOLIC_RATIO))
        self._width_below = (mean - truth.diastolic_mmhg) / math.sqrt(-math.log(DIASTOLIC_RATIO))

    @property
    def finished(self) -> bool:
        return self.phase == "done"

    def _beat_interval(self) -> float:
        base = 60.0 / self.truth.pulse_bpm
        spread = 0.25 if self.fault == "irregular" else 0.02
        return base * (1 + self.rng.uniform(-spread, spread))

    def envelope(self, cuff_mmhg: float) -> float:
        """Oscillation amplitude (mmHg) at a cuff pressure: peak at MAP, 0.55 at systolic, 0.75 at diastolic."""
        mean = self.truth.mean_mmhg
        width = self._width_above if cuff_mmhg >= mean else self._width_below
        return self.peak_amplitude * math.exp(-(((cuff_mmhg - mean) / width) ** 2))

    def _oscillation(self) -> float:
        """The pulse wave riding on the cuff pressure now (a raised-cosine bump after each beat)."""
        if not self.beats or self.phase != "deflating":
            return 0.0
        beat_t, _, amplitude = self.beats[-1]
        dt = self.t - beat_t
        return amplitude * 0.5 * (1 + math.cos(math.pi * dt / 0.15)) if dt < 0.15 else 0.0

    def advance(self, seconds: float) -> CuffSample:
        """Move the cuff on by ``seconds`` of simulated time; returns the sample at the end."""
        end = self.t + max(0.0, seconds)
        while self.t < end and self.phase != "done":
            self._step(min(self.STEP_S, end - self.t))
        beat, self._beat_flag = self._beat_flag, False
        pressure = max(0.0, self.base_pressure + self._oscillation())
        return CuffSample(self.t, pressure, self.phase, beat)

    def _step(self, dt: float) -> None:
        self.t += dt
        if self.phase == "inflating":
            self.base_pressure += self.inflate_rate * dt
            if self.base_pressure > SAFETY_LIMIT_MMHG:
                self._fail("over_pressure")
            elif self.fault == "cuff_loose" and self.t > 6.0:
                self._fail("cuff_loose")
            elif self.base_pressure >= self.target:
                self.phase = "deflating"
                self.next_beat_at = self.t + self._beat_interval()
        elif self.phase == "deflating":
            leak = 12.0 if self.fault == "air_leak" else 0.0
            self.base_pressure -= (self.deflate_rate + leak) * dt
            if self.t >= self.next_beat_at:
                amplitude = self.envelope(self.base_pressure) * (1 + self.rng.gauss(0, 0.03))
                if self.fault == "motion" and self.rng.random() < 0.3:
                    amplitude += self.rng.uniform(4, 10)  # the arm moved: an artefact far above the envelope
                self.beats.append((self.t, self.base_pressure, amplitude))
                self._beat_flag = True
                self.next_beat_at = self.t + self._beat_interval()
            if self.fault == "air_leak" and self.t > 8.0 and len(self.beats) < 12:
                self._fail("air_leak")
            elif self.base_pressure <= self.truth.diastolic_mmhg - 20 or self.base_pressure <= 25:
                self._finish()
        elif self.phase == "dumping":
            self.base_pressure -= 60.0 * dt
            if self.base_pressure <= 2.0:
                self.base_pressure = 0.0
                self.phase = "done"

    def _fail(self, error: str) -> None:
        self.error = error
        self.phase = "dumping"

    def _finish(self) -> None:
        self.phase = "dumping"
        try:
            self.estimate = estimate_from_beats(self.beats)
        except ValueError as e:
            self.error = str(e)


def _is_artefact(amplitudes: list[float], i: int) -> bool:
    neighbours = [amplitudes[j] for j in (i - 1, i + 1) if 0 <= j < len(amplitudes)]
    return bool(neighbours) and amplitudes[i] > 1.8 * max(neighbours) + 0.3


def estimate_from_beats(beats: list[tuple[float, float, float]]) -> CuffEstimate:
    """The module firmware: (time, cuff pressure, amplitude) per beat → systolic/diastolic/MAP/pulse.

    Raises ValueError with a module error name: ``weak_signal``, ``motion`` or ``out_of_range``.
    """
    if len(beats) < 6:
        raise ValueError("weak_signal")
    amplitudes = [a for _, _, a in beats]
    if sum(_is_artefact(amplitudes, i) for i in range(len(amplitudes))) >= 2:
        raise ValueError("motion")
    smooth = [sum(amplitudes[max(0, i - 1):i + 2]) / len(amplitudes[max(0, i - 1):i + 2])
              for i in range(len(amplitudes))]
    peak_i = max(range(len(smooth)), key=smooth.__getitem__)
    peak = smooth[peak_i]
    if peak < 0.8:
        raise ValueError("weak_signal")
    pressures = [p for _, p, _ in beats]

    def crossing(level: float, indices: range) -> float | None:
        previous = peak_i
        for i in indices:
            if smooth[i] < level:  # crossed between i and previous: interpolate the pressure
                frac = (smooth[previous] - level) / (smooth[previous] - smooth[i])
                return pressures[previous] + frac * (pressures[i] - pressures[previous])
            previous = i
        return None

    systolic = crossing(SYSTOLIC_RATIO * peak, range(peak_i - 1, -1, -1))  # earlier beats, higher pressure
    diastolic = crossing(DIASTOLIC_RATIO * peak, range(peak_i + 1, len(smooth)))
    if systolic is None or diastolic is None:
        raise ValueError("out_of_range")
    intervals = [b[0] - a[0] for a, b in itertools.pairwise(beats)]
    mean_interval = sum(intervals) / len(intervals)
    spread = max(intervals) - min(intervals)
    return CuffEstimate(round(systolic), round(diastolic), round(pressures[peak_i]), round(60.0 / mean_interval),
                        irregular_heartbeat=spread > 0.25 * mean_interval)
