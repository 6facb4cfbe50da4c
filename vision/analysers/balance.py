"""Balance stances (SPPB balance tests; CDC STEADI 4-stage balance test): each stance held up to 10 s.

Protocol (SPPB as distributed by the NIA; CDC STEADI, *The 4-Stage Balance Test*, 2017): feet side by side,
then semi-tandem (the heel of one foot beside the big toe of the other), then tandem (the heel of one foot
directly in front of the toes of the other), then (STEADI) standing on one foot; each held up to 10 s without
moving the feet or holding on to support. The time is recorded to 0.1 s; a stance the resident could not take
is not a 0-second hold but a test with no time (``no_start_posture``), so it is never graded as a value.

The stance is read from the feet's landmarks, in shank lengths (knee to ankle, upright in every view) and, in
a side view, foot lengths (heel to toe, seen whole from the side):

* side view: the heels' fore-aft offset: side by side below 0.3 foot lengths, semi-tandem 0.3-0.85,
  tandem 0.85-1.6;
* front view: the ankles' sideways gap: side by side and semi-tandem up to 0.5 shank lengths, tandem up to
  0.25 (the fore-aft offset is not seen from the front, so a front view cannot tell side by side from
  semi-tandem; the result says so in its notes).

A hold starts when the stance is taken and the feet are still for ``settle_s`` (dated at the first still
frame) and ends when a foot moves more than ``move_ratio`` shank lengths from where it was set, a wrist
moves more than ``reach_ratio`` trunk lengths from where it hung (a hand reaching out to a wall or a rail;
the instructions ask for the arms by the sides), or at ``hold_cap_s``. Each end is confirmed over three frames
and dated at the first. The eyes-open one-leg stance is the single-leg stand (``single_leg``) capped at 10 s
with the same hand-support check. Where a balance platform is fitted, ``drivers.balance.stance_hold_end_s``
dates the end from the centre of pressure and the load, and ``single_leg.compare_with_platform`` says whether
the camera's time agrees (the screen does not yet run both at once).

No real footage of these stances was found (no public, licensed clip of a tandem or semi-tandem stand): the
analysers are tested on synthetic sequences only.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from vision.analysers.balance_support import HandSupport
from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, InvalidReason, View
from vision.analysers.measures import ReferenceLength, RunConfirm, missing_names, point, points
from vision.analysers.single_leg import SingleLegStandAnalyser
from vision.analysers.trial import round_tenth
from vision.landmarks import L, PoseFrame

FEET = {"left": (L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX), "right": (L.RIGHT_ANKLE, L.RIGHT_HEEL,
                                                                         L.RIGHT_FOOT_INDEX)}
HOLD_CAP_S = 10.0


@dataclass(frozen=True)
class StanceRule:
    name: str
    side_offset_feet: tuple[float, float]  # heels' fore-aft offset in foot lengths (side view)
    front_gap_max_shanks: float  # ankles' sideways gap in shank lengths (front view)
    front_note: str = ""


STANCES = {
    "side_by_side": StanceRule("side_by_side", (0.0, 0.3), 0.5),
    "semi_tandem": StanceRule("semi_tandem", (0.3, 0.85), 0.5,
                              "front view: semi-tandem judged by the feet's sideways gap only"),
    "tandem": StanceRule("tandem", (0.85, 1.6), 0.25, "front view: tandem judged by the feet being in line only"),
}


class Phase(enum.Enum):
    SEEKING = "seeking"
    HOLDING = "holding"
    DONE = "done"


class StanceHoldAnalyser(ExerciseAnalyser):
    """A foot-placement stance held up to ``hold_cap_s``; ``duration_s`` is how long the resident has to take it."""

    stance: ClassVar[str] = "side_by_side"
    completion_reasons: ClassVar[frozenset[str]] = frozenset({"cap_reached", "foot_moved", "hand_support",
                                                              "resident_stopped"})
    messages: ClassVar[dict[str, str]] = {
        "test_started": "Place your feet as shown and stand still.",
        "hold_started": "Good. Hold still.",
        "hold_ended.cap_reached": "Well done: {hold_time_s} seconds.",
        "hold_ended.foot_moved": "Your foot moved. Time: {hold_time_s} seconds.",
        "hold_ended.hand_support": "You reached out for support. Time: {hold_time_s} seconds.",
        "hold_ended.lost_view": "I lost sight of your feet, so this try does not count. Take the position again.",
        "no_stance": "I did not see the foot position, so there is no time.",
    }

    def __init__(self, *, duration_s: float | None = 60.0, hold_cap_s: float = HOLD_CAP_S, settle_s: float = 0.3,
                 still_ratio: float = 0.04, move_ratio: float = 0.10, reach_ratio: float = 0.5,
                 **options: Any) -> None:
        super().__init__(duration_s=None, **options)
        self.setup_s = duration_s if duration_s is not None else 60.0
        if not (hold_cap_s > 0 and self.setup_s > 0 and 0 < still_ratio < move_ratio):
            raise ValueError("balance: hold_cap_s and the setup time must be positive and still_ratio < move_ratio")
        self.rule = STANCES[self.stance]
        self.hold_cap_s, self.settle_s = hold_cap_s, settle_s
        self.still_ratio, self.move_ratio = still_ratio, move_ratio
        self.phase = Phase.SEEKING
        self._shank = ReferenceLength()
        self._foot = ReferenceLength()
        self._recent: deque[tuple[float, dict[str, np.ndarray]]] = deque(maxlen=64)
        self._settled = RunConfirm(3, min_s=settle_s)
        self._moved = RunConfirm(3)
        self._hands = HandSupport(reach_ratio)
        self._ref: dict[str, np.ndarray] = {}
        self.hold_start_s: float | None = None
        self.hold_end_s: float | None = None
        self.hold_reason: str | None = None
        self._aborted = 0
        self._measure: dict[str, float] = {}

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        return missing_names(frame, (*FEET["left"], *FEET["right"], L.LEFT_KNEE, L.RIGHT_KNEE),
                             self.visibility_threshold)

    def _feet(self, frame: PoseFrame) -> dict[str, np.ndarray] | None:
        thr = self.visibility_threshold
        out = {}
        for side, idx in FEET.items():
            pts = points(frame, idx, thr)
            knee = point(frame, L.LEFT_KNEE if side == "left" else L.RIGHT_KNEE, thr)
            if pts is None or knee is None:
                return None
            out[side] = np.array(pts)
            self._shank.add(float(np.linalg.norm(knee - pts[0])))
            self._foot.add(float(np.linalg.norm(pts[2] - pts[1])))
        return out

    def in_stance(self, feet: dict[str, np.ndarray]) -> bool:
        """Whether the feet are placed as the stance asks, from the current view."""
        shank, foot = self._shank.value, self._foot.value
        if not shank or not foot:
            return False
        if self.view is View.SIDE:
            offset = abs(float(feet["left"][1, 0] - feet["right"][1, 0])) / foot
            self._measure = {"heel_offset_foot_lengths": offset}
            low, high = self.rule.side_offset_feet
            return low <= offset < high
        gap = abs(float(feet["left"][0, 0] - feet["right"][0, 0])) / shank
        self._measure = {"ankle_gap_shanks": gap}
        return gap <= self.rule.front_gap_max_shanks

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        feet = self._feet(frame)
        shank = self._shank.value
        if feet is None or shank is None or self.phase is Phase.DONE:
            return []
        self._recent.append((t, feet))
        if self.phase is Phase.SEEKING:
            if self._in_test(t) and t - (self.started_at_s or t) >= self.setup_s:
                return self.finish(t, reason="no_stance")
            still = self._still(t, shank)
            if self._settled.update(self.in_stance(feet) and still, t) and self._in_test(t):
                return self._begin_hold(frame, t, shank)
            return []
        assert self.hold_start_s is not None
        if t - self.hold_start_s >= self.hold_cap_s:
            return self._end(self.hold_start_s + self.hold_cap_s, "cap_reached")
        shift = max(float(np.median(np.linalg.norm(feet[s] - self._ref[s], axis=1))) for s in FEET) / shank
        if self._moved.update(shift > self.move_ratio, t):
            return self._end(self._moved.since_s or t, "foot_moved", shift_shank_ratio=shift)
        reached = self._hands.update(frame, t, self.visibility_threshold)
        if reached is not None:
            return self._end(reached, "hand_support")
        return []

    def _begin_hold(self, frame: PoseFrame, t: float, shank: float) -> list[AnalyserEvent]:
        """The stance is taken and still: the hold began when the feet arrived where they are now held (the
        earliest frame, back from the still run, within ``still_ratio`` of the held position; not before "Go")."""
        since = self._settled.since_s if self._settled.since_s is not None else t
        run = [f for tt, f in self._recent if tt >= since]
        self._ref = {s: np.median(np.array([f[s] for f in run]), axis=0) for s in FEET}
        start = t
        for tt, f in reversed(self._recent):
            if not self._in_test(tt) or any(float(np.median(np.linalg.norm(f[s] - self._ref[s], axis=1))) / shank
                                            > self.still_ratio for s in FEET):
                break
            start = tt
        self.phase, self.hold_start_s = Phase.HOLDING, start
        self._start_posture_seen = True
        self._hands.start(frame, self.visibility_threshold)
        self._moved.reset()
        return [self._event(EventKind.HOLD_STARTED, start, "hold_started", stance=self.stance, **self._measure)]

    def _still(self, t: float, shank: float) -> bool:
        """The feet moved less than ``still_ratio`` shank lengths over the last 0.3 s: the median place of each
        foot point in the window's first half against its second half (landmark jitter cancels out)."""
        past = [f for tt, f in self._recent if t - tt <= 0.3]
        if len(past) < 4:
            return False
        half = len(past) // 2
        for s in FEET:
            early = np.median(np.array([f[s] for f in past[:half]]), axis=0)
            late = np.median(np.array([f[s] for f in past[half:]]), axis=0)
            if float(np.median(np.linalg.norm(late - early, axis=1))) / shank >= self.still_ratio:
                return False
        return True

    def _end(self, at: float, reason: str, **evidence: Any) -> list[AnalyserEvent]:
        assert self.hold_start_s is not None
        self.hold_end_s, self.hold_reason, self.phase = at, reason, Phase.DONE
        raw = at - self.hold_start_s
        events = [self._event(EventKind.HOLD_ENDED, at, f"hold_ended.{reason}", reason=reason,
                              hold_time_s=round_tenth(raw), raw_hold_s=raw, **evidence)]
        return events + self.finish(at, reason)

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        events = []
        if self.phase is Phase.HOLDING:
            self._aborted += 1
            events.append(self._event(EventKind.HOLD_ENDED, t, "hold_ended.lost_view", reason="lost_view"))
            self.hold_start_s = None
        if self.phase is not Phase.DONE:
            self.phase = Phase.SEEKING
            self._settled.reset()
            self._recent.clear()
        return events

    def _on_finish(self, t: float, reason: str) -> list[AnalyserEvent]:
        if self.phase is Phase.HOLDING and self.hold_start_s is not None:
            if reason == "resident_stopped":  # the resident ends the hold: the time so far stands (capped)
                self.hold_end_s = min(t, self.hold_start_s + self.hold_cap_s)
                self.hold_reason, self.phase = reason, Phase.DONE
            else:  # the stream or the station stopped mid-hold: no time
                self.hold_start_s = None
        return []

    def _saw_start_posture(self) -> bool:
        return self.hold_start_s is not None

    def validity(self) -> tuple[bool, InvalidReason | None]:
        """A stance never taken is no time at all (not a 0-second hold), whether the setup time ran out or the
        test was stopped before it."""
        valid, why = super().validity()
        if not valid and why in (InvalidReason.INCOMPLETE, InvalidReason.STOPPED) and self.hold_start_s is None \
                and self._seen_in_test:
            return False, InvalidReason.NO_START_POSTURE
        return valid, why

    def result(self) -> ExerciseResult:
        hold = raw = None
        if self.hold_start_s is not None and self.hold_end_s is not None:
            raw = self.hold_end_s - self.hold_start_s
            hold = round_tenth(raw)
        fields = self._validity_fields()
        notes = [f"rule: the {self.stance.replace('_', '-')} stance held up to {self.hold_cap_s:g} s (SPPB; STEADI)"]
        if self.result_view() is View.FRONT and self.rule.front_note:
            notes.append(self.rule.front_note)
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=0,
            started_at_s=self.hold_start_s, ended_at_s=self.hold_end_s, hold_time_s=hold,
            end_reason=self.hold_reason or self.end_reason, paused_s=self.paused_s, notes=tuple(notes),
            measures={"raw_hold_s": raw, "aborted_trials": self._aborted, "stance": self.stance, **self._measure},
            value=hold if fields["valid"] else None, unit="s", **fields,
        )


