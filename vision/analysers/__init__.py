"""Exercise analysers: deterministic state machines turning a PoseFrame stream into events and a result.

Usage::

    from vision.analysers import make_analyser, EXERCISES
    analyser = make_analyser("chair-stand", view="side", duration_s=30)
    for frame in frames:
        for event in analyser.feed(frame):
            ...                      # event.kind, event.at_s, event.message (key), event.text, event.evidence
    analyser.finish()                # when the stream ends early; timed tests finish by themselves
    result = analyser.result()       # ExerciseResult, frozen; result.to_dict() is JSON-able
"""

from __future__ import annotations

import importlib
from typing import Any

from vision.analysers.base import (
    AnalyserEvent,
    EventKind,
    ExerciseAnalyser,
    ExerciseResult,
    InvalidReason,
    RepGrade,
    RepRecord,
    ResultStatus,
    View,
)

EXERCISES = ("chair-stand", "squat", "arm-curl", "single-leg",
             # the older-adult battery (issue 11): timed tests whose score is ExerciseResult.value
             "timed-up-and-go", "eight-foot-up-and-go", "five-times-sit-to-stand", "two-minute-step", "gait-speed",
             "balance-side-by-side", "balance-semi-tandem", "balance-tandem", "single-leg-eyes-open")

_ANALYSERS: dict[str, tuple[str, str]] = {
    "chair-stand": ("vision.analysers.chair_stand", "ChairStandAnalyser"),
    "squat": ("vision.analysers.squat", "SquatAnalyser"),
    "arm-curl": ("vision.analysers.arm_curl", "ArmCurlAnalyser"),
    "single-leg": ("vision.analysers.single_leg", "SingleLegStandAnalyser"),
    "timed-up-and-go": ("vision.analysers.up_and_go", "UpAndGoAnalyser"),
    "eight-foot-up-and-go": ("vision.analysers.up_and_go", "EightFootUpAndGoAnalyser"),
    "five-times-sit-to-stand": ("vision.analysers.five_sts", "FiveTimesSitToStandAnalyser"),
    "two-minute-step": ("vision.analysers.two_minute_step", "TwoMinuteStepAnalyser"),
    "gait-speed": ("vision.analysers.gait_speed", "GaitSpeedAnalyser"),
    "balance-side-by-side": ("vision.analysers.balance", "SideBySideStanceAnalyser"),
    "balance-semi-tandem": ("vision.analysers.balance", "SemiTandemStanceAnalyser"),
    "balance-tandem": ("vision.analysers.balance", "TandemStanceAnalyser"),
    "single-leg-eyes-open": ("vision.analysers.balance", "OneLegStanceAnalyser"),
}


def analyser_class(exercise: str) -> type[ExerciseAnalyser]:
    """The analyser class for ``exercise`` (one of EXERCISES)."""
    try:
        module_name, class_name = _ANALYSERS[exercise]
    except KeyError:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {', '.join(EXERCISES)}") from None
    cls: type[ExerciseAnalyser] = getattr(importlib.import_module(module_name), class_name)
    return cls


def make_analyser(exercise: str, **options: Any) -> ExerciseAnalyser:
    """A fresh analyser for ``exercise``; ``options`` are the analyser's keyword options (view, duration_s, …).

    Raises ValueError naming the problem for an unknown exercise or a bad option.
    """
    cls = analyser_class(exercise)
    try:
        return cls(**options)
    except TypeError as exc:
        raise ValueError(f"bad option for {exercise}: {exc}") from None


__all__ = [
    "EXERCISES",
    "AnalyserEvent",
    "EventKind",
    "ExerciseAnalyser",
    "ExerciseResult",
    "InvalidReason",
    "RepGrade",
    "RepRecord",
    "ResultStatus",
    "View",
    "analyser_class",
    "make_analyser",
]
