"""The mapping on a report made by the real grader (kiosk.grading), not a hand-written dict."""

from __future__ import annotations

import base64
import json

import pytest
from fhir_mapping_samples import NAME, NATIONAL_ID, PHONE, PSEUDONYM, all_text, options, resources, session

from kiosk.config import StationConfig
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from sync.fhir_common import validate_resource
from sync.fhir_map import map_session


@pytest.fixture(scope="module")
def graded():
    s = session()
    return s, grade_session(s, load_norm_set(StationConfig().norm_packs)).to_dict()


def test_graded_report_maps_to_valid_resources_with_classes_and_prescription(graded):
    s, rep = graded
    b = map_session(s, rep, [], options())
    for r in resources(b):
        validate_resource(r)
    (dr,) = resources(b, "DiagnosticReport")
    assert "Classes: Blood pressure: High-normal" in dr["conclusion"], dr["conclusion"]
    zh = dr["_conclusion"]["extension"][0]
    assert zh["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert {"url": "lang", "valueCode": "zh"} in zh["extension"]
    zh_text = next(e["valueString"] for e in zh["extension"] if e["url"] == "content")
    assert "分类：血压：正常高值" in zh_text and "运动处方：频率：" in zh_text, zh_text
    assert "Exercise prescription: frequency:" in dr["conclusion"]
    doc = json.loads(base64.b64decode(dr["presentedForm"][0]["data"]))
    assert doc["report_id"] == rep["report_id"] and doc["items"] == rep["items"]
    (plan,) = resources(b, "CarePlan")
    zh_plan = plan["_description"]["extension"][0]["extension"]
    assert next(e["valueString"] for e in zh_plan if e["url"] == "content").startswith("频率：")
    assert plan["note"][0]["text"].startswith("Rules applied: "), "rule ids, not dict reprs"
    assert "{" not in plan["note"][0]["text"]


def test_graded_only_mode_sends_exactly_the_trials_the_grader_chose(graded):
    s, rep = graded
    b = map_session(s, rep, [], options(every_trial=False))
    chosen = set()
    for item in rep["items"]:
        for t in item.get("trials") or []:
            if t["trial"] == item.get("graded_trial") and t.get("hand") == item.get("graded_hand"):
                chosen.add(f"urn:uuid:{t['measurement_id']}")
    sent = {r["identifier"][0]["value"] for r in resources(b, "Observation")}
    assert chosen <= sent, f"graded trials not sent: {chosen - sent}"
    measured = {f"urn:uuid:{m.id}" for m in s.measurements}
    assert (sent & measured) == chosen, "no other trial of a measured item is sent"


def test_graded_report_of_a_resident_leaks_nothing_in_pseudonym_mode(graded):
    s, rep = graded
    text = all_text(map_session(s, rep, [], options()))
    for secret in (NATIONAL_ID, NAME, PHONE, PSEUDONYM, "1961-03-02"):
        assert secret not in text, f"{secret!r} found in the bundle"
