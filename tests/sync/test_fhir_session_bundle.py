"""A whole session -> one transaction Bundle (pure ``map_session``): validity, identity, trials, references."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_mapping_samples import (
    NAME,
    NATIONAL_ID,
    PHONE,
    PSEUDONYM,
    all_text,
    measurements,
    observation_by_code,
    options,
    report,
    resources,
    review,
    session,
)

from kiosk.config import IdentityMode
from sync.fhir_map import map_session

MODES = [(mode, guest, every) for mode in IdentityMode for guest in (False, True) for every in (True, False)]


def bundle_for(mode=IdentityMode.PSEUDONYM, *, guest=False, every_trial=True, with_review=True) -> dict[str, Any]:
    s = session(guest=guest)
    return map_session(s, report(s), [review()] if with_review else [], options(mode, every_trial=every_trial))


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in references(v)]
    if isinstance(node, list):
        return [r for v in node for r in references(v)]
    return []


@pytest.mark.parametrize(("mode", "guest", "every"), MODES)
def test_every_resource_and_the_whole_bundle_validate_with_the_r4b_models_directly(mode, guest, every):
    b = bundle_for(mode, guest=guest, every_trial=every)
    assert b["resourceType"] == "Bundle" and b["type"] == "transaction"
    for r in resources(b):  # straight through fhir.resources, not through the mapping's own gate
        get_fhir_model_class(r["resourceType"]).model_validate(r)
    get_fhir_model_class("Bundle").model_validate(b)


@pytest.mark.parametrize(("mode", "guest", "every"), MODES)
def test_every_entry_is_a_conditional_create_except_none(mode, guest, every):
    for e in bundle_for(mode, guest=guest, every_trial=every)["entry"]:
        ident = e["resource"]["identifier"][0]
        assert e["request"] == {"method": "POST", "url": e["resource"]["resourceType"],
                                "ifNoneExist": f"identifier={ident['system']}|{ident['value']}"}, e["fullUrl"]


@pytest.mark.parametrize(("mode", "guest", "every"), MODES)
def test_every_reference_resolves_inside_the_bundle(mode, guest, every):
    b = bundle_for(mode, guest=guest, every_trial=every)
    full_urls = {e["fullUrl"] for e in b["entry"]}
    assert len(full_urls) == len(b["entry"]), "fullUrls must be unique"
    dangling = set(references(b)) - full_urls
    assert not dangling, f"references to resources outside the bundle: {dangling}"


@pytest.mark.parametrize("mode", list(IdentityMode))
@pytest.mark.parametrize("every", [True, False])
def test_guest_bundle_has_no_patient_and_nothing_identifying_anywhere(mode, every):
    b = bundle_for(mode, guest=True, every_trial=every)
    assert not resources(b, "Patient")
    assert not resources(b, "CarePlan"), "a CarePlan needs a subject; the guest's prescription stays in the report"
    text = all_text(b)
    for secret in (NATIONAL_ID, NAME, PHONE, PSEUDONYM, "1958-05-17", "1958"):
        assert secret not in text, f"{secret!r} found in a guest bundle"
    for r in resources(b):
        assert "subject" not in r, f"{r['resourceType']} of a guest has a subject"
        assert r["resourceType"] == "Device" or r["meta"]["tag"][0]["code"] == "guest"


def test_identified_bundle_has_one_patient_that_every_observation_points_at():
    b = bundle_for()
    (patient,) = [e for e in b["entry"] if e["resource"]["resourceType"] == "Patient"]
    for r in resources(b, "Observation") + resources(b, "DiagnosticReport") + resources(b, "CarePlan"):
        assert r["subject"] == {"reference": patient["fullUrl"]}


def test_pseudonymous_bundle_leaks_no_personal_data_even_from_the_report():
    text = all_text(bundle_for(IdentityMode.PSEUDONYM))
    for secret in (NATIONAL_ID, NAME, PHONE, PSEUDONYM, "1961-03-02"):
        assert secret not in text, f"{secret!r} found in a pseudonymous bundle"


def test_devices_are_deduplicated_and_name_the_station_as_parent():
    b = bundle_for()
    devices = resources(b, "Device")
    ids = [d["identifier"][0]["value"] for d in devices]
    assert len(ids) == len(set(ids))
    instruments = {m.device_id for m in measurements() if m.device_id}
    assert set(ids) == {"test-station"} | {f"test-station/{d}" for d in instruments}
    station_url = next(e["fullUrl"] for e in b["entry"] if e["resource"].get("identifier", [{}])[0].get("value")
                       == "test-station")
    instrument_devices = [d for d in devices if d["identifier"][0]["value"] != "test-station"]
    assert all(d["parent"] == {"reference": station_url} for d in instrument_devices)


def test_every_trial_mode_sends_every_measurement():
    b = bundle_for(every_trial=True)
    n_bp_with_pulse = sum(1 for m in measurements() if "pulse" in m.components)
    expected = len(measurements()) + n_bp_with_pulse + 1  # + BMI derived from height and weight
    assert len(resources(b, "Observation")) == expected
    assert len(observation_by_code(b, "85354-9")) == 2


def test_graded_only_mode_sends_one_observation_per_item_the_graded_trial():
    b = bundle_for(every_trial=False)
    panels = observation_by_code(b, "85354-9")
    assert len(panels) == 1, "only the graded blood-pressure reading"
    assert panels[0]["identifier"][0]["value"] == f"urn:uuid:{measurements()[1].id}", "BP keeps the last reading"
    (grip,) = observation_by_code(b, "grip-strength-max")
    assert grip["valueQuantity"]["value"] == 24.0, "grip keeps the strongest trial"
    items = {m.item for m in measurements()}
    assert len(resources(b, "Observation")) == len(items) + 1 + 1  # + heart rate + BMI


def test_graded_only_without_a_report_sends_no_observations():
    s = session()
    b = map_session(s, None, [], options(every_trial=False))
    assert not resources(b, "Observation")


def test_without_a_report_every_trial_mode_still_sends_the_measurements():
    s = session()
    b = map_session(s, None, [], options(every_trial=True))
    assert len(resources(b, "Observation")) == len(measurements()) + 2
    assert not resources(b, "DiagnosticReport")


def test_bmi_is_derived_from_graded_height_and_weight():
    b = bundle_for()
    (bmi,) = observation_by_code(b, "39156-5")
    assert bmi["valueQuantity"] == {"value": 24.5, "unit": "kg/m2", "system": "http://unitsofmeasure.org",
                                    "code": "kg/m2"}
    height = observation_by_code(b, "8302-2")[0]
    weight = observation_by_code(b, "29463-7")[0]
    urls = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    assert [urls[r["reference"]] for r in bmi["derivedFrom"]] == [height, weight]


def test_report_is_a_diagnostic_report_citing_every_observation_with_the_report_as_json():
    b = bundle_for()
    reports = resources(b, "DiagnosticReport")
    main = next(r for r in reports if r["status"] == "final")
    assert main["identifier"][0]["value"] == "urn:uuid:00000000-0000-0000-0000-00000000ae01"
    cited = {r["reference"] for r in main["result"]}
    observations = {e["fullUrl"] for e in b["entry"] if e["resource"]["resourceType"] == "Observation"}
    assert cited == observations
    assert "grade Pass" in main["conclusion"] and "Fall risk" in main["conclusion"]
    assert "brisk walking" in main["conclusion"]
    form = main["presentedForm"][0]
    assert form["contentType"] == "application/json"
    doc = json.loads(base64.b64decode(form["data"]))
    assert doc["report_id"] == "00000000-0000-0000-0000-00000000ae01"
    assert not {"name", "national_id", "phone", "pseudonym"} & set(doc), "personal keys must be stripped"
    assert doc["flags"][0]["name"] == "fall_risk", "nested names (flags) are kept"


def test_prescription_is_a_care_plan_supported_by_the_report():
    b = bundle_for(with_review=False)
    (plan,) = resources(b, "CarePlan")
    assert (plan["status"], plan["intent"]) == ("active", "plan")
    assert "frequency: 3-5 days a week" in plan["description"]
    assert [a["detail"]["description"] for a in plan["activity"]] == ["brisk walking", "tai chi"]
    urls = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    (supporting,) = plan["supportingInfo"]
    assert urls[supporting["reference"]]["identifier"][0]["value"] == "urn:uuid:00000000-0000-0000-0000-00000000ae01"


def test_review_is_an_amended_report_and_a_replacing_care_plan():
    b = bundle_for()
    rev = next(r for r in resources(b, "DiagnosticReport") if r["status"] == "amended")
    assert rev["conclusion"].startswith("Add balance training")
    assert rev["issued"] == "2026-11-23T15:00:00+08:00"
    assert rev["resultsInterpreter"][0]["identifier"]["value"] == "test-station/dr-wang"
    assert rev["extension"][0]["valueReference"]["identifier"]["value"] == (
        "urn:uuid:00000000-0000-0000-0000-00000000ae01")
    original, changed = resources(b, "CarePlan")
    assert changed["replaces"] == [{"type": "CarePlan", "identifier": original["identifier"][0]}]
    assert changed["description"].startswith("frequency: 5 days a week")


def test_unsigned_review_is_preliminary():
    s = session()
    b = map_session(s, report(s), [{**review(prescription=False), "signed": False}], options())
    rev = next(r for r in resources(b, "DiagnosticReport") if r["code"]["coding"][0]["code"] == "doctor-review")
    assert rev["status"] == "preliminary" and rev["conclusion"].startswith("[not signed]")


@pytest.mark.parametrize(("mode", "guest", "every"), MODES)
def test_mapping_is_deterministic(mode, guest, every):
    assert bundle_for(mode, guest=guest, every_trial=every) == bundle_for(mode, guest=guest, every_trial=every)


def _strings(node: Any, key: str = "") -> list[tuple[str, str]]:
    """Every string in a resource with the key it sits under."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in _strings(v, k)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


