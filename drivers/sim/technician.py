"""A simulated technician: runs the real calibration procedures on simulated instruments (for the demo and tests).

Nothing is invented here: the real driver reads the simulated device over its pty while this module
plays the technician's hands — hanging the known masses on the grip handle, stroking the 3.00-L
syringe through the flow head, placing the mass on the platform — and ``drivers.calibration`` decides
pass or fail exactly as it would in the field. A simulator with a ``drift`` fault therefore fails.

``await calibrate_simulated(protocol, driver, simulator, performed_by, now)`` returns the
CalibrationRecord (the caller saves it in the book, then ``DeviceManager.refresh_calibration()``),
or None for protocols without a field procedure here (sit-and-reach, reaction box; the OEM BP module
has ``DeviceManager.check_bp_static_pressure``). Hold the device manager's per-device lock while it runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.calibration import (
    Procedure,
    run_grip_calibration,
    run_platform_calibration,
    run_syringe_check,
)
from kiosk.domain import CalibrationRecord, utcnow


async def calibrate_simulated(protocol: str, driver: Any, simulator: Any, performed_by: str = "demo-technician",
                              now: datetime | None = None) -> CalibrationRecord | None:
    """Run ``protocol``'s procedure on a connected driver whose device is ``simulator``."""
    at = now or utcnow()
    if protocol == "grip-serial":
        await driver.tare()

        async def hang(mass_kg: float) -> float:
            simulator.hanging_mass_kg = mass_kg
            return float(await driver.read_steady_kg(0.5))

        try:
            return await run_grip_calibration(driver.device_id, performed_by, at, hang)
        finally:
            simulator.hanging_mass_kg = None
    if protocol == "spirometer-serial":
        simulator.syringe_l = 3.0
        try:
            return await run_syringe_check(driver.device_id, performed_by, at, driver.syringe_stroke_l)
        finally:
            simulator.syringe_l = None
    if protocol == "vital-capacity-serial":
        simulator.syringe_ml = 3000.0
        try:
            return await run_syringe_check(driver.device_id, performed_by, at, driver.syringe_stroke_l,
                                           procedure=Procedure.VITAL_CAPACITY_SYRINGE)
        finally:
            simulator.syringe_ml = None
    if protocol == "balance-serial":
        async def place(mass_kg: float, x_mm: float, y_mm: float) -> tuple[float, float, float, float]:
            simulator.placed_mass = (mass_kg, x_mm, y_mm)
            return await driver.read_corners_kg(0.3)

        try:
            return await run_platform_calibration(driver.device_id, performed_by, at, place)
        finally:
            simulator.placed_mass = None
    return None
