"""BLE drivers against their simulators through the fake GATT peer, including every injected fault."""

from __future__ import annotations

import pytest

from drivers.base import (
    Device,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
)
from drivers.ble.gatt import FakeGattPeer
from drivers.devices.ble_blood_pressure import LOOSE_CUFF_MESSAGE, BleBloodPressureMonitor
from drivers.devices.ble_glucometer import BleGlucometer
from drivers.devices.ble_weight_scale import BleWeightScale
from drivers.sim.ble_bpm import BleBpmSimulator
from drivers.sim.ble_glucose import BleGlucoseSimulator
from drivers.sim.ble_scale import BleScaleSimulator
from drivers.sim.oscillometric import BloodPressureTruth
from tests.drivers.ble_sim_support import book_with, run_measurement

SPEED = 60.0
TRUTH = BloodPressureTruth(142, 91, 76)


async def bpm(book=None, *, truth: BloodPressureTruth = TRUTH) -> tuple[BleBloodPressureMonitor, FakeGattPeer]:
    peer = FakeGattPeer(BleBpmSimulator(truth, speed=SPEED))
    monitor = BleBloodPressureMonitor("bpm-1", peer, book if book is not None else book_with("bpm-1"))
    monitor.frame_timeout_s = 1.0
    await monitor.connect()
    return monitor, peer


# ---- blood pressure ---------------------------------------------------------------------------------------


async def test_bpm_is_a_device_and_reads_its_features() -> None:
    monitor, _ = await bpm()
    assert isinstance(monitor, Device)
    assert monitor.state is DeviceState.READY
    feature = await monitor.read_feature()
    assert feature.cuff_fit_detection and feature.body_movement_detection


async def test_bpm_measures_cuff_pressure_then_one_reading_near_the_truth() -> None:
    monitor, _ = await bpm()
    run = await run_measurement(monitor.measure(trial=2, side="left"))
    reading = run.final
    assert reading.item == "blood_pressure" and reading.unit == "mmHg" and reading.trial == 2
    assert reading.side == "left", "the arm the cuff was on is kept"
    assert list(reading.values)[:2] == ["systolic", "diastolic"], "systolic must be the primary value"
    assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5, reading.values
    assert abs(reading.values["diastolic"] - TRUTH.diastolic_mmhg) <= 5, reading.values
    assert abs(reading.values["pulse"] - TRUTH.pulse_bpm) <= 3, reading.values
    pressures = [p.value for p in run.progress]
    assert all(p.quantity == "cuff_pressure_mmhg" for p in run.progress)
    assert max(pressures) >= TRUTH.systolic_mmhg + 20, "the cuff must inflate above systolic"
    assert pressures[-1] < TRUTH.diastolic_mmhg, "the cuff must deflate below diastolic"
    assert reading.calibration_id is not None and "uncalibrated" not in reading.quality_flags
    assert monitor.state is DeviceState.READY
    m = reading.to_measurement()
    assert m.value == reading.values["systolic"] and m.components["diastolic"] == reading.values["diastolic"]


async def test_bpm_applies_the_calibration_correction() -> None:
    plain = await run_measurement((await bpm())[0].measure())
    shifted = await run_measurement((await bpm(book_with("bpm-1", offset=-2.0)))[0].measure())
    assert shifted.final.values["systolic"] == plain.final.values["systolic"] - 2
    assert shifted.final.values["pulse"] == plain.final.values["pulse"], "pulse is not a pressure: not corrected"


async def test_bpm_in_kpa_gives_the_same_mmhg() -> None:
    monitor, peer = await bpm()
    peer.inject("kpa")
    reading = (await run_measurement(monitor.measure())).final
    assert reading.details["unit_on_air"] == "kPa"
    assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5


async def test_bpm_body_movement_and_irregular_pulse_are_quality_flags() -> None:
    monitor, peer = await bpm()
    peer.inject("motion")
    assert "body_movement" in (await run_measurement(monitor.measure())).final.quality_flags
    peer.inject("irregular")
    assert "irregular_pulse" in (await run_measurement(monitor.measure())).final.quality_flags


