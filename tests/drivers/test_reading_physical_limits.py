"""Serial instrument readings outside the item's physical limits (kiosk.domain.ITEMS) never become final."""

from __future__ import annotations

import pytest

from drivers.base import DeviceReportedError, DeviceState, FinalReading
from drivers.devices.vital_capacity import VitalCapacityMeter
from drivers.sim.vital_capacity import VitalCapacitySimulator
from kiosk.domain import ITEMS
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, run_measurement


def vc_meter(path: str) -> VitalCapacityMeter:
    return VitalCapacityMeter("vc-1", path, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW)


@pytest.mark.parametrize("vc_ml", [60, 12000])
async def test_a_vital_capacity_outside_the_physical_limits_is_an_implausible_error_not_a_reading(vc_ml):
    spec = ITEMS["vital_capacity"]
    assert not spec.minimum <= vc_ml <= spec.maximum, "the test value must lie outside the limits"
    async with hosted(VitalCapacitySimulator(vc_ml=vc_ml, speed=6), vc_meter, "vc") as (_, driver):
        finals: list[FinalReading] = []
        with pytest.raises(DeviceReportedError) as info:
            async for event in driver.measure():
                if isinstance(event, FinalReading):
                    finals.append(event)
        assert driver.state is DeviceState.READY, "an implausible value is the resident's retry, not a broken device"
    assert not finals, f"a {vc_ml} mL meter result must not become a FinalReading, got {finals}"
    assert info.value.code == "implausible" and info.value.resident_message


async def test_a_vital_capacity_inside_the_limits_still_reads():
    async with hosted(VitalCapacitySimulator(vc_ml=150, speed=6), vc_meter, "vc") as (_, driver):
        _, final = await run_measurement(driver)
    assert final.values["vital_capacity"] == pytest.approx(150, abs=5)
    assert final.unit == ITEMS["vital_capacity"].unit.symbol
