"""30-second chair stand (Senior Fitness Test; CDC STEADI): full stands counted from the start signal.

Scoring rule: the score is the number of full stands completed in 30 seconds; "if the patient is over
halfway to a standing position when 30 seconds have elapsed, count it as a stand" (CDC STEADI,
*Assessment: 30-Second Chair Stand*, 2017; Rikli & Jones, *Senior Fitness Test Manual*, 2nd ed. 2013).

Stands are counted on the hips' height above the floor-side ankle, in shank lengths, minus one shank
(``rise``: about 0 seated, about 1 standing, the same from the front, the side or between; see
``measures.hip_height_shanks``). A stand counts when the rise reaches ``upright_rise`` with the trunk
upright (hysteresis: the resident must be seated again, below ``seated_rise``, before the next stand can
count, so jitter near a threshold never double counts). "Halfway" is the rise between the seated and the
standing level. Knee and hip angles (side view) are kept as evidence. Form faults: not standing fully
upright (the attempt is not counted), arms leaving the chest, and rocking for momentum: forward trunk
flexion faster than ``rocking_deg_s`` in a side view; in a front view, where flexion only shortens the
trunk in the image, the trunk's image height falling faster than ``rocking_fraction_per_s`` of its
upright height per second. By default faulted full stands still count and are flagged; ``strict=True``
counts only clean stands.

Only stands begun after the start signal count. A stand begins when the seated resident starts to
move: the trunk leaning forward more than ``onset_lean_deg`` or the hips rising more than
``onset_rise`` (shank lengths) from how they sat (see ``MovementOnset``); the rising threshold is
crossed only a few tenths of a second later, so comparing that (or the moment upright) with "Go"
counted a stand begun before it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, RepGrade, RepRecord, View
from vision.analysers.measures import (
    AngularRate,
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
)
from vision.landmarks import L, PoseFrame

LEFT = (L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
RIGHT = (L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)
LEG_LEFT = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
LEG_RIGHT = (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)


class Phase(enum.Enum):
    UNKNOWN = "unknown"  # not yet seen seated (start, or after the view was lost)
    SEATED = "seated"
    RISING = "rising"
    STANDING = "standing"


@dataclass(frozen=True)
class StandMeasure:
    rise: float  # hips above knees, in shank lengths: ~0 seated, ~1 standing
    knee_deg: float | None
    hip_deg: float | None
    trunk_lean_deg: float | None
    trunk_fraction: float | None  # front view: trunk image height / upright trunk height
    arms_off_ratio: float | None  # wrist distance from the nearest shoulder / torso length
    seated: bool
    rising: bool
    upright: bool


@dataclass
class _Attempt:
    started_at_s: float
    peak_rise: float = -np.inf
    peak_knee_deg: float | None = None
    peak_hip_deg: float | None = None
    faults: list[str] = field(default_factory=list)
    last_rise: float = 0.0


class ChairStandAnalyser(ExerciseAnalyser):
    exercise = "chair-stand"
    messages: ClassVar[dict[str, str]] = {
        "stand_started": "",
        "stand_counted": "{count}",
        "stand_counted_halfway": "{count}",
        "rejected.not_upright": "Please stand up all the way each time.",
        "rejected.before_start": "Wait for the start signal, then stand up.",
        "rejected.lost_view": "",
        "fault.arms_off_chest": "Keep your arms crossed on your chest.",
        "fault.rocking": "Try to stand up without swinging your body forward.",
    }

    def __init__(
        self,
        *,
        duration_s: float = 30.0,
        strict: bool = False,
        seated_rise: float = 0.35,
        rising_rise: float = 0.5,
        upright_rise: float = 0.9,
        upright_trunk_lean_deg: float = 30.0,
        arms_off_ratio: float = 0.7,
        rocking_deg_s: float = 250.0,
        rocking_fraction_per_s: float = 2.0,
        onset_lean_deg: float = 10.0,
        onset_rise: float = 0.15,
        **options: Any,
    ) -> None:
        options.setdefault("start_grace_s", 0.15)  # a jittered rise reads as begun up to ~0.1 s early
        super().__init__(duration_s=duration_s, **options)
        if not seated_rise < rising_rise < upright_rise:
            raise ValueError("chair-stand thresholds must increase: seated < rising < upright")
        self.strict = strict
        self.seated_rise, self.rising_rise, self.upright_rise = seated_rise, rising_rise, upright_rise
        self.upright_trunk_lean_deg = upright_trunk_lean_deg
        self.arms_off_ratio = arms_off_ratio
        self.rocking_deg_s = rocking_deg_s
        self.rocking_fraction_per_s = rocking_fraction_per_s
        self.phase = Phase.UNKNOWN
        self._attempt: _Attempt | None = None
        self._reps: list[RepRecord] = []
        self._count = 0
        self._fault_counts: dict[str, int] = {}
        self._pending_faults: list[str] = []  # seen while seated, belong to the next stand
        self._seated_rises: list[float] = []
        self._standing_rises: list[float] = []
        self._last_seated_t: float | None = None
        self._torso = ReferenceLength()
        self._arms = RunConfirm(frames=4, min_s=0.1)
        self._arms_episode = False
        self._trunk_rate = AngularRate(0.1)
        self._halfway_applied = False
        self._prev: StandMeasure | None = None
        self._onset = MovementOnset((onset_lean_deg, onset_rise))  # fed while seated: when a rise began

    # ---- measures ---------------------------------------------------------------------------
    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        """One whole leg (hip, knee, ankle): the hips' height counts the stands; the trunk and arms only grade."""
        thr = self.visibility_threshold
        if near_side(frame, LEG_LEFT, LEG_RIGHT, thr) is not None:
            return ()
        return missing_names(frame, LEG_RIGHT, thr)

    def _measure(self, frame: PoseFrame) -> StandMeasure | None:
        """The stand's measures. The hips' height above the floor-side ankle (in shank lengths, minus the
        shank) rises from about 0 seated to about 1 standing the same way from the front, the side or
        between, so it decides seated, rising and upright in every view; knee and hip angles (side view)
        and the trunk's lean are evidence and form checks."""
        thr = self.visibility_threshold
        # Against each frame's own shank: a learnt shank length (as the squat uses for its front view)
        # miscounted real stands whenever the person or the camera moved and the scale changed.
        height = hip_height_shanks(frame, thr)
        if height is None:
            return None
        rise = height - 1.0
        knee_deg = hip_deg = None
        chain = near_side(frame, LEFT, RIGHT, thr)
        if self.view is View.SIDE and chain is not None:
            knee_deg = joint_angle(frame, chain[1], chain[2], chain[3], thr)
            hip_deg = joint_angle(frame, chain[0], chain[1], chain[2], thr)
        trunk = fraction = None
        sh_pts = [p for p in (point(frame, L.LEFT_SHOULDER, thr), point(frame, L.RIGHT_SHOULDER, thr)) if p is not None]
        hip_pts = [p for p in (point(frame, L.LEFT_HIP, thr), point(frame, L.RIGHT_HIP, thr)) if p is not None]
        if sh_pts and hip_pts:
            sh, hip = np.mean(sh_pts, axis=0), np.mean(hip_pts, axis=0)
            torso = float(np.linalg.norm(sh - hip))
            self._torso.add(torso)
            ref = self._torso.value or torso
            if self.view is View.SIDE:
                trunk = inclination_deg(sh, hip)
            else:
                trunk = foreshortened_inclination_deg(float(hip[1] - sh[1]), ref)
                fraction = float(hip[1] - sh[1]) / ref if ref > 0 else None
        ref = self._torso.value
        ratios = []
        for wrist in (L.LEFT_WRIST, L.RIGHT_WRIST):
            w = point(frame, wrist, thr)
            if w is not None and sh_pts and ref:
                ratios.append(min(float(np.linalg.norm(w - s)) for s in sh_pts) / ref)
        arms = max(ratios) if ratios else None
        seated, rising = rise <= self.seated_rise, rise >= self.rising_rise
        upright = rise >= self.upright_rise and (trunk is None or trunk <= self.upright_trunk_lean_deg)
        return StandMeasure(rise, knee_deg, hip_deg, trunk, fraction, arms, seated, rising, upright)

    # ---- state machine ----------------------------------------------------------------------
    def _fault(self, t: float, key: str, **evidence: Any) -> list[AnalyserEvent]:
        target = self._attempt.faults if self._attempt is not None else self._pending_faults
        if key in target:
            return []
        target.append(key)
        self._fault_counts[key] = self._fault_counts.get(key, 0) + 1
        return [self._event(EventKind.FORM_FAULT, t, f"fault.{key}", fault=key, **evidence)]

    def _check_rocking(self, m: StandMeasure, t: float) -> list[AnalyserEvent]:
        if self.view is View.SIDE and m.trunk_lean_deg is not None:
            rate = self._trunk_rate.update(t, m.trunk_lean_deg)
            if rate is not None and rate > self.rocking_deg_s:
                return self._fault(t, "rocking", trunk_flexion_rate_deg_s=rate, limit=self.rocking_deg_s)
        elif self.view is View.FRONT and m.trunk_fraction is not None:
            rate = self._trunk_rate.update(t, -m.trunk_fraction)  # positive while the trunk folds forward
            if rate is not None and rate > self.rocking_fraction_per_s:
                return self._fault(t, "rocking", trunk_shortening_per_s=rate, limit=self.rocking_fraction_per_s)
        return []

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        raw = self._measure(frame)
        if raw is None:
            return []
        # A state flag must hold in two consecutive frames, so one spiked landmark cannot move the machine.
        prev, self._prev = self._prev, raw
        m = replace(raw, seated=raw.seated and prev is not None and prev.seated,
                    rising=raw.rising and prev is not None and prev.rising,
                    upright=raw.upright and prev is not None and prev.upright)
        events: list[AnalyserEvent] = []
        in_test = self.started_at_s is not None and t >= self.started_at_s
        if in_test and self.phase is not Phase.UNKNOWN:
            off = m.arms_off_ratio is not None and m.arms_off_ratio > self.arms_off_ratio
            if self._arms.update(off, t) and not self._arms_episode:
                self._arms_episode = True  # one fault per continuous episode of arms off the chest
                events += self._fault(self._arms.since_s or t, "arms_off_chest",
                                      wrist_to_shoulder_torso_ratio=m.arms_off_ratio)
            elif not off:
                self._arms_episode = False
            if self.phase in (Phase.SEATED, Phase.RISING):
                events += self._check_rocking(m, t)
            else:
                self._trunk_rate.reset()

        if self.phase is Phase.SEATED:
            self._onset.add(t, (m.trunk_lean_deg, m.rise))
        if self.phase in (Phase.UNKNOWN, Phase.SEATED) and m.seated:
            if self.phase is Phase.UNKNOWN:
                self._seated_rises.clear()
                self._onset.reset()
            self.phase = Phase.SEATED
            self._seated_rises.append(m.rise)
            self._seated_rises = self._seated_rises[-60:]
            self._last_seated_t = t
        elif self.phase is Phase.SEATED and m.rising:
            self.phase = Phase.RISING
            last_seated = self._last_seated_t or t
            began = self._onset.onset_s()
            self._attempt = _Attempt(started_at_s=min(began, last_seated) if began is not None else last_seated,
                                     faults=self._pending_faults)
            self._pending_faults = []
            events.append(self._event(EventKind.REP_STARTED, self._attempt.started_at_s, "stand_started",
                                      index=len(self._reps) + 1))
        if self.phase is Phase.RISING and self._attempt is not None:
            a = self._attempt
            a.last_rise = m.rise
            a.peak_rise = max(a.peak_rise, m.rise)
            if m.knee_deg is not None:
                a.peak_knee_deg = max(a.peak_knee_deg or 0.0, m.knee_deg)
                a.peak_hip_deg = max(a.peak_hip_deg or 0.0, m.hip_deg or 0.0)
            if m.upright:
                events += self._complete(t, m)
                self.phase = Phase.STANDING
                self._standing_rises.clear()
            elif m.seated:
                events += self._reject(t, "not_upright")
                self.phase = Phase.SEATED
                self._seated_rises = [m.rise]
                self._last_seated_t = t
                self._onset.reset()
        elif self.phase is Phase.STANDING:
            if m.upright:
                self._standing_rises.append(m.rise)
                self._standing_rises = self._standing_rises[-60:]
            if m.seated:
                self.phase = Phase.SEATED
                self._seated_rises = [m.rise]
                self._last_seated_t = t
                self._onset.reset()
        if self.phase is Phase.SEATED and self._in_test(t):
            self._start_posture_seen = True
        return events

    def _evidence(self, a: _Attempt, m: StandMeasure | None = None) -> dict[str, Any]:
        ev: dict[str, Any] = {"bottom_at_s": a.started_at_s, "peak_rise_ratio": a.peak_rise, "duration_s": None}
        if a.peak_knee_deg is not None:
            ev["peak_knee_deg"] = a.peak_knee_deg
            ev["peak_hip_deg"] = a.peak_hip_deg
        if m is not None and m.trunk_lean_deg is not None:
            ev["trunk_lean_deg"] = m.trunk_lean_deg
        return ev

    def _complete(self, t: float, m: StandMeasure, *, halfway: float | None = None) -> list[AnalyserEvent]:
        a = self._attempt
        assert a is not None
        self._attempt = None
        if self._before_go(a.started_at_s):  # begun before "Go", even if ended after
            self._record(a, t, counted=False, extra_faults=("before_start",))
            return [self._event(EventKind.REP_REJECTED, t, "rejected.before_start", reason="before_start",
                                began_at_s=a.started_at_s, start_signal_at_s=self.started_at_s)]
        counted = not (self.strict and a.faults)
        if counted:
            self._count += 1
        ev = self._evidence(a, m)
        ev["duration_s"] = t - a.started_at_s
        ev["top_at_s"] = t
        if halfway is not None:
            ev["halfway_progress"] = halfway
            ev["rule"] = "SFT/STEADI: over halfway up at 30 s counts as a stand"
        self._record(a, t, counted=counted, evidence=ev)
        key = "stand_counted_halfway" if halfway is not None else "stand_counted"
        kind = EventKind.REP_COMPLETED if counted else EventKind.REP_REJECTED
        return [self._event(kind, t, key if counted else "rejected.faulted", count=self._count, index=len(self._reps),
                            counted=counted, faults=list(a.faults), **ev)]

    def _reject(self, t: float, reason: str) -> list[AnalyserEvent]:
        a = self._attempt
        assert a is not None
        self._attempt = None
        ev = self._evidence(a)
        ev["duration_s"] = t - a.started_at_s
        if reason == "not_upright":
            self._fault_counts[reason] = self._fault_counts.get(reason, 0) + 1
        self._record(a, t, counted=False, extra_faults=(reason,), evidence=ev)
        return [self._event(EventKind.REP_REJECTED, t, f"rejected.{reason}", reason=reason, **ev)]

    def _record(self, a: _Attempt, t: float, *, counted: bool, extra_faults: tuple[str, ...] = (),
                evidence: dict[str, Any] | None = None) -> None:
        faults = (*a.faults, *extra_faults)
        grade = RepGrade.GOOD if counted and not faults else RepGrade.FAULTED
        self._reps.append(RepRecord(len(self._reps) + 1, a.started_at_s, t, counted, grade, faults,
                                    evidence or self._evidence(a)))

    def _progress(self, rise: float) -> float:
        seated = float(np.mean(self._seated_rises)) if self._seated_rises else 0.0
        standing = float(np.mean(self._standing_rises)) if self._standing_rises else 1.0
        span = standing - seated
        return (rise - seated) / span if span > 1e-6 else 0.0

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        events = self._reject(t, "lost_view") if self._attempt is not None else []
        self.phase = Phase.UNKNOWN
        self._prev = None
        self._arms.reset()
        self._trunk_rate.reset()
        return events

    def _on_finish(self, t: float, reason: str) -> list[AnalyserEvent]:
        if reason == "time_up" and self.phase is Phase.SEATED and self._attempt is None and self._prev is not None \
                and self._progress(self._prev.rise) > 0.5:
            # A stand under way at the end that the two-frame confirmation has not yet called rising (at 5 frames/s
            # it goes from a third to most of the way up between two frames): its last frame decides.
            last_seated = self._last_seated_t if self._last_seated_t is not None else t
            began = self._onset.onset_s()
            self._attempt = _Attempt(started_at_s=min(began, last_seated) if began is not None else last_seated,
                                     faults=self._pending_faults, peak_rise=self._prev.rise, last_rise=self._prev.rise)
            self._pending_faults = []
            self.phase = Phase.RISING
        a = self._attempt
        if a is None or self.phase is not Phase.RISING or reason != "time_up":
            return []
        progress = self._progress(a.last_rise)
        if progress > 0.5:
            self._halfway_applied = True
            dummy = StandMeasure(a.last_rise, None, None, None, None, None, False, True, False)
            return self._complete(t, dummy, halfway=progress)
        self._attempt = None
        self._record(a, t, counted=False, extra_faults=("unfinished_at_time_up",),
                     evidence={"halfway_progress": progress, **self._evidence(a)})
        return []

    def result(self) -> ExerciseResult:
        notes = ["rule: a stand more than halfway up at the end of the test counts (SFT; CDC STEADI)"]
        if self._halfway_applied:
            notes.append("halfway_rule_applied")
        if self.strict:
            notes.append("strict: faulted stands not counted")
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=self._count,
            reps=tuple(self._reps),
            started_at_s=self.started_at_s, ended_at_s=self.ended_at_s, duration_s=self.duration_s,
            end_reason=self.end_reason, paused_s=self.paused_s, fault_counts=dict(self._fault_counts),
            notes=tuple(notes),
            deviations=("arms_not_crossed",) if self._fault_counts.get("arms_off_chest") else (),
            measures={"seated_rise_ratio": float(np.mean(self._seated_rises)) if self._seated_rises else None},
            **self._validity_fields(),
        )