class SideBySideStanceAnalyser(StanceHoldAnalyser):
    exercise = "balance-side-by-side"
    stance = "side_by_side"


class SemiTandemStanceAnalyser(StanceHoldAnalyser):
    exercise = "balance-semi-tandem"
    stance = "semi_tandem"


class TandemStanceAnalyser(StanceHoldAnalyser):
    exercise = "balance-tandem"
    stance = "tandem"


class OneLegStanceAnalyser(SingleLegStandAnalyser):
    """STEADI stage 4 / eyes-open one-leg stand: the single-leg stand capped at 10 s, ended by a hand reaching out."""

    exercise = "single-leg-eyes-open"
    messages: ClassVar[dict[str, str]] = {
        **SingleLegStandAnalyser.messages,
        "hold_ended.hand_support": "You reached out for support. Time: {hold_time_s} seconds.",
    }

    def __init__(self, *, cap_s: float = HOLD_CAP_S, reach_ratio: float = 0.5, **options: Any) -> None:
        options.pop("duration_s", None)  # the screen's test length; this stance's cap is the protocol's 10 s
        super().__init__(cap_s=cap_s, **options)
        self._hands = HandSupport(reach_ratio)
        self._frame: PoseFrame | None = None

    def _ready(self, feet: dict[str, np.ndarray], clear: dict[str, float], t: float) -> list[AnalyserEvent]:
        events = super()._ready(feet, clear, t)
        if self.hold_start_s is not None:
            self._hands.reset()
        return events

    def _holding(self, feet: dict[str, np.ndarray], clear: dict[str, float], shank: float, t: float
                 ) -> list[AnalyserEvent]:
        events = super()._holding(feet, clear, shank, t)
        if events or self.finished:
            return events
        frame = self._frame
        if frame is not None:
            if not self._hands.started:
                self._hands.start(frame, self.visibility_threshold)
            reached = self._hands.update(frame, t, self.visibility_threshold)
            if reached is not None:
                return self._end(reached, "hand_support")
        return []

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        self._frame = frame
        return super()._step(frame, t)

    def _ends_validly(self, reason: str | None) -> bool:
        return super()._ends_validly(reason) or reason == "hand_support"

    def result(self) -> ExerciseResult:
        base = super().result()
        return replace(base, value=base.hold_time_s if base.valid else None, unit="s",
                       notes=(*base.notes, "eyes open, capped at 10 s (STEADI stage 4)"))
