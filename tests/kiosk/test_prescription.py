"""FITT prescription rules, their bases, the safety stops, and doctors' amendments kept beside the original."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kiosk.errors import InputError
from kiosk.prescription import RULES, PrescriptionRecord, amend_prescription
from tests.kiosk.grading_support import bp, grade, meas

AT = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def fired(rep) -> list[str]:
    return [r for r, _ in rep.prescription.rules_fired]


def test_every_rule_has_a_unique_id_and_a_one_line_basis() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.basis.strip() and "\n" not in r.basis and len(r.basis) < 160, f"{r.id}: basis must be one line"


def test_a_healthy_adult_gets_the_aerobic_base_with_a_heart_rate_range() -> None:
    rep = grade("M", 30, bp(118, 76), meas("grip", 50.0))
    rx = rep.prescription
    assert fired(rep) == ["aerobic_adult"]
    assert "122–144/min" in rx.text("intensity"), "64–76 % of (220 − 30) = 121.6–144.4, rounded"
    assert all(rx.text(f) for f in ("frequency", "intensity", "time", "type"))
    assert rx.exertion_tests_allowed and not rx.see_doctor_before_vigorous


def test_safety_screen_yes_stops_exertion_and_asks_for_a_doctor() -> None:
    rep = grade("F", 50, meas("grip", 30.0), safety={"chest_pain": True})
    rx = rep.prescription
    assert fired(rep)[:2] == ["safety_screen_yes", "light_activity_until_cleared"]
    assert not rx.exertion_tests_allowed and rx.see_doctor_before_vigorous
    assert "aerobic_adult" not in fired(rep)
    assert any("see a doctor" in en for en, _ in rx.cautions)


def test_blood_pressure_grade_2_stops_exertion() -> None:
    rep = grade("M", 55, bp(165, 95))
    assert "bp_grade_2_or_higher" in fired(rep) and not rep.prescription.exertion_tests_allowed
    assert rep.prescription.see_doctor_before_vigorous


def test_grade_1_hypertension_keeps_exercise_with_a_breathing_caution() -> None:
    rep = grade("M", 55, bp(145, 85))
    assert "hypertension_grade_1_care" in fired(rep) and rep.prescription.exertion_tests_allowed


def test_possible_sarcopenia_prescribes_resistance_training() -> None:
    rep = grade("F", 70, meas("grip", 15.0))
    assert "resistance_for_low_strength" in fired(rep)
    assert "Resistance training" in rep.prescription.text("type")


def test_low_national_grip_score_also_prescribes_resistance_training() -> None:
    rep = grade("M", 30, meas("grip", 30.0))
    assert rep.item("grip").score.points <= 2 and "resistance_for_low_strength" in fired(rep)


def test_fall_risk_prescribes_balance_training() -> None:
    rep = grade("M", 68, meas("chair_stand_30s", 9), meas("single_leg_stand_eyes_closed", 3.0))
    assert "fall_risk" in rep.flag_names() and "balance_for_fall_risk" in fired(rep)
    assert "balance" in rep.prescription.text("type").lower()
    assert "multicomponent_older_adult" in fired(rep)


def test_prescription_is_in_the_report_dict_with_rules_fired() -> None:
    d = grade("F", 70, meas("grip", 15.0)).to_dict()["prescription"]
    assert set(d) >= {"frequency", "intensity", "time", "type", "rules_fired"}
    assert d["type"]["zh"] and d["rules_fired"][0]["basis"]


def test_a_doctors_change_is_kept_beside_the_original() -> None:
    original = grade("F", 70, meas("grip", 15.0)).prescription
    record = amend_prescription(original, {"intensity": "Light only for two weeks"}, "dr-li", AT, "post-op")
    assert isinstance(record, PrescriptionRecord) and record.original is original
    assert record.current.text("intensity") == "Light only for two weeks"
    assert record.current.text("type") == original.text("type"), "fields not changed stay as prescribed"
    again = amend_prescription(record, {"time": {"en": "15 min", "zh": "15分钟"}}, "dr-wang", AT, "review")
    assert [a.by for a in again.amendments] == ["dr-li", "dr-wang"]
    assert again.current.text("intensity") == "Light only for two weeks"
    assert again.current.text("time", "zh") == "15分钟"
    d = again.to_dict()
    assert d["original"]["intensity"]["en"] == original.text("intensity") and len(d["amendments"]) == 2


@pytest.mark.parametrize("changes, field", [({"duration": "x"}, "changes.duration"), ({"type": ""}, "changes.type"),
                                            ({}, "changes")])
def test_an_invalid_amendment_names_the_field(changes, field) -> None:
    original = grade("M", 30, meas("grip", 45.0)).prescription
    with pytest.raises(InputError) as ei:
        amend_prescription(original, changes, "dr-li", AT, "")
    assert ei.value.field == field


def test_grade_3_blood_pressure_says_no_exercise_today() -> None:
    rep = grade("M", 60, bp(186, 112, 1), bp(184, 114, 2))
    assert "bp_grade_3_rest_today" in fired(rep) and "bp_grade_2_or_higher" in fired(rep)
    assert any("do not exercise today" in en for en, _ in rep.prescription.cautions)
    assert not rep.prescription.exertion_tests_allowed
