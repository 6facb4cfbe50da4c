"""The station and its instruments as FHIR Devices, each with its calibration status.

Devices are created by identifier like everything else the station sends (``POST`` with
``ifNoneExist``), so a resend never duplicates one. The calibration status and the calibration
record id travel as ``Device.property`` and a ``note``; because a conditional create does not
overwrite, the per-measurement truth is the calibration id each Observation names (see
``fhir_observation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain import CalibrationRecord, CalibrationResult, Method
from sync.fhir_common import (
    CALIBRATION_SYSTEM,
    DEVICE_SYSTEM,
    STATION_SYSTEM,
    create_entry,
    derived_uuid,
    fhir_datetime,
    urn,
)

_STATUS_DISPLAY = {
    "calibrated": "Calibration passed and still valid",
    "expired": "Last passed calibration has expired",
    "failed": "Last calibration failed",
    "unknown": "No calibration record on this station",
    "not-applicable": "Not a calibrated instrument",
}


@dataclass(frozen=True)
class DeviceEntry:
    identifier: dict[str, str]
    full_url: str
    resource: dict[str, Any]

    def entry(self) -> dict[str, Any]:
        return create_entry(self.resource, self.full_url, self.identifier)

    def reference(self) -> dict[str, str]:
        return {"reference": self.full_url}


def calibration_status(record: CalibrationRecord | None, at: datetime) -> str:
    """``calibrated``, ``expired``, ``failed`` or ``unknown`` for a device's latest calibration at ``at``."""
    if record is None:
        return "unknown"
    if record.result is CalibrationResult.FAILED:
        return "failed"
    return "calibrated" if record.usable_at(at) else "expired"


def station_device(station_id: str, site: str) -> DeviceEntry:
    """The health station itself: the parent of every instrument."""
    identifier = {"system": STATION_SYSTEM, "value": station_id}
    resource = {
        "resourceType": "Device",
        "identifier": [identifier],
        "status": "active",
        "deviceName": [{"name": site or station_id, "type": "user-friendly-name"}],
        "type": {"text": "Community smart health station (智慧健康驿站)"},
    }
    return DeviceEntry(identifier, urn(derived_uuid(f"{STATION_SYSTEM}|{station_id}", "device")), resource)


def instrument_device(station: DeviceEntry, device_id: str, method: Method, calibration: CalibrationRecord | None,
                      at: datetime) -> DeviceEntry:
    """One instrument of the station (or its camera), with its calibration status at ``at``."""
    station_id = station.identifier["value"]
    identifier = {"system": DEVICE_SYSTEM, "value": f"{station_id}/{device_id}"}
    camera_uncalibrated = method is Method.CAMERA and calibration is None
    status = "not-applicable" if camera_uncalibrated else calibration_status(calibration, at)
    resource: dict[str, Any] = {
        "resourceType": "Device",
        "identifier": [identifier],
        "status": "active",
        "deviceName": [{"name": device_id, "type": "user-friendly-name"}],
        "type": {"text": "camera" if method is Method.CAMERA else "measuring instrument"},
        "parent": station.reference(),
        "property": [{
            "type": {"coding": [{"system": CALIBRATION_SYSTEM, "code": "calibration-status"}],
                     "text": "Calibration status"},
            "valueCode": [{"coding": [{"system": CALIBRATION_SYSTEM, "code": status,
                                       "display": _STATUS_DISPLAY[status]}]}],
        }],
    }
    if calibration is not None:
        resource["note"] = [{"text": (f"calibration {calibration.id} ({calibration.procedure}): "
                                      f"{calibration.result.value} at "
                                      f"{fhir_datetime(calibration.performed_at, field='performed_at')}, valid until "
                                      f"{fhir_datetime(calibration.valid_until, field='valid_until')}")}]
    full_url = urn(derived_uuid(f"{DEVICE_SYSTEM}|{identifier['value']}", "device"))
    return DeviceEntry(identifier, full_url, resource)
