"""What the timed older-adult tests share: a time to 0.1 s, a threshold crossing dated between frames, the
longest stretch the resident was out of view, and a hip-height sample stream.

A stopwatch test (Timed Up-and-Go, five-times sit-to-stand, gait speed, a balance hold) ends on an event that
lies between two frames; it is dated by linear interpolation of the measure that crossed its threshold, so at
5 frames/s the time is not rounded to 0.2 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vision.analysers.single_leg import round_tenth

__all__ = ["AbsenceTracker", "Sample", "crossing_time", "round_tenth"]


@dataclass(frozen=True)
class Sample:
    t: float
    value: float


def crossing_time(before: Sample, after: Sample, level: float) -> float:
    """When a measure going from ``before`` to ``after`` crossed ``level`` (linear between the two frames);
    ``after.t`` when it did not move."""
    if after.value == before.value:
        return after.t
    u = (level - before.value) / (after.value - before.value)
    return before.t + min(1.0, max(0.0, u)) * (after.t - before.t)


class AbsenceTracker:
    """The longest single stretch the resident was not usable in view after the start signal.

    The base analyser totals the paused time; a timed walk also fails on one long absence ("left the
    picture for too long"), even when the total is small against a long test."""

    def __init__(self) -> None:
        self.longest_s = 0.0
        self._since: float | None = None

    def lost(self, t: float) -> None:
        if self._since is None:
            self._since = t

    def back(self, t: float) -> None:
        if self._since is not None:
            self.longest_s = max(self.longest_s, t - self._since)
            self._since = None

    def close(self, t: float) -> None:
        self.back(t)

    def current_s(self, t: float) -> float:
        return 0.0 if self._since is None else max(0.0, t - self._since)


def finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
