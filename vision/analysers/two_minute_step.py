"""2-minute step test (Senior Fitness Test; the 2023 national standard's 2-minute high-knee test, ages 60-79).

Protocol (Rikli & Jones, *Senior Fitness Test Manual*, 2nd ed. 2013): the resident steps in place for two
minutes, raising each knee to a marked height midway between the kneecap and the iliac crest; the score is
the number of times the right knee reaches that height. A step that does not reach it is not counted.

The marked height is found from the resident's own landmarks while standing still at the start (both knees
level, hips at standing height, ``learn_s`` of frames): the midpoint of the right knee's and the right hip's
image height. MediaPipe's hip landmark is the hip joint, a few centimetres below the iliac crest, so this mark
sits slightly lower than the manual's taped one (the same for every resident; said in the result's notes).
The camera is fixed and the resident steps in place, so the mark is a fixed image height, as the tape on the
wall is a fixed height.

A step counts when the right knee is at or above the mark in two consecutive frames (one frame when frames
are ``single_frame_gap_s`` or more apart, at 10 frames/s or fewer); the knee must come back down (below
``down_fraction`` of the knee-to-hip span) before the next step can count. A knee lifted past
``attempt_fraction`` that comes down without reaching the mark is a step rejected (``below_target``).
"""

from __future__ import annotations

import enum
from collections import deque
from typing import Any, ClassVar

import numpy as np

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, RepGrade, RepRecord
from vision.analysers.measures import hip_height_shanks, missing_names, point
from vision.landmarks import L, PoseFrame


class Phase(enum.Enum):
    LEARNING = "learning"  # finding the marked height from the resident standing still
    DOWN = "down"
    UP = "up"  # the knee went past the attempt level


