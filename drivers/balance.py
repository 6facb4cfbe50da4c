"""Balance-platform computations: centre of pressure, sway metrics, and the single-leg-stand timer.

Pure functions and one pure state machine; no I/O. Coordinates in mm, x to the resident's right,
y forwards; corners as in ``drivers.codecs.balance_platform`` (left-front, right-front, left-rear,
right-rear).

Sway metrics over a CoP path sampled at ``rate_hz``:
- path length = Σ distance between consecutive CoP points (mm);
- mean velocity = path length / duration (mm/s), duration = (n − 1) / rate_hz, or the sample times'
  span when samples were lost;
- 95 % confidence-ellipse area = π · χ²₂(0.95) · √(λ₁λ₂) = π · 5.991 · √det(Σ), with Σ the sample
  covariance (n − 1) of x and y: the area expected to hold 95 % of CoP points of a bivariate normal.

Single-leg stand (闭眼单脚站立): the resident stands on both feet, closes their eyes and lifts one
foot. The CoP then moves sideways under the standing foot: a lateral shift of ≥ ``lift_shift_mm``
from the two-foot baseline, held ``confirm_s``, starts the clock (at the first sample of that shift).
The stand ends when the CoP leaves the one-foot position by ≥ ``touch_shift_mm`` for ``confirm_s``
(the raised foot touching down moves it back towards the middle; a hop or shuffle of the standing
foot moves it anywhere), when the load falls below half the body weight (stepped off), or at
``max_duration_s``. The time is from the lift to the first sample of the ending departure.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

CHI2_2DOF_95 = 5.991464547107979  # −2 ln 0.05


@dataclass(frozen=True)
class PlatformGeometry:
    """Load-cell positions: a width × length rectangle centred on the origin."""

    width_mm: float = 400.0
    length_mm: float = 400.0

    def corners_mm(self) -> tuple[tuple[float, float], ...]:
        w, h = self.width_mm / 2, self.length_mm / 2
        return ((-w, h), (w, h), (-w, -h), (w, -h))


def centre_of_pressure(forces_kg: Sequence[float], geometry: PlatformGeometry,
                       min_total_kg: float = 2.0) -> tuple[float, float] | None:
    """The CoP (x, y in mm) of four corner forces, or None when the platform is (nearly) unloaded."""
    total = sum(forces_kg)
    if total < min_total_kg:
        return None
    x = sum(f * cx for f, (cx, _) in zip(forces_kg, geometry.corners_mm(), strict=True)) / total
    y = sum(f * cy for f, (_, cy) in zip(forces_kg, geometry.corners_mm(), strict=True)) / total
    return x, y


@dataclass(frozen=True)
class SwayMetrics:
    path_length_mm: float
    mean_velocity_mm_s: float
    ellipse_area_95_mm2: float
    duration_s: float
    samples: int

    def to_dict(self) -> dict[str, float]:
        return {"path_length_mm": round(self.path_length_mm, 1),
                "mean_velocity_mm_s": round(self.mean_velocity_mm_s, 2),
                "ellipse_area_95_mm2": round(self.ellipse_area_95_mm2, 1),
                "duration_s": round(self.duration_s, 2), "samples": self.samples}


def sway_metrics(path_mm: Sequence[tuple[float, float]], rate_hz: float, *,
                 duration_s: float | None = None) -> SwayMetrics:
    """Sway metrics of a CoP path (see the module docstring); fewer than 3 points give zeros.

    ``duration_s`` is the time the path spans when samples are missing (frames lost on the line); without
    it the path is taken as gap-free, (n − 1) / rate_hz.
    """
    n = len(path_mm)
    if n < 3:
        return SwayMetrics(0.0, 0.0, 0.0, max(0, n - 1) / rate_hz, n)
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(path_mm))
    duration = duration_s if duration_s is not None and duration_s > 0 else (n - 1) / rate_hz
    mx = sum(p[0] for p in path_mm) / n
    my = sum(p[1] for p in path_mm) / n
    sxx = sum((p[0] - mx) ** 2 for p in path_mm) / (n - 1)
    syy = sum((p[1] - my) ** 2 for p in path_mm) / (n - 1)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in path_mm) / (n - 1)
    det = max(0.0, sxx * syy - sxy * sxy)
    return SwayMetrics(length, length / duration, math.pi * CHI2_2DOF_95 * math.sqrt(det), duration, n)


class StandPhase(enum.StrEnum):
    BOTH_FEET = "both_feet"  # waiting for the lift
    ONE_FOOT = "one_foot"  # the clock runs
    ENDED = "ended"


class StandEnd(enum.StrEnum):
    FOOT_DOWN = "foot_down"  # the raised foot touched down, or the standing foot moved
    STEPPED_OFF = "stepped_off"
    TIME_LIMIT = "time_limit"


@dataclass
class SingleLegStandTimer:
    """Feed CoP samples; it finds the lift and the end, and times the stand (see the module docstring)."""

    rate_hz: float
    lift_shift_mm: float = 40.0
    touch_shift_mm: float = 40.0
    confirm_s: float = 0.15
    baseline_s: float = 0.5
    settle_s: float = 0.3
    max_duration_s: float = 120.0
    phase: StandPhase = StandPhase.BOTH_FEET
    standing_side: str | None = None  # "left" or "right": the foot the resident stands on
    lifted_at_s: float | None = None
    ended_at_s: float | None = None
    end_reason: StandEnd | None = None
    body_kg: float | None = None
    _baseline: list[tuple[float, float]] = field(default_factory=list)
    _loads: list[float] = field(default_factory=list)
    _run_start: float | None = None
    _one_foot_ref: tuple[float, float] | None = None
    _ref_points: list[tuple[float, float]] = field(default_factory=list)
    stance_path: list[tuple[float, float]] = field(default_factory=list)
    _stance_times: list[float] = field(default_factory=list)

    @property
    def stance_duration_s(self) -> float:
        """Time from the first to the last sample of ``stance_path`` (sample times, so lost samples count)."""
        return self._stance_times[-1] - self._stance_times[0] if len(self._stance_times) > 1 else 0.0

    @property
    def duration_s(self) -> float | None:
        if self.lifted_at_s is None or self.ended_at_s is None:
            return None
        return self.ended_at_s - self.lifted_at_s

    def feed(self, t_s: float, cop_mm: tuple[float, float] | None, total_kg: float) -> StandPhase:
        """Advance by one sample (time since the test began, CoP or None if unloaded, total load)."""
        if self.phase is StandPhase.ENDED:
            return self.phase
        if self.phase is StandPhase.BOTH_FEET:
            self._feed_both_feet(t_s, cop_mm, total_kg)
        else:
            self._feed_one_foot(t_s, cop_mm, total_kg)
        return self.phase

    def _feed_both_feet(self, t_s: float, cop: tuple[float, float] | None, total_kg: float) -> None:
        if cop is None:
            self._baseline.clear()
            self._loads.clear()
            self._run_start = None
            return
        if len(self._baseline) < self.baseline_s * self.rate_hz:
            self._baseline.append(cop)
            self._loads.append(total_kg)
            return
        bx = sum(p[0] for p in self._baseline) / len(self._baseline)
        shift = cop[0] - bx
        if abs(shift) >= self.lift_shift_mm:
            if self._run_start is None:
                self._run_start = t_s
            if t_s - self._run_start >= self.confirm_s - 1e-9:
                self.phase = StandPhase.ONE_FOOT
                self.lifted_at_s = self._run_start
                self.standing_side = "right" if shift > 0 else "left"
                self.body_kg = sum(self._loads) / len(self._loads)
                self._run_start = None
        else:
            self._run_start = None

    def _feed_one_foot(self, t_s: float, cop: tuple[float, float] | None, total_kg: float) -> None:
        assert self.lifted_at_s is not None and self.body_kg is not None
        if t_s - self.lifted_at_s >= self.max_duration_s:
            self._end(self.lifted_at_s + self.max_duration_s, StandEnd.TIME_LIMIT)
            return
        if cop is None or total_kg < 0.5 * self.body_kg:
            self._depart(t_s, StandEnd.STEPPED_OFF)
            return
        self.stance_path.append(cop)
        self._stance_times.append(t_s)
        if self._one_foot_ref is None:
            self._ref_points.append(cop)
            if t_s - self.lifted_at_s >= self.settle_s:
                n = len(self._ref_points)
                self._one_foot_ref = (sum(p[0] for p in self._ref_points) / n, sum(p[1] for p in self._ref_points) / n)
            return
        if math.dist(cop, self._one_foot_ref) >= self.touch_shift_mm:
            self._depart(t_s, StandEnd.FOOT_DOWN)
        else:
            self._run_start = None

    def _depart(self, t_s: float, reason: StandEnd) -> None:
        if self._run_start is None:
            self._run_start = t_s
        if t_s - self._run_start >= self.confirm_s - 1e-9:
            self._end(self._run_start, reason)

    def _end(self, at_s: float, reason: StandEnd) -> None:
        self.phase = StandPhase.ENDED
        self.ended_at_s = at_s
        self.end_reason = reason
        # the path while the departure was being confirmed belongs to the fall, not the stand
        keep = sum(1 for t in self._stance_times if t < at_s)
        del self.stance_path[keep:]
        del self._stance_times[keep:]


def stance_hold_end_s(samples: Sequence[tuple[float, tuple[float, float] | None, float]], start_s: float,
                      body_kg: float, *, shift_mm: float = 40.0, unload_fraction: float = 0.9,
                      confirm_s: float = 0.15, cap_s: float = 10.0) -> tuple[float, str]:
    """When a two-foot balance stance (side by side, semi-tandem, tandem) ended on the platform, and why.

    ``samples`` are (time s, CoP mm or None, total load kg) from the start of the hold at ``start_s`` (the camera
    found it). The stance's own CoP is the mean of the first ``confirm_s``; the hold ends at the first sample of
    a run of ``confirm_s`` in which the CoP is ``shift_mm`` or more from it ("feet_moved": a step or a stumble)
    or the load falls below ``unload_fraction`` of ``body_kg`` ("unloaded": a hand on a wall or rail takes
    weight, or a foot left the platform), else at ``start_s + cap_s`` ("cap_reached"). The camera's hold time
    is confirmed against it with ``vision.analysers.single_leg.compare_with_platform``."""
    ref_points = [cop for t, cop, _ in samples if cop is not None and start_s <= t < start_s + confirm_s]
    if not ref_points:
        raise ValueError("no platform sample in the first moments of the hold")
    ref = (sum(p[0] for p in ref_points) / len(ref_points), sum(p[1] for p in ref_points) / len(ref_points))
    run_start: float | None = None
    run_reason = ""
    for t, cop, load in samples:
        if t < start_s:
            continue
        if t - start_s >= cap_s:
            return start_s + cap_s, "cap_reached"
        reason = ("unloaded" if cop is None or load < unload_fraction * body_kg
                  else "feet_moved" if math.dist(cop, ref) >= shift_mm else "")
        if not reason:
            run_start = None
            continue
        if run_start is None:
            run_start, run_reason = t, reason
        if t - run_start >= confirm_s - 1e-9:
            return run_start, run_reason
    return (samples[-1][0] if samples else start_s), "samples_ended"
