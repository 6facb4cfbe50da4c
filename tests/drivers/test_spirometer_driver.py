"""The spirometer and vital-capacity drivers against their simulators over a real pty, with every fault."""

from __future__ import annotations

import pytest

from drivers.base import (
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    FinalReading,
    Progress,
)
from drivers.calibration import MemoryCalibrationBook, Procedure, run_syringe_check, verify_syringe
from drivers.devices.spirometer import Spirometer, split_readings
from drivers.devices.vital_capacity import VitalCapacityMeter
from drivers.sim.spirometer import SpirometerSimulator, forced_expiration_flow
from drivers.sim.vital_capacity import VitalCapacitySimulator
from drivers.spirometry import analyse_manoeuvre, btps_factor, session_quality
from kiosk.domain import CalibrationResult
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, measure_until, passed_record, run_measurement


def spirometer(book=None):
    return lambda path: Spirometer("spiro-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW)


def vc_meter(book=None):
    return lambda path: VitalCapacityMeter("vc-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW)


def blowing(event) -> bool:
    return isinstance(event, Progress) and event.value[1] > 3.0


async def test_a_forced_expiration_gives_fvc_fev1_pef_at_btps_matching_the_true_curve():
    sim = SpirometerSimulator(fvc_l=3.6, pef_l_s=7.5, k=1.6, ambient_c=21.0, speed=6)
    truth = analyse_manoeuvre(forced_expiration_flow(3.6, 7.5, k=1.6), 100)  # the BTPS curve the sim blows
    async with hosted(sim, spirometer(), "spiro") as (_, driver):
        progress, final = await run_measurement(driver, trial=1)
    v = final.values
    assert v["fvc"] == pytest.approx(truth.fvc_l, abs=0.03), f"FVC {v['fvc']} vs true {truth.fvc_l:.3f}"
    assert v["fev1"] == pytest.approx(truth.fev1_l, abs=0.03), f"FEV1 {v['fev1']} vs true {truth.fev1_l:.3f}"
    assert v["pef"] == pytest.approx(7.5, abs=0.05) and v["fev1_fvc"] == pytest.approx(v["fev1"] / v["fvc"], abs=0.01)
    assert final.details["btps_factor"] == pytest.approx(btps_factor(21.0, 1013.2 * 0.750061683), abs=1e-4)
    assert final.details["acceptability"]["fvc_acceptable"] is True
    assert len(final.details["flow_volume_curve"]) > 20 and progress[-1].quantity == "flow_volume"
    fvc, fev1, pef = split_readings(final)
    assert (fvc.item, fev1.item, pef.item) == ("fvc", "fev1", "pef")
    assert (fvc.to_measurement().value, fev1.to_measurement().value, pef.to_measurement().value) == (
        v["fvc"], v["fev1"], v["pef"])
    assert pef.unit == "L/s" and fev1.unit == "L"


async def test_three_blows_make_a_repeatable_grade_a_session():
    async with hosted(SpirometerSimulator(speed=8), spirometer(), "spiro") as (_, driver):
        for trial in (1, 2, 3):
            await run_measurement(driver, trial=trial)
        quality = session_quality(driver.manoeuvres)
    assert quality.fvc_grade == "A" and quality.fev1_grade == "A" and not quality.more_manoeuvres_advised


async def test_ambient_gas_without_btps_would_read_low():
    """Guard against dropping the BTPS step: the raw ambient volume is ~8 % below the reported FVC."""
    sim = SpirometerSimulator(ambient_c=20.0, speed=8)
    async with hosted(sim, spirometer(), "spiro") as (_, driver):
        _, final = await run_measurement(driver)
    assert final.values["fvc"] / final.details["btps_factor"] < final.values["fvc"] * 0.92


async def test_a_corrupted_block_is_interpolated_and_flagged():
    async with hosted(SpirometerSimulator(speed=6), spirometer(), "spiro") as (host, driver):
        seen = await measure_until(driver, blowing, lambda: host.inject("bad_checksum"), final_allowed=True)
    final = seen[-1]
    assert isinstance(final, FinalReading) and "interpolated_flow" in final.quality_flags
    assert driver.codec_errors >= 1


async def test_garbage_on_the_line_does_not_change_the_result():
    async with hosted(SpirometerSimulator(speed=6), spirometer(), "spiro") as (host, driver):
        _, clean = await run_measurement(driver)
        seen = await measure_until(driver, blowing, lambda: host.inject("garbage"), final_allowed=True)
    assert seen[-1].values["fvc"] == pytest.approx(clean.values["fvc"], abs=0.02)


async def test_a_stall_mid_blow_is_a_timeout_without_a_reading():
    async with hosted(SpirometerSimulator(speed=6), spirometer(), "spiro") as (host, driver):
        with pytest.raises(DeviceTimeout):
            await measure_until(driver, blowing, lambda: host.inject("stall"))
        assert driver.state is DeviceState.ERROR


async def test_unplugging_mid_blow_is_disconnected_without_a_reading():
    async with hosted(SpirometerSimulator(speed=6), spirometer(), "spiro") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, blowing, lambda: host.inject("disconnect"))
        assert driver.state is DeviceState.ABSENT


async def test_a_zero_offset_error_is_reported_with_its_code():
    async with hosted(SpirometerSimulator(speed=6), spirometer(), "spiro") as (host, driver):
        host.inject("zero_offset")
        with pytest.raises(DeviceReportedError) as info:
            await run_measurement(driver)
    assert info.value.code == "zero_offset"


async def test_drift_fails_the_syringe_check_and_locks_the_spirometer():
    sim = SpirometerSimulator(speed=8, drift_gain=1.05)
    async with hosted(sim, spirometer(), "spiro") as (host, driver):
        sim.syringe_l = 3.0
        ok = await run_syringe_check("spiro-1", "tech-1", NOW, driver.syringe_stroke_l, strokes=2)
        host.inject("drift")
        bad = await run_syringe_check("spiro-1", "tech-1", NOW, driver.syringe_stroke_l, strokes=2)
    assert all(abs(v - 3.0) < 0.02 for v in ok.readings), f"a healthy head reads the 3-L syringe: {ok.readings}"
    assert ok.result is CalibrationResult.PASSED and bad.result is CalibrationResult.FAILED, bad.notes
    async with hosted(SpirometerSimulator(speed=8), spirometer(MemoryCalibrationBook([bad])), "spiro") as (_, d2):
        with pytest.raises(DeviceLocked, match="failed"):
            await run_measurement(d2)


async def test_the_syringe_gain_is_applied_to_resident_blows():
    record = passed_record("spiro-1", {"gain": 1.02, "offset": 0.0})
    async with hosted(SpirometerSimulator(speed=8), spirometer(), "spiro") as (_, plain):
        _, raw = await run_measurement(plain)
    async with hosted(SpirometerSimulator(speed=8), spirometer(MemoryCalibrationBook([record])), "s") as (_, d):
        _, corrected = await run_measurement(d)
    assert corrected.values["fvc"] == pytest.approx(raw.values["fvc"] * 1.02, abs=0.03)
    assert corrected.calibration_id == str(record.id) and "uncalibrated" not in corrected.quality_flags


async def test_vital_capacity_reports_the_meter_volume_in_ml():
    async with hosted(VitalCapacitySimulator(vc_ml=3150, speed=6), vc_meter(), "vc") as (_, driver):
        progress, final = await run_measurement(driver, trial=2)
    assert final.item == "vital_capacity" and final.unit == "mL" and final.trial == 2
    assert final.values["vital_capacity"] == pytest.approx(3150, abs=5)
    assert progress and all(p.quantity == "volume_ml" for p in progress)


@pytest.mark.parametrize(("fault", "code"), [("no_blow", "no_blow"), ("interrupted", "interrupted")])
async def test_vital_capacity_meter_errors_carry_their_code_and_a_plain_message(fault, code):
    async with hosted(VitalCapacitySimulator(speed=20), vc_meter(), "vc") as (host, driver):
        host.inject(fault)
        with pytest.raises(DeviceReportedError) as info:
            await run_measurement(driver)
    assert info.value.code == code and "mouthpiece" in info.value.resident_message


async def test_vital_capacity_stall_and_unplug_end_without_a_reading():
    async with hosted(VitalCapacitySimulator(speed=6), vc_meter(), "vc") as (host, driver):
        with pytest.raises(DeviceTimeout):
            await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 500,
                                lambda: host.inject("stall"))
    async with hosted(VitalCapacitySimulator(speed=6), vc_meter(), "vc") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 500,
                                lambda: host.inject("disconnect"))


