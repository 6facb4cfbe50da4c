"""Grading a whole session: best trials, rounding, the no-grade rule, residents 60+, the grade-3 BP rule."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kiosk.errors import InputError
from tests.kiosk.grading_support import DEFAULT_PACKS, bp, grade, meas, pack_csv

ITEM_ROWS = pack_csv("cn-2003-adult", "items.csv")


def _row(item: str, sex: str, age: int) -> dict[str, str]:
    return next(r for r in ITEM_ROWS if r["item"] == item and r["sex"] == sex and
                int(r["age_min"]) <= age <= int(r["age_max"]))


def _full_young_man(**override: float) -> list:
    """A 25-year-old man with all nine items at their 3-point threshold (height-weight scores 5)."""
    values = {it: float(_row(it, "M", 25)["s3"]) for it in (
        "vital_capacity_ml", "step_index", "grip_kg", "push_ups", "vertical_jump_cm", "sit_and_reach_cm",
        "choice_reaction_s", "single_leg_stand_eyes_closed_s")}
    station = {"vital_capacity_ml": "vital_capacity", "grip_kg": "grip", "vertical_jump_cm": "vertical_jump",
               "sit_and_reach_cm": "sit_and_reach", "choice_reaction_s": "choice_reaction_time",
               "single_leg_stand_eyes_closed_s": "single_leg_stand_eyes_closed"}
    ms = [meas(station.get(k, k), override.get(station.get(k, k), v)) for k, v in values.items()]
    return [*ms, meas("height", 175.0), meas("weight", 65.0)]


def test_best_trial_is_the_largest_and_every_trial_is_kept() -> None:
    rep = grade("M", 30, meas("vital_capacity", 3100, 1), meas("vital_capacity", 3350, 2),
                meas("vital_capacity", 3200, 3))
    vc = rep.item("vital_capacity")
    assert [t.value for t in vc.trials] == [3100, 3350, 3200], "every trial stays in the report"
    assert vc.graded_value == 3350 and vc.graded_trial == 2


@pytest.mark.parametrize("item, values, best", [("choice_reaction_time", (0.61, 0.55, 0.58), 0.55),
                                                ("five_times_sit_to_stand", (11.2, 10.4, 12.0), 10.4)])
def test_shortest_time_is_best_for_reaction_time_and_five_times_sit_to_stand(item, values, best) -> None:
    rep = grade("F", 62, *(meas(item, v, i + 1) for i, v in enumerate(values)))
    assert rep.item(item).graded_value == best


def test_blood_pressure_and_anthropometry_take_the_latest_reading() -> None:
    rep = grade("M", 40, bp(150, 95, 1), bp(138, 86, 2), meas("height", 170.2, 1), meas("height", 170.6, 2))
    assert rep.item("blood_pressure").graded_value == 138
    assert rep.item("height").graded_value == 170.6


def test_equal_trials_grade_the_earlier_one() -> None:
    rep = grade("M", 30, meas("sit_and_reach", 5.0, 1), meas("sit_and_reach", 5.0, 2))
    assert rep.item("sit_and_reach").graded_trial == 1


def test_grip_keeps_the_hand_and_grades_the_stronger_hands_best_trial() -> None:
    rep = grade("M", 45, meas("grip", 38.2, 1, side="right"), meas("grip", 41.0, 2, side="left"),
                meas("grip", 39.5, 3, side="right"), meas("grip", 40.1, 4, side="left"))
    grip = rep.item("grip")
    assert grip.graded_value == 41.0 and grip.graded_side == "left"
    assert dict(grip.hand_best) == {"left": 41.0, "right": 39.5}
    assert [t.side for t in grip.trials] == ["right", "left", "right", "left"]


def test_values_are_rounded_half_up_to_table_precision_before_lookup() -> None:
    row = _row("grip_kg", "M", 25)
    just_below = float(Decimal(row["s2"]) - Decimal("0.05"))  # e.g. 36.95 -> 37.0: the 2-point threshold
    score = grade("M", 25, meas("grip", just_below)).item("grip").score
    assert score.table_value == Decimal(row["s2"]) and score.points == 2, "half-up rounding to 0.1 kg"


def test_single_leg_stand_counts_completed_seconds_only() -> None:
    row = _row("single_leg_stand_eyes_closed_s", "M", 25)
    almost = float(Decimal(row["s2"]) - Decimal("0.1"))
    score = grade("M", 25, meas("single_leg_stand_eyes_closed", almost)).item("single_leg_stand_eyes_closed").score
    assert score.points == 1 and score.table_value == Decimal(row["s2"]) - 1


def test_all_items_scored_gives_the_overall_grade() -> None:
    rep = grade("M", 25, *_full_young_man())
    std = rep.standards[0]
    assert std.total == 8 * 3 + 5 and std.grade_level == 3 and std.grade_en == "pass", std
    assert len(std.items_counted) == 9


def test_an_item_scoring_zero_withholds_the_grade_but_shows_the_total() -> None:
    below_s1 = float(Decimal(_row("grip_kg", "M", 25)["s1"]) - Decimal("0.1"))
    rep = grade("M", 25, *_full_young_man(grip=below_s1))
    assert rep.item("grip").score.points == 0 and rep.item("grip").score.level_en == "no score"
    std = rep.standards[0]
    assert std.grade_level is None and std.grade_zh == "不评定"
    assert std.total == 7 * 3 + 5, "the total is still shown"
    assert any(r.startswith("grip scored 0") for r in std.not_rated_reasons), std.not_rated_reasons


def test_a_missing_applicable_item_withholds_the_grade() -> None:
    ms = [m for m in _full_young_man() if m.item != "push_ups"]
    std = grade("M", 25, *ms).standards[0]
    assert std.grade_level is None and "push_ups was not measured" in std.not_rated_reasons


def test_an_item_that_does_not_apply_is_left_out_not_counted_as_zero() -> None:
    rep = grade("F", 45, meas("push_ups", 20))
    s = rep.item("push_ups").score
    assert s.points is None and "not part of cn-2003-adult for women aged 45" in s.reason
    assert "push_ups" not in rep.standards[0].items_counted


def test_suspect_row_is_marked_on_the_score() -> None:
    score = grade("F", 37, meas("sit_and_reach", 6.0)).item("sit_and_reach").score
    assert score.points is not None and "D1" in score.note_en


def test_resident_over_60_is_graded_by_screening_and_clinical_packs_only() -> None:
    rep = grade("F", 72, meas("grip", 17.4, side="right"), meas("sit_and_reach", 2.0), bp(128, 78),
                meas("chair_stand_30s", 12))
    grip = rep.item("grip")
    assert grip.score.points is None and "covers ages 20–59, not 72" in grip.score.reason
    assert grip.graded_by == ("older-adult-screening", "ewgsop2-sarcopenia") and "possible_sarcopenia" in grip.flags
    assert rep.needs_doctor_review, "AWGS 2019: possible sarcopenia is for a doctor's review"
    reach = rep.item("sit_and_reach")
    assert reach.graded_by == () and any("no loaded norm pack grades sit_and_reach at age 72" in n
                                         for n in reach.coverage_notes)
    assert rep.item("blood_pressure").graded_by == ("clinical-cutoffs",)
    assert rep.standards == () and any("No points standard covers age 72" in n for n in rep.notes)
    assert "fall_risk" not in rep.flag_names(), "12 stands is not below the 70–74 women's value 10"


def test_beyond_the_steadi_ages_the_report_says_no_rule_covers_the_age() -> None:
    rep = grade("M", 96, meas("chair_stand_30s", 5))
    notes = rep.item("chair_stand_30s").coverage_notes
    assert any("no fall_risk rule for chair_stand_30s at age 96" in n for n in notes), notes


def test_age_outside_every_pack_is_an_input_error() -> None:
    with pytest.raises(InputError) as ei:
        grade("M", 15, meas("grip", 30.0))
    assert ei.value.field == "resident.birth_date" and "outside every norm pack" in str(ei.value)


def test_higher_blood_pressure_class_wins_and_isolated_systolic_is_named() -> None:
    rep = grade("M", 50, bp(150, 105))
    assert rep.class_of("blood_pressure").class_name == "grade_2_hypertension", "diastolic 105 is grade 2"
    rep = grade("M", 50, bp(150, 85))
    c = rep.class_of("blood_pressure")
    assert c.class_name == "grade_1_hypertension" and [a[0] for a in c.also] == ["isolated_systolic_hypertension"]
    assert "isolated_systolic_hypertension" in rep.flag_names()


def test_one_grade_3_reading_asks_for_a_remeasure_after_rest() -> None:
    rep = grade("F", 66, bp(184, 100))
    assert [u.code for u in rep.urgent_notices] == ["remeasure_after_rest"]
    assert "5 minutes" in rep.urgent_notices[0].en and not rep.exertion_tests_allowed


def test_grade_3_on_the_remeasure_says_see_a_doctor_today_and_flags_the_session() -> None:
    rep = grade("F", 66, bp(184, 100, 1), bp(182, 112, 2))
    assert [u.code for u in rep.urgent_notices] == ["see_doctor_today"]
    assert "see a doctor today" in rep.urgent_notices[0].en.lower()
    assert rep.needs_doctor_review and "see_doctor_today" in rep.flag_names()


def test_a_remeasure_below_grade_3_clears_the_urgent_notice() -> None:
    rep = grade("F", 66, bp(184, 100, 1), bp(158, 92, 2))
    assert rep.urgent_notices == () and rep.class_of("blood_pressure").class_name == "grade_1_hypertension"


def test_safety_yes_stops_exertion_tests() -> None:
    rep = grade("M", 35, meas("grip", 45.0), safety={"chest_pain": True, "dizziness": False})
    assert not rep.exertion_tests_allowed and rep.needs_doctor_review


def test_bmi_is_derived_and_classed_and_the_report_is_json() -> None:
    rep = grade("M", 30, meas("height", 170.0), meas("weight", 75.0), meas("waist", 91.0),
                meas("glucose_fasting", 7.2))
    assert rep.item("bmi").graded_value == 26.0 and rep.class_of("bmi").class_name == "overweight"
    assert rep.class_of("waist").class_name == "central_obesity"
    assert rep.class_of("glucose_fasting").class_name == "diabetes_range"
    d = json.loads(json.dumps(rep.to_dict(), ensure_ascii=False))
    assert d["classes"]["bmi"]["source"] == "WS/T 428-2013"
    assert {p["name"] for p in d["packs"]} == set(DEFAULT_PACKS)