@pytest.mark.parametrize("guest", [False, True])
def test_no_string_but_a_reference_holds_a_bundle_local_full_url(guest):
    """Servers rewrite every string holding a bundle-local urn:uuid (Medplum's engine does; issue 12): an
    identifier, a text or an extension holding a fullUrl would be stored as the server's reference."""
    from sync.fhir_audit import audit_event_entry
    from sync.fhir_device import station_device

    b = bundle_for(guest=guest)
    audit = {"id": "00000000-0000-0000-0000-00000000a0d1", "at": "2026-11-23T15:00:00+08:00", "actor": "dr-wang",
             "role": "doctor", "action": "doctor.review_signed", "target": "00000000-0000-0000-0000-00000000be01",
             "details": {"review_id": "00000000-0000-0000-0000-00000000be01"}, "seq": 3, "hash": "ab"}
    entries = [*b["entry"], audit_event_entry(audit, station_device("test-station", ""))]
    urls = {e["fullUrl"] for e in entries}
    identifiers = {i["value"] for e in entries for i in e["resource"].get("identifier") or []}
    assert not urls & identifiers, "a fullUrl equals an identifier value"
    for e in entries:
        for key, text in _strings(e["resource"]):
            held = [u for u in urls if u in text]
            assert not held or (key == "reference" and text in urls), (
                f"{e['resource']['resourceType']}.{key} holds the bundle-local {held}")
