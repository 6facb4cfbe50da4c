"""Plausibility checks every blood-pressure result passes before it may become a FinalReading."""

from __future__ import annotations

from collections.abc import Mapping

from drivers.base import DeviceReportedError, DriverError
from kiosk.domain import BP_COMPONENT_LIMITS, Side

IMPLAUSIBLE_MESSAGE = "The reading did not look right. Please sit still, relax and try again."
ORDER = ("systolic", "diastolic", "pulse", "mean")


def checked_blood_pressure(values: Mapping[str, float], device_id: str) -> dict[str, float]:
    """Values rounded to whole mmHg / beats per minute, systolic first; DeviceReportedError if implausible."""
    out = {name: float(round(values[name])) for name in ORDER if name in values}
    for name, value in out.items():
        low, high = BP_COMPONENT_LIMITS[name]
        if not low <= value <= high:
            raise DeviceReportedError(f"{name} {value:g} is outside the physical limits {low:g}..{high:g}",
                                      code="implausible", device_id=device_id, resident_message=IMPLAUSIBLE_MESSAGE)
    if out["systolic"] <= out["diastolic"]:
        raise DeviceReportedError(f"systolic {out['systolic']:g} is not above diastolic {out['diastolic']:g}",
                                  code="implausible", device_id=device_id, resident_message=IMPLAUSIBLE_MESSAGE)
    return out


def arm_side(options: Mapping[str, object], device_id: str | None = None) -> Side | None:
    """The arm the cuff is on, from ``measure(side="left"|"right")``; None when not given.

    A bad value is a DriverError (like every other driver's bad option), so the device manager reports it
    as the measurement's error instead of letting a bare ValueError escape to the screen.
    """
    side = options.get("side")
    if side is None or isinstance(side, Side):
        return side
    try:
        return Side(str(side))
    except ValueError:
        raise DriverError(f"side must be 'left' or 'right', not {side!r}", device_id=device_id) from None
