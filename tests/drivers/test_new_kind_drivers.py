"""The new-kind drivers against their simulators (real bytes over a pty or a fake GATT peer): readings, faults, consent.

The simulators are our own and only speed and fault injection; the codecs' proof is in the captured-frame
tests (test_oximeter_thermometer_codecs.py, test_body_composition_codecs.py).
"""

from __future__ import annotations

import pytest

from drivers.base import DeviceReportedError, DeviceTimeout, FinalReading, Progress
from drivers.ble.gatt import FakeGattPeer
from drivers.calibration import MemoryCalibrationBook
from drivers.devices.ble_thermometer import BleThermometer
from drivers.devices.body_composition import STATION_CONSENT_CODE, BleBodyCompositionAnalyser, TanitaAnalyser
from drivers.devices.pulse_oximeter import BerryMedOximeter, BlePulseOximeter, SpotTracker, split_oximetry
from drivers.sim.ble_thermometer import BleThermometerSimulator
from drivers.sim.body_composition import BleBcsSimulator, TanitaSimulator
from drivers.sim.oximeter import BerryMedSimulator, BlePlxSimulator, pleth_at
from tests.drivers.ble_sim_support import run_measurement
from tests.drivers.instrument_harness import hosted, measure_until
from tests.drivers.instrument_harness import run_measurement as run_serial

SPEED = 20.0
BOOK = MemoryCalibrationBook([])  # no record: these devices need none, so no lock and no 'uncalibrated' flag

# ---- the pure end-of-measurement rule ------------------------------------------------------------------


def test_spot_tracker_needs_unbroken_usable_readings() -> None:
    t = SpotTracker(hold_s=2.0, window_s=1.0)
    assert not t.feed(0.0, 97, 70, True)
    assert not t.feed(1.0, 97, 70, False)  # finger out: start again
    assert not t.feed(1.5, 96, 71, True) and not t.feed(3.0, 98, 72, True)
    assert t.feed(3.5, 98, 72, True)
    assert t.result() == (98, 72)


def test_pleth_wave_has_one_upstroke_per_beat() -> None:
    samples = [pleth_at(i / 100, 60) for i in range(300)]
    peaks = [i for i in range(1, 299)
             if samples[i] > 90 and samples[i] >= samples[i - 1] and samples[i] > samples[i + 1]]
    assert len(peaks) == 3 and min(samples) >= 0 and max(samples) <= 100


# ---- BerryMed BCI over a pty ---------------------------------------------------------------------------


async def test_berrymed_reads_spo2_and_pulse_with_a_pleth_wave() -> None:
    sim = BerryMedSimulator(speed=SPEED, spo2_pct=96, pulse_bpm=75)
    async with hosted(sim, lambda port: BerryMedOximeter("ox", port, book=BOOK)) as (_host, driver):
        progress, final = await run_serial(driver)
    assert final.item == "spo2" and final.unit == "%"
    assert 95 <= final.values["spo2"] <= 97 and 73 <= final.values["pulse_rate"] <= 77
    assert final.quality_flags == frozenset()
    pleth = [p.value for p in progress if p.quantity == "pleth"]
    assert len(pleth) > 500 and max(pleth) > 80, "the live view needs the pleth wave"
    spo2, pulse = split_oximetry(final)
    assert (spo2.item, spo2.unit, pulse.item, pulse.unit) == ("spo2", "%", "pulse_rate", "/min")


async def test_berrymed_low_spo2_is_read_as_it_is() -> None:
    sim = BerryMedSimulator(speed=SPEED)
    sim.inject("low_spo2")
    async with hosted(sim, lambda port: BerryMedOximeter("ox", port, book=BOOK)) as (_host, driver):
        _progress, final = await run_serial(driver)
    assert 87 <= final.values["spo2"] <= 89


async def test_berrymed_no_finger_times_out_with_plain_words() -> None:
    sim = BerryMedSimulator(speed=SPEED)
    sim.inject("no_finger")
    async with hosted(sim, lambda port: BerryMedOximeter("ox", port, book=BOOK)) as (_host, driver):
        with pytest.raises(DeviceTimeout) as e:
            await run_serial(driver, finger_within_s=3.0)
    assert "finger" in e.value.resident_message


async def test_berrymed_unplugged_probe_is_a_device_error() -> None:
    sim = BerryMedSimulator(speed=SPEED)
    sim.inject("unplugged")
    async with hosted(sim, lambda port: BerryMedOximeter("ox", port, book=BOOK)) as (_host, driver):
        with pytest.raises(DeviceReportedError) as e:
            await run_serial(driver)
    assert e.value.code == "probe_unplugged"


async def test_berrymed_survives_garbage_and_impossible_packets() -> None:
    sim = BerryMedSimulator(speed=SPEED)

    def spoil() -> None:
        host.inject("garbage")
        host.inject("bad_checksum")

    async with hosted(sim, lambda port: BerryMedOximeter("ox", port, book=BOOK)) as (host, driver):
        seen = await measure_until(driver, lambda e: isinstance(e, Progress) and e.quantity == "pleth", spoil,
                                   final_allowed=True)
    final = seen[-1]
    assert isinstance(final, FinalReading) and 95 <= final.values["spo2"] <= 99
    assert driver.codec_errors >= 1, "the garbage and the impossible packet were seen and skipped"


