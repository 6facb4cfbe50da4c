"""A staff audit entry (who viewed or changed what, when) as a FHIR AuditEvent.

R4 AuditEvent has no ``identifier``, so it cannot be created with ``ifNoneExist``. Instead each
entry is written with ``PUT AuditEvent/<id>`` where the id is the entry's own UUID (or, for an entry
without one, a UUID derived from the station and its hash): an update-as-create to a client-chosen
id is idempotent, so a resend stores it once. The hash chain (seq, prev_hash, hash) and the details
(which the audit log refuses to hold personal data in) travel as ``entity.detail``, so the cloud can
re-verify the chain the station keeps (kiosk.audit).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sync.errors import MappingError
from sync.fhir_common import SITE, STAFF_SYSTEM, derived_uuid, fhir_datetime, local_url, urn, uuid_identifier
from sync.fhir_device import DeviceEntry

AUDIT_ACTION_SYSTEM = f"{SITE}/CodeSystem/station-audit-action"
AUDIT_ENTRY_SYSTEM = f"{SITE}/NamingSystem/station-audit-entry"


def audit_event_id(station_id: str, audit: Mapping[str, Any]) -> uuid.UUID:
    """The AuditEvent's stable id: the entry's UUID, else derived from its chain hash (else its sequence number)."""
    try:
        return uuid.UUID(str(audit.get("id")))
    except ValueError:
        pass
    anchor = audit.get("hash") or audit.get("seq")
    if anchor in (None, ""):
        raise MappingError("audit entry has neither hash nor seq", resource_type="AuditEvent")
    return derived_uuid(f"{station_id}/audit/{anchor}", "audit-event")


def audit_event_entry(audit: Mapping[str, Any], station: DeviceEntry) -> dict[str, Any]:
    """The transaction entry (``PUT AuditEvent/<id>``) for one audit entry.

    Keys read (kiosk.audit.AuditEntry.to_dict): ``id`` (else ``hash``/``seq``), ``at`` (ISO 8601 with
    zone), ``actor``, ``role``, ``action``, ``target`` (optional record id), ``details``, ``seq``,
    ``prev_hash``, ``hash``.
    """
    station_id = station.identifier["value"]
    event_id = audit_event_id(station_id, audit)
    for key in ("at", "actor", "action"):
        if not audit.get(key):
            raise MappingError(f"audit entry has no {key}", resource_type="AuditEvent", record_id=urn(event_id))
    try:
        at = audit["at"] if isinstance(audit["at"], datetime) else datetime.fromisoformat(str(audit["at"]))
    except ValueError:
        raise MappingError("audit entry 'at' is not an ISO 8601 date-time", resource_type="AuditEvent",
                           record_id=urn(event_id)) from None
    agent: dict[str, Any] = {"who": {"type": "Practitioner",
                                     "identifier": {"system": STAFF_SYSTEM, "value": f"{station_id}/{audit['actor']}"}},
                             "requestor": True}
    if audit.get("role"):
        agent["role"] = [{"text": str(audit["role"])}]
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": str(event_id),
        "type": {"system": AUDIT_ACTION_SYSTEM, "code": str(audit["action"])},
        "recorded": fhir_datetime(at, field="audit.at", record_id=urn(event_id), resource_type="AuditEvent"),
        "outcome": "0",
        "agent": [agent],
        "source": {"site": station_id, "observer": station.reference()},
    }
    target = audit.get("target")
    if target:
        try:
            what: dict[str, Any] = {"identifier": uuid_identifier(uuid.UUID(str(target)))}
        except ValueError:
            what = {"display": str(target)}
        resource["entity"] = [{"what": what, "description": "audited record"}]
    chain = [{"type": key, "valueString": str(audit[key])} for key in ("seq", "prev_hash", "hash")
             if audit.get(key) not in (None, "")]
    if audit.get("details"):
        chain.append({"type": "details", "valueString": json.dumps(audit["details"], ensure_ascii=False,
                                                                    sort_keys=True, separators=(",", ":"))})
    if chain:
        resource.setdefault("entity", []).append({
            "what": {"identifier": {"system": AUDIT_ENTRY_SYSTEM, "value": f"{station_id}/{event_id}"}},
            "description": "station audit log entry (hash chain)", "detail": chain})
    return {"fullUrl": local_url("AuditEvent", event_id), "resource": resource,
            "request": {"method": "PUT", "url": f"AuditEvent/{event_id}"}}
