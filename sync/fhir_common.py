"""Shared pieces of the FHIR mapping: naming systems, stable ids, timestamps, bundle entries and R4B validation.

Everything here is pure. ``validate_resource`` is the one gate every resource passes before it
leaves the station: a resource the R4B models refuse is a mapping bug and raises ``MappingError``.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from sync.errors import MappingError

SITE = "https://fhir.health-station.example"
URI_SYSTEM = "urn:ietf:rfc:3986"  # identifier system for urn:uuid values
NATIONAL_ID_SYSTEM = "urn:oid:2.16.156.10011.1.3"  # 居民身份证号 (PRC resident identity card number)
PSEUDONYM_SYSTEM = f"{SITE}/NamingSystem/resident-pseudonym"  # HMAC-SHA256 of the identity, hex
STATION_RESIDENT_SYSTEM = f"{SITE}/NamingSystem/station-resident"  # the station's own pseudonym of a resident
STATION_SYSTEM = f"{SITE}/NamingSystem/station"
DEVICE_SYSTEM = f"{SITE}/NamingSystem/station-device"  # value "<station id>/<device id>"
STAFF_SYSTEM = f"{SITE}/NamingSystem/station-staff"  # value "<station id>/<staff id>"
METHOD_SYSTEM = f"{SITE}/CodeSystem/measurement-method"
REPORT_CODE_SYSTEM = f"{SITE}/CodeSystem/station-report"
CALIBRATION_SYSTEM = f"{SITE}/CodeSystem/calibration-status"
TAG_SYSTEM = f"{SITE}/CodeSystem/station-tag"
TRIAL_EXTENSION = f"{SITE}/StructureDefinition/trial-number"
QUALITY_EXTENSION = f"{SITE}/StructureDefinition/quality-flag"

# Namespace for ids derived from other ids (heart rate of a BP reading, a report's care plan, ...):
# deriving instead of drawing keeps a resend of the same record byte-identical, so it deduplicates.
_DERIVED_NS = uuid.UUID("6f1d8a52-3c0e-5b7a-9e41-2d5c8b0f7a13")


def derived_uuid(parent: uuid.UUID | str, role: str) -> uuid.UUID:
    """A stable UUID for the resource playing ``role`` beside record ``parent``."""
    return uuid.uuid5(_DERIVED_NS, f"{parent}/{role}")


def urn(u: uuid.UUID | str) -> str:
    return f"urn:uuid:{uuid.UUID(str(u))}"


# Namespace of bundle-local fullUrls. A resource's fullUrl must never equal (or sit inside) an identifier value:
# real servers (Medplum's engine) rewrite every string that holds a bundle-local urn:uuid to the new server
# reference, identifiers included, after which a conditional create on that identifier never matches again.
_LOCAL_NS = uuid.UUID("0b8e4c1a-7d25-5f3e-a6c9-41e2d7f05b88")


def local_url(resource_type: str, record: uuid.UUID | str) -> str:
    """The bundle-local fullUrl of the ``resource_type`` that carries station record ``record`` (its identifier
    stays ``urn:uuid:<record>``): a UUID derived from both, stable across resends, shared by no identifier."""
    return urn(uuid.uuid5(_LOCAL_NS, f"{resource_type}/{uuid.UUID(str(record))}"))


def uuid_identifier(u: uuid.UUID | str) -> dict[str, str]:
    """The identifier a station record carries in the cloud: its UUID as an RFC 3986 URN."""
    return {"system": URI_SYSTEM, "value": urn(u)}


def fhir_datetime(when: datetime, *, field: str, record_id: str | None = None, resource_type: str = "") -> str:
    """An instant as FHIR dateTime; a naive datetime (no zone) cannot be placed in time and is a bug."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise MappingError(f"{field} has no time zone ({when.isoformat()})", resource_type=resource_type or None,
                           record_id=record_id)
    return when.isoformat(timespec="milliseconds" if when.microsecond else "seconds")


def reference(full_url: str, display: str | None = None) -> dict[str, str]:
    ref = {"reference": full_url}
    if display:
        ref["display"] = display
    return ref


def identifier_query(identifier: dict[str, str]) -> str:
    """The search a conditional create uses: ``identifier=<system>|<value>``, each part percent-encoded
    where a query string needs it (URIs, UUIDs and plain ids pass unchanged; a space or ``&`` does not)."""
    return f"identifier={quote(identifier['system'], safe=':/')}|{quote(identifier['value'], safe=':/')}"


def create_entry(resource: dict[str, Any], full_url: str, identifier: dict[str, str]) -> dict[str, Any]:
    """A transaction entry that creates ``resource`` unless one with the same identifier exists."""
    return {"fullUrl": full_url, "resource": resource,
            "request": {"method": "POST", "url": resource["resourceType"], "ifNoneExist": identifier_query(identifier)}}


