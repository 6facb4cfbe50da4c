"""The `kiosk grade` input: the documented shape parses; every bad input is an InputError naming its field."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import InputError
from kiosk.grade_input import parse_grade_input, parse_grade_request, read_grade_file
from tests.kiosk.grading_support import repo_path, shipped_norms

ISSUE_EXAMPLE = {
    "resident": {"sex": "M", "birth_date": "1961-03-02"}, "test_date": "2026-11-23",
    "measurements": [
        {"item": "blood_pressure", "unit": "mmHg", "trials": [{"systolic": 142, "diastolic": 91, "pulse": 72}]},
        {"item": "height", "unit": "cm", "trials": [168.2]}, {"item": "weight", "unit": "kg", "trials": [71.4]},
        {"item": "grip", "unit": "kg", "trials": [{"hand": "right", "value": 31.5}, {"hand": "left", "value": 29.0}]},
        {"item": "vital_capacity", "unit": "mL", "trials": [2650, 2710]},
        {"item": "sit_and_reach", "unit": "cm", "trials": [3.5, 4.1]},
        {"item": "choice_reaction_time", "unit": "s", "trials": [0.61, 0.58]},
        {"item": "single_leg_stand_eyes_closed", "unit": "s", "trials": [6.2, 8.9]},
        {"item": "chair_stand_30s", "unit": "count", "trials": [11]}]}


def with_change(path: str, value, base=ISSUE_EXAMPLE) -> dict:
    """A copy of ``base`` with the value at a dotted path (``measurements.3.trials.0.value``) replaced or removed."""
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    key = int(last) if isinstance(node, list) else last
    if value is KeyError:
        del node[key]
    else:
        node[key] = value
    return data


def error_of(data, norms=None) -> InputError:
    with pytest.raises(InputError) as ei:
        parse_grade_input(data, norms)
    return ei.value


def test_the_issue_example_parses_into_a_session() -> None:
    s = parse_grade_input(ISSUE_EXAMPLE, shipped_norms())
    assert s.resident.age_on(s.test_date) == 65
    grip = [m for m in s.measurements if m.item == "grip"]
    assert [(m.side.value, m.value, m.trial) for m in grip] == [("right", 31.5, 1), ("left", 29.0, 2)]
    bp = next(m for m in s.measurements if m.item == "blood_pressure")
    assert bp.value == 142 and bp.components == {"systolic": 142, "diastolic": 91, "pulse": 72}
    assert parse_grade_input(ISSUE_EXAMPLE).id == s.id, "the same input gives the same session id"


def test_units_are_converted_to_the_canonical_unit() -> None:
    data = with_change("measurements.4", {"item": "vital_capacity", "unit": "L", "trials": [2.65]})
    data = with_change("measurements.0", {"item": "blood_pressure", "unit": "kPa",
                                          "trials": [{"systolic": 16.0, "diastolic": 10.0}]}, data)
    s = parse_grade_input(data)
    assert next(m for m in s.measurements if m.item == "vital_capacity").value == pytest.approx(2650)
    # kept unrounded (120.0099 mmHg): the class lookup rounds once, to 1 mmHg (no double rounding)
    assert next(m for m in s.measurements if m.item == "blood_pressure").components["systolic"] == \
        pytest.approx(120.01, abs=0.001)


@pytest.mark.parametrize("path, value, field, words", [
    ("measurements.1.item", "shoe_size", "measurements[1].item", "unknown item 'shoe_size'"),
    ("measurements.2.unit", KeyError, "measurements[2].unit", "missing unit"),
    ("measurements.2.unit", "lb", "measurements[2].unit", "unit 'lb' is not accepted for weight"),
    ("measurements.3.trials.0.value", 400, "measurements[3].trials[0].value", "400 kg is outside the physical limits"),
    ("measurements.0.trials.0.systolic", 20, "measurements[0].trials[0].systolic", "20 mmHg is outside"),
    ("measurements.0.trials.0.diastolic", KeyError, "measurements[0].trials[0].diastolic", "needs diastolic"),
    ("measurements.0.trials.0.diastolic", 150, "measurements[0].trials[0].systolic", "must be above diastolic"),
    ("measurements.5.trials.1", "4.1", "measurements[5].trials[1]", "expected a number"),
    ("measurements.5.trials.1", True, "measurements[5].trials[1]", "expected a number"),
    ("measurements.5.trials", [], "measurements[5].trials", "non-empty list of trials"),
    ("measurements.3.trials.1.hand", "both", "measurements[3].trials[1].hand", "'left' or 'right'"),
    ("measurements.4.trials.0", {"value": 2650, "hand": "left"}, "measurements[4].trials[0].hand", "only grip"),
    ("test_date", "23/11/2026", "test_date", "is not a date"),
    ("resident.birth_date", "1961-02-30", "resident.birth_date", "is not a date"),
    ("resident.birth_date", "2027-01-01", "resident.birth_date", "not before the test date"),
    ("resident.sex", "X", "resident.sex", "'M' or 'F'"),
    ("resident.name", "Li Lei", "resident.name", "unknown key 'name'"),
    ("measurements", [], "measurements", "non-empty list"),
    ("safety", {"chest_pain": "no"}, "safety.chest_pain", "true (yes) or false (no)"),
    ("measurements.6.trials.0", {"value": 0.6, "taken_at": "yesterday"}, "measurements[6].trials[0].taken_at",
     "not a date-time"),
])
def test_bad_input_names_the_field(path, value, field, words) -> None:
    e = error_of(with_change(path, value))
    assert e.field == field, f"expected field {field}, got {e.field}: {e}"
    assert words in str(e), f"expected {words!r} in: {e}"


def test_an_age_outside_every_pack_is_an_error_naming_the_birth_date() -> None:
    e = error_of(with_change("resident.birth_date", "2015-01-01"), shipped_norms())
    assert e.field == "resident.birth_date" and "age 11" in str(e) and "outside every norm pack" in str(e)


def test_safety_answers_and_a_previous_report_are_carried() -> None:
    data = dict(ISSUE_EXAMPLE, safety={"chest_pain": True}, previous={"test_date": "2025-11-01", "items": []})
    req = parse_grade_request(data)
    assert not req.session.safety.exertion_allowed and req.previous["test_date"] == "2025-11-01"


def test_invalid_json_names_the_file_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text('{"resident": {"sex": "M",}\n', encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_grade_file(f)
    assert ei.value.field == str(f) and "not valid JSON" in str(ei.value) and "line 1" in str(ei.value)


@pytest.mark.parametrize("name", ["man-25.json", "woman-45.json", "woman-72.json"])
def test_the_documented_examples_parse(name: str) -> None:
    req = read_grade_file(repo_path("docs", "examples", name), shipped_norms())
    assert req.session.measurements


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20))
def test_arbitrary_json_never_raises_anything_but_input_error(junk) -> None:
    for data in (junk, {"resident": junk, "test_date": "2026-11-23", "measurements": junk},
                 with_change("measurements.3.trials", junk)):
        with contextlib.suppress(InputError):
            parse_grade_input(data)


def test_json_roundtrip_of_the_example_is_stable() -> None:
    assert parse_grade_input(json.loads(json.dumps(ISSUE_EXAMPLE))).id == parse_grade_input(ISSUE_EXAMPLE).id
