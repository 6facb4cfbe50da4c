"""A questionnaire response becomes a FHIR QuestionnaireResponse plus an Observation for its total score.

The QuestionnaireResponse cites the canonical Questionnaire (``url|version``, the resource
``kiosk instruments export`` writes), carries the response UUID as identifier, status ``completed`` or
``stopped``, and each answer as the option's Coding or a whole number; a "don't know" is an item with
no answer and the data-absent-reason ``asked-unknown``. A completed, scored questionnaire with a total
also gets an Observation (category survey, ``derivedFrom`` the response): LOINC where one exists —
PHQ-9 44261-6, PHQ-2 55758-7, GAD-7 70274-6, checked against LHC-Forms exports and other public FHIR
code (see the closing note of issue 14) — else the station code system. A stopped questionnaire sends
no Observation: it has no score.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.instruments.fhir_questionnaire import coding
from kiosk.instruments.model import instrument
from kiosk.instruments.results import score_record
from kiosk.instruments.scoring import DONT_KNOW
from sync.codes import LOINC_SYSTEM, STATION_CODE_SYSTEM, UCUM_SYSTEM
from sync.fhir_common import create_entry, derived_uuid, fhir_datetime, local_url, reference, urn, uuid_identifier
from sync.fhir_patient import GUEST_TAG

DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
SURVEY = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey",
                      "display": "Survey"}]}
_LANG = {"zh": "zh-CN", "en": "en"}


def _answers(resp: QuestionnaireResponse) -> list[dict[str, Any]]:
    inst = instrument(resp.instrument)
    items = []
    for it in inst.items:
        if it.link_id not in resp.answers:
            continue
        value = resp.answers[it.link_id]
        entry: dict[str, Any] = {"linkId": it.link_id, "text": it.text.get(resp.language)}
        if value == DONT_KNOW:
            entry["extension"] = [{"url": DATA_ABSENT, "valueCode": "asked-unknown"}]
        elif it.type == "choice":
            opt = it.option(str(value))
            assert opt is not None
            entry["answer"] = [{"valueCoding": coding(inst, opt)}]
        else:
            entry["answer"] = [{"valueInteger": int(value)}]
        items.append(entry)
    return items


def questionnaire_entries(resp: QuestionnaireResponse, *, subject: dict[str, str] | None,
                          guest: bool) -> list[dict[str, Any]]:
    """The QuestionnaireResponse entry, and the total-score Observation entry when there is a total."""
    inst = instrument(resp.instrument)
    when = fhir_datetime(resp.finished_at, field="finished_at", record_id=urn(resp.id),
                         resource_type="QuestionnaireResponse")
    qr: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "identifier": uuid_identifier(resp.id),
                          "language": _LANG.get(resp.language, "en"),
                          "questionnaire": f"{inst.url}|{resp.instrument_version}",
                          "status": "completed" if resp.status is QuestionnaireStatus.COMPLETED else "stopped",
                          "authored": when, "item": _answers(resp)}
    if guest:
        qr["meta"] = {"tag": [dict(GUEST_TAG)]}
    if subject is not None:
        qr["subject"] = dict(subject)
        qr["author"] = dict(subject)
    # The bundle-local fullUrl is derived, never the identifier's value: a real server (Medplum) rewrites every
    # string equal to a fullUrl into the new resource's reference, which would break ifNoneExist on a resend.
    qr_url = local_url("QuestionnaireResponse", resp.id)
    entries = [create_entry(qr, qr_url, uuid_identifier(resp.id))]
    score = score_record(resp)
    if score is None or score.get("total") is None:
        return entries
    obs_id = derived_uuid(resp.id, "total-score")
    tc = score.get("total_code")
    code = ({"system": LOINC_SYSTEM, "code": tc["code"], "display": tc["display"]} if tc else
            {"system": STATION_CODE_SYSTEM, "code": f"questionnaire-{inst.id}-total",
             "display": f"{inst.title.en or inst.title.zh} total score"})
    ipaq = inst.method == "ipaq_sf"
    obs: dict[str, Any] = {
        "resourceType": "Observation", "identifier": [uuid_identifier(obs_id)], "status": "final",
        "category": [SURVEY], "code": {"coding": [code], "text": f"{inst.title.en} / {inst.title.zh}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": score["total"], "unit": "MET-min/week" if ipaq else "{score}",
                          "system": UCUM_SYSTEM, "code": "{MET-min}/wk" if ipaq else "{score}"},
        "derivedFrom": [reference(qr_url)],
    }
    if "band" in score:
        band = score["band"]
        obs["interpretation"] = [{"text": f"{band['label']['en']} / {band['label']['zh']}"}]
    if guest:
        obs["meta"] = {"tag": [dict(GUEST_TAG)]}
    if subject is not None:
        obs["subject"] = dict(subject)
    entries.append(create_entry(obs, local_url("Observation", obs_id), uuid_identifier(obs_id)))
    return entries