async def test_bpm_loose_cuff_is_a_device_error_with_plain_words() -> None:
    monitor, peer = await bpm()
    peer.inject("cuff_loose")
    run = await run_measurement(monitor.measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == "cuff_too_loose"
    assert run.error.resident_message == LOOSE_CUFF_MESSAGE
    assert run.finals == []
    assert monitor.state is DeviceState.READY, "a loose cuff is not a device fault"


async def test_bpm_disconnect_mid_measurement_never_yields_a_reading() -> None:
    monitor, peer = await bpm()
    peer.inject("disconnect_mid")
    run = await run_measurement(monitor.measure())
    assert isinstance(run.error, DeviceDisconnected)
    assert run.finals == [] and run.progress, "progress before the drop, no final value"
    assert monitor.state is DeviceState.ABSENT
    assert (await run_measurement(monitor.measure())).final, "the next measurement reconnects and succeeds"


async def test_bpm_link_fault_while_measuring_ends_with_disconnected() -> None:
    monitor, peer = await bpm()
    events = monitor.measure()
    await events.__anext__()
    peer.inject("disconnect")
    with pytest.raises(DeviceDisconnected):
        async for _ in events:
            pass


@pytest.mark.parametrize("fault", ["stall", "missing_indication"])
async def test_bpm_silence_is_a_timeout(fault: str) -> None:
    monitor, peer = await bpm()
    peer.inject(fault)
    run = await run_measurement(monitor.measure())
    assert isinstance(run.error, DeviceTimeout), run.error
    assert run.finals == []


async def test_bpm_stored_reading_replayed_on_subscribe_is_not_taken_as_this_residents() -> None:
    monitor, peer = await bpm()
    peer.inject("stored_first")
    reading = (await run_measurement(monitor.measure())).final
    assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5, "the stored 151/97 must be skipped"
    assert reading.details["device_time"] != "2025-12-01T09:00:00"


async def test_bpm_garbage_frame_is_skipped() -> None:
    monitor, peer = await bpm()
    peer.inject("garbage")
    run = await run_measurement(monitor.measure())
    assert run.final.values["systolic"] > 0


async def test_bpm_lost_cuff_pressure_notification_does_not_matter() -> None:
    monitor, peer = await bpm()
    peer.inject("drop_next")
    assert (await run_measurement(monitor.measure())).final


async def test_bpm_driver_refuses_a_peripheral_without_the_service() -> None:
    monitor = BleBloodPressureMonitor("bpm-1", FakeGattPeer(BleScaleSimulator(speed=SPEED)), book_with("bpm-1"))
    with pytest.raises(DriverError, match="does not offer service 00001810"):
        await monitor.connect()
    assert monitor.state is DeviceState.ERROR


async def test_bpm_out_of_range_peer_cannot_connect() -> None:
    monitor, peer = await bpm()
    peer.inject("away")
    with pytest.raises(DeviceDisconnected):
        await monitor.connect()
    assert monitor.state is DeviceState.ABSENT


@pytest.mark.parametrize(("kwargs", "why"), [({"passed": False}, "failed"), ({"expired": True}, "expired")])
async def test_bpm_locked_by_calibration_before_any_frame(kwargs: dict, why: str) -> None:
    monitor, peer = await bpm(book_with("bpm-1", **kwargs))
    sent_before = peer.sent_frames
    with pytest.raises(DeviceLocked, match=why):
        await monitor.measure().__anext__()
    assert monitor.state is DeviceState.LOCKED
    assert peer.sent_frames == sent_before, "a locked device must not start a measurement"


async def test_bpm_without_a_book_is_flagged_uncalibrated() -> None:
    peer = FakeGattPeer(BleBpmSimulator(TRUTH, speed=SPEED))
    monitor = BleBloodPressureMonitor("bpm-1", peer, None)
    reading = (await run_measurement(monitor.measure())).final
    assert "uncalibrated" in reading.quality_flags and reading.calibration_id is None


async def test_bpm_stopping_early_unsubscribes() -> None:
    monitor, peer = await bpm()
    events = monitor.measure()
    await events.__anext__()
    await events.aclose()
    assert monitor.state is DeviceState.READY
    assert peer._subscriptions == {}, "an abandoned measurement must not leave subscriptions behind"


# ---- weight scale -----------------------------------------------------------------------------------------


async def scale(step_on_s: float = 0.0, **faults: bool) -> tuple[BleWeightScale, FakeGattPeer]:
    peer = FakeGattPeer(BleScaleSimulator(71.3, 1.72, speed=SPEED, step_on_s=step_on_s))
    device = BleWeightScale("scale-1", peer, book_with("scale-1"))
    device.start_timeout_s = 1.5
    device.replay_window_s = 0.0  # the resident "steps on" at once in these tests
    await device.connect()
    for fault in faults:
        peer.inject(fault)
    return device, peer


async def test_scale_weighs_in_kg_with_bmi_and_height_as_details() -> None:
    device, _ = await scale()
    reading = (await run_measurement(device.measure())).final
    assert reading.item == "weight" and reading.unit == "kg"
    assert reading.values["weight"] == pytest.approx(71.3, abs=0.06)
    assert reading.details["height_m"] == 1.72 and reading.details["bmi_kg_m2"] == pytest.approx(24.1, abs=0.1)


async def test_scale_skips_a_stored_weighing_replayed_on_subscribe() -> None:
    device, _ = await scale(step_on_s=0.4, stored_first=True)
    device.replay_window_s = 0.2
    reading = (await run_measurement(device.measure())).final
    assert reading.values["weight"] == pytest.approx(71.3, abs=0.06), "the replayed 93.1 kg must be skipped"


async def test_scale_imperial_units_convert_to_kg() -> None:
    device, _ = await scale(imperial=True)
    reading = (await run_measurement(device.measure())).final
    assert reading.details["imperial_on_air"] is True
    assert reading.values["weight"] == pytest.approx(71.3, abs=0.06)


async def test_scale_unsuccessful_is_a_device_error() -> None:
    device, _ = await scale(unsuccessful=True)
    run = await run_measurement(device.measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == "unsuccessful"
    assert "stand still" in run.error.resident_message


async def test_scale_disconnect_and_missing_indication() -> None:
    device, _ = await scale(disconnect_mid=True)
    assert isinstance((await run_measurement(device.measure())).error, DeviceDisconnected)
    device, _ = await scale(missing_indication=True)
    assert isinstance((await run_measurement(device.measure())).error, DeviceTimeout)


# ---- glucometer ------------------------------------------------------------------------------------------


async def glucometer(result: float = 6.2) -> tuple[BleGlucometer, FakeGattPeer, BleGlucoseSimulator]:
    sim = BleGlucoseSimulator(result, stored=4, speed=SPEED)
    peer = FakeGattPeer(sim)
    device = BleGlucometer("glu-1", peer, book_with("glu-1"))
    device.poll_interval_s = 0.01
    device.start_timeout_s = 2.0
    device.racp_timeout_s = 1.5
    await device.connect()
    return device, peer, sim


async def test_glucometer_ignores_stored_records_and_takes_the_new_test() -> None:
    device, _, _sim = await glucometer(6.2)
    assert device.last_sequence == 4, "the baseline is the meter's last stored record"
    run = await run_measurement(device.measure())
    reading = run.final
    assert reading.item == "glucose_fasting" and reading.unit == "mmol/L"
    assert reading.values["glucose"] == 6.2, "the new test, not an older stored record"
    assert reading.details["sequence_number"] == 5
    assert run.progress and run.progress[0].message, "the resident is told to do the test while the station waits"


async def test_glucometer_second_measurement_takes_only_the_newer_test() -> None:
    device, _, sim = await glucometer(6.2)
    await run_measurement(device.measure())
    sim.next_result_mmol_l = 7.9
    assert (await run_measurement(device.measure())).final.values["glucose"] == 7.9


@pytest.mark.parametrize(("fault", "code"), [("strip_error", "sample_size_insufficient"),
                                             ("control", "control_solution"),
                                             ("racp_fail", "transfer_incomplete")])
async def test_glucometer_voided_results_are_device_errors(fault: str, code: str) -> None:
    device, peer, _ = await glucometer()
    peer.inject(fault)
    run = await run_measurement(device.measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == code, run.error
    assert run.finals == []


async def test_glucometer_disconnect_during_transfer() -> None:
    device, peer, _ = await glucometer()
    peer.inject("disconnect_mid")
    assert isinstance((await run_measurement(device.measure())).error, DeviceDisconnected)


async def test_glucometer_no_test_times_out() -> None:
    device, peer, _ = await glucometer()
    peer.inject("no_test")
    run = await run_measurement(device.measure())
    assert isinstance(run.error, DeviceTimeout) and "no new glucose test" in str(run.error)


async def test_glucometer_lost_record_is_an_error_never_a_guess() -> None:
    sim = BleGlucoseSimulator(5.0, stored=4, speed=SPEED)
    peer = FakeGattPeer(sim)
    device = BleGlucometer("glu-1", peer, book_with("glu-1"))
    device.poll_interval_s = 0.01
    peer.inject("drop_next")  # record 4, the answer to "report last record", is lost; "success" still comes
    with pytest.raises(DeviceReportedError, match="never arrived") as caught:
        await device.connect()
    assert caught.value.code == "transfer_incomplete"
    assert device.state is DeviceState.ERROR
    run = await run_measurement(device.measure())  # reconnects, re-reads the newest record first
    assert run.final.details["sequence_number"] == 5, "never an older stored record"


async def test_glucometer_records_made_between_sessions_are_not_this_residents() -> None:
    device, _, sim = await glucometer(6.2)
    sim.records.append(sim.records[-1].__class__(5, None, 0, 9.9, "capillary_plasma", "finger"))  # someone else
    run = await run_measurement(device.measure())
    assert run.final.values["glucose"] == 6.2 and run.final.details["sequence_number"] == 6


async def test_glucometer_meter_with_no_records_starts_from_zero() -> None:
    sim = BleGlucoseSimulator(5.0, stored=0, speed=SPEED)
    device = BleGlucometer("glu-1", FakeGattPeer(sim), book_with("glu-1"))
    device.poll_interval_s = 0.01
    await device.connect()
    assert device.last_sequence is None
    assert (await run_measurement(device.measure())).final.details["sequence_number"] == 1
