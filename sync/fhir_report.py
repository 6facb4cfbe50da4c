"""The graded report, its exercise prescription and a doctor's review as FHIR resources.

- The report is a ``DiagnosticReport`` (identifier = ``report_id``): a plain-words ``conclusion``,
  ``result`` references to the session's Observations (and a derived BMI Observation when height and
  weight were graded), and the whole report as ``presentedForm`` (``application/json``, base64), with
  personal keys removed.
- The exercise prescription (frequency, intensity, time, type) is a ``CarePlan`` whose
  ``supportingInfo`` names the report. ``CarePlan.subject`` is required, so a guest's prescription
  travels only inside the report's conclusion and presentedForm.
- A review is a second ``DiagnosticReport`` (identifier = ``review_id``, status ``amended``) whose
  conclusion is the doctor's note; a changed prescription is a new ``CarePlan`` that ``replaces`` the
  report's one. Both point at earlier resources by identifier (logical references), because the
  report may have been sent in an earlier batch.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kiosk.domain import Best, Measurement, Session, item_spec
from sync.codes import observation_code
from sync.errors import MappingError
from sync.fhir_common import (
    METHOD_SYSTEM,
    REPORT_CODE_SYSTEM,
    STAFF_SYSTEM,
    create_entry,
    derived_uuid,
    fhir_datetime,
    local_url,
    urn,
    uuid_identifier,
)
from sync.fhir_patient import GUEST_TAG

# Keys that never leave inside a presentedForm, at any depth (identity, contact, phone-report tokens).
PERSONAL_KEYS = frozenset({"name", "national_id", "phone", "pseudonym", "birth_date", "resident", "qr_token", "token",
                           "qr", "address"})
_FITT = ("frequency", "intensity", "time", "type")
TRANSLATION_EXTENSION = "http://hl7.org/fhir/StructureDefinition/translation"


def graded_measurements(session: Session, report: Mapping[str, Any] | None) -> dict[str, Measurement]:
    """The trial each item is graded on: the one the report names (``graded_trial``/``graded_hand`` among the
    item's ``trials``), else the item's best-trial rule (largest, smallest or last; ties to the earlier trial)."""
    by_id = {str(m.id): m for m in session.measurements}
    chosen: dict[str, Measurement] = {}
    for entry in (report or {}).get("items") or []:
        named = _graded_trial_id(entry) if isinstance(entry, Mapping) else None
        if named in by_id:
            chosen[by_id[named].item] = by_id[named]
    by_item: dict[str, list[Measurement]] = {}
    for m in session.measurements:
        by_item.setdefault(m.item, []).append(m)
    for item, trials in by_item.items():
        if item not in chosen:
            chosen[item] = _best_trial(item_spec(item).best, trials)
    return chosen


def _graded_trial_id(entry: Mapping[str, Any]) -> str | None:
    graded_trial, graded_hand = entry.get("graded_trial"), entry.get("graded_hand")
    for trial in entry.get("trials") or []:
        if (isinstance(trial, Mapping) and trial.get("trial") == graded_trial
                and (graded_hand is None or trial.get("hand") == graded_hand)):
            return str(trial.get("measurement_id"))
    return None


def _best_trial(rule: Best, trials: Sequence[Measurement]) -> Measurement:
    ordered = sorted(trials, key=lambda m: (m.trial, m.taken_at))
    if rule is Best.LAST:
        return ordered[-1]
    if rule is Best.SMALLEST:
        return min(ordered, key=lambda m: m.value)
    return max(ordered, key=lambda m: m.value)


def strip_personal(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a report or review without its top-level personal keys (PERSONAL_KEYS).

    Only the top level: deeper ``name`` keys are flag and class names, not people.
    """
    return {k: v for k, v in document.items() if str(k) not in PERSONAL_KEYS}


def bmi_entry(report_id: str, height: Measurement, weight: Measurement, *, subject: dict[str, str] | None,
              guest: bool) -> dict[str, Any]:
    """A BMI Observation derived from the graded height (cm) and weight (kg), referencing both."""
    from sync.fhir_observation import canonical_value

    height_m = canonical_value(height) / 100.0
    if height_m <= 0:
        raise MappingError("height must be positive to derive BMI", resource_type="Observation",
                           record_id=urn(height.id))
    value = round(canonical_value(weight) / (height_m * height_m), 1)
    bmi_id = derived_uuid(report_id, "bmi")
    code = observation_code("bmi")
    taken = max(height.taken_at, weight.taken_at)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "identifier": [uuid_identifier(bmi_id)],
        "status": "final",
        "category": [code.category_concept()],
        "code": code.codeable_concept("Body mass index / 体重指数"),
        "effectiveDateTime": fhir_datetime(taken, field="taken_at", record_id=urn(bmi_id), resource_type="Observation"),
        "valueQuantity": code.quantity(value),
        "method": {"coding": [{"system": METHOD_SYSTEM, "code": "calculated",
                               "display": "Calculated by the station from the graded height and weight"}]},
        "derivedFrom": [{"reference": local_url("Observation", height.id)},
                        {"reference": local_url("Observation", weight.id)}],
    }
    _subject(resource, subject, guest)
    return create_entry(resource, local_url("Observation", bmi_id), uuid_identifier(bmi_id))