class TwoMinuteStepAnalyser(ExerciseAnalyser):
    exercise = "two-minute-step"
    messages: ClassVar[dict[str, str]] = {
        "test_started": "Go! Step in place, lifting each knee to the mark.",
        "step_counted": "{count}",
        "rejected.below_target": "Lift your knee a little higher.",
        "target_found": "I have found the height for your knee.",
    }

    def __init__(
        self,
        *,
        duration_s: float = 120.0,
        learn_s: float = 0.5,
        target_fraction: float = 0.5,
        attempt_fraction: float = 0.25,
        down_fraction: float = 0.15,
        single_frame_gap_s: float = 0.1,
        **options: Any,
    ) -> None:
        super().__init__(duration_s=duration_s, **options)
        if not 0 < down_fraction < attempt_fraction < target_fraction <= 1:
            raise ValueError("2-minute step levels must satisfy 0 < down < attempt < target <= 1")
        self.learn_s, self.target_fraction = learn_s, target_fraction
        self.attempt_fraction, self.down_fraction = attempt_fraction, down_fraction
        self.single_frame_gap_s = single_frame_gap_s
        self.phase = Phase.LEARNING
        self._still: deque[tuple[float, float, float]] = deque()  # (t, right knee y, right hip y) standing still
        self.knee_y0: float | None = None
        self.hip_y0: float | None = None
        self.target_y: float | None = None
        self._above = 0
        self._prev_frame_t: float | None = None
        self._attempt_start: float | None = None
        self._peak = 0.0
        self._counted_this = False
        self._count = 0
        self._reps: list[RepRecord] = []
        self._rejected = 0

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        return missing_names(frame, (L.RIGHT_HIP, L.RIGHT_KNEE), self.visibility_threshold)

    def _learn(self, frame: PoseFrame, t: float, knee: np.ndarray, hip: np.ndarray) -> list[AnalyserEvent]:
        thr = self.visibility_threshold
        left = point(frame, L.LEFT_KNEE, thr)
        height = hip_height_shanks(frame, thr)
        thigh = float(np.linalg.norm(hip - knee))
        still = (height is not None and height >= 1.7 and thigh > 1e-6
                 and (left is None or abs(float(left[1] - knee[1])) <= 0.08 * thigh))
        if not still:
            self._still.clear()
            return []
        self._still.append((t, float(knee[1]), float(hip[1])))
        if t - self._still[0][0] < self.learn_s:
            return []
        self.knee_y0 = float(np.median([k for _, k, _ in self._still]))
        self.hip_y0 = float(np.median([h for _, _, h in self._still]))
        self.target_y = self.knee_y0 - self.target_fraction * (self.knee_y0 - self.hip_y0)
        self.phase = Phase.DOWN
        return [self._event(EventKind.READY, t, "target_found", target_y_px=self.target_y, knee_y_px=self.knee_y0,
                            hip_y_px=self.hip_y0)]

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        thr = self.visibility_threshold
        knee, hip = point(frame, L.RIGHT_KNEE, thr), point(frame, L.RIGHT_HIP, thr)
        if knee is None or hip is None:
            return []
        gap = None if self._prev_frame_t is None else t - self._prev_frame_t
        self._prev_frame_t = t
        if self.phase is Phase.LEARNING:
            return self._learn(frame, t, knee, hip)
        assert self.knee_y0 is not None and self.hip_y0 is not None and self.target_y is not None
        if self._in_test(t):
            self._start_posture_seen = True
        lift = (self.knee_y0 - float(knee[1])) / (self.knee_y0 - self.hip_y0)
        at_mark = float(knee[1]) <= self.target_y
        self._above = self._above + 1 if at_mark else 0
        events: list[AnalyserEvent] = []
        if self.phase is Phase.DOWN and lift >= self.attempt_fraction:
            self.phase, self._attempt_start, self._peak, self._counted_this = Phase.UP, t, lift, False
        if self.phase is Phase.UP:
            self._peak = max(self._peak, lift)
            confirmed = self._above >= 2 or (self._above == 1 and gap is not None and gap >= self.single_frame_gap_s)
            if confirmed and not self._counted_this and self._in_test(self._attempt_start or t):
                self._counted_this = True
                self._count += 1
                self._reps.append(RepRecord(len(self._reps) + 1, self._attempt_start or t, t, True, RepGrade.GOOD,
                                            evidence={"peak_lift_fraction": self._peak}))
                events.append(self._event(EventKind.REP_COMPLETED, t, "step_counted", count=self._count,
                                          lift_fraction=lift))
            if lift < self.down_fraction:
                if not self._counted_this and self._in_test(self._attempt_start or t):
                    self._rejected += 1
                    self._reps.append(RepRecord(len(self._reps) + 1, self._attempt_start or t, t, False,
                                                RepGrade.SHALLOW, ("below_target",),
                                                {"peak_lift_fraction": self._peak}))
                    events.append(self._event(EventKind.REP_REJECTED, t, "rejected.below_target",
                                              reason="below_target", peak_lift_fraction=self._peak,
                                              target_fraction=self.target_fraction))
                elif self._counted_this:
                    self._reps[-1] = RepRecord(self._reps[-1].index, self._reps[-1].started_at_s, t, True,
                                               RepGrade.GOOD, evidence={"peak_lift_fraction": self._peak})
                self.phase = Phase.DOWN
        return events

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        self._above = 0
        self._prev_frame_t = None
        if self.phase is Phase.LEARNING:
            self._still.clear()
        return []

    def result(self) -> ExerciseResult:
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=self._count,
            reps=tuple(self._reps), started_at_s=self.started_at_s, ended_at_s=self.ended_at_s,
            duration_s=self.duration_s, end_reason=self.end_reason, paused_s=self.paused_s,
            fault_counts={"below_target": self._rejected} if self._rejected else {},
            notes=("rule: right-knee steps reaching the mark midway between the knee and the hip, standing "
                   "(SFT); the hip landmark is the hip joint, a little below the iliac crest",),
            measures={"target_y_px": self.target_y, "knee_y0_px": self.knee_y0, "hip_y0_px": self.hip_y0,
                      "steps_below_target": self._rejected},
            **self._validity_fields(),
        )
