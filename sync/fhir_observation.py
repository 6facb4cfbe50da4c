"""One measurement becomes one Observation (blood pressure: a panel plus a heart-rate Observation).

Each Observation carries the measurement UUID as identifier (``urn:ietf:rfc:3986`` /
``urn:uuid:…``) and is created with ``ifNoneExist`` on it, so a resend never duplicates; the value
is in the item's canonical unit as a UCUM Quantity; the trial number, quality flags and the
calibration record in force travel as station extensions. A blood-pressure reading is the LOINC
panel 85354-9 with systolic/diastolic (and mean, when measured) components; its pulse is a separate
heart-rate Observation (8867-4) whose UUID is derived from the reading's, because heart rate is a
vital sign in its own right and the panel's profile has no pulse component.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from kiosk.domain import Measurement, Method, NotMeasured, NotMeasuredReason, item_spec
from kiosk.errors import InputError
from kiosk.not_measured import reason_words
from sync.codes import ObservationCode, component_code, observation_code
from sync.errors import MappingError
from sync.fhir_common import (
    METHOD_SYSTEM,
    QUALITY_EXTENSION,
    TRIAL_EXTENSION,
    create_entry,
    derived_uuid,
    fhir_datetime,
    local_url,
    urn,
    uuid_identifier,
)
from sync.fhir_patient import GUEST_TAG

CALIBRATION_EXTENSION = "https://fhir.health-station.example/StructureDefinition/calibration-record"
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
NOT_MEASURED_SYSTEM = "https://fhir.health-station.example/CodeSystem/not-measured-reason"
# A failure of the camera or instrument is "error"; every other reason means the test was not (validly) performed.
_DATA_ABSENT = {NotMeasuredReason.FAILED: ("error", "Error")}
_NOT_PERFORMED = ("not-performed", "Not Performed")
_METHOD_DISPLAY = {
    Method.DEVICE: "Measured by a station instrument",
    Method.CAMERA: "Scored by the station camera (pose estimation)",
    Method.STAFF_ENTRY: "Entered by staff",
    Method.SELF_REPORT: "Reported by the resident",
}
_PRESSURE_COMPONENTS = ("systolic", "diastolic", "mean")


def canonical_value(m: Measurement) -> float:
    """The measurement's value in its item's canonical unit; non-finite values or unknown units are bugs."""
    return _canonical(m, m.value, "value")


def _canonical(m: Measurement, value: float, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MappingError(f"{m.item} {field} is not a finite number", resource_type="Observation",
                           record_id=urn(m.id))
    try:
        spec = item_spec(m.item)
        if m.unit in (spec.unit.symbol, spec.unit.ucum):
            return float(value)
        converted = spec.to_canonical(float(value), m.unit, field=field)
    except InputError as e:
        raise MappingError(str(e), resource_type="Observation", record_id=urn(m.id)) from None
    return round(converted, spec.decimals + 3)


def observation_entries(m: Measurement, *, subject: dict[str, str] | None, device: dict[str, str] | None,
                        guest: bool) -> list[dict[str, Any]]:
    """The transaction entries for measurement ``m`` (one, or two for blood pressure with a pulse)."""
    if m.item == "blood_pressure":
        return _blood_pressure_entries(m, subject=subject, device=device, guest=guest)
    code = observation_code(m.item)
    resource = _base(m, m.id, code, subject=subject, device=device, guest=guest)
    resource["valueQuantity"] = code.quantity(canonical_value(m))
    _add_details(resource, m)
    return [create_entry(resource, local_url("Observation", m.id), uuid_identifier(m.id))]


def not_measured_entry(nm: NotMeasured, *, subject: dict[str, str] | None, device: dict[str, str] | None,
                       guest: bool) -> dict[str, Any]:
    """A test tried without a valid result: an Observation with no value[x], status ``cancelled`` (R4: "the
    measurement was not started or not completed") and ``dataAbsentReason`` from the HL7 data-absent-reason
    code system (``error`` for a failure, else ``not-performed``), with the station's own reason code beside it."""
    reason = NotMeasuredReason(nm.reason)
    code, display = _DATA_ABSENT.get(reason, _NOT_PERFORMED)
    resource = _base(nm, nm.id, observation_code(nm.item), subject=subject, device=device, guest=guest)
    resource["status"] = "cancelled"
    resource["dataAbsentReason"] = {
        "coding": [{"system": DATA_ABSENT_SYSTEM, "code": code, "display": display},
                   {"system": NOT_MEASURED_SYSTEM, "code": reason.value}],
        "text": "not measured — " + reason_words(reason)[0],
    }
    resource["extension"] = [{"url": TRIAL_EXTENSION, "valueInteger": nm.trial}]
    return create_entry(resource, local_url("Observation", nm.id), uuid_identifier(nm.id))


def _blood_pressure_entries(m: Measurement, *, subject: dict[str, str] | None, device: dict[str, str] | None,
                            guest: bool) -> list[dict[str, Any]]:
    pressures = dict(m.components)
    pressures.setdefault("systolic", m.value)
    unknown = set(pressures) - {*_PRESSURE_COMPONENTS, "pulse"}
    if unknown:
        raise MappingError(f"blood_pressure has unknown component(s) {sorted(unknown)}", resource_type="Observation",
                           record_id=urn(m.id))
    panel = _base(m, m.id, observation_code("blood_pressure"), subject=subject, device=device, guest=guest)
    panel["component"] = [
        {"code": component_code("blood_pressure", name).codeable_concept(),
         "valueQuantity": component_code("blood_pressure", name).quantity(_canonical(m, pressures[name], name))}
        for name in _PRESSURE_COMPONENTS if name in pressures
    ]
    _add_details(panel, m)
    entries = [create_entry(panel, local_url("Observation", m.id), uuid_identifier(m.id))]
    if "pulse" in pressures:
        pulse = pressures["pulse"]
        if isinstance(pulse, bool) or not isinstance(pulse, int | float) or not math.isfinite(pulse):
            raise MappingError("blood_pressure pulse is not a finite number", resource_type="Observation",
                               record_id=urn(m.id))
        hr_id = derived_uuid(m.id, "heart-rate")
        hr_code = component_code("blood_pressure", "pulse")
        heart_rate = _base(m, hr_id, hr_code, subject=subject, device=device, guest=guest, text="Pulse rate / 脉搏")
        heart_rate["valueQuantity"] = hr_code.quantity(float(pulse))
        _add_details(heart_rate, m)
        entries.append(create_entry(heart_rate, local_url("Observation", hr_id), uuid_identifier(hr_id)))
    return entries


def _base(m: Measurement | NotMeasured, record_uuid: uuid.UUID, code: ObservationCode, *,
          subject: dict[str, str] | None, device: dict[str, str] | None, guest: bool,
          text: str | None = None) -> dict[str, Any]:
    spec = item_spec(m.item)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [uuid_identifier(record_uuid)],
        "status": "final",
        "category": [code.category_concept()],
        "code": code.codeable_concept(text or f"{spec.label_en} / {spec.label_zh}"),
        "effectiveDateTime": fhir_datetime(m.taken_at, field="taken_at", record_id=urn(m.id),
                                           resource_type="Observation"),
        "method": {"coding": [{"system": METHOD_SYSTEM, "code": m.method.value,
                               "display": _METHOD_DISPLAY[m.method]}]},
    }
    if guest:
        resource["meta"] = {"tag": [dict(GUEST_TAG)]}
    if subject is not None:
        resource["subject"] = dict(subject)
    if device is not None:
        resource["device"] = dict(device)
    return resource


def _add_details(resource: dict[str, Any], m: Measurement) -> None:
    extensions: list[dict[str, Any]] = [{"url": TRIAL_EXTENSION, "valueInteger": m.trial}]
    extensions += [{"url": QUALITY_EXTENSION, "valueString": flag} for flag in sorted(m.quality_flags)]
    if m.calibration_id:
        extensions.append({"url": CALIBRATION_EXTENSION, "valueString": str(m.calibration_id)})
    resource["extension"] = extensions
    if m.side is not None:
        resource["bodySite"] = {"text": f"{m.side.value} hand" if m.item == "grip" else f"{m.side.value} side"}
