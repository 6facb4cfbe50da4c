"""The simulated technician runs the real procedures against simulators: healthy ones pass, drifted ones fail."""

from __future__ import annotations

import pytest

from drivers.calibration import MemoryCalibrationBook
from drivers.devices.balance_platform import BalancePlatform
from drivers.devices.grip import GripDynamometer
from drivers.devices.spirometer import Spirometer
from drivers.devices.vital_capacity import VitalCapacityMeter
from drivers.sim.balance_platform import BalancePlatformSimulator
from drivers.sim.grip import GripSimulator
from drivers.sim.spirometer import SpirometerSimulator
from drivers.sim.technician import calibrate_simulated
from drivers.sim.vital_capacity import VitalCapacitySimulator
from kiosk.domain import CalibrationResult
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, run_measurement

CASES = [
    ("grip-serial", GripSimulator, GripDynamometer, 1.15),
    ("spirometer-serial", SpirometerSimulator, Spirometer, 1.05),
    ("vital-capacity-serial", VitalCapacitySimulator, VitalCapacityMeter, 1.05),
    ("balance-serial", BalancePlatformSimulator, BalancePlatform, 1.25),
]


@pytest.mark.slow
@pytest.mark.parametrize(("protocol", "sim_cls", "driver_cls", "bad_drift"), CASES, ids=[c[0] for c in CASES])
async def test_a_healthy_simulator_passes_and_unlocks_a_drifted_one_fails(protocol, sim_cls, driver_cls, bad_drift):
    def make(path):
        return driver_cls("dev-1", path, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW)

    sim = sim_cls(speed=8)
    async with hosted(sim, make, protocol) as (_, driver):
        record = await calibrate_simulated(protocol, driver, sim, "tech-9", NOW)
        assert record is not None and record.result is CalibrationResult.PASSED, record and record.notes
        assert record.performed_by == "tech-9" and record.device_id == "dev-1"
        driver.book = MemoryCalibrationBook([record])
        _, final = await run_measurement(driver, stimuli=1)
        assert final.calibration_id == str(record.id) and not final.quality_flags

    drifted = sim_cls(speed=8, drift_gain=bad_drift)
    async with hosted(drifted, make, protocol) as (host, driver):
        host.inject("drift")
        record = await calibrate_simulated(protocol, driver, drifted, "tech-9", NOW)
    assert record is not None and record.result is CalibrationResult.FAILED, record.notes


async def test_instruments_without_a_field_procedure_get_none():
    assert await calibrate_simulated("reaction-serial", None, None) is None
