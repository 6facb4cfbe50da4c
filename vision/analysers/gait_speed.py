"""Usual gait speed over a marked course (SPPB 4-m walk; AWGS 2019 and EWGSOP2 use it), timed from the camera.

Protocol (Guralnik et al. 1994, SPPB as distributed by the NIA): the resident walks at their usual pace along
a 4-m course; the time stops "when one of the participant's feet is completely across the 4-m line"; two
trials, the faster counts. The course is calibrated once per station by a technician: the image x positions
of the start and finish lines (floor markers seen by a side camera) and the distance between them in metres
(``kiosk vision course set``; ``CameraCourse`` in the station configuration).

Timing runs from the moment the first foot is completely across the start line to the moment the first foot
is completely across the finish line, both judged on the rearmost point of the foot (heel, ankle or toe,
whichever is furthest back), so the timed distance is exactly the calibrated course. Each crossing must hold
two frames (one spiked landmark cannot start the clock) and is dated between the frames either side of it.
Speed = distance / time, in m/s to 0.01.

No score when the resident was never seen behind the start line (``no_start_posture``), never crossed the
finish line before ``cap_s``, or a crossing fell in a gap of more than ``max_crossing_gap_s`` without frames.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult, InvalidReason, View
from vision.analysers.measures import missing_names, point
from vision.analysers.trial import Sample, crossing_time
from vision.landmarks import L, PoseFrame

FEET = ((L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX))


class GaitSpeedAnalyser(ExerciseAnalyser):
    exercise = "gait-speed"
    completion_reasons: ClassVar[frozenset[str]] = frozenset({"finish_line"})
    messages: ClassVar[dict[str, str]] = {
        "test_started": "Go! Walk at your usual pace past the far line.",
        "start_line": "Timing started.",
        "finish_line": "Done. Your walking speed is {speed_m_s} metres a second.",
    }

    def __init__(
        self,
        *,
        start_x: float = 0.15,
        finish_x: float = 0.85,
        distance_m: float = 4.0,
        cap_s: float = 60.0,
        duration_s: float | None = None,
        max_crossing_gap_s: float = 0.5,
        **options: Any,
    ) -> None:
        options.setdefault("max_paused_fraction", 0.5)
        super().__init__(duration_s=None, **options)
        if duration_s is not None:
            cap_s = duration_s
        for name, x in (("start_x", start_x), ("finish_x", finish_x)):
            if not (math.isfinite(x) and 0.0 <= x <= 1.0):
                raise ValueError(f"{name} must be an image x position within 0..1 (a fraction of the width), not {x!r}")
        if abs(finish_x - start_x) < 0.05:
            raise ValueError("the start and finish lines must be at least 5 % of the picture's width apart")
        if not (math.isfinite(distance_m) and distance_m > 0 and cap_s > 0):
            raise ValueError("distance_m and cap_s must be positive")
        self.start_x, self.finish_x, self.distance_m, self.cap_s = start_x, finish_x, distance_m, cap_s
        self.direction = 1.0 if finish_x > start_x else -1.0
        self.max_crossing_gap_s = max_crossing_gap_s
        self._prev: tuple[float, float, float] | None = None  # (t, progress past start, past finish) last frame
        self._pending: dict[str, Sample] = {}  # a crossing seen in one frame, waiting for its second frame
        self._behind_start = False
        self._gap_at_crossing = False
        self.crossed_start_s: float | None = None
        self.crossed_finish_s: float | None = None

    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        thr = self.visibility_threshold
        for foot in FEET:
            if not missing_names(frame, foot, thr):
                return ()
        return missing_names(frame, FEET[1], thr)

    def _progress(self, frame: PoseFrame, line_x: float) -> float | None:
        """How far the leading foot is completely past ``line_x`` (normalised x; negative: not yet across)."""
        best = None
        for foot in FEET:
            xs = []
            for i in foot:
                p = point(frame, i, self.visibility_threshold)
                if p is None:
                    break
                xs.append(p[0] / frame.image_width)
            if len(xs) == len(foot):
                rear = min(self.direction * (x - line_x) for x in xs)
                best = rear if best is None else max(best, rear)
        return best

    def feed(self, frame: PoseFrame, *, people_count: int | None = None) -> list[AnalyserEvent]:
        t = float(frame.timestamp_s)
        if not self.finished and self.started_at_s is not None and t - self.started_at_s >= self.cap_s:
            return self.finish(self.started_at_s + self.cap_s, reason="cap_reached")
        return super().feed(frame, people_count=people_count)

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        s, f = self._progress(frame, self.start_x), self._progress(frame, self.finish_x)
        if s is None or f is None:
            return []
        prev, self._prev = self._prev, (t, s, f)
        events: list[AnalyserEvent] = []
        if self.crossed_start_s is None:
            if s < 0:
                self._behind_start = True
                self._pending.pop("start", None)
                if self._in_test(t):
                    self._start_posture_seen = True
                return []
            if not self._behind_start or prev is None:
                return []
            at = self._confirm("start", prev[0], prev[1], t, s)
            if at is None:
                return []
            self.crossed_start_s = at
            events.append(self._event(EventKind.REP_STARTED, at, "start_line"))
            if not self._in_test(at):  # walked off before "Go": the start line must be crossed again
                self.crossed_start_s, self._behind_start = None, False
                events[-1] = self._event(EventKind.REP_REJECTED, at, "rejected.before_start", reason="before_start")
            return events
        if f < 0 or prev is None:
            self._pending.pop("finish", None)
            return events
        at = self._confirm("finish", prev[0], prev[2], t, f)
        if at is None:
            return events
        self.crossed_finish_s = at
        speed = self.speed_m_s()
        events.append(self._event(EventKind.REP_COMPLETED, at, "finish_line", speed_m_s=speed, count=1,
                                  time_s=at - self.crossed_start_s))
        return events + self.finish(at, reason="finish_line")

    def _confirm(self, which: str, t0: float, v0: float, t1: float, v1: float) -> float | None:
        """The crossing time once a second frame past the line confirms it (dated at the first one)."""
        first = self._pending.get(which)
        if first is None:
            if v0 >= 0:  # the frame before was already past: no crossing seen between frames
                return None
            if t1 - t0 > self.max_crossing_gap_s:
                self._gap_at_crossing = True
            self._pending[which] = Sample(crossing_time(Sample(t0, v0), Sample(t1, v1), 0.0), v1)
            return None
        self._pending.pop(which)
        return first.t

    def speed_m_s(self) -> float | None:
        if self.crossed_start_s is None or self.crossed_finish_s is None:
            return None
        elapsed = self.crossed_finish_s - self.crossed_start_s
        return round(self.distance_m / elapsed, 2) if elapsed > 0 else None

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        self._pending.clear()
        return []

    def validity(self) -> tuple[bool, InvalidReason | None]:
        if self.finished and self._seen_in_test and not self._behind_start:
            return False, InvalidReason.NO_START_POSTURE  # never seen behind the start line: no walk to time
        valid, why = super().validity()
        if valid and self._gap_at_crossing:
            return False, InvalidReason.OUT_OF_VIEW
        return valid, why

    def _saw_start_posture(self) -> bool:
        return self._behind_start

    def result(self) -> ExerciseResult:
        fields = self._validity_fields()
        elapsed = None if self.crossed_start_s is None or self.crossed_finish_s is None else \
            self.crossed_finish_s - self.crossed_start_s
        return ExerciseResult(
            exercise=self.exercise, status=self._status(), view=self.result_view(), count=0,
            started_at_s=self.started_at_s, ended_at_s=self.ended_at_s, duration_s=self.cap_s,
            end_reason=self.end_reason, paused_s=self.paused_s,
            notes=("rule: time from the first foot completely across the start line to the first foot completely "
                   "across the finish line (SPPB)", f"course {self.distance_m:g} m"),
            measures={"walk_time_s": elapsed, "crossed_start_s": self.crossed_start_s,
                      "crossed_finish_s": self.crossed_finish_s, "distance_m": self.distance_m,
                      "start_x": self.start_x, "finish_x": self.finish_x},
            value=self.speed_m_s() if fields["valid"] else None, unit="m/s", **fields,
            deviations=("filmed_from_front",) if self.result_view() is View.FRONT else (),  # lines need a side view
        )
