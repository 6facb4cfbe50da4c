"""Five-times sit-to-stand (SPPB chair-stand component; AWGS 2019): the time from "Go" to the fifth full stand.

Protocol (Guralnik et al. 1994, *SPPB* protocol as distributed by the NIA: "Time from the initial sitting
position to the final standing position at the end of the fifth stand"; the examiner "stops the stopwatch
when the participant has straightened up completely for the fifth time"): arms folded across the chest,
stand up fully and sit down five times as quickly as possible. The end event chosen here is therefore the
moment the fifth stand reaches full standing height (the rise crossing ``upright_rise``, interpolated
between frames), not the sit after it: that is where the SPPB stopwatch stops, and it is the first frame at
which the fifth stand can be called full. More than ``cap_s`` (60 s, the SPPB's limit) or fewer than five
stands gives no time (the SPPB scores that "unable", 0 points; ``measures['stands_done']`` keeps the count).

Stands are counted exactly as the 30-second chair stand counts them (``ChairStandAnalyser``: the hips'
height above the floor-side ankle, hysteresis between seated and upright, a stand that does not reach
upright is not counted, one begun before "Go" is not counted).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Any, ClassVar

from vision.analysers.base import AnalyserEvent, EventKind, ExerciseResult
from vision.analysers.chair_stand import ChairStandAnalyser
from vision.analysers.measures import hip_height_shanks
from vision.analysers.trial import Sample, crossing_time, round_tenth
from vision.landmarks import PoseFrame

STANDS = 5


class FiveTimesSitToStandAnalyser(ChairStandAnalyser):
    exercise = "five-times-sit-to-stand"
    completion_reasons: ClassVar[frozenset[str]] = frozenset({"fifth_stand"})
    messages: ClassVar[dict[str, str]] = {
        **ChairStandAnalyser.messages,
        "test_started": "Go! Stand up fully and sit down five times, as quickly as you can.",
        "fifth_stand": "That is five. Time: {time_s} seconds.",
    }

    def __init__(self, *, cap_s: float = 60.0, duration_s: float | None = None, **options: Any) -> None:
        super().__init__(duration_s=duration_s if duration_s is not None else cap_s, **options)
        self._recent: deque[Sample] = deque(maxlen=12)
        self.fifth_at_s: float | None = None

    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        height = hip_height_shanks(frame, self.visibility_threshold)
        if height is not None:
            self._recent.append(Sample(t, height - 1.0))
        before = self._count
        events = super()._step(frame, t)
        if before < STANDS <= self._count and not self.finished:
            self.fifth_at_s = at = self._reached_upright_at(t)
            time_s = round_tenth(at - (self.started_at_s or at))
            events.append(self._event(EventKind.REP_COMPLETED, at, "fifth_stand", time_s=time_s, count=self._count))
            events += self.finish(at, reason="fifth_stand")
        return events

    def _reached_upright_at(self, t: float) -> float:
        """When the hips last rose through ``upright_rise``: the first of the frames that confirmed the stand,
        dated back between it and the frame before."""
        samples = list(self._recent)
        i = len(samples) - 1
        while i > 0 and samples[i - 1].value >= self.upright_rise:
            i -= 1
        if i == 0 or samples[i].value < self.upright_rise:
            return samples[i].t if samples else t
        return crossing_time(samples[i - 1], samples[i], self.upright_rise)

    def result(self) -> ExerciseResult:
        base = super().result()
        raw = None if self.fifth_at_s is None or self.started_at_s is None else self.fifth_at_s - self.started_at_s
        return replace(base, value=round_tenth(raw) if raw is not None and base.valid else None, unit="s",
                       notes=(*base.notes, "rule: time from Go to the fifth full stand (SPPB), to 0.1 s"),
                       measures={**base.measures, "raw_time_s": raw, "stands_done": self._count})
