"""What the resident's report screen and the doctor's session view say of a not-measured test (plain data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kiosk.domain import DEVIATION_FLAG_PREFIX, Method, NotMeasured, NotMeasuredReason
from kiosk.grading import grade_session
from tests.kiosk.grading_support import meas, session, shipped_norms
from ui.report_view import report_sections
from ui.review_queue import result_rows

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _report(*extra) -> dict:
    s = replace(session("F", 72, [meas("grip", 25), *extra]),
                not_measured=(NotMeasured("chair_stand_30s", NotMeasuredReason.OUT_OF_VIEW, taken_at=AT,
                                          device_id="camera", method=Method.CAMERA),))
    return grade_session(s, shipped_norms()).to_dict()


def test_the_doctor_sees_not_measured_and_why_with_no_value_or_grade():
    for lang, word, why in (("en", "not measured", "out of the camera's view"), ("zh", "未测", "画面")):
        (row,) = [r for r in result_rows(_report(), lang) if r["item"] == "chair_stand_30s"]
        assert row["value"] == word and row["grade"] == "" and row["unit"] == "" and not row["flagged"]
        assert row["classes"].startswith("— ") and why in row["classes"] and row["notMeasured"]


def test_the_residents_report_lists_it_among_the_results_as_not_measured():
    for lang, word in (("en", "Not measured"), ("zh", "未测")):
        items = next(s for s in report_sections(_report(), lang) if s["key"] == "items")
        (row,) = [r for r in items["rows"] if r["value"] == word]
        assert row["detail"], "the reason is shown beside it"
    flags = [s for s in report_sections(_report(), "en") if s["key"] in ("flags", "screening")]
    assert not any("higher fall risk" in (r["label"] + r["value"]).lower() for s in flags for r in s["rows"]), \
        "no fall-risk flag from it"


def test_the_doctor_sees_a_protocol_deviation_beside_the_value():
    curl = replace(meas("arm_curl_30s", 14), quality_flags=frozenset({DEVIATION_FLAG_PREFIX + "standing_arm_curl"}))
    (row,) = [r for r in result_rows(_report(curl), "en") if r["item"] == "arm_curl_30s"]
    assert row["value"].startswith("14") and row["deviations"] == "Protocol deviation: standing arm curl"
