"""A simulated technician: the guided calibration with every step confirmed at once (for the demo and tests).

Nothing is invented here: ``drivers.guided_calibration`` runs the real procedure, the real driver reads
the simulated device over its pty, the simulator plays the references the technician would apply
(masses, syringe strokes, manometer pressures), and ``drivers.calibration`` decides pass or fail as it
would in the field. A simulator with a ``drift`` fault therefore fails.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.guided_calibration import calibrate_driver
from drivers.registry import protocol as protocol_info
from kiosk.domain import CalibrationRecord


async def calibrate_simulated(protocol: str, driver: Any, simulator: Any, performed_by: str = "demo-technician",
                              now: datetime | None = None) -> CalibrationRecord | None:
    """Run ``protocol``'s procedure on a connected driver whose device is ``simulator``; None if it has none."""
    return await calibrate_driver(protocol_info(protocol).kind, driver, simulator, performed_by, now=now)
