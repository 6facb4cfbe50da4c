"""The Beurer-quirk BLE cuff driver (``ble-bps-beurer``) against a simulator speaking the BM85's byte order."""

from __future__ import annotations

from drivers.ble.gatt import FakeGattPeer
from drivers.codecs import ble_bps
from drivers.devices.ble_blood_pressure import BeurerBleBloodPressureMonitor, BleBloodPressureMonitor
from drivers.registry import protocol
from drivers.sim.ble_bpm import BeurerBm85Simulator
from drivers.sim.oscillometric import BloodPressureTruth
from tests.drivers.ble_sim_support import book_with, run_measurement

TRUTH = BloodPressureTruth(138, 86, 74)


async def test_beurer_driver_reads_the_quirky_frames_near_the_truth() -> None:
    peer = FakeGattPeer(BeurerBm85Simulator(TRUTH, speed=60.0))
    monitor = BeurerBleBloodPressureMonitor("bpm-b", peer, book_with("bpm-b"))
    monitor.frame_timeout_s = 1.0
    reading = (await run_measurement(monitor.measure())).final
    assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5, reading.values
    assert abs(reading.values["pulse"] - TRUTH.pulse_bpm) <= 3, "the big-endian pulse must be read as such"


async def test_the_standard_driver_refuses_a_beurer_pulse_rather_than_storing_it() -> None:
    peer = FakeGattPeer(BeurerBm85Simulator(TRUTH, speed=60.0))
    monitor = BleBloodPressureMonitor("bpm-s", peer, book_with("bpm-s"))
    monitor.frame_timeout_s = 1.0
    run = await run_measurement(monitor.measure())
    assert run.error is not None and not run.finals, "a misread pulse must never become a reading"


async def test_a_stored_reading_without_live_cuff_is_skipped_when_dated_long_ago() -> None:
    sim = BeurerBm85Simulator(TRUTH, speed=60.0)
    sim.inject("stored_first")
    peer = FakeGattPeer(sim)
    monitor = BeurerBleBloodPressureMonitor("bpm-b", peer, book_with("bpm-b"))
    monitor.frame_timeout_s = 1.0
    reading = (await run_measurement(monitor.measure())).final
    assert reading.values["systolic"] != 151, "the stored 2025 reading must not be taken"


def test_ble_bps_beurer_protocol_decodes_a_captured_bm85_frame() -> None:
    frame = bytes((86, 106, 0, 71, 0, 0, 0, 234, 7, 8, 11, 18, 31, 0, 0, 63, 0, 0, 0))  # blood-pressure-monitor-fl
    (m,) = protocol("ble-bps-beurer").decode(frame, "2a35")
    assert isinstance(m, ble_bps.BloodPressureMeasurement)
    assert (m.systolic, m.diastolic, m.pulse_rate_bpm, m.user_id) == (106, 71, 63, 0)


async def test_omron_style_cuff_gives_this_measurement_through_racp_not_the_stored_one() -> None:
    from drivers.devices.ble_blood_pressure import OmronBleBloodPressureMonitor
    from drivers.sim.ble_bpm import OmronBlsSimulator

    sim = OmronBlsSimulator(TRUTH, speed=60.0)
    monitor = OmronBleBloodPressureMonitor("bpm-o", FakeGattPeer(sim), book_with("bpm-o"))
    monitor.poll_s = 0.2
    reading = (await run_measurement(monitor.measure())).final
    assert reading.values["systolic"] != 151, "the earlier resident's stored record must not be taken"
    assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5, reading.values
    assert sim.measurements_done == 1


async def test_omron_driver_refuses_a_cuff_without_racp() -> None:
    from drivers.base import DriverError
    from drivers.devices.ble_blood_pressure import OmronBleBloodPressureMonitor

    monitor = OmronBleBloodPressureMonitor("bpm-o", FakeGattPeer(BeurerBm85Simulator(TRUTH, speed=60.0)),
                                           book_with("bpm-o"))
    run = await run_measurement(monitor.measure())
    assert isinstance(run.error, DriverError) and "0x2A52" in str(run.error)