# Required bindings of the elements this station sends (FHIR R4 value sets). fhir.resources checks
# structure and primitive formats but not code bindings, and a server would refuse these.
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Observation", "status"): frozenset({"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                                          "entered-in-error", "unknown"}),
    ("DiagnosticReport", "status"): frozenset({"registered", "partial", "preliminary", "final", "amended", "corrected",
                                               "appended", "cancelled", "entered-in-error", "unknown"}),
    ("CarePlan", "status"): frozenset({"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                                       "unknown"}),
    ("CarePlan", "intent"): frozenset({"proposal", "plan", "order", "option"}),
    ("Device", "status"): frozenset({"active", "inactive", "entered-in-error", "unknown"}),
    ("Patient", "gender"): frozenset({"male", "female", "other", "unknown"}),
    ("AuditEvent", "outcome"): frozenset({"0", "4", "8", "12"}),
    ("Questionnaire", "status"): frozenset({"draft", "active", "retired", "unknown"}),
    ("QuestionnaireResponse", "status"): frozenset({"in-progress", "completed", "amended", "entered-in-error",
                                                    "stopped"}),
}


@functools.cache
def _model(resource_type: str) -> Any:
    return get_fhir_model_class(resource_type)


# Optional elements that repeat verbatim across many resources of one type (a category, a method, the
# trial-number extension). Once such an element has passed inside a complete, valid resource of that
# type, an identical element (same canonical JSON) is known to be valid there, and later resources are
# validated without re-checking it: the R4B models check these elements without reference to their
# siblings, so the verdict is the same, about a third faster per Observation (the upload's hot path).
_REPEATING_ELEMENTS: dict[str, tuple[str, ...]] = {"Observation": ("category", "method", "extension", "bodySite",
                                                                   "meta")}
_known_valid: dict[tuple[str, str], set[str]] = {}
_KNOWN_VALID_MAX = 2048  # per element; a cache, cleared when full


def validate_resource(resource: dict[str, Any]) -> None:
    """Validate ``resource`` against the fhir.resources R4B model of its type (plus the required code
    bindings in REQUIRED_CODES, which the models do not check), or raise MappingError.

    The error names the resource type, its first identifier value (a UUID, never personal data)
    and each problem's location and message; it never repeats the offending value.
    """
    if not isinstance(resource, dict):
        raise MappingError(f"expected a resource dict, got {type(resource).__name__}")
    resource_type = resource.get("resourceType")
    record_id = _record_id(resource)
    if not isinstance(resource_type, str) or not resource_type:
        raise MappingError("resource has no resourceType", record_id=record_id)
    try:
        model = _model(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        raise MappingError(f"unknown resource type {resource_type!r}", record_id=record_id) from None
    repeating = {name: json.dumps(resource[name], sort_keys=True, separators=(",", ":"), default=str)
                 for name in _REPEATING_ELEMENTS.get(resource_type, ()) if name in resource}
    known = [name for name, key in repeating.items() if key in _known_valid.get((resource_type, name), ())]
    checked = {k: v for k, v in resource.items() if k not in known} if known else resource
    try:
        model.model_validate(checked)
    except ValidationError as e:
        problems = tuple(f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in e.errors())
        raise MappingError("resource fails FHIR R4B validation", resource_type=resource_type, record_id=record_id,
                           problems=problems) from None
    except (TypeError, ValueError) as e:  # the models raise these for some malformed primitives
        raise MappingError(f"resource fails FHIR R4B validation: {e}", resource_type=resource_type,
                           record_id=record_id) from None
    unbound = tuple(f"{element}: not a code of its required value set"
                    for (rtype, element), codes in REQUIRED_CODES.items()
                    if rtype == resource_type and element in resource and resource[element] not in codes)
    if unbound:
        raise MappingError("resource fails FHIR R4 required bindings", resource_type=resource_type,
                           record_id=record_id, problems=unbound)
    for name, key in repeating.items():
        seen = _known_valid.setdefault((resource_type, name), set())
        if len(seen) >= _KNOWN_VALID_MAX:
            seen.clear()
        seen.add(key)


def _record_id(resource: dict[str, Any]) -> str | None:
    """The first identifier of a resource when it is a station UUID (safe to log); otherwise nothing."""
    identifiers = resource.get("identifier")
    if isinstance(identifiers, dict):  # QuestionnaireResponse carries a single identifier
        identifiers = [identifiers]
    if isinstance(identifiers, list) and identifiers and isinstance(identifiers[0], dict):
        first = identifiers[0]
        if first.get("system") == URI_SYSTEM and isinstance(first.get("value"), str):
            return first["value"]
    return None
