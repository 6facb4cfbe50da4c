"""The demo technician: runs each device's real calibration procedure, with the simulators playing the references.

On a real station the technician hangs the masses, pushes the syringe and pumps the manometer when
the screen asks; here the "prompt" step sets the simulator's reference instead, and everything else
(the driver reading the device, the pass/fail rule, the record, the lock-out) is the real code path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from drivers.calibration import (
    Procedure,
    run_grip_calibration,
    run_platform_calibration,
    run_syringe_check,
)
from drivers.manager import DeviceManager
from kiosk.domain import CalibrationRecord, utcnow
from kiosk.logs import log_event
from kiosk.storage import Store

log = logging.getLogger("ui.demo")


async def _grip(manager: DeviceManager, name: str, by: str) -> CalibrationRecord:
    managed = manager.device(name)
    sim, driver = managed.simulator, managed.driver
    await driver.tare()

    async def read(mass_kg: float) -> float:
        sim.hanging_mass_kg = mass_kg
        return await driver.read_steady_kg()

    try:
        return await run_grip_calibration(name, by, utcnow(), read)
    finally:
        sim.hanging_mass_kg = None


async def _syringe(manager: DeviceManager, name: str, by: str, procedure: Procedure) -> CalibrationRecord:
    managed = manager.device(name)
    sim, driver = managed.simulator, managed.driver

    async def stroke() -> float:
        if procedure is Procedure.VITAL_CAPACITY_SYRINGE:
            sim.syringe_ml = 3000.0
        else:
            sim.syringe_l = 3.00
        try:
            return await driver.syringe_stroke_l()
        finally:
            for reference in ("syringe_ml", "syringe_l"):
                if hasattr(sim, reference):
                    setattr(sim, reference, None)

    return await run_syringe_check(name, by, utcnow(), stroke, procedure=procedure)


async def _platform(manager: DeviceManager, name: str, by: str) -> CalibrationRecord:
    managed = manager.device(name)
    sim, driver = managed.simulator, managed.driver

    async def read(mass_kg: float, x_mm: float, y_mm: float) -> tuple[float, float, float, float]:
        sim.placed_mass = (mass_kg, x_mm, y_mm)
        return await driver.read_corners_kg()

    try:
        return await run_platform_calibration(name, by, utcnow(), read)
    finally:
        sim.placed_mass = None


async def _bp(manager: DeviceManager, name: str, by: str) -> CalibrationRecord:
    return await manager.check_bp_static_pressure(name, by)


PROCEDURES: dict[str, Callable[[DeviceManager, str, str], Awaitable[CalibrationRecord]]] = {
    "blood_pressure": _bp,
    "grip": _grip,
    "spirometer": lambda m, n, b: _syringe(m, n, b, Procedure.SPIROMETER_SYRINGE),
    "vital_capacity": lambda m, n, b: _syringe(m, n, b, Procedure.VITAL_CAPACITY_SYRINGE),
    "balance": _platform,
}


async def calibrate_station(manager: DeviceManager, store: Store, *, performed_by: str) -> list[dict[str, Any]]:
    """Calibrate every simulated device that has a procedure; save each record; return what happened."""
    done: list[dict[str, Any]] = []
    for name, managed in manager.devices.items():
        procedure = PROCEDURES.get(managed.config.kind)
        if procedure is None or managed.simulator is None:
            continue
        if procedure is _bp:  # the manager takes the device lock itself for the static-pressure check
            record = await procedure(manager, name, performed_by)
        else:
            async with managed.lock:
                record = await procedure(manager, name, performed_by)
        store.save_calibration(record)
        log_event(log, logging.INFO, "calibration saved", device=name, procedure=record.procedure,
                  result=record.result.value)
        done.append({"device": name, "procedure": record.procedure, "result": record.result.value,
                     "valid_until": record.valid_until.isoformat(), "notes": record.notes})
    manager.refresh_calibration()
    return done
