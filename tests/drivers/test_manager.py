"""DeviceManager: simulate mode, states (absent/connecting/ready/measuring/error/locked), events, reconnect, close."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from drivers.base import DeviceLocked, DeviceReportedError, DeviceState, DriverError, FinalReading, Progress
from drivers.calibration import MemoryCalibrationBook
from drivers.manager import DeviceEvent, DeviceManager, EventKind
from drivers.transport.serial import Backoff
from kiosk.config import DeviceConfig, StationConfig, Transport
from kiosk.domain import CalibrationRecord, CalibrationResult, utcnow
from kiosk.errors import ConfigError

DEVICES = (
    DeviceConfig("bp", "blood_pressure", "oem-bp-serial", simulate=True),
    DeviceConfig("bpm", "blood_pressure", "ble-bps", Transport.BLE, simulate=True),
    DeviceConfig("scale", "scale", "ble-weight", Transport.BLE, simulate=True),
    DeviceConfig("glucose", "glucometer", "ble-glucose", Transport.BLE, simulate=True),
)
FAST = Backoff(initial_s=0.05, factor=2.0, cap_s=0.2, jitter=0.0)


def record(device_id: str, *, passed: bool = True) -> CalibrationRecord:
    now = utcnow()
    return CalibrationRecord(device_id, "bp-static-pressure", "tech-1", now - timedelta(hours=1),
                             CalibrationResult.PASSED if passed else CalibrationResult.FAILED, now + timedelta(days=30))


def calibrated_book() -> MemoryCalibrationBook:
    return MemoryCalibrationBook([record(d.name) for d in DEVICES])


def manager(book=None, devices=DEVICES, **kwargs) -> DeviceManager:
    cfg = StationConfig(devices=devices)
    return DeviceManager(cfg, book if book is not None else calibrated_book(), sim_speed=60.0, backoff=FAST,
                         watch_interval_s=0.02, **kwargs)


async def wait_for_state(m: DeviceManager, name: str, state: DeviceState, timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while m.devices[name].state is not state:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{name} should become {state.value}, is {m.devices[name].state.value} "
                                 f"({m.devices[name].last_error or m.devices[name].locked_reason})")
        await asyncio.sleep(0.02)


async def test_simulated_devices_connect_and_become_ready() -> None:
    async with manager() as m:
        for name in ("bp", "bpm", "scale", "glucose"):
            await wait_for_state(m, name, DeviceState.READY)
        assert os.path.islink(m.devices["bp"].listens_on), "serial simulators listen behind a stable symlink"
        assert "in-process" in m.devices["bpm"].listens_on


async def test_state_events_go_absent_connecting_ready() -> None:
    m = manager(devices=DEVICES[1:2])
    queue = m.subscribe()
    await m.start()
    try:
        await wait_for_state(m, "bpm", DeviceState.READY)
        states = []
        while not queue.empty():
            e = queue.get_nowait()
            assert e.kind is EventKind.STATE
            states.append(e.state)
        assert states == [DeviceState.CONNECTING, DeviceState.READY]
    finally:
        await m.close()


async def test_devices_without_calibration_are_locked_until_calibrated() -> None:
    book = MemoryCalibrationBook()
    async with manager(book, devices=DEVICES[1:2]) as m:
        await wait_for_state(m, "bpm", DeviceState.LOCKED)
        assert "no calibration" in m.devices["bpm"].locked_reason
        with pytest.raises(DeviceLocked):
            async for _ in m.measure("bpm"):
                pass
        book.save_calibration(record("bpm"))
        m.refresh_calibration()
        assert m.devices["bpm"].state is DeviceState.READY


async def test_devices_with_no_field_calibration_are_usable_without_a_record_but_a_failed_one_locks() -> None:
    devices = (DEVICES[2], DeviceConfig("reaction", "reaction_time", "reaction-serial", simulate=True))
    async with manager(MemoryCalibrationBook(), devices=devices) as m:
        await wait_for_state(m, "scale", DeviceState.READY)
        await wait_for_state(m, "reaction", DeviceState.READY)
    async with manager(MemoryCalibrationBook([record("scale", passed=False)]), devices=devices[:1]) as m:
        await wait_for_state(m, "scale", DeviceState.LOCKED)
        assert "failed" in m.devices["scale"].locked_reason


async def test_failed_calibration_locks_with_the_reason() -> None:
    async with manager(MemoryCalibrationBook([record("bpm", passed=False)]), devices=DEVICES[1:2]) as m:
        await wait_for_state(m, "bpm", DeviceState.LOCKED)
        assert "failed" in m.devices["bpm"].locked_reason


@pytest.mark.parametrize("name", ["bp", "bpm"])
async def test_measure_publishes_progress_and_one_reading(name: str) -> None:
    async with manager() as m:
        await wait_for_state(m, name, DeviceState.READY)
        queue = m.subscribe()
        seen: list[DeviceEvent] = []
        m.add_listener(seen.append)
        events = [e async for e in m.measure(name)]
        assert isinstance(events[-1], FinalReading) and all(isinstance(e, Progress) for e in events[:-1])
        published = []
        while not queue.empty():
            published.append(queue.get_nowait())
        kinds = [e.kind for e in published]
        assert kinds[0] is EventKind.STATE and published[0].state is DeviceState.MEASURING
        assert kinds.count(EventKind.READING) == 1 and EventKind.PROGRESS in kinds
        assert published[-1].kind is EventKind.STATE and published[-1].state is DeviceState.READY
        assert all(e.frame_at is not None for e in published if e.kind is EventKind.PROGRESS), \
            "progress events carry the arrival time of their frame"
        assert len(seen) == len(published), "listeners and queues see the same events"


async def test_device_error_is_published_and_reraised() -> None:
    async with manager() as m:
        await wait_for_state(m, "bp", DeviceState.READY)
        queue = m.subscribe()
        m.inject("bp", "cuff_loose")
        with pytest.raises(DeviceReportedError):
            async for _ in m.measure("bp"):
                pass
        errors = [e for e in (queue.get_nowait() for _ in range(queue.qsize())) if e.kind is EventKind.ERROR]
        assert len(errors) == 1 and isinstance(errors[0].payload, DeviceReportedError)
        assert m.devices["bp"].state is DeviceState.READY


async def test_ble_drop_goes_absent_and_reconnects() -> None:
    async with manager(devices=DEVICES[1:2]) as m:
        await wait_for_state(m, "bpm", DeviceState.READY)
        queue = m.subscribe()
        m.inject("bpm", "disconnect")
        states = []
        while DeviceState.READY not in states:
            states.append((await asyncio.wait_for(queue.get(), 5.0)).state)
        assert states == [DeviceState.ABSENT, DeviceState.CONNECTING, DeviceState.READY], \
            f"the drop and the reconnect must be visible, saw {states}"
        assert [e async for e in m.measure("bpm")][-1].values["systolic"] > 0


async def test_out_of_range_peer_is_retried_with_backoff_until_it_returns() -> None:
    async with manager(devices=DEVICES[1:2]) as m:
        await wait_for_state(m, "bpm", DeviceState.READY)
        m.inject("bpm", "away")
        await wait_for_state(m, "bpm", DeviceState.ABSENT)
        await asyncio.sleep(0.3)
        assert m.devices["bpm"].state is DeviceState.ABSENT and "not in range" in m.devices["bpm"].last_error
        m.inject("bpm", "back")
        await wait_for_state(m, "bpm", DeviceState.READY)


async def test_unplugged_serial_device_is_noticed_while_idle_and_reconnects_after_replug() -> None:
    async with manager(devices=DEVICES[:1], health_check_s=0.1) as m:
        await wait_for_state(m, "bp", DeviceState.READY)
        m.inject("bp", "disconnect")
        await wait_for_state(m, "bp", DeviceState.ABSENT)
        m.replug("bp")
        await wait_for_state(m, "bp", DeviceState.READY)
        assert [e async for e in m.measure("bp")][-1].item == "blood_pressure"


async def test_probe_reports_what_was_found() -> None:
    async with manager(devices=DEVICES[:2]) as m:
        report = await m.probe("bp")
        assert report["state"] == "ready" and report["found"]["module_state"] == "idle"
        report = await m.probe("bpm")
        assert "00001810-0000-1000-8000-00805f9b34fb" in report["found"]["services"]


async def test_close_stops_simulators_and_leaves_devices_absent() -> None:
    m = manager(devices=DEVICES[:1])
    await m.start()
    await wait_for_state(m, "bp", DeviceState.READY)
    link = m.devices["bp"].listens_on
    host = m.devices["bp"].host
    await m.close()
    await m.close()  # twice is fine
    assert m.devices["bp"].state is DeviceState.ABSENT
    assert not host.connected and not os.path.exists(link)


async def test_unknown_protocol_is_a_config_error() -> None:
    m = manager(devices=(DeviceConfig("x", "grip", "carrier-pigeon", simulate=True),))
    with pytest.raises(ConfigError, match="carrier-pigeon"):
        await m.start()
    await m.close()


async def test_faults_only_for_simulators_and_unknown_names_are_refused() -> None:
    devices = (DeviceConfig("real", "blood_pressure", "ble-bps", Transport.BLE, address="AA:BB:CC:DD:EE:FF"),)
    m = manager(devices=devices)
    m.devices["real"] = m._build(devices[0], __import__("drivers.registry").registry.protocol("ble-bps"))
    with pytest.raises(ValueError, match="not simulated"):
        m.inject("real", "disconnect")
    with pytest.raises(DriverError, match="no device named"):
        m.device("nope")


async def test_wrong_peripheral_is_shown_as_error_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from drivers import registry
    from drivers.sim.ble_scale import BleScaleSimulator

    wrong = dataclasses.replace(registry.protocol("ble-bps"), simulator=lambda speed: BleScaleSimulator(speed=speed))
    monkeypatch.setitem(registry.PROTOCOLS_BY_NAME, "ble-bps", wrong)
    async with manager(devices=DEVICES[1:2]) as m:
        await wait_for_state(m, "bpm", DeviceState.ERROR)
        assert "does not offer service" in m.devices["bpm"].last_error


async def test_static_pressure_check_on_a_simulated_module_unlocks_it() -> None:
    book = MemoryCalibrationBook()
    async with manager(book, devices=DEVICES[:1]) as m:
        await wait_for_state(m, "bp", DeviceState.LOCKED)
        rec = await m.check_bp_static_pressure("bp", "tech-7", points_mmhg=(0.0, 100.0, 200.0))
        assert rec.result is CalibrationResult.PASSED and rec.readings == (0.0, 100.0, 200.0)
        book.save_calibration(rec)
        m.refresh_calibration()
        assert m.devices["bp"].state is DeviceState.READY


async def test_static_pressure_check_fails_a_drifted_module() -> None:
    async with manager(devices=DEVICES[:1]) as m:
        await wait_for_state(m, "bp", DeviceState.READY)
        m.inject("bp", "drift")
        await asyncio.sleep(0.1)
        rec = await m.check_bp_static_pressure("bp", "tech-7", points_mmhg=(0.0, 150.0))
        assert rec.result is CalibrationResult.FAILED


async def test_static_pressure_check_needs_a_manometer_mode() -> None:
    async with manager(devices=DEVICES[1:2]) as m:
        with pytest.raises(DriverError, match="no manometer mode"):
            await m.check_bp_static_pressure("bpm", "tech-7")
