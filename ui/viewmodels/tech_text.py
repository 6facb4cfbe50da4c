"""The technician screens' words: device states, raw values, calibration records and lock reasons, as shown.

Shared by the device list (``technician``) and the calibration screen (``tech_calibration``), so neither
imports the other.
"""

from __future__ import annotations

from typing import Any

from drivers.base import DeviceState
from kiosk.domain import CalibrationRecord, CalibrationResult
from ui.i18n import translate


def state_text(state: DeviceState) -> str:
    return {
        DeviceState.ABSENT: translate("Technician", "Disconnected"),
        DeviceState.CONNECTING: translate("Technician", "Connecting"),
        DeviceState.READY: translate("Technician", "Connected"),
        DeviceState.MEASURING: translate("Technician", "Measuring"),
        DeviceState.ERROR: translate("Technician", "Error"),
        DeviceState.LOCKED: translate("Technician", "Locked"),
    }[state]


def format_value(value: float | tuple[float, ...]) -> str:
    if isinstance(value, tuple):
        return ", ".join(f"{v:.2f}" for v in value)
    return f"{value:.2f}"


def record_dict(record: Any) -> dict[str, Any]:
    """A calibration record as the screens show it (empty when there is none)."""
    if record is None:
        return {}
    pairs = [f"{ref:g} → {got:.2f}" for ref, got in zip(record.references, record.readings, strict=False)]
    return {"procedure": record.procedure, "result": record.result.value, "passed": record.result.value == "passed",
            "performedAt": record.performed_at.strftime("%Y-%m-%d %H:%M"), "by": record.performed_by,
            "validUntil": record.valid_until.strftime("%Y-%m-%d %H:%M"), "notes": record.notes,
            "pairs": pairs, "id": str(record.id)}


def lock_text(record: CalibrationRecord | None) -> str:
    """Why a device is locked, from its calibration record, in the screen's language
    (``drivers.calibration.check_usable`` gives the same reasons in English for the log)."""
    if record is None:
        return translate("Technician", "No calibration on record: calibrate it before resident tests.")
    if record.result is not CalibrationResult.PASSED:
        return translate("Technician", "The last calibration (%1) failed: %2").replace(
            "%1", f"{record.performed_at.astimezone():%Y-%m-%d %H:%M}").replace("%2", record.notes)
    return translate("Technician", "The calibration expired on %1.").replace(
        "%1", f"{record.valid_until.astimezone():%Y-%m-%d %H:%M}")
