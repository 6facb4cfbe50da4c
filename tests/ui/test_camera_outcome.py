"""What a finished camera test stores, and the hint line under the picture: plain data, no screen."""

from __future__ import annotations

import pytest

from kiosk.domain import DEVIATION_FLAG_PREFIX, Measurement, Method, NotMeasured, NotMeasuredReason
from ui.camera_outcome import camera_record
from ui.viewmodels.camera_hints import HintLine
from vision.analysers import ExerciseResult, InvalidReason, ResultStatus, View


def _result(*, valid: bool, reason: str | None = None, paused_s: float = 0.0,
            deviations: tuple[str, ...] = ()) -> ExerciseResult:
    return ExerciseResult("chair-stand", ResultStatus.FINISHED, View.SIDE, count=7, end_reason="time_up",
                          paused_s=paused_s, valid=valid, invalid_reason=reason, deviations=deviations)


def test_a_valid_test_stores_its_count_with_its_deviations_and_a_long_pause():
    record = camera_record("chair_stand_30s", _result(valid=True, paused_s=3.5, deviations=("arms_not_crossed",)), 7)
    assert isinstance(record, Measurement)
    assert (record.item, record.value, record.unit, record.method) == ("chair_stand_30s", 7.0, "count", Method.CAMERA)
    assert record.quality_flags == {"paused", DEVIATION_FLAG_PREFIX + "arms_not_crossed"}
    short = camera_record("chair_stand_30s", _result(valid=True, paused_s=1.0), 7)
    assert isinstance(short, Measurement) and short.quality_flags == frozenset()


@pytest.mark.parametrize("reason", [r.value for r in InvalidReason])
def test_an_invalid_test_stores_no_value_only_why(reason):
    record = camera_record("chair_stand_30s", _result(valid=False, reason=reason), 0)
    assert isinstance(record, NotMeasured) and record.reason is NotMeasuredReason(reason)
    assert not hasattr(record, "value"), "nothing that could be graded as a 0"


def test_no_result_or_an_unknown_reason_reads_as_a_failure():
    assert camera_record("squat", None, 3).reason is NotMeasuredReason.FAILED
    assert camera_record("squat", _result(valid=False, reason="gremlins"), 3).reason is NotMeasuredReason.FAILED
    assert camera_record("squat", _result(valid=False), 3).reason is NotMeasuredReason.FAILED


def test_a_hint_is_spoken_when_it_changes_or_is_forced_and_not_on_every_frame():
    said: list[str] = []
    now = [0.0]
    line = HintLine(said.append, clock=lambda: now[0])
    assert line.set(lambda: "step back", speak=True) and said == ["step back"]
    now[0] = 1.0
    assert not line.set(lambda: "step back", speak=True) and said == ["step back"], "the same hint, a second later"
    now[0] = 4.5
    line.set(lambda: "step back", speak=True)
    assert said == ["step back"] * 2, "repeated after 4 s"
    line.set(lambda: "step back", speak=True, force=True)
    assert said == ["step back"] * 3
    line.set(lambda: "good", speak=False)
    assert said[-1] == "step back" and line.text == "good"


def test_a_hint_clears_itself_and_is_worded_again_in_a_new_language():
    now = [0.0]
    words = {"lang": "en"}
    line = HintLine(lambda _: None, clock=lambda: now[0])
    line.set(lambda: "请后退一步。" if words["lang"] == "zh" else "Please step back.", speak=False)
    words["lang"] = "zh"
    line.reword()
    assert line.text == "请后退一步。"
    now[0] = 3.0
    assert not line.expire() and line.text
    now[0] = 4.1
    assert line.expire() and line.text == ""
