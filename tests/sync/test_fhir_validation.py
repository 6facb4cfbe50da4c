"""The R4B gate: broken resources raise MappingError with a useful, non-personal message; devices; audit events."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta

import pytest
from fhir_mapping_samples import NATIONAL_ID, T0, options, report, session
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import CalibrationRecord, CalibrationResult, Measurement, Method
from sync.errors import MappingError, SyncError
from sync.fhir_audit import audit_event_entry
from sync.fhir_common import validate_resource
from sync.fhir_device import calibration_status, instrument_device, station_device
from sync.fhir_map import _Assembler, map_session
from sync.fhir_observation import observation_entries
from sync.fhir_report import graded_measurements, report_entries


def good_observation() -> dict:
    m = Measurement("grip", 24.0, "kg", 1, T0, id=uuid.UUID(int=5))
    return observation_entries(m, subject=None, device=None, guest=True)[0]["resource"]


@pytest.mark.parametrize(("breakage", "where"), [
    (lambda r: r.pop("status"), "status"),
    (lambda r: r.update(status="done"), "status"),
    (lambda r: r["valueQuantity"].update(value="twenty"), "valueQuantity"),
    (lambda r: r.update(effectiveDateTime="yesterday"), "effectiveDateTime"),
    (lambda r: r.update(colour="blue"), "colour"),
])
def test_a_deliberately_broken_observation_raises_mapping_error_naming_the_field(breakage, where):
    r = good_observation()
    breakage(r)
    with pytest.raises(MappingError) as e:
        validate_resource(r)
    assert e.value.resource_type == "Observation"
    assert e.value.record_id == f"urn:uuid:{uuid.UUID(int=5)}"
    assert any(where in p for p in e.value.problems), f"expected a problem at {where}: {e.value.problems}"
    assert isinstance(e.value, SyncError)


def test_the_error_message_does_not_repeat_the_offending_value():
    r = {"resourceType": "Patient", "identifier": [{"system": "urn:x", "value": NATIONAL_ID}],
         "birthDate": NATIONAL_ID}
    with pytest.raises(MappingError) as e:
        validate_resource(r)
    assert NATIONAL_ID not in str(e.value), "validation errors are logged: they must not carry personal data"


@pytest.mark.parametrize("bad", [None, [], {"status": "final"}, {"resourceType": "Telegram"}, {"resourceType": ""}])
def test_things_that_are_not_resources_raise_mapping_error(bad):
    with pytest.raises(MappingError):
        validate_resource(bad)


def test_the_assembler_refuses_a_broken_resource_before_it_enters_the_bundle():
    asm = _Assembler(options(), lambda _d: None)
    broken = {"fullUrl": "urn:uuid:00000000-0000-0000-0000-000000000001", "resource": {"resourceType": "Observation"},
              "request": {"method": "POST", "url": "Observation"}}
    with pytest.raises(MappingError):
        asm.add(broken, "row-1")
    assert asm.entries == []


def test_a_report_with_a_bad_id_is_a_mapping_error():
    s = session()
    with pytest.raises(MappingError, match="report_id"):
        map_session(s, {**report(s), "report_id": "R-1"}, [], options())


def test_a_review_with_a_bad_timestamp_is_a_mapping_error():
    s = session()
    bad = {"review_id": str(uuid.uuid4()), "note": "x", "reviewed_at": "tuesday"}
    with pytest.raises(MappingError, match="reviewed_at"):
        map_session(s, report(s), [bad], options())


@settings(max_examples=30, deadline=None)
@given(doc=st.dictionaries(st.text(min_size=1, max_size=8),
                           st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                                        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c,
                                                                                            max_size=3),
                                        max_leaves=8), max_size=6))
def test_arbitrary_report_content_still_maps_to_a_valid_diagnostic_report(doc):
    s = session(items=())
    rep = {**doc, "report_id": str(uuid.UUID(int=9))}
    for e in report_entries(rep, s, subject={"reference": "urn:uuid:" + str(uuid.UUID(int=1))}, guest=False,
                            results=[]):
        validate_resource(e["resource"])


def test_graded_trial_follows_the_report_over_the_best_trial_rule():
    s = session()
    grips = [m for m in s.measurements if m.item == "grip"]
    rep = {"items": [{"item": "grip", "graded_trial": 1, "graded_hand": "right",
                      "trials": [{"trial": 1, "hand": "right", "measurement_id": str(grips[0].id)},
                                 {"trial": 2, "hand": "left", "measurement_id": str(grips[1].id)}]}]}
    assert graded_measurements(s, rep)["grip"] is grips[0]
    assert graded_measurements(s, None)["grip"] is grips[1], "without a report: the largest value"


# ---- devices -----------------------------------------------------------------------------------

def calibration(result: CalibrationResult, valid_days: float) -> CalibrationRecord:
    return CalibrationRecord("grip", "known-masses", "tech-7", T0 - timedelta(days=1), result,
                             T0 + timedelta(days=valid_days), id=uuid.UUID(int=77))


@pytest.mark.parametrize(("rec", "status"), [
    (None, "unknown"),
    (calibration(CalibrationResult.PASSED, 10), "calibrated"),
    (calibration(CalibrationResult.PASSED, -0.5), "expired"),
    (calibration(CalibrationResult.FAILED, 10), "failed"),
])
def test_calibration_status(rec, status):
    assert calibration_status(rec, T0) == status


def test_instrument_device_validates_and_notes_the_calibration_record_without_the_technician():
    station = station_device("st-9", "Site")
    dev = instrument_device(station, "grip", Method.DEVICE, calibration(CalibrationResult.PASSED, 10), T0)
    validate_resource(station.resource)
    validate_resource(dev.resource)
    assert dev.resource["parent"] == {"reference": station.full_url}
    assert str(uuid.UUID(int=77)) in dev.resource["note"][0]["text"]
    assert "tech-7" not in json.dumps(dev.resource)
    assert dev.entry()["request"]["ifNoneExist"].endswith("|st-9/grip")


# ---- audit events ------------------------------------------------------------------------------

AUDIT = {"seq": 12, "id": str(uuid.UUID(int=0xA0D1)), "at": "2026-11-23T10:05:00+08:00", "actor": "dr-wang",
         "role": "doctor", "action": "view_history", "target": str(uuid.UUID(int=0x5E55)),
         "details": {"screen": "history"}, "prev_hash": "cd" * 32, "hash": "ab" * 32}


def test_audit_entry_becomes_a_valid_audit_event_put_to_its_own_uuid():
    station = station_device("st-9", "Site")
    entry = audit_event_entry(AUDIT, station)
    validate_resource(entry["resource"])
    assert entry["request"] == {"method": "PUT", "url": f"AuditEvent/{AUDIT['id']}"}
    assert entry["resource"]["id"] == AUDIT["id"]
    assert entry == audit_event_entry(copy.deepcopy(AUDIT), station), "a resend must target the same id"
    assert entry["resource"]["agent"][0]["who"]["identifier"]["value"] == "st-9/dr-wang"
    assert entry["resource"]["source"]["observer"] == {"reference": station.full_url}


def test_audit_event_carries_the_hash_chain_so_the_cloud_can_verify_it():
    entity = audit_event_entry(AUDIT, station_device("st-9", ""))["resource"]["entity"]
    chain = {d["type"]: d["valueString"] for d in entity[-1]["detail"]}
    assert chain == {"seq": "12", "prev_hash": "cd" * 32, "hash": "ab" * 32, "details": '{"screen":"history"}'}
    assert entity[0]["what"]["identifier"]["value"] == f"urn:uuid:{uuid.UUID(int=0x5E55)}"


def test_audit_entry_without_an_id_gets_a_stable_id_from_its_hash():
    no_id = {k: v for k, v in AUDIT.items() if k != "id"}
    station = station_device("st-9", "")
    first, again = audit_event_entry(no_id, station), audit_event_entry(dict(no_id), station)
    assert first["request"]["url"] == again["request"]["url"] != f"AuditEvent/{AUDIT['id']}"


@pytest.mark.parametrize("missing", ["at", "actor", "action"])
def test_audit_entry_without_required_fields_is_a_mapping_error(missing):
    with pytest.raises(MappingError, match=missing):
        audit_event_entry({k: v for k, v in AUDIT.items() if k != missing}, station_device("st-9", ""))


def test_audit_entry_with_a_naive_time_is_a_mapping_error():
    with pytest.raises(MappingError, match="time zone"):
        audit_event_entry({**AUDIT, "at": datetime(2026, 11, 23, 10, 5).isoformat()}, station_device("st-9", ""))


def test_if_none_exist_percent_encodes_what_a_query_string_cannot_carry():
    from urllib.parse import parse_qsl

    from sync.fhir_common import identifier_query

    ident = {"system": "https://fhir.health-station.example/NamingSystem/station-device", "value": "st 1/grip+left&x"}
    query = identifier_query(ident)
    assert " " not in query and "&x" not in query
    assert dict(parse_qsl(query)) == {"identifier": f"{ident['system']}|{ident['value']}"}
    plain = {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.UUID(int=3)}"}
    assert identifier_query(plain) == f"identifier=urn:ietf:rfc:3986|urn:uuid:{uuid.UUID(int=3)}"


def test_a_broken_repeating_element_is_caught_even_after_valid_ones_were_seen():
    validate_resource(good_observation())  # its category, method and extension are now known valid
    broken = good_observation()
    broken["category"] = [{"coding": [{"system": "not a uri with spaces", "code": " padded "}]}]
    with pytest.raises(MappingError) as e:
        validate_resource(broken)
    assert any("category" in p for p in e.value.problems), e.value.problems
    again = good_observation()
    again["valueQuantity"]["value"] = "x"
    with pytest.raises(MappingError, match="R4B"):
        validate_resource(again)
