"""Conversions between domain values and database rows (pure; no I/O).

Times are stored as ISO 8601 text with their UTC offset; mappings and sets as canonical JSON.
Personal data (name, national id, phone, birth date) goes to its own row so retention can delete it.
"""

from __future__ import annotations

import enum
import json
import math
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from kiosk.domain import (
    CalibrationRecord,
    CalibrationResult,
    Consent,
    Measurement,
    Method,
    NotMeasured,
    NotMeasuredReason,
    Resident,
    SafetyScreen,
    Session,
    SessionState,
    Sex,
    Side,
)
from kiosk.errors import InputError


def iso(when: datetime) -> str:
    """UTC ISO text; a naive time is taken to be UTC already (the station clock runs on UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def from_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return iso(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, frozenset | set | tuple):
        return sorted(obj) if isinstance(obj, frozenset | set) else list(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


def to_json(value: Any, *, field: str = "value") -> str:
    """Canonical JSON (sorted keys, no spaces), or InputError naming the field that cannot be stored."""
    try:
        return json.dumps(value, default=_json_default, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InputError(f"cannot be stored as JSON: {e}", field=field) from None


def session_row(s: Session) -> dict[str, Any]:
    r = s.resident
    return {
        "id": str(s.id), "station_id": s.station_id, "pseudonym": r.pseudonym, "is_guest": int(r.is_guest),
        "sex": r.sex.value if r.sex else None, "age_years": r.age_on(s.test_date),
        "started_at": iso(s.started_at), "test_date": s.test_date.isoformat(),
        "consent_json": to_json({"health_data": s.consent.health_data, "camera": s.consent.camera,
                                 "given_at": iso(s.consent.given_at)}) if s.consent else None,
        "safety_json": to_json(dict(s.safety.answers)) if s.safety else None,
        "state": s.state.value, "finished_at": None, "personal_purged_at": None,
    }


def personal_row(s: Session) -> dict[str, Any] | None:
    """The resident's identifying fields, or None when there are none to keep (a guest, a pseudonym only)."""
    r = s.resident
    fields = {"name": r.name, "national_id": r.national_id, "phone": r.phone,
              "birth_date": r.birth_date.isoformat() if r.birth_date else None}
    if r.is_guest or not any(v is not None for v in fields.values()):
        return None
    return {"session_id": str(s.id), **fields}


def session_from_rows(row: Mapping[str, Any], personal: Mapping[str, Any] | None,
                      measurements: tuple[Measurement, ...], not_measured: tuple[NotMeasured, ...] = ()) -> Session:
    p = personal or {}
    resident = Resident(
        pseudonym=row["pseudonym"], sex=Sex(row["sex"]) if row["sex"] else None,
        birth_date=date.fromisoformat(p["birth_date"]) if p.get("birth_date") else None,
        name=p.get("name"), national_id=p.get("national_id"), phone=p.get("phone"), is_guest=bool(row["is_guest"]))
    consent = None
    if row["consent_json"]:
        c = json.loads(row["consent_json"])
        consent = Consent(health_data=c["health_data"], camera=c["camera"], given_at=from_iso(c["given_at"]))
    safety = SafetyScreen(answers=json.loads(row["safety_json"])) if row["safety_json"] else None
    return Session(id=uuid.UUID(row["id"]), station_id=row["station_id"], resident=resident,
                   started_at=from_iso(row["started_at"]), test_date=date.fromisoformat(row["test_date"]),
                   consent=consent, safety=safety, state=SessionState(row["state"]), measurements=measurements,
                   not_measured=not_measured)


def measurement_row(session_id: uuid.UUID, m: Measurement, saved_at: datetime) -> dict[str, Any]:
    if not math.isfinite(float(m.value)):  # inf would be stored and poison the sync batch; NaN would read as NULL
        raise InputError(f"{m.item} value {m.value!r} is not a finite number", field="value")
    return {
        "id": str(m.id), "session_id": str(session_id), "item": m.item, "value": float(m.value), "unit": m.unit,
        "trial": int(m.trial), "taken_at": iso(m.taken_at),
        "components_json": to_json({k: float(v) for k, v in m.components.items()}, field="components"),
        "side": m.side.value if m.side else None, "device_id": m.device_id, "method": Method(m.method).value,
        "calibration_id": m.calibration_id, "quality_flags_json": to_json(sorted(m.quality_flags)),
        "saved_at": iso(saved_at),
    }


def measurement_from_row(row: Mapping[str, Any]) -> Measurement:
    return Measurement(
        item=row["item"], value=row["value"], unit=row["unit"], trial=row["trial"], taken_at=from_iso(row["taken_at"]),
        components=json.loads(row["components_json"] or "{}"), side=Side(row["side"]) if row["side"] else None,
        device_id=row["device_id"], method=Method(row["method"]), calibration_id=row["calibration_id"],
        quality_flags=frozenset(json.loads(row["quality_flags_json"] or "[]")), id=uuid.UUID(row["id"]))


def not_measured_row(session_id: uuid.UUID, nm: NotMeasured, saved_at: datetime) -> dict[str, Any]:
    return {
        "id": str(nm.id), "session_id": str(session_id), "item": nm.item, "reason": NotMeasuredReason(nm.reason).value,
        "trial": int(nm.trial), "taken_at": iso(nm.taken_at), "device_id": nm.device_id,
        "method": Method(nm.method).value, "saved_at": iso(saved_at),
    }


def not_measured_from_row(row: Mapping[str, Any]) -> NotMeasured:
    return NotMeasured(item=row["item"], reason=NotMeasuredReason(row["reason"]), trial=row["trial"],
                       taken_at=from_iso(row["taken_at"]), device_id=row["device_id"], method=Method(row["method"]),
                       id=uuid.UUID(row["id"]))


def calibration_row(rec: CalibrationRecord) -> dict[str, Any]:
    return {
        "id": str(rec.id), "device_id": rec.device_id, "procedure": rec.procedure, "performed_by": rec.performed_by,
        "performed_at": iso(rec.performed_at), "result": rec.result.value, "valid_until": iso(rec.valid_until),
        "references_json": to_json(list(rec.references)), "readings_json": to_json(list(rec.readings)),
        "correction_json": to_json(dict(rec.correction)), "notes": rec.notes,
    }


def calibration_from_row(row: Mapping[str, Any]) -> CalibrationRecord:
    return CalibrationRecord(
        device_id=row["device_id"], procedure=row["procedure"], performed_by=row["performed_by"],
        performed_at=from_iso(row["performed_at"]), result=CalibrationResult(row["result"]),
        valid_until=from_iso(row["valid_until"]), references=tuple(json.loads(row["references_json"])),
        readings=tuple(json.loads(row["readings_json"])), correction=json.loads(row["correction_json"]),
        notes=row["notes"] or "", id=uuid.UUID(row["id"]))
