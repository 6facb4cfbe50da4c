"""The grip dynamometer driver against its simulator over a real pty, including every injected fault."""

from __future__ import annotations

import asyncio

import pytest

from drivers.base import (
    CodecError,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
    Progress,
)
from drivers.calibration import MemoryCalibrationBook, run_grip_calibration
from drivers.devices.grip import GripDynamometer, GripTrialDetector
from drivers.sim.grip import GripSimulator, squeeze_force_kg
from kiosk.domain import CalibrationResult, Side
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, measure_until, passed_record, run_measurement


def grip_driver(book=None, **kwargs):
    return lambda path: GripDynamometer("grip-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S,
                                        clock=lambda: NOW, **kwargs)


def test_detector_finds_the_peak_and_ends_when_force_returns_to_rest():
    det = GripTrialDetector()
    ended_at = None
    for i in range(400):
        t = i / 100
        if det.feed(t, squeeze_force_kg(t, 40.0)):
            ended_at = t
            break
    assert det.peak_kg == pytest.approx(40.0, abs=0.01) and ended_at is not None
    assert det.started_at_s is not None and 0.5 < det.started_at_s < 0.7, "squeeze starts when force passes 2 kg"
    assert det.ended_at_s is not None and 2.9 < det.ended_at_s < 3.1, "ends where the force fell below rest"


def test_detector_ignores_rest_noise_and_a_brief_dip_during_the_hold():
    det = GripTrialDetector()
    for i, f in enumerate([0.3, 0.5, 0.2, 10, 20, 20, 0.5, 20, 25, 24]):
        det.feed(i / 100, f)
    assert not det.done and det.peak_kg == 25, "a 10-ms dip below rest is not the end of the squeeze"


async def test_a_squeeze_gives_its_peak_with_side_and_trial():
    async with hosted(GripSimulator(peak_kg=31.5, speed=5), grip_driver(), "grip") as (_, driver):
        progress, final = await run_measurement(driver, trial=2, side="left")
    assert final.item == "grip" and final.unit == "kg" and final.side is Side.LEFT and final.trial == 2
    assert final.values["grip"] == pytest.approx(31.5, abs=0.2), f"peak should be 31.5 kg, got {final.values}"
    assert "uncalibrated" in final.quality_flags, "without a calibration book the reading must be flagged"
    assert all(p.quantity == "force_kg" for p in progress) and len(progress) > 100
    assert max(p.value for p in progress) == pytest.approx(31.5, abs=0.2)
    # Live times are the device's 100 Hz clock, whatever the line's pace (this simulator runs 5× fast):
    # the peak comes 0.5 s rest + 0.6 s rise after the start, as the simulated hand squeezes.
    assert [p.at_s for p in progress] == pytest.approx([(i + 1) / 100 for i in range(len(progress))])
    assert 1.0 < max(progress, key=lambda p: p.value).at_s < 1.3
    measurement = final.to_measurement()
    assert measurement.value == final.values["grip"] and measurement.device_id == "grip-1"


async def test_garbage_and_a_bad_checksum_are_skipped_and_the_reading_survives():
    sim = GripSimulator(peak_kg=28.0, speed=5)
    async with hosted(sim, grip_driver(), "grip") as (host, driver):
        def faults():
            host.inject("garbage")
            host.inject("bad_checksum")
        seen = await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 5, faults,
                                   final_allowed=True, side="right")
        assert seen[-1].values["grip"] == pytest.approx(28.0, abs=0.2), f"reading should survive: {seen[-1]}"
        assert driver.codec_errors >= 2, "the garbage and the corrupted frame must have been seen and skipped"
        assert driver.state is DeviceState.READY


async def test_a_stall_mid_squeeze_raises_timeout_and_never_a_final():
    async with hosted(GripSimulator(speed=5), grip_driver(), "grip") as (host, driver):
        with pytest.raises(DeviceTimeout, match="stopped sending"):
            await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 10,
                                lambda: host.inject("stall"))
        assert driver.state is DeviceState.ERROR


async def test_unplugging_mid_squeeze_raises_disconnected_and_never_a_final():
    async with hosted(GripSimulator(speed=5), grip_driver(), "grip") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 10,
                                lambda: host.inject("disconnect"))
        assert driver.state is DeviceState.ABSENT


