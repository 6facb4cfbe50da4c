"""Questionnaires on the wire: the exported Questionnaire resources, and each response as a QuestionnaireResponse
plus a total-score Observation, validated with the R4B models and accepted by the in-memory FHIR server double.

The real thing we did not write: HL7's SDC example PHQ-9 Questionnaire (tests/sync/data/README.md). Our
validator accepts it, and our PHQ-9 says the same things it does: nine scored items, ordinal values 0-3,
total score LOINC 44261-6 with the same display.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_mapping_samples import options, resources, session

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.instruments.fhir_questionnaire import ORDINAL, TRANSLATION, questionnaire_resource
from kiosk.instruments.model import instrument, load_instruments
from kiosk.instruments.results import score_record
from kiosk.instruments.scoring import DONT_KNOW
from kiosk.storage import open_store
from kiosk.storage.questionnaires import save_questionnaire
from kiosk.storage.testing import store_config
from sync.errors import MappingError
from sync.fhir_common import validate_resource
from sync.fhir_map import batch_bundle, map_session
from sync.testing.fhir_memory import FhirMemory

SDC_PHQ9 = json.loads((Path(__file__).parent / "data" / "hl7-sdc-example-phq9-questionnaire.json").read_text())
T0 = datetime(2026, 11, 23, 9, 40, tzinfo=UTC)


def resp(iid: str, answers: dict, status=QuestionnaireStatus.COMPLETED, lang="zh") -> QuestionnaireResponse:
    return QuestionnaireResponse(iid, instrument(iid).version, status, answers, lang, T0, T0, uuid.uuid4())


PHQ9_ALL_SEVERAL = {it.link_id: "LA6569-3" for it in instrument("phq9").items}


@pytest.mark.parametrize("iid", sorted(load_instruments()))
def test_every_exported_questionnaire_validates_and_carries_both_languages(iid):
    q = questionnaire_resource(instrument(iid))
    validate_resource(q)
    get_fhir_model_class("Questionnaire").model_validate(q)
    inst = instrument(iid)
    assert q["url"] == inst.url and q["version"] == inst.version and q["copyright"]
    for item in (i for i in q["item"] if i["type"] != "display"):
        src = inst.item(item["linkId"])
        if src.text.en and src.text.zh:
            zh = item["_text"]["extension"][0]
            assert zh["url"] == TRANSLATION and zh["extension"][1]["valueString"] == src.text.zh


def test_the_hl7_sdc_phq9_example_validates_and_agrees_with_ours():
    validate_resource(SDC_PHQ9)
    theirs = SDC_PHQ9["item"][0]["item"]
    their_scores = [c["extension"][0]["valueDecimal"] for c in SDC_PHQ9["contained"][0]["compose"]["include"][0]
                    ["concept"]]
    ours = questionnaire_resource(instrument("phq9"))
    scored = [i for i in ours["item"] if i["type"] == "choice"]
    assert len(scored) == len([i for i in theirs if i["type"] == "choice"]) == 9
    for item in scored:
        assert [o["extension"][0]["valueDecimal"] for o in item["answerOption"]] == their_scores
        assert item["answerOption"][0]["extension"][0]["url"] == ORDINAL
    total = next(i for i in theirs if i["type"] == "quantity")["code"][0]
    assert dict(instrument("phq9").total_code) == total
    for a, b in zip(scored, [i for i in theirs if i["type"] == "choice"], strict=True):  # same items, in order
        assert a["text"].split()[0:3] == b["text"].split()[0:3]


def bundle_with(*responses: QuestionnaireResponse, guest=False):
    s = replace(session(guest=guest), questionnaires=responses)
    return map_session(s, None, [], options())


def test_a_completed_phq9_is_a_questionnaire_response_and_a_loinc_total_observation():
    r = resp("phq9", PHQ9_ALL_SEVERAL)
    b = bundle_with(r)
    qr = resources(b, "QuestionnaireResponse")[0]
    get_fhir_model_class("QuestionnaireResponse").model_validate(qr)
    assert qr["questionnaire"] == "https://fhir.health-station.example/Questionnaire/phq9|1.0.0"
    assert qr["status"] == "completed" and qr["language"] == "zh-CN" and len(qr["item"]) == 9
    assert qr["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6569-3"
    assert qr["item"][0]["text"] == "做事时提不起劲或没有兴趣", "the text the resident read"
    obs = [o for o in resources(b, "Observation") if o["category"][0]["coding"][0]["code"] == "survey"]
    assert len(obs) == 1
    o = obs[0]
    assert o["code"]["coding"][0] == {"system": "http://loinc.org", "code": "44261-6",
                                      "display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"}
    assert o["valueQuantity"]["value"] == 9 and o["valueQuantity"]["code"] == "{score}"
    qr_entry = next(e for e in b["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")
    assert o["derivedFrom"] == [{"reference": qr_entry["fullUrl"]}] and o["subject"] == qr["subject"]
    assert qr_entry["fullUrl"] != qr["identifier"]["value"], "a server rewrites strings equal to a fullUrl"
    get_fhir_model_class("Bundle").model_validate(b)


def test_a_stopped_questionnaire_is_sent_as_stopped_with_no_score_observation():
    r = resp("phq9", {"/44250-9": "LA6568-5"}, QuestionnaireStatus.STOPPED)
    b = bundle_with(r)
    assert resources(b, "QuestionnaireResponse")[0]["status"] == "stopped"
    assert not [o for o in resources(b, "Observation") if o["category"][0]["coding"][0]["code"] == "survey"]


def test_instruments_without_a_loinc_total_use_the_station_code_and_ipaq_sends_met_minutes():
    ipaq = resp("ipaq_sf", {"ipaq-1": 3, "ipaq-2": 30, "ipaq-3": 0, "ipaq-5": 7, "ipaq-6": 30, "ipaq-7": DONT_KNOW},
                lang="en")
    steadi = resp("steadi_stay_independent", {f"steadi-{n}": "N" for n in range(1, 13)})
    b = bundle_with(ipaq, steadi, guest=True)
    codes = {o["code"]["coding"][0]["code"]: o for o in resources(b, "Observation")}
    assert codes["questionnaire-ipaq_sf-total"]["valueQuantity"]["unit"] == "MET-min/week"
    assert codes["questionnaire-ipaq_sf-total"]["valueQuantity"]["value"] == 720 + 693
    assert "questionnaire-steadi_stay_independent-total" in codes
    qr = next(q for q in resources(b, "QuestionnaireResponse") if "ipaq" in q["questionnaire"])
    unknown = next(i for i in qr["item"] if i["linkId"] == "ipaq-7")
    assert "answer" not in unknown and unknown["extension"][0]["valueCode"] == "asked-unknown"
    assert all("subject" not in r for r in resources(b)), "a guest's answers name nobody"


def test_a_broken_questionnaire_response_is_refused_by_the_gate():
    qr = resources(bundle_with(resp("phq9", PHQ9_ALL_SEVERAL)), "QuestionnaireResponse")[0]
    with pytest.raises(MappingError):
        validate_resource({**qr, "status": "done"})
    with pytest.raises(MappingError):
        validate_resource({**qr, "authored": "yesterday"})


def test_outbox_questionnaire_rows_go_in_a_batch_the_server_double_accepts(tmp_path):
    cfg = store_config(tmp_path)
    store = open_store(cfg)
    try:
        s = session()
        s = replace(s, id=uuid.uuid4(), measurements=())
        store.create_session(s)
        done, stopped = resp("phq9", PHQ9_ALL_SEVERAL), resp("gad7", {}, QuestionnaireStatus.STOPPED)
        for r in (done, stopped):
            save_questionnaire(store, s.id, r, score_record(r))
        items = [i for i in store.outbox_pending(50) if i.kind == "questionnaire"]
        built = batch_bundle(store, items, cfg)
        owned = {o for o in built.entry_owner if o}
        assert owned == {str(done.id), str(stopped.id)}
        server = FhirMemory()
        answer = server.post_bundle(json.dumps(built.bundle).encode(), "key-1")
        assert answer.status == 200, answer.body
        assert server.counts().get("QuestionnaireResponse") == 2
        again = batch_bundle(store, items, cfg)  # a resend creates nothing new
        server.post_bundle(json.dumps(again.bundle).encode(), "key-2")
        assert server.counts().get("QuestionnaireResponse") == 2
    finally:
        store.close()
