"""Plausibility checks on blood-pressure results (shared by the OEM serial and BLE monitors)."""

from __future__ import annotations

import pytest

from drivers.base import DeviceReportedError, DriverError
from drivers.devices.bp_checks import IMPLAUSIBLE_MESSAGE, checked_blood_pressure


def test_values_are_rounded_and_ordered_systolic_first() -> None:
    got = checked_blood_pressure({"mean": 96.6, "pulse": 70.4, "diastolic": 81.5, "systolic": 127.6}, "bp")
    assert list(got) == ["systolic", "diastolic", "pulse", "mean"]
    assert got == {"systolic": 128.0, "diastolic": 82.0, "pulse": 70.0, "mean": 97.0}


@pytest.mark.parametrize(("values", "why"), [
    ({"systolic": 320, "diastolic": 80}, "systolic 320 is outside"),
    ({"systolic": 120, "diastolic": 10}, "diastolic 10 is outside"),
    ({"systolic": 120, "diastolic": 80, "pulse": 300}, "pulse 300 is outside"),
    ({"systolic": 80, "diastolic": 80}, "not above diastolic"),
])
def test_implausible_results_are_refused_in_plain_words(values: dict, why: str) -> None:
    with pytest.raises(DeviceReportedError, match=why) as caught:
        checked_blood_pressure(values, "bp")
    assert caught.value.code == "implausible" and caught.value.resident_message == IMPLAUSIBLE_MESSAGE


def test_arm_side_option() -> None:
    from drivers.devices.bp_checks import arm_side
    from kiosk.domain import Side

    assert arm_side({"side": "left"}) is Side.LEFT and arm_side({}) is None
    with pytest.raises(DriverError, match="left' or 'right"):
        arm_side({"side": "middle"}, "bp")
