"""report_view: what the report says, from the documented example reports (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import StationConfig
from kiosk.grade_input import read_grade_file
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from ui.report_view import report_sections, spoken_summary, trend_items, trend_series

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def graded(name: str) -> tuple[dict, dict | None]:
    norms = load_norm_set(StationConfig().norm_packs)
    req = read_grade_file(EXAMPLES / f"{name}.json", norms)
    return grade_session(req.session, norms, req.previous).to_dict(), req.previous


def rows_of(sections: list[dict], key: str) -> list[dict]:
    return next(s["rows"] for s in sections if s["key"] == key)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_item_shows_its_value_with_its_unit(lang: str) -> None:
    report, _ = graded("woman-45")
    rows = {r["label"]: r for r in rows_of(report_sections(report, lang), "items")}
    grip = rows["握力" if lang == "zh" else "Grip strength"]
    assert grip["value"].startswith("25.3 kg") and ("2分" if lang == "zh" else "2 of 5 points") in grip["detail"]
    bp = rows["血压" if lang == "zh" else "Blood pressure"]
    assert bp["value"] == "142/86 mmHg" and ("1级高血压" if lang == "zh" else "Grade 1 hypertension") in bp["detail"]
    assert ("↑ +1.2 kg" in grip["detail"]), "the item row names the change since the last visit"


def test_the_urgent_notice_comes_first_and_flags_carry_advice() -> None:
    report, _ = graded("woman-72")
    sections = report_sections(report, "en")
    assert sections[0]["key"] == "urgent" and sections[0]["rows"][0]["tone"] == "urgent"
    # for a resident of 60+ the screening flags come in the screening section near the top, with their advice
    flags = {r["value"]: r["detail"] for r in rows_of(sections, "screening")}
    assert "Higher fall risk" in flags and "Possible sarcopenia" in flags and all(flags.values())
    assert not any(r["label"] in flags for s in sections if s["key"] == "flags" for r in s["rows"]), "not twice"
    assert "covers ages 20–59, so there is no overall grade" in rows_of(sections, "grade")[0]["label"]
    assert spoken_summary(report, "en").startswith("Please show this report to the doctor.")


def test_an_urgent_blood_pressure_notice_is_first_in_both_languages() -> None:
    report, _ = graded("woman-72")
    report["urgent_notices"] = [{"code": "see_doctor_today", "basis": "x",
                                 "message": {"en": "Please see a doctor today.", "zh": "请今天去看医生。"}}]
    for lang, text in (("en", "Please see a doctor today."), ("zh", "请今天去看医生。")):
        assert report_sections(report, lang)[0]["rows"][0]["label"] == text


def test_no_urgent_section_when_nothing_is_urgent() -> None:
    report, _ = graded("man-25")
    sections = report_sections(report, "zh")
    assert [s["key"] for s in sections][:2] == ["grade", "items"]
    assert rows_of(sections, "grade")[0]["label"] == "等级：二级(良好)"
    assert "trend" not in [s["key"] for s in sections], "a first visit has no trend"


def test_prescription_has_the_four_fitt_elements() -> None:
    report, _ = graded("woman-45")
    labels = [r["label"] for r in rows_of(report_sections(report, "en"), "prescription")]
    assert labels[:4] == ["Frequency", "Intensity", "Time", "Type"]


def test_trend_against_the_previous_visit() -> None:
    report, previous = graded("woman-45")
    assert previous is not None
    rows = {r["label"]: r for r in rows_of(report_sections(report, "en"), "trend")}
    assert rows["Grip strength"]["value"] == "24.1 → 25.3 kg" and "better" in rows["Grip strength"]["detail"]
    assert rows["Choice reaction time"]["tone"] == "good", "a shorter reaction time is better"
    assert trend_series(report, [previous], "grip") == [("2025-11-20", 24.1), ("2026-11-23", 25.3)]
    assert "grip" in trend_items(report, [previous]) and "vital_capacity" not in trend_items(report, [previous])


def test_counts_read_as_times() -> None:
    report, _ = graded("woman-72")
    rows = {r["label"]: r for r in rows_of(report_sections(report, "zh"), "items")}
    assert rows["30秒坐站"]["value"] == "9 次"