async def test_an_overload_is_reported_by_the_device_with_its_code():
    async with hosted(GripSimulator(speed=5), grip_driver(), "grip") as (host, driver):
        host.inject("overload")
        with pytest.raises(DeviceReportedError) as info:
            await run_measurement(driver)
        assert info.value.code == "overload" and driver.state is DeviceState.READY


async def test_a_line_of_pure_noise_is_a_codec_error_not_a_hang():
    async with hosted(GripSimulator(speed=5), grip_driver(max_bad_frames=3), "grip") as (host, driver):
        sim = host.simulator
        original = sim._encode
        sim._encode = lambda messages, record: b"\x00\x01\x02" * 10 + original(messages, record=record)[5:]
        with pytest.raises((CodecError, DeviceTimeout)):
            await run_measurement(driver)


async def test_a_device_without_a_valid_calibration_is_locked_before_any_command():
    for record in (None, passed_record("grip-1", result=CalibrationResult.FAILED),
                   passed_record("grip-1", days=-1)):
        book = MemoryCalibrationBook([record] if record else [])
        sim = GripSimulator(speed=5)
        async with hosted(sim, grip_driver(book), "grip") as (_, driver):
            with pytest.raises(DeviceLocked):
                await run_measurement(driver)
            assert driver.state is DeviceState.LOCKED and sim.commands_seen == [], "nothing may be sent when locked"


async def test_drift_is_caught_by_calibration_and_the_correction_restores_the_truth():
    sim = GripSimulator(peak_kg=30.0, speed=5, drift_gain=1.06)
    async with hosted(sim, grip_driver(), "grip") as (host, driver):
        host.inject("drift")
        _, drifted = await run_measurement(driver)
        assert drifted.values["grip"] == pytest.approx(31.8, abs=0.3), "a 6 % drift reads 6 % high"
        await driver.tare()

        async def hang(mass_kg: float) -> float:  # the technician hangs the mass; the handle is read
            sim.hanging_mass_kg = mass_kg
            return await driver.read_steady_kg(0.3)

        record = await run_grip_calibration("grip-1", "tech-1", NOW, hang)
        sim.hanging_mass_kg = None
        assert record.result is CalibrationResult.PASSED, record.notes
        assert record.correction["gain"] == pytest.approx(1 / 1.06, abs=0.005)
        driver.book = MemoryCalibrationBook([record])
        _, corrected = await run_measurement(driver)
    assert corrected.values["grip"] == pytest.approx(30.0, abs=0.3), "the correction must bring it back to 30 kg"
    assert corrected.calibration_id == str(record.id) and not corrected.quality_flags


async def test_identify_reads_the_device_info():
    async with hosted(GripSimulator(), grip_driver(), "grip") as (_, driver):
        info = await driver.identify()
    assert info.capacity_kg == 90 and info.rate_hz == 100


async def test_a_consumer_that_walks_away_mid_squeeze_leaves_the_device_ready_and_stopped():
    sim = GripSimulator(speed=5)
    async with hosted(sim, grip_driver(), "grip") as (_, driver):
        events = driver.measure()
        async for event in events:
            if isinstance(event, Progress) and event.value > 5:
                break
        await events.aclose()
        for _ in range(100):  # the simulator thread handles the stop command a moment later
            if not sim.streaming:
                break
            await asyncio.sleep(0.01)
        assert driver.state is DeviceState.READY and not sim.streaming, "abandoning must stop the stream"
        _, final = await run_measurement(driver)
    assert final.values["grip"] == pytest.approx(32.0, abs=0.3), "the next squeeze measures normally"


async def test_no_squeeze_in_time_is_a_timeout_with_a_plain_message():
    async with hosted(GripSimulator(speed=1), grip_driver(), "grip") as (_, driver):
        with pytest.raises(DeviceTimeout, match="no squeeze") as info:
            await run_measurement(driver, squeeze_within_s=0.2)  # the simulated hand squeezes after 0.5 s
    assert "squeeze the handle" in info.value.resident_message


async def test_an_impossible_side_is_a_driver_error_before_anything_is_sent():
    sim = GripSimulator(speed=5)
    async with hosted(sim, grip_driver(), "grip") as (_, driver):
        with pytest.raises(DriverError, match="side must be 'left' or 'right'"):
            await run_measurement(driver, side="middle")
        assert sim.commands_seen == [], "nothing may reach the device for a refused request"
        assert driver.state is DeviceState.READY, "a refused request leaves the device as it was"
        _, final = await run_measurement(driver)
    assert final.side is None, "no side given: the reading does not invent one"
