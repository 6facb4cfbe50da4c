"""Squat: repetitions, depth (knee angle), knee valgus, heel lift and trunk lean; each rep graded.

Repetitions are counted on the hips' height above the floor-side ankle, in shank lengths (see
``measures.hip_height_shanks``), which drops the same way from the front, the side or between: below
``rep_height_ratio`` of the resident's own standing level a rep starts, above ``standing_height_ratio``
it ends (the gap is the hysteresis that keeps jitter from double counting). The standing level is learnt
from the resident (2.0 until known), so the first squat counts. Each rep is graded ``faulted`` (a form
fault was held for at least three frames), else ``shallow`` (the deepest knee angle stayed above
``depth_knee_deg``), else ``good``. A "rep" shorter than ``min_rep_s`` from leaving to regaining standing
is no squat but a landmark glitch (a smoothed spike can hold for a few frames) and is rejected as
``too_brief``. What a camera view can show decides what is checked: knee valgus needs the front view (the
knee moving inside the hip–ankle line); depth, heel lift and trunk lean are checked in both (the front
view recovers knee and trunk angles from foreshortening).

Only squats begun after the start signal count (with ``auto_start``, when the view first became usable).
A squat begins when the standing resident starts to go down: the knee angle closing more than
``onset_knee_deg``, or the hips falling more than ``onset_height_ratio`` of their standing height, from
how they stood (see ``MovementOnset``). A squat begun earlier is rejected as ``before_start``.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, RepGrade, RepRecord, View
from vision.analysers.measures import (
    LevelTracker,
    MovementOnset,
    ReferenceLength,
    RunConfirm,
    foreshortened_inclination_deg,
    hip_height_shanks,
    inclination_deg,
    joint_angle,
    missing_names,
    near_side,
    point,
    points,
    shank_length_px,
)
from vision.landmarks import L, PoseFrame

LEFT = (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_FOOT_INDEX)
RIGHT = (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_FOOT_INDEX)
LEG_LEFT = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
LEG_RIGHT = (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
FAULT_KEYS = ("knee_valgus", "heel_lift", "trunk_lean")


class Phase(enum.Enum):
    UNKNOWN = "unknown"
    STANDING = "standing"
    DOWN = "down"


@dataclass(frozen=True)
class SquatMeasure:
    knee_deg: float
    trunk_lean_deg: float | None
    valgus_ratio: float | None  # front view: knee inside the hip–ankle line, in hip widths (positive = inward)
    heel_ratio: float | None  # ankle height above the toes, in shank lengths
    hip_height: float | None = None  # hips above the floor-side ankle, in shank lengths (≈2 standing)


@dataclass
class _Rep:
    started_at_s: float  # when the resident began to go down
    left_standing_at_s: float  # the last frame still standing (the threshold): what ``min_rep_s`` is measured from
    min_knee_deg: float = 180.0
    bottom_at_s: float = 0.0
    max_trunk_lean_deg: float = 0.0
    max_valgus_ratio: float = -np.inf
    max_heel_lift_ratio: float = -np.inf
    faults: list[str] = field(default_factory=list)


class SquatAnalyser(ExerciseAnalyser):
    exercise = "squat"
    messages: ClassVar[dict[str, str]] = {
        "rep_started": "",
        "rep_completed.good": "Good squat.",
        "rep_completed.shallow": "Try to go a little deeper.",
        "rep_completed.faulted": "Watch your form on the next one.",
        "rejected.lost_view": "",
        "rejected.too_brief": "",
        "rejected.before_start": "Wait for the start signal, then begin.",
        "fault.knee_valgus": "Keep your knees in line with your toes.",
        "fault.heel_lift": "Keep your heels on the floor.",
        "fault.trunk_lean": "Keep your chest up.",
    }

    def __init__(
        self,
        *,
        standing_height_ratio: float = 0.9,
        rep_height_ratio: float = 0.84,
        depth_knee_deg: float = 100.0,
        valgus_ratio: float = 0.15,
        heel_lift_ratio: float = 0.07,
        trunk_lean_deg: float = 50.0,
        min_rep_s: float = 0.5,
        onset_knee_deg: float = 10.0,
        onset_height_ratio: float = 0.03,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not min_rep_s >= 0:
            raise ValueError(f"min_rep_s must be a non-negative number of seconds, not {min_rep_s!r}")
        self.min_rep_s = min_rep_s
        if not 0 < depth_knee_deg < 180:
            raise ValueError(f"depth_knee_deg must be an angle between 0 and 180°, not {depth_knee_deg!r}")
        if not 0 < rep_height_ratio < standing_height_ratio <= 1.0:
            raise ValueError("squat thresholds must satisfy 0 < rep_height_ratio < standing_height_ratio <= 1")
        self.standing_height_ratio, self.rep_height_ratio = standing_height_ratio, rep_height_ratio
        self.depth_knee_deg = depth_knee_deg
        self.valgus_ratio = valgus_ratio
        self.heel_lift_ratio = heel_lift_ratio
        self.trunk_lean_deg = trunk_lean_deg
        self.phase = Phase.UNKNOWN
        self._rep: _Rep | None = None
        self._reps: list[RepRecord] = []
        self._fault_counts: dict[str, int] = {}
        self._thigh = {s: ReferenceLength() for s in ("left", "right")}
        self._shank = {s: ReferenceLength() for s in ("left", "right")}
        self._torso = ReferenceLength()
        self._heel_base: list[float] = []
        self._last_standing_t: float | None = None
        self._confirm = {k: RunConfirm(frames=3) for k in FAULT_KEYS}
        self._recent_knee: deque[float] = deque(maxlen=3)
        self._prev: SquatMeasure | None = None
        self._onset = MovementOnset((onset_knee_deg, onset_height_ratio))  # fed while standing: when a squat began
        self._standing_shanks: deque[tuple[float, float]] = deque()
        # The hips' height standing (shank lengths): the median of the last 5 s standing, 2.0 until known.
        self._standing_level = LevelTracker(2.0, (1.6, 2.6), percentile=50.0, window_s=5.0, min_span_s=0.5)

    def _hip_height(self, frame: PoseFrame) -> float | None:
        """Hip height in shank lengths (see ``hip_height_shanks``), against the shank as it was last seen
        standing: from the front, a squatting shank tilts towards the camera and looks short, which would
        make a deep squat look shallow. Learnt only while standing (the last second of it), so a person
        or camera that moves is followed at the next stand. Before any stand, each frame's own shank."""
        shank = shank_length_px(frame, self.visibility_threshold)
        if shank is not None and self.phase is not Phase.DOWN:
            self._standing_shanks.append((frame.timestamp_s, shank))
            while self._standing_shanks and frame.timestamp_s - self._standing_shanks[0][0] > 1.0:
                self._standing_shanks.popleft()
        ref = float(np.median([v for _, v in self._standing_shanks])) if len(self._standing_shanks) >= 3 else None
        return hip_height_shanks(frame, self.visibility_threshold, ref)

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        """One whole leg (hip, knee, ankle): the hip height counts; the rest only grades."""
        thr = self.visibility_threshold
        if near_side(frame, LEG_LEFT, LEG_RIGHT, thr) is not None:
            return ()
        return missing_names(frame, LEG_RIGHT, thr)

    def _measure(self, frame: PoseFrame) -> SquatMeasure | None:
        height = self._hip_height(frame)
        if height is None:
            return None
        m = self._view_measure(frame)
        if m is None:  # the grading landmarks (trunk, toes) are hidden: count on, with the leg's image angle
            chain = near_side(frame, LEG_LEFT, LEG_RIGHT, self.visibility_threshold)
            knee = joint_angle(frame, *chain, self.visibility_threshold) if chain else None
            m = SquatMeasure(knee if knee is not None else 180.0, None, None, None)
        return replace(m, hip_height=height)

    def _view_measure(self, frame: PoseFrame) -> SquatMeasure | None:
        thr = self.visibility_threshold
        if self.view is View.SIDE:
            chain = near_side(frame, LEFT, RIGHT, thr)
            pts = points(frame, chain, thr) if chain else None
            if chain is None or pts is None:
                return None
            sh, hip, knee, ankle, toe = pts
            knee_deg = joint_angle(frame, chain[1], chain[2], chain[3], thr)
            name = "left" if chain == LEFT else "right"
            self._shank[name].add(float(np.linalg.norm(knee - ankle)))
            shank = self._shank[name].value or float(np.linalg.norm(knee - ankle))
            if knee_deg is None or shank <= 0:
                return None
            return SquatMeasure(knee_deg, inclination_deg(sh, hip), None, float((toe[1] - ankle[1]) / shank))
        knees, valgus, heels = [], [], []
        hips = points(frame, (L.LEFT_HIP, L.RIGHT_HIP), thr)
        shoulders = points(frame, (L.LEFT_SHOULDER, L.RIGHT_SHOULDER), thr)
        trunk = None
        if hips is not None and shoulders is not None:
            sh_mid, hip_mid = (shoulders[0] + shoulders[1]) / 2, (hips[0] + hips[1]) / 2
            self._torso.add(float(np.linalg.norm(sh_mid - hip_mid)))
            if self._torso.value is not None:
                trunk = foreshortened_inclination_deg(float(hip_mid[1] - sh_mid[1]), self._torso.value)
        for name, chain in (("left", LEFT), ("right", RIGHT)):
            pts = points(frame, chain[1:4], thr)  # hip, knee, ankle: the knee angle needs no toes
            if pts is None:
                continue
            hip, knee, ankle = pts
            toe = point(frame, chain[4], thr)  # only the heel-lift check needs it
            self._thigh[name].add(float(np.linalg.norm(hip - knee)))
            self._shank[name].add(float(np.linalg.norm(knee - ankle)))
            t_ref, s_ref = self._thigh[name].value, self._shank[name].value
            if t_ref is None or s_ref is None:
                continue
            thigh = foreshortened_inclination_deg(float(knee[1] - hip[1]), t_ref)
            shank = foreshortened_inclination_deg(float(ankle[1] - knee[1]), s_ref)
            knees.append(180.0 - thigh - shank)
            if toe is not None:
                heels.append(float((toe[1] - ankle[1]) / s_ref))
            if hips is not None and abs(ankle[1] - hip[1]) > 1e-6:
                width = float(abs(hips[0][0] - hips[1][0]))
                mid = float((hips[0][0] + hips[1][0]) / 2)
                line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
                inward = 1.0 if hip[0] > mid else -1.0
                if width > 0:
                    valgus.append(float(inward * (line_x - knee[0]) / width))
        if not knees:
            return None
        return SquatMeasure(float(np.mean(knees)), trunk, max(valgus) if valgus else None,
                            float(np.mean(heels)) if heels else None)

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        m = self._measure(frame)
        if m is None:
            return []
        events: list[AnalyserEvent] = []
        # Thresholds must be passed in two consecutive frames, so one spiked landmark cannot move the machine.
        prev, self._prev = self._prev, m
        if prev is None:
            return events
        if m.hip_height is None or prev.hip_height is None:
            return events
        level = self._standing_level.value
        standing = min(m.hip_height, prev.hip_height) >= self.standing_height_ratio * level
        going_down = max(m.hip_height, prev.hip_height) < self.rep_height_ratio * level
        if standing:
            self._standing_level.add(t, m.hip_height)
        if self.phase is Phase.STANDING:  # minus both: going down makes them grow
            self._onset.add(t, (-m.knee_deg, -m.hip_height / level))
        if self.phase in (Phase.UNKNOWN, Phase.STANDING) and standing:
            if self.phase is Phase.UNKNOWN:
                self._onset.reset()
            self.phase = Phase.STANDING
            self._last_standing_t = t
            if m.heel_ratio is not None:
                self._heel_base = [*self._heel_base[-89:], m.heel_ratio]
        elif self.phase is Phase.STANDING and going_down:
            self.phase = Phase.DOWN
            left = self._last_standing_t or t
            began = self._onset.onset_s()
            self._rep = _Rep(started_at_s=min(began, left) if began is not None else left, left_standing_at_s=left)
            for c in self._confirm.values():
                c.reset()
            self._recent_knee.clear()
            events.append(self._event(EventKind.REP_STARTED, self._rep.started_at_s, "rep_started",
                                      index=len(self._reps) + 1))
        if self.phase is Phase.DOWN and self._rep is not None:
            events += self._track(self._rep, m, t)
            if standing:
                events += self._complete(t)
                self.phase = Phase.STANDING
                self._last_standing_t = t
                self._onset.reset()
        if self.phase is Phase.STANDING and self._in_test(t):
            self._start_posture_seen = True
        return events

    def _track(self, rep: _Rep, m: SquatMeasure, t: float) -> list[AnalyserEvent]:
        self._recent_knee.append(m.knee_deg)
        knee = float(np.median(self._recent_knee))  # a 3-frame median keeps one noisy frame from setting the depth
        if knee < rep.min_knee_deg:
            rep.min_knee_deg, rep.bottom_at_s = knee, t
        values: dict[str, tuple[float | None, float]] = {
            "knee_valgus": (m.valgus_ratio, self.valgus_ratio),
            "trunk_lean": (m.trunk_lean_deg, self.trunk_lean_deg),
            "heel_lift": ((m.heel_ratio - float(np.median(self._heel_base)))
                          if m.heel_ratio is not None and self._heel_base else None, self.heel_lift_ratio),
        }
        if m.valgus_ratio is not None:
            rep.max_valgus_ratio = max(rep.max_valgus_ratio, m.valgus_ratio)
        if m.trunk_lean_deg is not None:
            rep.max_trunk_lean_deg = max(rep.max_trunk_lean_deg, m.trunk_lean_deg)
        lift = values["heel_lift"][0]
        if lift is not None:
            rep.max_heel_lift_ratio = max(rep.max_heel_lift_ratio, lift)
        events = []
        for key, (value, limit) in values.items():
            confirmed = self._confirm[key].update(value is not None and value > limit, t)
            if confirmed and key not in rep.faults:
                rep.faults.append(key)
                self._fault_counts[key] = self._fault_counts.get(key, 0) + 1
                events.append(self._event(EventKind.FORM_FAULT, self._confirm[key].since_s or t, f"fault.{key}",
                                          fault=key, value=value, limit=limit, knee_deg=m.knee_deg))
        return events

    def _complete(self, t: float) -> list[AnalyserEvent]:
        rep = self._rep
        assert rep is not None
        self._rep = None
        if t - rep.left_standing_at_s < self.min_rep_s:
            self._forget_faults(rep)  # faults seen in a glitch are not the resident's
            return [self._event(EventKind.REP_REJECTED, t, "rejected.too_brief", reason="too_brief",
                                duration_s=t - rep.left_standing_at_s, min_rep_s=self.min_rep_s,
                                min_knee_deg=rep.min_knee_deg)]
        if self._before_go(rep.started_at_s):  # begun before "Go", even if ended after
            self._forget_faults(rep)  # not part of the test
            self._reps.append(RepRecord(len(self._reps) + 1, rep.started_at_s, t, False, RepGrade.FAULTED,
                                        ("before_start",), {"min_knee_deg": rep.min_knee_deg}))
            return [self._event(EventKind.REP_REJECTED, t, "rejected.before_start", reason="before_start",
                                began_at_s=rep.started_at_s, start_signal_at_s=self.started_at_s)]
        if rep.faults:
            grade = RepGrade.FAULTED
        elif rep.min_knee_deg > self.depth_knee_deg:
            grade = RepGrade.SHALLOW
        else:
            grade = RepGrade.GOOD
        reasons = list(rep.faults) + (["shallow"] if rep.min_knee_deg > self.depth_knee_deg else [])
        evidence: dict[str, Any] = {"bottom_at_s": rep.bottom_at_s, "top_at_s": t,
                                    "min_knee_deg": rep.min_knee_deg, "depth_limit_deg": self.depth_knee_deg,
                                    "descent_s": rep.bottom_at_s - rep.started_at_s, "ascent_s": t - rep.bottom_at_s}
        evidence["max_trunk_lean_deg"] = rep.max_trunk_lean_deg
        if np.isfinite(rep.max_valgus_ratio):
            evidence["max_valgus_ratio"] = rep.max_valgus_ratio
        if np.isfinite(rep.max_heel_lift_ratio):
            evidence["max_heel_lift_ratio"] = rep.max_heel_lift_ratio
        self._reps.append(RepRecord(len(self._reps) + 1, rep.started_at_s, t, True, grade, tuple(reasons), evidence))
        return [self._event(EventKind.REP_COMPLETED, t, f"rep_completed.{grade.value}", index=len(self._reps),
                            count=self._count(), grade=grade, reasons=reasons, **evidence)]

    def _forget_faults(self, rep: _Rep) -> None:
        for key in rep.faults:
            self._fault_counts[key] -= 1
            if not self._fault_counts[key]:
                del self._fault_counts[key]

    def _count(self) -> int:
        return sum(1 for r in self._reps if r.counted)

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        events = []
        if self._rep is not None:
            events.append(self._event(EventKind.REP_REJECTED, t, "rejected.lost_view", reason="lost_view",
                                      started_at_s=self._rep.started_at_s))
            self._rep = None
        self.phase = Phase.UNKNOWN
        self._prev = None
        return events

    def result(self) -> ExerciseResult:
        notes = [] if self.result_view() is View.FRONT else ["knee_valgus_not_checked_in_side_view"]
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=self._count(),
            reps=tuple(self._reps), started_at_s=self.started_at_s, ended_at_s=self.ended_at_s,
            duration_s=self.duration_s, end_reason=self.end_reason, paused_s=self.paused_s,
            fault_counts=dict(self._fault_counts), notes=tuple(notes),
            measures={"shallow_count": sum(1 for r in self._reps if r.counted and "shallow" in r.faults)},
            **self._validity_fields(),
        )