def report_entries(report: Mapping[str, Any], session: Session, *, subject: dict[str, str] | None, guest: bool,
                   results: Sequence[str]) -> list[dict[str, Any]]:
    """The DiagnosticReport (and, for an identified resident with a prescription, the CarePlan)."""
    report_id = _uuid_field(report, "report_id", "DiagnosticReport")
    effective = fhir_datetime(session.started_at, field="session.started_at", record_id=urn(report_id),
                              resource_type="DiagnosticReport")
    prescription = report.get("prescription") if isinstance(report.get("prescription"), Mapping) else None
    diagnostic: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "identifier": [uuid_identifier(report_id)],
        "status": "final",
        "code": {"coding": [{"system": REPORT_CODE_SYSTEM, "code": "health-station-assessment",
                             "display": "Health station assessment report"}],
                 "text": "Health station assessment / 体质测评报告"},
        "effectiveDateTime": effective,
        "conclusion": report_conclusion(report),
        "_conclusion": chinese(report_conclusion(report, "zh")),
        "presentedForm": [json_attachment(strip_personal(report), "Graded report (station JSON)")],
    }
    issued = _instant(report.get("generated_at"), "report.generated_at", report_id)
    if issued:
        diagnostic["issued"] = issued
    if results:
        diagnostic["result"] = [{"reference": r} for r in results]
    _subject(diagnostic, subject, guest)
    entries = [create_entry(diagnostic, local_url("DiagnosticReport", report_id), uuid_identifier(report_id))]
    if prescription and subject is not None:
        plan_id = derived_uuid(report_id, "prescription")
        plan = care_plan(plan_id, prescription, subject=subject, created=effective,
                         supporting=[{"reference": local_url("DiagnosticReport", report_id)}])
        entries.append(create_entry(plan, local_url("CarePlan", plan_id), uuid_identifier(plan_id)))
    return entries


