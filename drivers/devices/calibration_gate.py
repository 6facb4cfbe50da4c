"""The calibration gate every driver passes before a measurement, and the gain/offset correction it hands back.

The rule itself (failed or expired calibration → ``DeviceLocked``) is ``drivers.calibration.check_usable``;
this module only asks it, then returns the record in force so the reading can name it and apply its
correction. Without a calibration book (a technician probing a device from the command line) there is
nothing to check against: the reading is then flagged ``uncalibrated`` and must not be graded.
"""

from __future__ import annotations

from datetime import datetime

from drivers.base import CalibrationBook
from kiosk.domain import CalibrationRecord

UNCALIBRATED = "uncalibrated"


def calibration_in_force(device_id: str, book: CalibrationBook | None, now: datetime, *,
                         required: bool = True) -> CalibrationRecord | None:
    """The passed, unexpired record for ``device_id``; raises DeviceLocked when the device may not be used.

    ``required=False`` (devices with no field calibration) still refuses a failed or expired record.
    """
    if book is None:
        return None
    from drivers.calibration import check_usable  # DRV-SERIAL's rule; imported late to keep import cycles out

    return check_usable(device_id, book, now, required=required)


def corrected(value: float, record: CalibrationRecord | None) -> float:
    """``value`` after the record's linear correction (``gain`` × value + ``offset``; identity without one)."""
    if record is None:
        return value
    return value * float(record.correction.get("gain", 1.0)) + float(record.correction.get("offset", 0.0))


def calibration_flags(record: CalibrationRecord | None, book: CalibrationBook | None) -> frozenset[str]:
    return frozenset({UNCALIBRATED}) if book is None or record is None else frozenset()
