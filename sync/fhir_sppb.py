"""The SPPB of a graded report as a FHIR panel: one Observation per part scored and the total, joined by hasMember.

The panel is LOINC 62825-5 (PhenX physical functioning - objective protocol 150501, the SPPB) with no
value of its own, like the blood-pressure panel; its members are the balance score (LOINC 66253-6, a
member of that panel), the walk and chair-stand scores and the total (station codes: no LOINC code for
them was found in the public material checked, see sync/data/observation_codes.csv). Each score is a
``{score}`` Quantity derived from the graded trials it came from (``derivedFrom``). A part that was not
done is left out, and the total is sent only when all three parts were done, as the report gives it.
Identifiers are derived from the report id, so a resend never duplicates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.domain import Measurement
from sync.codes import observation_code
from sync.fhir_common import METHOD_SYSTEM, create_entry, derived_uuid, fhir_datetime, local_url, uuid_identifier

SPPB_PACK = "sppb"
PART_KEYS = {"balance": "sppb.balance", "gait": "sppb.gait", "chair_stands": "sppb.chair_stands"}
_METHOD = {"coding": [{"system": METHOD_SYSTEM, "code": "calculated",
                       "display": "Scored by the station from the graded trials (SPPB pack)"}]}


def _observation(obs_id: Any, key: str, text: str, when: str, *, value: int | None = None,
                 derived: list[str] = (), members: list[str] = (), subject: dict[str, str] | None,
                 guest: bool) -> dict[str, Any]:
    from sync.fhir_report import _subject  # the report's subject/guest rule, one place

    code = observation_code(key)
    resource: dict[str, Any] = {
        "resourceType": "Observation", "identifier": [uuid_identifier(obs_id)], "status": "final",
        "category": [code.category_concept()], "code": code.codeable_concept(text), "effectiveDateTime": when,
        "method": _METHOD,
    }
    if value is not None:
        resource["valueQuantity"] = code.quantity(value)
    if derived:
        resource["derivedFrom"] = [{"reference": r} for r in derived]
    if members:
        resource["hasMember"] = [{"reference": r} for r in members]
    _subject(resource, subject, guest)
    return create_entry(resource, local_url("Observation", obs_id), uuid_identifier(obs_id))


def sppb_entries(report: Mapping[str, Any], graded: Mapping[str, Measurement], *, subject: dict[str, str] | None,
                 guest: bool) -> list[dict[str, Any]]:
    """The member Observations then the panel (empty when the report has no SPPB part scored)."""
    battery = next((b for b in report.get("batteries") or [] if isinstance(b, Mapping) and b.get("pack") == SPPB_PACK),
                   None)
    if battery is None:
        return []
    report_id = str(report.get("report_id"))
    entries: list[dict[str, Any]] = []
    used: list[Measurement] = []
    for part in battery.get("parts") or []:
        if part.get("points") is None or part.get("name") not in PART_KEYS:
            continue
        trials = [graded[m["item"]] for m in part.get("measures") or [] if m.get("item") in graded]
        if not trials:
            continue
        used += trials
        when = fhir_datetime(max(t.taken_at for t in trials), field="taken_at", resource_type="Observation")
        label = part.get("label") or {}
        entries.append(_observation(derived_uuid(report_id, PART_KEYS[part["name"]]), PART_KEYS[part["name"]],
                                    f"SPPB {label.get('en', part['name'])} score / {label.get('zh', '')}得分", when,
                                    value=int(part["points"]), derived=[local_url("Observation", t.id) for t in trials],
                                    subject=subject, guest=guest))
    if not entries:
        return []
    when = fhir_datetime(max(t.taken_at for t in used), field="taken_at", resource_type="Observation")
    if battery.get("total") is not None:
        entries.append(_observation(derived_uuid(report_id, "sppb.total"), "sppb.total",
                                    "SPPB total score / SPPB总分", when, value=int(battery["total"]),
                                    derived=[local_url("Observation", t.id) for t in used], subject=subject,
                                    guest=guest))
    members = [e["fullUrl"] for e in entries]
    entries.append(_observation(derived_uuid(report_id, "sppb"), "sppb", "Short Physical Performance Battery / SPPB",
                                when, members=members, subject=subject, guest=guest))
    return entries
