"""Single-leg stand (the national physique test's eyes-closed one-leg stand): the hold time to 0.1 s.

Rule: timing starts when one foot leaves the floor and stops when the raised foot touches the floor
or the standing foot moves; the time is recorded to 0.1 s. ``cap_s`` ends a long hold (default 60 s).

The floor level of each foot point (ankle, heel, toe) is learnt while both feet are down. A foot is
raised when the median clearance of its three points exceeds ``lift_ratio`` shank lengths for three
frames; the start is dated back to the frame where that foot first left floor level, and a touch-down
or a standing-foot shift (``move_ratio`` shank lengths) is likewise confirmed over three frames and
dated to its first frame, so one bad frame neither starts nor ends a hold. If the view is lost during
a hold the trial is abandoned (reason ``lost_view``) and a new one needs both feet down first.
Usable alone or to confirm the balance platform: ``compare_with_platform``.
"""

from __future__ import annotations

import enum
import math
from collections import deque
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, View
from vision.analysers.measures import ReferenceLength, RunConfirm, missing_names, point, points
from vision.landmarks import L, PoseFrame

FOOT = {
    "left": (L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
    "right": (L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX),
}
KNEE = {"left": L.LEFT_KNEE, "right": L.RIGHT_KNEE}
OTHER = {"left": "right", "right": "left"}


class Phase(enum.Enum):
    UNKNOWN = "unknown"  # waiting for both feet on the floor
    READY = "ready"  # both feet down, floor level known
    HOLDING = "holding"
    DONE = "done"


def round_tenth(seconds: float) -> float:
    """Seconds to 0.1 s, halves rounded up (as a stopwatch reading is recorded)."""
    return math.floor(seconds * 10.0 + 0.5 + 1e-9) / 10.0


@dataclass(frozen=True)
class PlatformAgreement:
    camera_hold_s: float | None
    platform_hold_s: float
    difference_s: float | None
    agrees: bool


def compare_with_platform(result: ExerciseResult, platform_hold_s: float, tolerance_s: float = 0.3
                          ) -> PlatformAgreement:
    """Whether the camera's hold time confirms the balance platform's within ``tolerance_s``."""
    cam = result.hold_time_s
    if cam is None:
        return PlatformAgreement(None, platform_hold_s, None, False)
    diff = cam - platform_hold_s
    return PlatformAgreement(cam, platform_hold_s, diff, abs(diff) <= tolerance_s)


class SingleLegStandAnalyser(ExerciseAnalyser):
    exercise = "single-leg"
    messages: ClassVar[dict[str, str]] = {
        "test_started": "Lift one foot when you are ready.",
        "hold_started": "Timing started.",
        "hold_ended.raised_foot_down": "Your foot touched the floor. Time: {hold_time_s} seconds.",
        "hold_ended.standing_foot_moved": "Your standing foot moved. Time: {hold_time_s} seconds.",
        "hold_ended.cap_reached": "Excellent, that is the maximum time: {hold_time_s} seconds.",
        "hold_ended.lost_view": "I lost sight of you, so this try does not count. Put both feet down to try again.",
    }

    def __init__(
        self,
        *,
        cap_s: float = 60.0,
        duration_s: float | None = None,
        lift_ratio: float = 0.10,
        floor_ratio: float = 0.04,
        move_ratio: float = 0.06,
        confirm_frames: int = 3,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if duration_s is not None:  # a test length given to the single-leg stand is its cap
            cap_s = duration_s
        if not (math.isfinite(cap_s) and cap_s > 0):
            raise ValueError(f"cap_s must be a positive number of seconds, not {cap_s!r}")
        if not 0 < floor_ratio < lift_ratio:
            raise ValueError("single-leg thresholds must satisfy 0 < floor_ratio < lift_ratio")
        self.cap_s, self.lift_ratio, self.floor_ratio, self.move_ratio = cap_s, lift_ratio, floor_ratio, move_ratio
        self.phase = Phase.UNKNOWN
        self._shank = {s: ReferenceLength() for s in FOOT}
        self._down: deque[dict[str, np.ndarray]] = deque(maxlen=15)  # recent both-feet-down foot points
        self._floor: dict[str, np.ndarray] = {}
        self._history: deque[tuple[float, dict[str, float]]] = deque(maxlen=30)
        self._lift = {s: RunConfirm(confirm_frames) for s in FOOT}
        self._touch = RunConfirm(confirm_frames)
        self._moved = RunConfirm(confirm_frames)
        self._raised: str | None = None
        self._stand_ref: np.ndarray | None = None
        self.hold_start_s: float | None = None
        self.hold_end_s: float | None = None
        self.hold_reason: str | None = None
        self._aborted = 0

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        need = (*FOOT["left"], *FOOT["right"], L.LEFT_KNEE, L.RIGHT_KNEE)
        return missing_names(frame, need, self.visibility_threshold)

    def _feet(self, frame: PoseFrame) -> dict[str, np.ndarray] | None:
        out = {}
        for side, idx in FOOT.items():
            pts = points(frame, idx, self.visibility_threshold)
            knee = point(frame, KNEE[side], self.visibility_threshold)
            if pts is None or knee is None:
                return None
            out[side] = np.array(pts)
            self._shank[side].add(float(np.linalg.norm(knee - pts[0])))
        return out

    def _shank_px(self) -> float | None:
        values = [v for v in (self._shank["left"].value, self._shank["right"].value) if v is not None]
        return float(np.mean(values)) if values else None

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        feet = self._feet(frame)
        shank = self._shank_px()
        if feet is None or shank is None or self.phase is Phase.DONE:
            return []
        if self.phase is Phase.UNKNOWN:
            # Both feet at the same floor level (a raised foot would be far above the other).
            level = abs(float(feet["left"][:, 1].max() - feet["right"][:, 1].max())) / shank < self.lift_ratio
            if level:
                self._down.append(feet)
            else:
                self._down = deque(maxlen=15)
            if len(self._down) >= 10:
                self.phase = Phase.READY
                self._set_floor()
            return []
        clear = {s: float(np.median((self._floor[s][:, 1] - feet[s][:, 1]) / shank)) for s in FOOT}
        self._history.append((t, clear))
        if self.phase is Phase.READY:
            return self._ready(feet, clear, t)
        return self._holding(feet, clear, shank, t)

    def _set_floor(self) -> None:
        self._floor = {s: np.median(np.array([f[s] for f in self._down]), axis=0) for s in FOOT}

    def _ready(self, feet: dict[str, np.ndarray], clear: dict[str, float], t: float) -> list[AnalyserEvent]:
        if all(c < self.floor_ratio for c in clear.values()):
            self._down.append(feet)
            self._set_floor()
        for side in FOOT:
            other = OTHER[side]
            if self._lift[side].update(clear[side] > self.lift_ratio and clear[other] < self.lift_ratio, t):
                start = self._left_floor_at(side)
                self.phase, self._raised, self.hold_start_s = Phase.HOLDING, side, start
                self._stand_ref = self._floor[other].copy()
                self._touch.reset()
                self._moved.reset()
                return [self._event(EventKind.HOLD_STARTED, start, "hold_started", raised_foot=side,
                                    clearance_shank_ratio=clear[side])]
        return []

    def _left_floor_at(self, side: str) -> float:
        """When ``side``'s foot rose through floor level in the current run (interpolated between frames)."""
        hist = list(self._history)
        i = len(hist) - 1
        while i > 0 and hist[i - 1][1][side] > self.floor_ratio:
            i -= 1
        return self._crossing(hist, i, side)

    def _came_down_at(self, side: str, first_down_s: float) -> float:
        """When ``side``'s foot came down through floor level (interpolated between frames)."""
        hist = list(self._history)
        i = next((k for k, (t, _) in enumerate(hist) if t >= first_down_s), len(hist) - 1)
        return self._crossing(hist, i, side)

    def _crossing(self, hist: list[tuple[float, dict[str, float]]], i: int, side: str) -> float:
        """The time between frames i-1 and i at which the clearance crossed ``floor_ratio``."""
        t1, c1 = hist[i][0], hist[i][1][side]
        if i == 0:
            return t1
        t0, c0 = hist[i - 1][0], hist[i - 1][1][side]
        if c1 == c0:
            return t1
        u = min(1.0, max(0.0, (self.floor_ratio - c0) / (c1 - c0)))
        return t0 + u * (t1 - t0)

    def _holding(self, feet: dict[str, np.ndarray], clear: dict[str, float], shank: float, t: float
                 ) -> list[AnalyserEvent]:
        assert self._raised is not None and self.hold_start_s is not None and self._stand_ref is not None
        standing = OTHER[self._raised]
        if t - self.hold_start_s >= self.cap_s:
            return self._end(self.hold_start_s + self.cap_s, "cap_reached")
        if self._touch.update(clear[self._raised] < self.floor_ratio, t):
            return self._end(self._came_down_at(self._raised, self._touch.since_s or t), "raised_foot_down")
        shift = float(np.median(np.linalg.norm(feet[standing] - self._stand_ref, axis=1))) / shank
        if self._moved.update(shift > self.move_ratio, t):
            return self._end(self._moved.since_s or t, "standing_foot_moved", shift_shank_ratio=shift)
        return []

    def _end(self, at: float, reason: str, **evidence: Any) -> list[AnalyserEvent]:
        assert self.hold_start_s is not None
        self.hold_end_s, self.hold_reason, self.phase = at, reason, Phase.DONE
        raw = at - self.hold_start_s
        events = [self._event(EventKind.HOLD_ENDED, at, f"hold_ended.{reason}", reason=reason,
                              hold_time_s=round_tenth(raw), raw_hold_s=raw, raised_foot=self._raised, **evidence)]
        return events + self.finish(at, reason)

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        events = []
        if self.phase is Phase.HOLDING:
            self._aborted += 1
            events.append(self._event(EventKind.HOLD_ENDED, t, "hold_ended.lost_view", reason="lost_view",
                                      raised_foot=self._raised))
            self.hold_start_s, self._raised = None, None
        if self.phase is not Phase.DONE:
            self.phase = Phase.UNKNOWN
            self._down = deque(maxlen=15)
            self._history.clear()
            for c in self._lift.values():
                c.reset()
        return events

    def _on_finish(self, t: float, reason: str) -> list[AnalyserEvent]:
        if self.phase is Phase.HOLDING and self.hold_start_s is not None:
            # Stopped while the foot was still up (stream ended, operator stop): the hold so far, capped.
            self.hold_end_s = min(t, self.hold_start_s + self.cap_s)
            self.hold_reason = "cap_reached" if t - self.hold_start_s >= self.cap_s else reason
            self.phase = Phase.DONE
        return []

    def _ends_validly(self, reason: str | None) -> bool:
        return reason in ("cap_reached", "raised_foot_down", "standing_foot_moved")

    def _saw_start_posture(self) -> bool:
        return self.hold_start_s is not None  # no foot ever left the floor: no hold to time

    def result(self) -> ExerciseResult:
        hold = raw = None
        if self.hold_start_s is not None and self.hold_end_s is not None:
            raw = self.hold_end_s - self.hold_start_s
            hold = round_tenth(raw)
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.view, count=0,
            started_at_s=self.hold_start_s, ended_at_s=self.hold_end_s, hold_time_s=hold,
            end_reason=self.hold_reason or self.end_reason, paused_s=self.paused_s,
            notes=("rule: timing from one foot leaving the floor to the raised foot touching down or the standing "
                   "foot moving, to 0.1 s", f"cap_s={self.cap_s:g}"),
            measures={"raised_foot": self._raised, "aborted_trials": self._aborted,
                      "raw_hold_s": raw,
                      "view": View(self.view).value},
            **self._validity_fields(),
        )