async def test_vital_capacity_syringe_check_catches_drift_and_gain_corrects():
    sim = VitalCapacitySimulator(speed=10, drift_gain=1.02)
    async with hosted(sim, vc_meter(), "vc") as (host, driver):
        sim.syringe_ml = 3000
        host.inject("drift")
        strokes = [await driver.syringe_stroke_l() for _ in range(2)]
        record = verify_syringe("vc-1", "tech-1", NOW, strokes, procedure=Procedure.VITAL_CAPACITY_SYRINGE)
        assert record.result is CalibrationResult.PASSED, "2 % is inside ±3 %"
        sim.syringe_ml = None
        driver.book = MemoryCalibrationBook([record])
        _, final = await run_measurement(driver)
    assert final.values["vital_capacity"] == pytest.approx(3200, abs=5), "the gain takes the 2 % drift back out"


async def test_no_blow_in_time_is_a_timeout_with_a_plain_message():
    async with hosted(SpirometerSimulator(speed=1), spirometer(), "spiro") as (_, driver):
        with pytest.raises(DeviceTimeout, match="no blow") as info:
            await run_measurement(driver, blow_within_s=0.2)  # the simulated resident starts after 0.5 s
    assert "blow hard" in info.value.resident_message


async def test_vital_capacity_survives_garbage_and_a_corrupted_volume_frame():
    async with hosted(VitalCapacitySimulator(vc_ml=3000, speed=6), vc_meter(), "vc") as (host, driver):
        def faults():
            host.inject("garbage")
            host.inject("bad_checksum")
        seen = await measure_until(driver, lambda e: isinstance(e, Progress) and e.value > 500, faults,
                                   final_allowed=True)
    assert seen[-1].values["vital_capacity"] == pytest.approx(3000, abs=5) and driver.codec_errors >= 2


