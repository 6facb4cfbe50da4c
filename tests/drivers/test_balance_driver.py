"""The balance platform driver against its simulator over a real pty: stand times, sway, calibration, faults."""

from __future__ import annotations

import pytest

from drivers.balance import PlatformGeometry, centre_of_pressure
from drivers.base import DeviceDisconnected, DeviceLocked, DeviceState, DeviceTimeout, Progress
from drivers.calibration import MemoryCalibrationBook, run_platform_calibration
from drivers.devices.balance_platform import ITEM, BalancePlatform
from drivers.sim.balance_platform import BalancePlatformSimulator, corner_forces_kg
from kiosk.domain import CalibrationResult, Side
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, measure_until, passed_record, run_measurement


def platform(book=None):
    return lambda path: BalancePlatform("balance-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S,
                                        clock=lambda: NOW)


def timing(event) -> bool:
    return isinstance(event, Progress) and event.message == "timing"


def test_the_simulated_corner_split_puts_the_cop_where_the_model_says():
    geometry = PlatformGeometry(400, 300)
    forces = corner_forces_kg(70.0, 55.0, -20.0, geometry)
    assert sum(forces) == pytest.approx(70.0)
    assert centre_of_pressure(forces, geometry) == pytest.approx((55.0, -20.0))


async def test_a_single_leg_stand_is_timed_from_lift_to_touch_down_on_the_standing_side():
    sim = BalancePlatformSimulator(stand_s=6.0, standing_foot="left", speed=6)
    async with hosted(sim, platform(), "balance") as (_, driver):
        progress, final = await run_measurement(driver, trial=1)
    assert final.item == ITEM and final.unit == "s" and final.side is Side.LEFT
    assert final.values[ITEM] == pytest.approx(6.0, abs=0.2), f"stand lasted 6.0 s, measured {final.values}"
    assert final.details["end"] == "foot_down"
    sway = final.details["sway"]
    assert sway["path_length_mm"] > 0 and sway["ellipse_area_95_mm2"] > 0 and sway["mean_velocity_mm_s"] > 0
    assert all(p.quantity == "cop_mm" for p in progress) and any(p.message == "timing" for p in progress)


async def test_sway_grows_when_the_eyes_are_closed():
    areas = {}
    for closed in (False, True):
        sim = BalancePlatformSimulator(stand_s=5.0, eyes_closed=closed, speed=6, seed=3)
        async with hosted(sim, platform(), "balance") as (_, driver):
            _, final = await run_measurement(driver)
        areas[closed] = final.details["sway"]["ellipse_area_95_mm2"]
    assert areas[True] > 2 * areas[False], f"eyes-closed sway should be much larger: {areas}"


async def test_stepping_off_ends_the_stand_with_that_reason():
    async with hosted(BalancePlatformSimulator(stand_s=3.0, speed=6), platform(), "balance") as (host, driver):
        host.inject("step_off")
        _, final = await run_measurement(driver)
    assert final.details["end"] == "stepped_off" and final.values[ITEM] == pytest.approx(3.0, abs=0.2)


async def test_garbage_and_bad_checksums_do_not_disturb_the_timing():
    async with hosted(BalancePlatformSimulator(stand_s=4.0, speed=6), platform(), "balance") as (host, driver):
        def faults():
            host.inject("garbage")
            host.inject("bad_checksum")
        seen = await measure_until(driver, timing, faults, final_allowed=True)
    assert seen[-1].values[ITEM] == pytest.approx(4.0, abs=0.2) and driver.codec_errors >= 2


async def test_a_stall_or_unplug_during_the_stand_gives_no_time():
    async with hosted(BalancePlatformSimulator(speed=6), platform(), "balance") as (host, driver):
        with pytest.raises(DeviceTimeout):
            await measure_until(driver, timing, lambda: host.inject("stall"))
        assert driver.state is DeviceState.ERROR
    async with hosted(BalancePlatformSimulator(speed=6), platform(), "balance") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, timing, lambda: host.inject("disconnect"))
        assert driver.state is DeviceState.ABSENT


async def test_nobody_lifting_a_foot_times_out_with_a_plain_message():
    sim = BalancePlatformSimulator(both_feet_s=100.0, speed=10)
    async with hosted(sim, platform(), "balance") as (_, driver):
        with pytest.raises(DeviceTimeout) as info:
            await run_measurement(driver, lift_within_s=2.0)
    assert "lift one foot" in info.value.resident_message


async def calibrate(sim, driver):
    async def place(mass_kg: float, x_mm: float, y_mm: float):  # the technician places the mass; cells are read
        sim.placed_mass = (mass_kg, x_mm, y_mm)
        return await driver.read_corners_kg(0.2)

    record = await run_platform_calibration("balance-1", "tech-1", NOW, place)
    sim.placed_mass = None
    return record


async def test_platform_calibration_solves_per_cell_gains_and_zero_and_passes():
    sim = BalancePlatformSimulator(speed=5, cell_gain=(1.03, 0.98, 1.00, 0.96), cell_zero_kg=(0.5, 0.3, 0.2, 0.4))
    async with hosted(sim, platform(), "balance") as (_, driver):
        record = await calibrate(sim, driver)
    assert record.result is CalibrationResult.PASSED, record.notes
    for i, true_gain in enumerate((1.03, 0.98, 1.00, 0.96)):
        assert record.correction[f"gain_{i}"] == pytest.approx(1 / true_gain, abs=0.005), f"cell {i} gain"


async def test_a_badly_drifted_cell_fails_calibration_and_locks_the_platform():
    sim = BalancePlatformSimulator(speed=5, drift_gain=1.25)
    async with hosted(sim, platform(), "balance") as (host, driver):
        host.inject("drift")
        record = await calibrate(sim, driver)
    assert record.result is CalibrationResult.FAILED and "gain outside" in record.notes
    async with hosted(BalancePlatformSimulator(speed=5), platform(MemoryCalibrationBook([record])), "b") as (_, d):
        with pytest.raises(DeviceLocked, match="failed"):
            await run_measurement(d)
        assert d.state is DeviceState.LOCKED


async def test_a_valid_calibration_is_named_on_the_reading():
    record = passed_record("balance-1", {"gain_0": 1.0, "offset_0": -0.3, "gain_1": 1.0, "offset_1": -0.2,
                                         "gain_2": 1.0, "offset_2": -0.4, "gain_3": 1.0, "offset_3": -0.1})
    book = MemoryCalibrationBook([record])
    async with hosted(BalancePlatformSimulator(stand_s=3.0, speed=6), platform(book), "balance") as (_, driver):
        _, final = await run_measurement(driver)
    assert final.calibration_id == str(record.id) and not final.quality_flags
    assert final.details["body_kg"] == pytest.approx(64.0, abs=0.3), "zero offsets removed: the body weight is true"
