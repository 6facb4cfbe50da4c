"""The OEM serial BP driver against the module simulator over a real pseudo-terminal, with every fault."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from drivers.base import (
    CodecError,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
)
from drivers.calibration import run_bp_static_check
from drivers.codecs import oem_bp_serial as oem
from drivers.devices.oem_blood_pressure import OemSerialBloodPressureMonitor
from drivers.sim.oem_bp import OemBpModuleSimulator
from drivers.sim.oscillometric import BloodPressureTruth
from drivers.sim.pty import PtyHost
from kiosk.domain import CalibrationResult, utcnow
from tests.drivers.ble_sim_support import book_with, run_measurement

TRUTH = BloodPressureTruth(118, 76, 64)


@asynccontextmanager
async def module(book=None, **sim_kwargs) -> AsyncIterator[tuple[OemSerialBloodPressureMonitor, OemBpModuleSimulator,
                                                                   PtyHost]]:
    sim = OemBpModuleSimulator(TRUTH, speed=25.0, tick_interval_s=0.02, **sim_kwargs)
    host = PtyHost(sim, name="bp-test").start()
    monitor = OemSerialBloodPressureMonitor("bp-1", host.port_path, book if book is not None else book_with("bp-1"))
    monitor.frame_timeout_s = 1.5
    try:
        await monitor.connect()
        yield monitor, sim, host
    finally:
        await monitor.close()
        host.stop()


async def test_connect_asks_the_module_for_its_status() -> None:
    async with module() as (monitor, _, _):
        assert monitor.state is DeviceState.READY
        assert monitor.last_status == oem.Status(oem.ModuleState.IDLE, 87)
        found = await monitor.describe()
        assert found["module_state"] == "idle" and found["battery_percent"] == 87


async def test_measurement_streams_cuff_pressure_and_ends_with_the_module_result() -> None:
    async with module() as (monitor, sim, _):
        run = await run_measurement(monitor.measure())
        reading = run.final
        assert reading.item == "blood_pressure" and reading.unit == "mmHg"
        assert abs(reading.values["systolic"] - TRUTH.systolic_mmhg) <= 5, reading.values
        assert abs(reading.values["diastolic"] - TRUTH.diastolic_mmhg) <= 5, reading.values
        assert abs(reading.values["pulse"] - TRUTH.pulse_bpm) <= 3, reading.values
        assert "mean" in reading.values
        pressures = [p.value for p in run.progress]
        assert max(pressures) > TRUTH.systolic_mmhg and pressures[-1] < TRUTH.diastolic_mmhg
        assert any(p.message == "pulse" for p in run.progress), "oscillometric pulses are marked"
        assert sim.measurements_started == 1
        assert monitor.state is DeviceState.READY


@pytest.mark.parametrize(("fault", "name"), [
    ("cuff_loose", "cuff_loose"), ("air_leak", "air_leak"), ("motion", "motion"), ("weak_signal", "weak_signal"),
    ("over_pressure", "over_pressure"), ("low_battery", "low_battery"),
])
async def test_module_error_codes_become_device_errors_in_plain_words(fault: str, name: str) -> None:
    async with module() as (monitor, sim, _):
        sim.inject(fault)
        run = await run_measurement(monitor.measure())
        assert isinstance(run.error, DeviceReportedError), run.error
        assert run.error.code == name
        expected = next(e for e in oem.ERROR_CODES.values() if e.name == name).resident_message
        assert run.error.resident_message == expected
        assert run.finals == []
        assert monitor.state is DeviceState.READY, "a cuff problem leaves the device usable"


async def test_loose_cuff_tells_the_resident_to_wrap_it_again() -> None:
    async with module() as (monitor, sim, _):
        sim.inject("cuff_loose")
        run = await run_measurement(monitor.measure())
        assert run.error.resident_message == "The cuff seems loose. Please wrap it again, snugly."


@pytest.mark.parametrize("fault", ["garbage", "bad_checksum"])
async def test_garbage_and_bad_checksums_are_skipped(fault: str) -> None:
    async with module() as (monitor, sim, _):
        events = monitor.measure()
        await events.__anext__()
        for _ in range(3):
            sim.inject(fault)
            await asyncio.sleep(0.05)
        run = await run_measurement(events)
        assert run.final.values["systolic"] > 0
        assert run.final.details["bad_frames"] >= 1, "the skipped frames are counted"


async def test_a_line_of_nothing_but_garbage_is_a_codec_error() -> None:
    async with module() as (monitor, sim, _host):
        events = monitor.measure()
        await events.__anext__()
        for _ in range(40):
            sim.inject("bad_checksum")
            await asyncio.sleep(0.03)
        run = await run_measurement(events)
        assert isinstance(run.error, CodecError) and "unusable" in str(run.error)
        assert monitor.state is DeviceState.ERROR, "an unusable line is a device error the manager reconnects"


async def test_stall_mid_measurement_times_out_and_deflates_the_cuff() -> None:
    async with module() as (monitor, sim, _):
        events = monitor.measure()
        await events.__anext__()
        sim.inject("stall")
        run = await run_measurement(events)
        assert isinstance(run.error, DeviceTimeout)
        assert run.finals == []
        sim.inject("resume")
        await asyncio.sleep(0.1)
        assert sim._state is oem.ModuleState.IDLE, "the driver must send STOP so the cuff deflates"


async def test_abandoned_measurement_sends_stop() -> None:
    async with module() as (monitor, sim, _):
        events = monitor.measure()
        await events.__anext__()
        await events.aclose()
        await asyncio.sleep(0.1)
        assert sim._state is oem.ModuleState.IDLE
        assert monitor.state is DeviceState.READY


async def test_unplugged_mid_measurement_is_disconnected_and_replug_recovers() -> None:
    async with module() as (monitor, _, host):
        events = monitor.measure()
        await events.__anext__()
        host.inject("disconnect")
        run = await run_measurement(events)
        assert isinstance(run.error, DeviceDisconnected)
        assert run.finals == [] and monitor.state is DeviceState.ABSENT
        host.replug()
        monitor.port_path = host.port_path  # a new pty: the manager uses a stable symlink instead
        assert (await run_measurement(monitor.measure())).final


async def test_locked_device_sends_nothing() -> None:
    async with module(book_with("bp-1", expired=True)) as (monitor, sim, _):
        with pytest.raises(DeviceLocked, match="expired"):
            await monitor.measure().__anext__()
        assert sim.measurements_started == 0
        assert monitor.state is DeviceState.LOCKED


async def test_port_without_a_module_is_a_timeout() -> None:
    sim = OemBpModuleSimulator(speed=1.0)
    sim.inject("stall")
    with PtyHost(sim, name="silent") as host:
        monitor = OemSerialBloodPressureMonitor("bp-1", host.port_path)
        monitor.answer_timeout_s = 0.3
        with pytest.raises(DeviceTimeout, match="status"):
            await monitor.connect()
        assert monitor.state is DeviceState.ABSENT


async def test_missing_port_is_disconnected() -> None:
    monitor = OemSerialBloodPressureMonitor("bp-1", "/dev/does-not-exist")
    with pytest.raises(DeviceDisconnected):
        await monitor.connect()


# ---- static pressure (manometer mode) and the calibration check ------------------------------------------


async def test_manometer_mode_reads_the_static_pressure() -> None:
    async with module() as (monitor, sim, _):
        sim.static_pressure_mmhg = 150.0
        assert await monitor.read_static_pressure() == 150.0
        assert (await run_measurement(monitor.measure())).final, "measuring works again after manometer mode"


async def _static_check(monitor: OemSerialBloodPressureMonitor, sim: OemBpModuleSimulator):
    async def read(reference_mmhg: float) -> float:
        sim.static_pressure_mmhg = reference_mmhg  # the technician pumps the cuff to the reference
        return await monitor.read_static_pressure(samples=3)

    return await run_bp_static_check("bp-1", "tech-1", utcnow(), read)


async def test_static_pressure_check_passes_a_good_module() -> None:
    async with module() as (monitor, sim, _):
        record = await _static_check(monitor, sim)
        assert record.result is CalibrationResult.PASSED, record.notes


async def test_static_pressure_check_catches_a_drifted_module() -> None:
    async with module() as (monitor, sim, _):
        sim.inject("drift")
        record = await _static_check(monitor, sim)
        assert record.result is CalibrationResult.FAILED, "readings 6+ mmHg high must fail the ±3 mmHg check"


async def test_irregular_heartbeat_is_a_quality_flag() -> None:
    async with module() as (monitor, sim, _):
        sim.inject("irregular")
        reading = (await run_measurement(monitor.measure())).final
        assert "irregular_pulse" in reading.quality_flags
