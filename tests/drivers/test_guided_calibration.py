"""Guided calibration through the device manager: the technician's steps in order, the record, the lock-out."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.base import DeviceState, DriverError
from drivers.calibration import MemoryCalibrationBook
from drivers.guided_calibration import CalibrationStep, guided_calibration
from drivers.manager import DeviceManager
from drivers.transport.serial import Backoff
from kiosk.config import DeviceConfig, StationConfig
from kiosk.domain import CalibrationResult

FAST = Backoff(0.05, 2.0, 0.2, 0.0)
DEVICES = (
    DeviceConfig("grip", "grip", "grip-serial", simulate=True),
    DeviceConfig("bp", "blood_pressure", "oem-bp-serial", simulate=True),
    DeviceConfig("rt", "reaction_time", "reaction-serial", simulate=True),
)


async def ready(manager: DeviceManager, name: str, state: DeviceState, timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while manager.device(name).state is not state:
        assert asyncio.get_running_loop().time() < deadline, f"{name} should be {state}, is {manager.states()}"
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_grip_steps_come_in_order_and_a_passed_record_unlocks_the_device() -> None:
    book = MemoryCalibrationBook()
    seen: list[CalibrationStep] = []

    async def technician(step: CalibrationStep) -> None:
        seen.append(step)

    async with DeviceManager(StationConfig(devices=DEVICES[:1]), book, sim_speed=8, backoff=FAST) as manager:
        await ready(manager, "grip", DeviceState.LOCKED)
        record = await guided_calibration(manager, "grip", "tech-wang", technician)
        assert record.result is CalibrationResult.PASSED, record.notes
        assert [s.number for s in seen] == [1, 2, 3, 4, 5] and all(s.of == 5 for s in seen)
        assert "Take everything off" in seen[0].instruction and seen[0].reference == ()
        assert [s.reference for s in seen[1:]] == [(5.0,), (10.0,), (20.0,), (40.0,)]
        assert record.references == (5.0, 10.0, 20.0, 40.0) and record.performed_by == "tech-wang"
        assert manager.device("grip").simulator.hanging_mass_kg is None, "the mass comes off after the procedure"
        book.save_calibration(record)
        manager.refresh_calibration()
        assert manager.device("grip").state is DeviceState.READY


@pytest.mark.slow
async def test_a_drifted_blood_pressure_module_fails_its_static_check_and_stays_locked() -> None:
    book = MemoryCalibrationBook()
    async with DeviceManager(StationConfig(devices=DEVICES[1:2]), book, sim_speed=8, backoff=FAST) as manager:
        await ready(manager, "bp", DeviceState.LOCKED)
        manager.inject("bp", "drift")
        record = await guided_calibration(manager, "bp", "tech-wang")
        assert record.result is CalibrationResult.FAILED, "a drifted module must fail the ±3 mmHg check"
        assert "outside ±3 mmHg" in record.notes
        book.save_calibration(record)
        manager.refresh_calibration()
        assert manager.device("bp").state is DeviceState.LOCKED
        assert "failed" in manager.device("bp").locked_reason


async def test_a_device_kind_with_no_field_procedure_is_refused_by_name() -> None:
    async with DeviceManager(StationConfig(devices=DEVICES[2:]), None, sim_speed=8, backoff=FAST) as manager:
        with pytest.raises(DriverError, match="no field calibration procedure"):
            await guided_calibration(manager, "rt", "tech-wang")


def _kiosk(data: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "kiosk", "--data-dir", str(data), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env, check=False)


@pytest.mark.slow
def test_the_calibrate_command_signs_in_guides_saves_and_audits(tmp_path: Path) -> None:
    assert _kiosk(tmp_path, "staff", "add", "--role", "technician", "wang", stdin="246813\n246813\n").returncode == 0
    assert _kiosk(tmp_path, "staff", "add", "--role", "doctor", "li", stdin="357924\n357924\n").returncode == 0

    wrong = _kiosk(tmp_path, "devices", "calibrate", "grip", "--technician", "wang", stdin="111111\n")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and "PIN" in wrong.stderr, wrong.stderr
    doctor = _kiosk(tmp_path, "devices", "calibrate", "grip", "--technician", "li", stdin="357924\n")
    assert doctor.returncode == 1 and "needs a technician" in doctor.stderr, doctor.stderr

    done = _kiosk(tmp_path, "devices", "calibrate", "grip", "--technician", "wang", stdin="246813\n" + "\n" * 5)
    assert done.returncode == 0, done.stderr
    assert "Step 5/5" in done.stdout and "PASSED" in done.stdout and "device is now ready" in done.stdout
    audit = _kiosk(tmp_path, "audit", "show", stdin="")
    assert "calibration.saved" in audit.stdout, audit.stdout
    assert _kiosk(tmp_path, "audit", "verify", stdin="").returncode == 0
