"""30-second arm curl (Senior Fitness Test): full-range curls counted, range of motion per curl.

Scoring rule (Rikli & Jones, *Senior Fitness Test Manual*, 2nd ed. 2013): the score is the number of
curls through the full range of motion in 30 seconds; a curl more than halfway up at the end counts.

A curl counts when the elbow angle closes to ``flexed_deg`` or less after the arm was extended to
``extended_deg`` or more; the arm must be extended again before the next curl can count (hysteresis).
A curl that turns back before full flexion is rejected as ``partial_range``; curling again before the
arm is lowered is flagged ``not_fully_lowered``. In every view the elbow angle is read from how high the
wrist is below the shoulder, the upper arm hanging still as the test asks (an arm raised is no curl).
In a front view ``arm="auto"`` follows both arms until one curls (the dominant arm is tested). The SFT
curl is done seated: a resident seen standing more than sitting is reported as a protocol deviation.

Only curls begun after the start signal count. A curl begins when the lowered arm starts to bend: the
wrist rising more than ``onset_deg`` (in degree-like units) from its resting height (``MovementOnset``). The attempt
threshold is crossed a few tenths of a second later, and comparing that (or full flexion) with "Go"
counted a curl begun before it.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, RepGrade, RepRecord, View
from vision.analysers.measures import (
    LevelTracker,
    MovementOnset,
    PostureTally,
    RunConfirm,
    missing_names,
    near_side,
    points,
)
from vision.landmarks import L, PoseFrame

ARMS = {
    "left": (L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST),
    "right": (L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST),
}

_ARM_CHOICE_S = 0.2


class Phase(enum.Enum):
    UNKNOWN = "unknown"
    DOWN = "down"  # extended
    UP = "up"  # curling, not yet full
    TOP = "top"  # counted, waiting for the arm to be lowered


@dataclass
class _Curl:
    started_at_s: float
    extended_deg: float
    min_deg: float = 180.0
    counted: bool = False
    counted_at_s: float | None = None
    halfway: float | None = None


class ArmCurlAnalyser(ExerciseAnalyser):
    exercise = "arm-curl"
    messages: ClassVar[dict[str, str]] = {
        "curl_started": "",
        "curl_counted": "{count}",
        "curl_counted_halfway": "{count}",
        "rejected.partial_range": "Bring the weight all the way up.",
        "rejected.before_start": "Wait for the start signal, then start curling.",
        "rejected.lost_view": "",
        "fault.not_fully_lowered": "Lower your arm all the way each time.",
    }

    def __init__(
        self,
        *,
        duration_s: float = 30.0,
        arm: str = "auto",
        extended_deg: float = 120.0,
        flexed_deg: float = 70.0,
        attempt_deg: float = 105.0,
        onset_deg: float = 10.0,
        hanging_ratio: float = 0.7,
        **options: Any,
    ) -> None:
        options.setdefault("start_grace_s", 0.15)  # a jittered wrist reads as rising up to ~0.1 s early
        super().__init__(duration_s=duration_s, **options)
        if arm not in ("auto", "left", "right"):
            raise ValueError(f"arm must be 'auto', 'left' or 'right', not {arm!r}")
        if not flexed_deg < attempt_deg < extended_deg:
            raise ValueError("arm-curl thresholds must satisfy flexed_deg < attempt_deg < extended_deg")
        self.arm = arm
        self.hanging_ratio = hanging_ratio  # the elbow this far below the shoulder (upper-arm lengths) or no curl
        self.extended_deg, self.flexed_deg, self.attempt_deg = extended_deg, flexed_deg, attempt_deg
        self.phase = Phase.UNKNOWN
        self._curl: _Curl | None = None
        self._reps: list[RepRecord] = []
        self._count = 0
        self._fault_counts: dict[str, int] = {}
        self._upper = {s: LevelTracker(0.0, (1.0, 1e5), window_s=10.0, min_span_s=0.5) for s in ARMS}
        self._forearm_len = {s: LevelTracker(0.0, (1.0, 1e5), window_s=10.0, min_span_s=0.5) for s in ARMS}
        self._down_max = 0.0
        self._last_down_t: float | None = None
        self._top_max = 0.0
        self._last_angle = 180.0
        self._halfway_applied = False
        self._prev_angle: float | None = None
        # Front view, ``auto``: how long each arm has been bent past the attempt angle (the curling arm is chosen).
        # Two frames at least, and ``_ARM_CHOICE_S`` (seconds, not frames: five frames at 5 frames/s were 0.8 s).
        self._arm_choice = {s: RunConfirm(frames=2, min_s=_ARM_CHOICE_S) for s in ARMS}
        # Each arm's elbow angle while lowered (minus it: bending makes it grow), to tell when a curl began.
        self._onset = {s: MovementOnset((onset_deg,)) for s in ARMS}
        self._frame_angles: dict[str, float] = {}
        self._frame_lifts: dict[str, float] = {}  # per arm: the wrist's rise, for telling when a curl began
        self._posture = PostureTally()  # the SFT arm curl is done seated: a standing test is a deviation

    def _chain(self, frame: PoseFrame) -> tuple[int, ...] | None:
        """The curling arm's landmarks when visible. ``auto`` picks the camera-near arm in a side view on
        the first usable frame and keeps it: the test is one arm. In a front view both arms are seen, and
        the resident curls with the dominant one, so ``auto`` follows both until one starts to curl."""
        thr = self.visibility_threshold
        if self.arm == "auto":
            if self.view is View.FRONT:
                return None
            else:
                chain = near_side(frame, ARMS["left"], ARMS["right"], thr)
                if chain is None:
                    return None
                self.arm = "left" if chain == ARMS["left"] else "right"
        chain = ARMS[self.arm]
        return chain if points(frame, chain, thr) is not None else None

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        if self._chain(frame) is not None:
            return ()
        if self.arm == "auto" and self.view is View.FRONT:
            thr = self.visibility_threshold
            if any(points(frame, chain, thr) is not None for chain in ARMS.values()):
                return ()
        return missing_names(frame, ARMS["right" if self.arm == "auto" else self.arm], self.visibility_threshold)

    def _elbow_deg(self, frame: PoseFrame) -> float | None:
        """The tested arm's elbow angle; ``_frame_angles`` keeps every arm's angle measured in this frame."""
        self._frame_angles, self._frame_lifts = {}, {}
        if self.arm == "auto" and self.view is View.FRONT:
            return self._elbow_deg_either_arm(frame)
        chain = self._chain(frame)
        if chain is None:
            return None
        side = "left" if chain == ARMS["left"] else "right"
        angle = self._front_elbow_deg(frame, side)
        if angle is not None:
            self._frame_angles = {side: angle}
        return angle

    def _front_elbow_deg(self, frame: PoseFrame, side: str) -> float | None:
        """The elbow angle read from how high the wrist is, in any view.

        With the upper arm hanging still (as the test asks), the wrist sits ``upper - forearm·cos θ`` below
        the shoulder for an elbow angle θ, seen from the front, the side or between, where the image angle
        at the elbow is only true from the side and is thrown off by a misplaced shoulder landmark. Arm
        lengths are learnt from the resident's own frames (a high percentile, so a foreshortened forearm
        mid-curl does not shrink them)."""
        pts = points(frame, ARMS[side], self.visibility_threshold)
        if pts is None:
            return None
        shoulder, elbow, wrist = pts
        t = frame.timestamp_s
        upper_px, forearm_px = float(np.linalg.norm(elbow - shoulder)), float(np.linalg.norm(wrist - elbow))
        if upper_px <= 1e-6:
            return None
        self._upper[side].add(t, upper_px)
        self._forearm_len[side].add(t, forearm_px)
        upper = max(self._upper[side].value if self._upper[side].ready else upper_px, 1e-6)
        forearm = self._forearm_len[side].value if self._forearm_len[side].ready else forearm_px
        if float(elbow[1] - shoulder[1]) / upper < self.hanging_ratio:
            return None  # the upper arm is raised (a wave, a stretch, a reach): no curl is measured
        k = min(max(forearm / upper, 0.6), 1.1)
        r = float(wrist[1] - shoulder[1]) / upper
        # Near a straight arm the angle is ill-conditioned (arccos at -1): the onset watches the wrist's rise
        # itself, in forearm lengths scaled to "degrees" (a 10-unit tolerance is a rise of 0.17 forearm).
        self._frame_lifts[side] = -math.degrees(r / k)
        return float(np.degrees(np.arccos(np.clip((1.0 - r) / k, -1.0, 1.0))))

    def _elbow_deg_either_arm(self, frame: PoseFrame) -> float | None:
        """Front view, arm not yet known: the arm is chosen for good once it has stayed below ``attempt_deg``
        for ``_ARM_CHOICE_S`` (a curl does; a spiked landmark, even smoothed, does not). Until then the right
        arm's angle is used, so a spike on the idle arm never reaches the state machine."""
        angles = {s: a for s in ARMS if (a := self._front_elbow_deg(frame, s)) is not None}
        self._frame_angles = angles
        t = frame.timestamp_s
        curling = [s for s in ARMS if self._arm_choice[s].update(s in angles and angles[s] <= self.attempt_deg, t)]
        if curling:
            self.arm = min(curling, key=lambda s: self._arm_choice[s].since_s or t)
            return angles[self.arm]
        return angles.get("right", angles.get("left"))

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        raw = self._elbow_deg(frame)
        if raw is None:
            return []
        prev, self._prev_angle = self._prev_angle, raw
        self._last_angle = raw
        if prev is None:
            return []
        # Thresholds must be passed in two consecutive frames, so one spiked landmark cannot move the machine:
        # ``high`` is the smaller of the two angles (for "extended"), ``low`` the larger (for "flexed").
        high, low, angle = min(raw, prev), max(raw, prev), raw
        events: list[AnalyserEvent] = []
        if self.phase is Phase.DOWN:
            for side in self._frame_angles:
                if side in self._frame_lifts:
                    self._onset[side].add(t, (self._frame_lifts[side],))
        if self.phase in (Phase.UNKNOWN, Phase.DOWN) and high >= self.extended_deg:
            if self.phase is Phase.UNKNOWN:
                self._forget_rest()
            self._down_max = max(self._down_max, angle) if self.phase is Phase.DOWN else angle
            self.phase = Phase.DOWN
            self._last_down_t = t
        elif self.phase is Phase.DOWN and low <= self.attempt_deg:
            self.phase = Phase.UP
            last_down = self._last_down_t or t
            began = self._onset["right" if self.arm == "auto" else self.arm].onset_s()
            self._curl = _Curl(min(began, last_down) if began is not None else last_down, self._down_max, angle)
            events.append(self._event(EventKind.REP_STARTED, self._curl.started_at_s, "curl_started",
                                      index=len(self._reps) + 1))
        elif self.phase is Phase.UP and self._curl is not None:
            c = self._curl
            c.min_deg = min(c.min_deg, angle)
            if low <= self.flexed_deg:
                events += self._count_curl(t)
                self.phase, self._top_max = Phase.TOP, angle
            elif high >= self.extended_deg:
                events += self._close(t, partial=True)
                self.phase, self._down_max, self._last_down_t = Phase.DOWN, angle, t
                self._forget_rest()
        elif self.phase is Phase.TOP and self._curl is not None:
            self._curl.min_deg = min(self._curl.min_deg, angle)
            self._top_max = max(self._top_max, angle)
            if high >= self.extended_deg:
                events += self._close(t, partial=False)
                self.phase, self._down_max, self._last_down_t = Phase.DOWN, angle, t
                self._forget_rest()
            elif low <= self.flexed_deg and self._top_max >= (self.flexed_deg + self.extended_deg) / 2:
                self._fault_counts["not_fully_lowered"] = self._fault_counts.get("not_fully_lowered", 0) + 1
                events.append(self._event(EventKind.FORM_FAULT, t, "fault.not_fully_lowered", fault="not_fully_lowered",
                                          lowest_reached_deg=self._top_max, needed_deg=self.extended_deg))
                self._top_max = angle
        if self.phase is Phase.DOWN and self._in_test(t):
            self._start_posture_seen = True
        if self._in_test(t):
            self._posture.add(frame, t, self.visibility_threshold)
        return events

    def _forget_rest(self) -> None:
        """The arm is lowered anew: what it did before says nothing about when the next curl begins."""
        for onset in self._onset.values():
            onset.reset()

    def _count_curl(self, t: float, halfway: float | None = None) -> list[AnalyserEvent]:
        c = self._curl
        assert c is not None
        if self._before_go(c.started_at_s):  # begun before "Go", even if ended after
            return []  # rejected as before_start when the arm is lowered
        c.counted, c.counted_at_s, c.halfway = True, t, halfway
        self._count += 1
        evidence: dict[str, Any] = {"elbow_deg": self._last_angle, "extended_deg": c.extended_deg}
        if halfway is not None:
            evidence["halfway_progress"] = halfway
            evidence["rule"] = "SFT: a curl more than halfway up at 30 s counts"
        key = "curl_counted_halfway" if halfway is not None else "curl_counted"
        return [self._event(EventKind.REP_COMPLETED, t, key, count=self._count, index=len(self._reps) + 1, **evidence)]

    def _close(self, t: float, *, partial: bool) -> list[AnalyserEvent]:
        c = self._curl
        assert c is not None
        self._curl = None
        rom = c.extended_deg - c.min_deg
        # A full curl made before the start signal is not a partial one: it must not be called one.
        faults = () if c.counted else ("partial_range",) if partial else ("before_start",)
        if faults == ("partial_range",):
            self._fault_counts["partial_range"] = self._fault_counts.get("partial_range", 0) + 1
        grade = RepGrade.GOOD if c.counted else RepGrade.FAULTED
        evidence = {"bottom_at_s": c.started_at_s, "top_at_s": c.counted_at_s, "range_of_motion_deg": rom,
                    "min_elbow_deg": c.min_deg, "extended_elbow_deg": c.extended_deg}
        if c.halfway is not None:
            evidence["halfway_progress"] = c.halfway
        self._reps.append(RepRecord(len(self._reps) + 1, c.started_at_s, c.counted_at_s or t, c.counted, grade, faults,
                                    evidence))
        if faults:
            return [self._event(EventKind.REP_REJECTED, t, f"rejected.{faults[0]}", reason=faults[0], **evidence)]
        return []

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        events = []
        if self._curl is not None:
            if not self._curl.counted:
                events.append(self._event(EventKind.REP_REJECTED, t, "rejected.lost_view", reason="lost_view"))
            self._close_quietly(t)
        self.phase = Phase.UNKNOWN
        self._prev_angle = None
        return events

    def _close_quietly(self, t: float) -> None:
        c = self._curl
        if c is not None and c.counted:
            evidence = {"bottom_at_s": c.started_at_s, "top_at_s": c.counted_at_s,
                        "range_of_motion_deg": c.extended_deg - c.min_deg,
                        "min_elbow_deg": c.min_deg, "extended_elbow_deg": c.extended_deg}
            if c.halfway is not None:  # counted by the SFT halfway rule at the end: the record says so
                evidence["halfway_progress"] = c.halfway
            self._reps.append(RepRecord(len(self._reps) + 1, c.started_at_s, c.counted_at_s or t, True, RepGrade.GOOD,
                                        (), evidence))
        self._curl = None

    def _on_finish(self, t: float, reason: str) -> list[AnalyserEvent]:
        events: list[AnalyserEvent] = []
        if reason == "time_up" and self.phase is Phase.DOWN and self._curl is None and self._prev_angle is not None:
            # Halfway up (about 120°) comes before the attempt angle (105°), and the two-frame confirmation lags
            # a frame: a curl under way at the end may not have been started yet. Its last angle decides.
            span = self._down_max - self.flexed_deg
            if span > 0 and (self._down_max - self._last_angle) / span > 0.5:
                began = self._onset["right" if self.arm == "auto" else self.arm].onset_s()
                last_down = self._last_down_t if self._last_down_t is not None else t
                self._curl = _Curl(min(began, last_down) if began is not None else last_down, self._down_max,
                                   self._last_angle)
                self.phase = Phase.UP
        c = self._curl
        if c is not None and self.phase is Phase.UP and reason == "time_up":
            span = c.extended_deg - self.flexed_deg
            progress = (c.extended_deg - self._last_angle) / span if span > 0 else 0.0
            if progress > 0.5:
                self._halfway_applied = True
                events += self._count_curl(t, halfway=progress)
        self._close_quietly(t)
        return events

    def result(self) -> ExerciseResult:
        roms = [r.evidence["range_of_motion_deg"] for r in self._reps if r.counted]
        notes = ["rule: a curl more than halfway up at the end of the test counts (SFT)"]
        if self._halfway_applied:
            notes.append("halfway_rule_applied")
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=self._count,
            reps=tuple(self._reps),
            started_at_s=self.started_at_s, ended_at_s=self.ended_at_s, duration_s=self.duration_s,
            end_reason=self.end_reason, paused_s=self.paused_s, fault_counts=dict(self._fault_counts),
            notes=(*notes, *self._posture.notes()),
            deviations=self._posture.deviations(),
            measures={"mean_range_of_motion_deg": float(np.mean(roms)) if roms else None, "arm": self.arm},
            **self._validity_fields(),
        )