def review_entries(review: Mapping[str, Any], session: Session, report_id: str | None, station_id: str, *,
                   subject: dict[str, str] | None, guest: bool) -> list[dict[str, Any]]:
    """A doctor's review: an amended DiagnosticReport with the note, plus a CarePlan if the prescription changed.

    Review keys read: ``review_id`` (required), ``note``, ``reviewer`` (staff id), ``reviewed_at``
    (ISO 8601 with zone), ``prescription`` (FITT dict, present when changed), ``signed`` (bool).
    """
    review_id = _uuid_field(review, "review_id", "DiagnosticReport")
    note = str(review.get("note") or "").strip()
    signed = bool(review.get("signed", True))
    conclusion = note or "Reviewed by the community doctor; no note."
    if not signed:
        conclusion = "[not signed] " + conclusion
    resource: dict[str, Any] = {
        "resourceType": "DiagnosticReport",
        "identifier": [uuid_identifier(review_id)],
        "status": "amended" if signed else "preliminary",
        "code": {"coding": [{"system": REPORT_CODE_SYSTEM, "code": "doctor-review",
                             "display": "Community doctor's review of a health station report"}],
                 "text": "Doctor's review / 医生审核"},
        "effectiveDateTime": fhir_datetime(session.started_at, field="session.started_at", record_id=urn(review_id),
                                           resource_type="DiagnosticReport"),
        "conclusion": conclusion,
        "presentedForm": [json_attachment(strip_personal(review), "Doctor's review (station JSON)")],
    }
    reviewed_at = _instant(review.get("reviewed_at"), "review.reviewed_at", review_id)
    if reviewed_at:
        resource["issued"] = reviewed_at
    reviewer = review.get("reviewer")
    if reviewer:
        resource["resultsInterpreter"] = [_staff_reference(station_id, str(reviewer))]
    if report_id:
        # basedOn holds requests, not reports: the reviewed report is named by identifier in an extension
        resource["extension"] = [{
            "url": "https://fhir.health-station.example/StructureDefinition/reviewed-report",
            "valueReference": {"type": "DiagnosticReport", "identifier": uuid_identifier(report_id)},
        }]
    _subject(resource, subject, guest)
    entries = [create_entry(resource, local_url("DiagnosticReport", review_id), uuid_identifier(review_id))]
    prescription = review.get("prescription")
    if isinstance(prescription, Mapping) and prescription and subject is not None:
        plan_id = derived_uuid(review_id, "prescription")
        replaces = ([{"type": "CarePlan", "identifier": uuid_identifier(derived_uuid(report_id, "prescription"))}]
                    if report_id else [])
        plan = care_plan(plan_id, prescription, subject=subject, created=reviewed_at or resource["effectiveDateTime"],
                         supporting=[{"reference": local_url("DiagnosticReport", review_id)}], replaces=replaces,
                         author=_staff_reference(station_id, str(reviewer)) if reviewer else None)
        entries.append(create_entry(plan, local_url("CarePlan", plan_id), uuid_identifier(plan_id)))
    return entries


def care_plan(plan_id: Any, prescription: Mapping[str, Any], *, subject: dict[str, str], created: str,
              supporting: list[dict[str, Any]], replaces: list[dict[str, Any]] | None = None,
              author: dict[str, Any] | None = None) -> dict[str, Any]:
    """An exercise prescription (FITT) as a CarePlan with one activity per prescribed exercise type."""
    description = prescription_text(prescription)
    activities = [{"detail": {"status": "not-started", "code": {"text": kind}, "description": kind}}
                  for kind in _exercise_types(prescription)] or [{"detail": {"status": "not-started",
                                                                             "description": description}}]
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": [uuid_identifier(plan_id)],
        "status": "active",
        "intent": "plan",
        "title": "Exercise prescription / 运动处方",
        "description": description,
        "_description": chinese(prescription_text(prescription, "zh")),
        "subject": dict(subject),
        "created": created,
        "supportingInfo": supporting,
        "activity": activities,
    }
    if replaces:
        plan["replaces"] = replaces
    if author:
        plan["author"] = author
    rules = prescription.get("rules_fired")
    if isinstance(rules, list | tuple) and rules:
        plan["note"] = [{"text": "Rules applied: " + ", ".join(_plain(r) for r in rules)}]
    return plan


def _exercise_types(prescription: Mapping[str, Any]) -> list[str]:
    kinds = prescription.get("type")
    if isinstance(kinds, list | tuple):
        return [_plain(k) for k in kinds if _plain(k).strip()]
    return [_plain(kinds)] if kinds else []


_FITT_ZH = {"frequency": "频率", "intensity": "强度", "time": "时间", "type": "类型"}


def prescription_text(prescription: Mapping[str, Any], lang: str = "en") -> str:
    """FITT in one line: 'frequency: …; intensity: …; time: …; type: …' (``lang`` "zh": 频率：…；强度：…)."""
    parts = []
    for key in _FITT:
        value = prescription.get(key)
        if value in (None, "", [], ()):
            continue
        parts.append(f"{_FITT_ZH[key]}：{_plain(value, lang)}" if lang == "zh" else f"{key}: {_plain(value, lang)}")
    if lang == "zh":
        return "；".join(parts) or "运动处方无细节"
    return "; ".join(parts) or "exercise prescription without details"


