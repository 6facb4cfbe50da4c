"""`kiosk grade` on malformed files: one line on stderr naming the field, exit 1, never a traceback.

Each case here was found by feeding the command bad files (reviewer's sweep); the cases already pinned
by test_grade_input.py / test_grade_command.py are not repeated.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.grade_input import MAX_FILE_BYTES
from kiosk.grading import grade_session
from tests.kiosk.grading_support import shipped_norms
from tests.kiosk.test_grade_input import ISSUE_EXAMPLE, with_change

GRIP = 3  # index of the grip measurement in ISSUE_EXAMPLE


def run_grade(capsys, tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    code = main(["grade", str(path)])
    return code, capsys.readouterr().err


def expect_one_line(capsys, tmp_path: Path, text: str, field: str) -> str:
    code, err = run_grade(capsys, tmp_path, text)
    assert code == 1, f"exit 1 expected for a bad file, got {code}; stderr {err!r}"
    assert err.count("\n") == 1 and "Traceback" not in err, f"one line expected, got {err!r}"
    assert f": {field}" in err or field in err, f"the error should name {field!r}: {err!r}"
    return err


def grip_trials(*trials) -> str:
    return json.dumps(with_change(f"measurements.{GRIP}.trials", list(trials)))


@pytest.mark.parametrize("literal", ["9" * 400, "9" * 5000, "-" + "9" * 400])
def test_an_enormous_integer_is_a_field_error(capsys, tmp_path: Path, literal: str) -> None:
    text = json.dumps(with_change("measurements.1.trials", [0])).replace('"trials": [0]', f'"trials": [{literal}]')
    expect_one_line(capsys, tmp_path, text, "measurements[1].trials[0]" if len(literal) < 4300 else "in.json")


def test_deeply_nested_json_is_an_error_not_a_recursion_traceback(capsys, tmp_path: Path) -> None:
    expect_one_line(capsys, tmp_path, "[" * 200_000 + "]" * 200_000, "in.json")


def test_a_file_larger_than_the_limit_is_refused_before_parsing(capsys, tmp_path: Path) -> None:
    data = copy.deepcopy(ISSUE_EXAMPLE)
    data["measurements"][1]["trials"] = [168.2] * (MAX_FILE_BYTES // 6 + 1)
    err = expect_one_line(capsys, tmp_path, json.dumps(data), "in.json")
    assert "too large" in err


@pytest.mark.parametrize("bad", ["19610302", "1961-W09-4", "1961061"])
def test_a_birth_date_not_written_yyyy_mm_dd_is_refused(capsys, tmp_path: Path, bad: str) -> None:
    expect_one_line(capsys, tmp_path, json.dumps(with_change("resident.birth_date", bad)), "resident.birth_date")


@pytest.mark.parametrize("key", ["value", "hand", "diastolc"])
def test_a_blood_pressure_trial_with_an_unknown_key_is_refused(capsys, tmp_path: Path, key: str) -> None:
    text = json.dumps(with_change(f"measurements.0.trials.0.{key}", 1 if key != "hand" else "left"))
    expect_one_line(capsys, tmp_path, text, f"measurements[0].trials[0].{key}")


@pytest.mark.parametrize("item, value", [("push_ups", 14.5), ("chair_stand_30s", 11.2), ("sit_ups_1min", 0.5)])
def test_a_count_must_be_a_whole_number(capsys, tmp_path: Path, item: str, value: float) -> None:
    data = copy.deepcopy(ISSUE_EXAMPLE)
    data["measurements"].append({"item": item, "unit": "count", "trials": [10, value]})
    err = expect_one_line(capsys, tmp_path, json.dumps(data), f"measurements[{len(data['measurements']) - 1}]"
                                                              ".trials[1]")
    assert "whole number" in err


@pytest.mark.parametrize("trials, field", [
    ([{"value": 31.5}], "trials[0].hand"),
    ([31.5, 29.0], "trials[0]"),
    ([{"hand": "right", "value": 31.5}, {"value": 29.0}], "trials[1].hand"),
])
def test_every_grip_trial_names_the_hand(capsys, tmp_path: Path, trials: list, field: str) -> None:
    expect_one_line(capsys, tmp_path, grip_trials(*trials), f"measurements[{GRIP}].{field}")


@pytest.mark.parametrize("path, value, field", [
    ("measurements.1.device_id", 5, "measurements[1].device_id"),
    ("measurements.1.device_id", "", "measurements[1].device_id"),
    ("resident.pseudonym", {"a": 1}, "resident.pseudonym"),
    ("resident.pseudonym", 12345, "resident.pseudonym"),
])
def test_identifiers_of_the_wrong_type_are_refused_not_coerced(capsys, tmp_path: Path, path, value, field) -> None:
    expect_one_line(capsys, tmp_path, json.dumps(with_change(path, value)), field)


@pytest.mark.parametrize("item, unit, value, table_value", [
    ("height", "m", 1.0045, "100.5"), ("height", "m", 1.4905, "149.1"),
    ("vital_capacity", "L", 0.5005, "501"), ("vital_capacity", "L", 2.0355, "2036"),
])
def test_unit_conversion_keeps_the_decimal_value_for_half_up_rounding(item, unit, value, table_value) -> None:
    """1.0045 m is 100.45 cm, which rounds half-up to 100.5; binary float conversion gave 100.44999… → 100.4."""
    from kiosk.domain import ITEMS
    from kiosk.norms.scoring import to_table_precision

    cm = ITEMS[item].to_canonical(value, unit)
    step = Decimal("0.1") if item == "height" else Decimal(1)
    assert to_table_precision(cm, step) == Decimal(table_value), f"{value} {unit} -> {cm!r}"


def test_a_vital_capacity_in_litres_on_a_half_is_looked_up_rounded_up() -> None:
    from kiosk.grade_input import parse_grade_input

    data = with_change("measurements.4", {"item": "vital_capacity", "unit": "L", "trials": [2.0355]})
    data = with_change("resident.birth_date", "2000-01-01", data)
    score = grade_session(parse_grade_input(data, shipped_norms()), shipped_norms()).item("vital_capacity").score
    assert score.table_value == Decimal(2036), f"2.0355 L = 2035.5 mL rounds half-up to 2036, got {score.table_value}"


def test_a_key_given_twice_in_one_object_is_refused_not_silently_overwritten(capsys, tmp_path: Path) -> None:
    text = json.dumps(ISSUE_EXAMPLE).replace('"sex": "M"', '"sex": "M", "sex": "F"', 1)
    err = expect_one_line(capsys, tmp_path, text, "in.json")
    assert "'sex' appears twice" in err


def test_trials_listed_against_their_taken_at_times_are_refused(capsys, tmp_path: Path) -> None:
    """The re-measured 185/95 was taken last; listed first it would be hidden behind the earlier 130/80."""
    bp = [{"systolic": 185, "diastolic": 95, "taken_at": "2026-11-23T09:10:00+08:00"},
          {"systolic": 130, "diastolic": 80, "taken_at": "2026-11-23T09:00:00+08:00"}]
    text = json.dumps(with_change("measurements.0.trials", bp))
    expect_one_line(capsys, tmp_path, text, "measurements[0].trials[1].taken_at")


def test_trials_listed_in_time_order_with_some_times_omitted_are_accepted() -> None:
    from kiosk.grade_input import parse_grade_input

    bp = [{"systolic": 130, "diastolic": 80, "taken_at": "2026-11-23T09:00:00+08:00"},
          {"systolic": 132, "diastolic": 81},
          {"systolic": 128, "diastolic": 79, "taken_at": "2026-11-23T09:10:00+08:00"}]
    session = parse_grade_input(with_change("measurements.0.trials", bp))
    assert [m.value for m in session.measurements if m.item == "blood_pressure"] == [130, 132, 128]


@pytest.mark.parametrize("kpa, mmhg_class", [
    (15.93, "normal"),                # 119.48 mmHg: below 120 (rounding to 0.1 first gave 119.5 -> 120)
    (23.93, "grade_2_hypertension"),  # 179.49 mmHg: not grade 3 (and no urgent notice)
    (16.0, "high_normal"),            # 120.01 mmHg
])
def test_a_kpa_reading_is_classed_after_one_rounding_only(kpa: float, mmhg_class: str) -> None:
    from kiosk.grade_input import parse_grade_input

    bp = {"item": "blood_pressure", "unit": "kPa", "trials": [{"systolic": kpa, "diastolic": 9.0}]}
    data = with_change("measurements.0", bp)
    rep = grade_session(parse_grade_input(data, shipped_norms()), shipped_norms())
    assert rep.class_of("blood_pressure").class_name == mmhg_class, f"{kpa} kPa"
    assert not rep.urgent_notices, "179.49 mmHg is below the grade-3 cut-off"