async def test_a_lost_result_frame_is_asked_for_again():
    sim = VitalCapacitySimulator(vc_ml=2800, speed=6)
    async with hosted(sim, vc_meter(), "vc") as (host, driver):
        host.inject("lose_result")
        _, final = await run_measurement(driver)
    assert final.values["vital_capacity"] == pytest.approx(2800, abs=5), "the resent result must be used"
    assert any(type(c).__name__ == "QueryResult" for c in sim.commands_seen)


def test_a_long_obstructive_blow_is_recorded_past_fifteen_seconds_from_time_zero():
    from drivers.codecs.spirometer import FlowBlock
    from drivers.devices.spirometer import FlowRecorder

    recorder = FlowRecorder(100, "spiro-1")
    # a 0.3-s rise puts time zero ~0.15 s after the first flow; then a long 80 mL/s tail with no plateau
    flows = [0.0] * 20 + [4.0 * min(1.0, i / 30) for i in range(1, 40)] + [0.08] * 2000
    for seq, i in enumerate(range(0, len(flows), 5), start=1):
        recorder.add(FlowBlock(seq, tuple(round(f * 1000) for f in flows[i:i + 5])), 1.0)
        if recorder.ended():
            break
    m = analyse_manoeuvre(recorder.flow_l_s, 100)
    assert not m.plateau_reached and m.forced_expiratory_time_s == pytest.approx(15.0, abs=0.02)
    assert m.end_of_forced_expiration, "the recorder must run long enough for t0 + 15 s to be inside the record"