_CONCLUSION_WORDS = {
    "en": {"standard": "National physical fitness standard: total {total}", "grade": ", grade {grade}",
           "classes": "Classes: ", "flags": "Flags: ", "urgent": "URGENT: ", "prescription": "Exercise prescription: ",
           "empty": "Graded report of a health station session.", "sep": "; ", "list": ", ", "colon": ": "},
    "zh": {"standard": "国民体质测定标准：总分 {total}", "grade": "，等级 {grade}", "classes": "分类：",
           "flags": "提示：", "urgent": "紧急：", "prescription": "运动处方：", "empty": "健康驿站测评报告。",
           "sep": "；", "list": "、", "colon": "："},
}


def report_conclusion(report: Mapping[str, Any], lang: str = "en") -> str:
    """The report in plain words (``lang`` "en" or "zh"): national grade, classes, flags, urgent notices and
    the prescription."""
    w = _CONCLUSION_WORDS[lang]
    lines = []
    total, grade = report.get("national_total"), report.get("national_grade")
    if total is not None or grade:
        lines.append(w["standard"].format(total=total if total is not None else "-")
                     + (w["grade"].format(grade=_plain(grade, lang)) if grade else ""))
    classes = report.get("classes")
    if isinstance(classes, Mapping) and classes:
        named = [_plain(v.get("group_label", k), lang) + w["colon"] + _plain(v, lang) if isinstance(v, Mapping)
                 else f"{k}{w['colon']}{_plain(v, lang)}" for k, v in classes.items()]
        lines.append(w["classes"] + w["sep"].join(named))
    flags = report.get("flags")
    if isinstance(flags, list | tuple) and flags:
        lines.append(w["flags"] + w["list"].join(_plain(f, lang) for f in flags))
    for notice in report.get("urgent_notices") or []:
        lines.append(w["urgent"] + _plain(notice, lang))
    if isinstance(report.get("prescription"), Mapping):
        lines.append(w["prescription"] + prescription_text(report["prescription"], lang))
    return "\n".join(lines) or w["empty"]


def chinese(text: str) -> dict[str, Any]:
    """The FHIR translation extension carrying the Chinese wording of a string element (``_element``)."""
    return {"extension": [{"url": TRANSLATION_EXTENSION,
                           "extension": [{"url": "lang", "valueCode": "zh"}, {"url": "content", "valueString": text}]}]}


def _plain(value: Any, lang: str = "en") -> str:
    """A report fragment in words: its label or message in ``lang`` (else English) where it has one."""
    if isinstance(value, Mapping):
        for key in (lang, "en", "text"):
            if isinstance(value.get(key), str):
                return value[key]
        for key in ("label", "message", "grade"):
            if key in value:
                return _plain(value[key], lang)
        for key in ("name", "rule", "code", "class"):
            if isinstance(value.get(key), str):
                return value[key]
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value)
    return str(value)


def json_attachment(document: Any, title: str) -> dict[str, Any]:
    """``document`` as a base64 JSON Attachment (canonical key order, so a resend is byte-identical)."""
    raw = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
    return {"contentType": "application/json", "data": base64.b64encode(raw).decode("ascii"), "title": title}


def _uuid_field(doc: Mapping[str, Any], key: str, resource_type: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(str(doc.get(key))))
    except ValueError:
        raise MappingError(f"{key} is not a UUID", resource_type=resource_type) from None


def _instant(value: Any, field: str, record_id: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise MappingError(f"{field} is not an ISO 8601 date-time", resource_type="DiagnosticReport",
                           record_id=urn(record_id)) from None
    return fhir_datetime(when, field=field, record_id=urn(record_id), resource_type="DiagnosticReport")


def _staff_reference(station_id: str, staff_id: str) -> dict[str, Any]:
    return {"type": "Practitioner", "identifier": {"system": STAFF_SYSTEM, "value": f"{station_id}/{staff_id}"}}


def _subject(resource: dict[str, Any], subject: dict[str, str] | None, guest: bool) -> None:
    if subject is not None:
        resource["subject"] = dict(subject)
    if guest:
        resource["meta"] = {"tag": [dict(GUEST_TAG)]}