# ---- BLE PLX, thermometer, body composition over a fake GATT peer ---------------------------------------


async def test_ble_plx_reads_near_the_truth() -> None:
    ox = BlePulseOximeter("plx", FakeGattPeer(BlePlxSimulator(speed=SPEED, spo2_pct=95, pulse_bpm=64)), BOOK)
    run = await run_measurement(ox.measure())
    assert 94 <= run.final.values["spo2"] <= 96 and 62 <= run.final.values["pulse_rate"] <= 66
    assert any(p.quantity == "spo2_pct" for p in run.progress)


async def test_thermometer_reads_armpit_celsius_and_skips_a_replayed_reading() -> None:
    sim = BleThermometerSimulator(36.7, speed=SPEED, place_s=1.1)
    sim.inject("stored_first")
    th = BleThermometer("th", FakeGattPeer(sim), BOOK)
    run = await run_measurement(th.measure())
    assert run.final.item == "body_temperature" and run.final.unit == "°C"
    assert run.final.values["body_temperature"] == pytest.approx(36.7, abs=0.11)
    assert run.final.details["site"] == "armpit"
    assert [p.quantity for p in run.progress].count("temperature_c") >= 3


async def test_thermometer_fahrenheit_on_air_is_stored_in_celsius() -> None:
    sim = BleThermometerSimulator(37.0, speed=SPEED, place_s=1.1)
    sim.inject("fahrenheit")
    run = await run_measurement(BleThermometer("th", FakeGattPeer(sim), BOOK).measure())
    assert run.final.values["body_temperature"] == pytest.approx(37.0, abs=0.11)
    assert run.final.details["fahrenheit_on_air"] is True


async def test_thermometer_nan_is_a_device_error() -> None:
    sim = BleThermometerSimulator(speed=SPEED, place_s=1.1)
    sim.inject("no_reading")
    run = await run_measurement(BleThermometer("th", FakeGattPeer(sim), BOOK).measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == "no_reading"


async def test_bcs_registers_a_user_gives_consent_then_reads_body_fat() -> None:
    sim = BleBcsSimulator(speed=SPEED, body_fat_pct=28.0, consent_code=STATION_CONSENT_CODE, step_on_s=0.05)
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert run.final.item == "body_fat" and run.final.values["body_fat"] == pytest.approx(28.0, abs=0.21)
    assert run.final.details["user_index"] == 0 and run.final.details["weight_kg"] == 68.4
    assert sim.users == {}, "the user registered for this resident is deleted from the analyser afterwards"
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert run.final.details["user_index"] == 0 and sim.users == {}, "the freed slot is used again"


async def test_bcs_refused_consent_names_the_result() -> None:
    sim = BleBcsSimulator(speed=SPEED, step_on_s=0.05)
    sim.inject("refuse_consent")
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == "ucp_user_not_authorized"


async def test_bcs_two_packet_measurement_is_joined() -> None:
    sim = BleBcsSimulator(speed=SPEED, step_on_s=0.05)
    sim.inject("two_packets")
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert run.final.details["weight_kg"] == 68.4 and run.final.details["impedance_ohm"] == 560.5


async def test_bcs_without_uds_measures_without_consent() -> None:
    sim = BleBcsSimulator(speed=SPEED, step_on_s=0.05, uds=False)
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert run.final.values["body_fat"] == pytest.approx(31.4, abs=0.21) and "user_index" not in run.final.details


async def test_bcs_unsuccessful_is_a_device_error() -> None:
    sim = BleBcsSimulator(speed=SPEED, step_on_s=0.05)
    sim.inject("unsuccessful")
    run = await run_measurement(BleBodyCompositionAnalyser("bcs", FakeGattPeer(sim), BOOK).measure())
    assert isinstance(run.error, DeviceReportedError) and run.error.code == "unsuccessful"


async def test_tanita_record_gives_body_fat_and_details() -> None:
    sim = TanitaSimulator(speed=SPEED, body_fat_pct=24.0, measure_s=2.0)
    async with hosted(sim, lambda port: TanitaAnalyser("tanita", port, book=BOOK)) as (_host, driver):
        _progress, final = await run_serial(driver)
    assert final.values["body_fat"] == pytest.approx(24.0, abs=0.21)
    assert final.details["model"] == "MC-780" and final.details["weight_kg"] == 68.4


async def test_tanita_error_status_is_a_device_error() -> None:
    sim = TanitaSimulator(speed=SPEED, measure_s=2.0)
    sim.inject("error_status")
    async with hosted(sim, lambda port: TanitaAnalyser("tanita", port, book=BOOK)) as (_host, driver):
        with pytest.raises(DeviceReportedError):
            await run_serial(driver)
