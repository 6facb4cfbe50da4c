"""Who a session belongs to, as the cloud may know them: a Patient by identifier, or nobody (guests).

Identity modes (``cfg.sync.identity``):

- ``national_id``: the resident identity card number under its national OID, with name, sex and
  full birth date. A resident without an ID number (identified by phone) falls back to the
  pseudonym rules below.
- ``pseudonym``: ``HMAC-SHA256(key, basis)`` in hex, where the basis is the ID number, else the
  phone number, else the station's own pseudonym; only sex and birth *year* go with it. The key
  comes from ``cfg.sync.pseudonym_key_file``, read by the caller; these functions take bytes.
  With no key configured the station's own pseudonym (already not personal data) is sent under a
  station-scoped system, so results still follow the resident within this station.
- guests: no Patient at all. Their Observations have no subject and carry the ``guest`` tag.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from kiosk.config import IdentityMode
from kiosk.domain import Resident, Sex
from sync.errors import MappingError
from sync.fhir_common import (
    NATIONAL_ID_SYSTEM,
    PSEUDONYM_SYSTEM,
    STATION_RESIDENT_SYSTEM,
    TAG_SYSTEM,
    create_entry,
    derived_uuid,
    urn,
)

GUEST_TAG = {"system": TAG_SYSTEM, "code": "guest", "display": "Guest session: no resident identity recorded"}
_GENDER = {Sex.MALE: "male", Sex.FEMALE: "female"}


@dataclass(frozen=True)
class PatientIdentity:
    """The Patient a session's resources point at, and its transaction entry."""

    identifier: dict[str, str]
    full_url: str
    resource: dict[str, Any]

    def entry(self) -> dict[str, Any]:
        return create_entry(self.resource, self.full_url, self.identifier)

    def subject(self) -> dict[str, str]:
        return {"reference": self.full_url}


def pseudonym(key: bytes, resident: Resident) -> str:
    """The keyed-hash pseudonym of a resident: the same person gives the same value wherever the key is shared."""
    if not key:
        raise MappingError("the pseudonym key is empty", resource_type="Patient")
    return hmac.new(key, _pseudonym_basis(resident).encode("utf-8"), hashlib.sha256).hexdigest()


def _pseudonym_basis(resident: Resident) -> str:
    if resident.national_id:
        return "cn-id:" + resident.national_id.strip().upper()
    if resident.phone:
        return "phone:" + "".join(c for c in resident.phone if c.isdigit())
    return "station:" + resident.pseudonym


def patient_identity(resident: Resident, mode: IdentityMode, key: bytes | None,
                     station_id: str) -> PatientIdentity | None:
    """The Patient for ``resident`` under ``mode``; ``None`` for a guest (nothing identifying leaves)."""
    if resident.is_guest:
        return None
    full_name: str | None = None
    if mode is IdentityMode.NATIONAL_ID and resident.national_id:
        identifier = {"system": NATIONAL_ID_SYSTEM, "value": resident.national_id.strip().upper()}
        birth = resident.birth_date.isoformat() if resident.birth_date else None
        full_name = resident.name
    elif key:
        identifier = {"system": PSEUDONYM_SYSTEM, "value": pseudonym(key, resident)}
        birth = f"{resident.birth_date.year:04d}" if resident.birth_date else None
    else:
        if not resident.pseudonym:
            raise MappingError("resident has neither an ID number, a pseudonym key nor a station pseudonym",
                               resource_type="Patient")
        identifier = {"system": f"{STATION_RESIDENT_SYSTEM}/{station_id}", "value": resident.pseudonym}
        birth = f"{resident.birth_date.year:04d}" if resident.birth_date else None
    resource: dict[str, Any] = {"resourceType": "Patient", "identifier": [identifier], "active": True}
    if full_name:
        resource["name"] = [{"use": "official", "text": full_name}]
    if resident.sex is not None:
        resource["gender"] = _GENDER[resident.sex]
    if birth:
        resource["birthDate"] = birth
    full_url = urn(derived_uuid(f"{identifier['system']}|{identifier['value']}", "patient"))
    return PatientIdentity(identifier=identifier, full_url=full_url, resource=resource)
