"""Domain values: units convert to canonical ones, ages are completed years, items are known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import (
    ITEMS,
    CalibrationRecord,
    CalibrationResult,
    SafetyScreen,
    completed_years,
    item_spec,
)
from kiosk.errors import InputError


def test_age_is_completed_years_on_the_test_date() -> None:
    born = date(1961, 3, 2)
    assert completed_years(born, date(2026, 3, 1)) == 64
    assert completed_years(born, date(2026, 3, 2)) == 65
    assert completed_years(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert completed_years(date(2000, 2, 29), date(2026, 3, 1)) == 26


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 1, 1)), st.integers(0, 40000))
def test_age_never_decreases_and_grows_by_one_per_birthday(born: date, days: int) -> None:
    day = born + timedelta(days=days)
    age = completed_years(born, day)
    assert 0 <= age <= days // 365
    assert completed_years(born, day + timedelta(days=1)) in (age, age + 1)


def test_units_convert_to_the_canonical_unit() -> None:
    assert item_spec("vital_capacity").to_canonical(2.65, "L") == pytest.approx(2650)
    assert item_spec("blood_pressure").to_canonical(16.0, "kPa") == pytest.approx(120.01, abs=0.01)
    assert item_spec("height").to_canonical(1.682, "m") == pytest.approx(168.2)
    assert item_spec("glucose_fasting").to_canonical(100, "mg/dL") == pytest.approx(5.55, abs=0.01)
    assert item_spec("grip").to_canonical(31.5, "kg") == 31.5


def test_a_wrong_unit_names_the_field_and_the_accepted_units() -> None:
    with pytest.raises(InputError) as err:
        item_spec("grip").to_canonical(31.5, "lb", field="measurements[3].unit")
    assert "measurements[3].unit" in str(err.value) and "kg" in str(err.value)


def test_an_unknown_item_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="grip"):
        item_spec("telepathy")


def test_every_item_has_sane_limits_and_a_ucum_unit() -> None:
    for name, spec in ITEMS.items():
        assert spec.name == name
        assert spec.minimum < spec.maximum, name
        assert spec.unit.ucum, name
        assert spec.label_zh and spec.label_en, name


def test_any_yes_in_the_safety_screen_stops_exertion_tests() -> None:
    assert SafetyScreen({"chest_pain": False, "dizziness": False}).exertion_allowed
    assert not SafetyScreen({"chest_pain": False, "dizziness": True}).exertion_allowed


def test_a_calibration_is_usable_only_if_passed_and_not_expired() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    ok = CalibrationRecord("grip-1", "known_masses", "tech-1", now, CalibrationResult.PASSED, now + timedelta(days=30))
    assert ok.usable_at(now + timedelta(days=29))
    assert not ok.usable_at(now + timedelta(days=30))
    failed = CalibrationRecord("grip-1", "known_masses", "tech-1", now, CalibrationResult.FAILED,
                               now + timedelta(days=30))
    assert not failed.usable_at(now)
