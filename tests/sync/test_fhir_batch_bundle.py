"""Outbox rows -> one transaction (``batch_bundle``) and ``session_bundle``, read from a real store."""

from __future__ import annotations

import gzip
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fhir_mapping_samples import KEY, T0, report, resources, review, session

from kiosk.audit import AuditLog
from kiosk.domain import CalibrationRecord, CalibrationResult
from kiosk.errors import ConfigError, InputError
from kiosk.storage import OutboxItem, UnknownRecord, open_store
from kiosk.storage.testing import store_config
from sync.errors import MappingError
from sync.fhir_common import validate_resource
from sync.fhir_map import batch_bundle, load_pseudonym_key, session_bundle
from sync.testing.fhir_memory import FhirMemory


@pytest.fixture
def station(tmp_path: Path):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_bytes(KEY + b"\n")
    key_file.chmod(0o600)  # a secret file: private to the station user (kiosk.secret_files)
    cfg = store_config(tmp_path)
    cfg = replace(cfg, sync=replace(cfg.sync, pseudonym_key_file=str(key_file)))
    store = open_store(cfg)
    yield cfg, store
    store.close()


def fill(store, *, guest: bool = False, with_report: bool = True, with_review: bool = False):
    s = session(guest=guest)
    s = replace(s, id=uuid.uuid4(), measurements=tuple(replace(m, id=uuid.uuid4()) for m in s.measurements))
    store.create_session(replace(s, measurements=()))
    for m in s.measurements:
        store.add_measurement(s.id, m)
    rep = report(s, report_id=str(uuid.uuid4()))
    if with_report:
        store.save_report(s.id, rep)
    if with_review:
        store.save_review(s.id, review(review_id=str(uuid.uuid4())))
    return s, rep


def test_batch_entries_are_owned_by_their_outbox_rows_and_shared_ones_by_none(station):
    cfg, store = station
    s, rep = fill(store, with_review=True)
    items = store.outbox_pending(100)
    built = batch_bundle(store, items, cfg)
    assert len(built.entry_owner) == len(built.bundle["entry"])
    owners = {o for o in built.entry_owner if o is not None}
    assert owners == {i.id for i in items}, "every outbox row owns at least one entry"
    for entry, owner in zip(built.bundle["entry"], built.entry_owner, strict=True):
        rtype = entry["resource"]["resourceType"]
        if rtype in ("Patient", "Device"):
            assert owner is None, f"shared {rtype} must have no owner"
        identifier = (entry["resource"].get("identifier") or [{}])[0].get("value", "")
        if identifier in {f"urn:uuid:{m.id}" for m in s.measurements}:
            assert owner == identifier.removeprefix("urn:uuid:"), "a measurement's entry is owned by its row"
        if rtype in ("DiagnosticReport", "CarePlan") and entry["resource"]["status"] in ("final", "active"):
            assert owner in (rep["report_id"], *(i.id for i in items if i.kind == "review"))
        validate_resource(entry["resource"])


def test_several_sessions_share_station_devices_but_not_patients(station):
    cfg, store = station
    fill(store)
    fill(store, guest=True)
    built = batch_bundle(store, store.outbox_pending(200), cfg)
    assert len(resources(built.bundle, "Patient")) == 1, "one identified resident, one guest"
    device_ids = [d["identifier"][0]["value"] for d in resources(built.bundle, "Device")]
    assert len(device_ids) == len(set(device_ids)), "devices deduplicated across sessions"
    assert len(resources(built.bundle, "DiagnosticReport")) == 2


def test_report_row_alone_re_sends_the_observations_it_cites_without_owning_them(station):
    cfg, store = station
    fill(store)
    report_item = next(i for i in store.outbox_pending(100) if i.kind == "report")
    built = batch_bundle(store, [report_item], cfg)
    obs_owners = {o for e, o in zip(built.bundle["entry"], built.entry_owner, strict=True)
                  if e["resource"]["resourceType"] == "Observation" and e["resource"]["code"]["coding"][0]["code"]
                  != "39156-5"}
    assert obs_owners == {None}, "re-sent observations belong to their own (earlier) rows"
    (dr,) = resources(built.bundle, "DiagnosticReport")
    assert all(r["reference"] in {e["fullUrl"] for e in built.bundle["entry"]} for r in dr["result"])


def test_graded_only_mode_measurement_rows_send_nothing_and_the_report_carries_graded_values(station):
    cfg, store = station
    cfg = replace(cfg, sync=replace(cfg.sync, send_every_trial=False))
    fill(store)
    items = store.outbox_pending(100)
    only_measurements = [i for i in items if i.kind == "measurement"]
    assert batch_bundle(store, only_measurements, cfg).bundle["entry"] == []
    built = batch_bundle(store, items, cfg)
    panels = [r for r in resources(built.bundle, "Observation") if r["code"]["coding"][0]["code"] == "85354-9"]
    assert len(panels) == 1


def test_superseded_report_sends_nothing(station):
    cfg, store = station
    s, rep = fill(store)
    store.save_report(s.id, {**rep, "report_id": str(uuid.uuid4())})
    old = next(i for i in store.outbox_pending(100) if i.id == rep["report_id"])
    assert batch_bundle(store, [old], cfg).bundle["entry"] == []


def test_a_row_whose_session_is_gone_raises_mapping_error_naming_the_row(station):
    cfg, store = station
    ghost = OutboxItem(1, str(uuid.uuid4()), "measurement", str(uuid.uuid4()), datetime.now(UTC), 0)
    with pytest.raises(MappingError) as e:
        batch_bundle(store, [ghost], cfg)
    assert e.value.record_id == ghost.id


@pytest.mark.parametrize("kind", ["report", "review", "telegram"])
def test_missing_documents_and_unknown_kinds_raise_mapping_error_naming_the_row(station, kind):
    cfg, store = station
    s, _ = fill(store, with_report=False)
    row = OutboxItem(1, str(uuid.uuid4()), kind, str(s.id), datetime.now(UTC), 0)
    with pytest.raises(MappingError) as e:
        batch_bundle(store, [row], cfg)
    assert e.value.record_id == row.id


def test_audit_rows_become_audit_events_the_server_stores_once(station):
    cfg, store = station
    s, _ = fill(store, with_report=False)
    entry = AuditLog(store).record("dr-wang", "doctor", "view_session", str(s.id), {"screen": "review"},
                                   session_id=str(s.id))
    row = next(i for i in store.outbox_pending(100) if i.kind == "audit")
    built = batch_bundle(store, [row], cfg)
    (event,) = resources(built.bundle, "AuditEvent")
    assert event["id"] == entry.id
    types = [e["resource"]["resourceType"] for e in built.bundle["entry"]]
    assert built.entry_owner[types.index("AuditEvent")] == row.id
    server = FhirMemory()
    raw = json.dumps(built.bundle).encode()
    assert server.post_bundle(raw, None).status == 200
    assert server.post_bundle(raw, None).status == 200
    assert len(server.resources("AuditEvent")) == 1


def test_an_audit_row_whose_entry_is_gone_is_a_mapping_error_naming_the_row(station):
    cfg, store = station
    row = OutboxItem(1, str(uuid.uuid4()), "audit", None, datetime.now(UTC), 0)
    with pytest.raises(MappingError, match="audit") as e:
        batch_bundle(store, [row], cfg)
    assert e.value.record_id == row.id


def test_device_carries_the_latest_calibration_status(station):
    cfg, store = station
    store.save_calibration(CalibrationRecord("grip", "known-masses", "tech-1", T0 - timedelta(days=1),
                                             CalibrationResult.PASSED, T0 + timedelta(days=29)))
    store.save_calibration(CalibrationRecord("bp", "static-pressure", "tech-1", T0 - timedelta(days=40),
                                             CalibrationResult.PASSED, T0 - timedelta(days=10)))
    fill(store)
    built = batch_bundle(store, store.outbox_pending(100), cfg)
    status = {d["identifier"][0]["value"].removeprefix(f"{cfg.station_id}/"):
              d["property"][0]["valueCode"][0]["coding"][0]["code"]
              for d in resources(built.bundle, "Device") if "property" in d}
    assert status["grip"] == "calibrated"
    assert status["bp"] == "expired"
    assert status["scale"] == "unknown"
    assert status["camera"] == "not-applicable"
    assert "tech-1" not in json.dumps(built.bundle), "who calibrated stays on the station"


def test_session_bundle_maps_the_whole_session(station):
    cfg, store = station
    s, _ = fill(store, with_review=True)
    b = session_bundle(store, str(s.id), cfg)
    assert len(resources(b, "DiagnosticReport")) == 2
    assert len(resources(b, "Patient")) == 1


def test_session_bundle_rejects_a_malformed_id_and_reports_an_unknown_one(station):
    cfg, store = station
    with pytest.raises(InputError, match="session_id"):
        session_bundle(store, "not-a-uuid", cfg)
    with pytest.raises(UnknownRecord):
        session_bundle(store, str(uuid.uuid4()), cfg)


def test_pseudonym_key_file_problems_are_config_errors(tmp_path):
    cfg = store_config(tmp_path)
    assert load_pseudonym_key(cfg) is None
    missing = replace(cfg, sync=replace(cfg.sync, pseudonym_key_file=str(tmp_path / "nope.key")))
    with pytest.raises(ConfigError, match=r"sync\.pseudonym_key_file"):
        load_pseudonym_key(missing)
    (tmp_path / "short.key").write_bytes(b"abc")
    (tmp_path / "short.key").chmod(0o600)
    short = replace(cfg, sync=replace(cfg.sync, pseudonym_key_file=str(tmp_path / "short.key")))
    with pytest.raises(ConfigError, match="shorter than 16 bytes"):
        load_pseudonym_key(short)


def test_the_test_server_accepts_the_batch_and_a_resend_creates_nothing_new(station):
    cfg, store = station
    fill(store, with_review=True)
    fill(store, guest=True)
    built = batch_bundle(store, store.outbox_pending(200), cfg)
    raw = json.dumps(built.bundle).encode()
    server = FhirMemory()
    first = server.post_bundle(raw, None)
    assert first.status == 200, first.body
    statuses = [e["response"]["status"] for e in first.body["entry"]]
    assert all(s.startswith("201") for s in statuses), statuses
    counts = server.counts()
    again = server.post_bundle(gzip.decompress(gzip.compress(raw)), None)
    assert all(e["response"]["status"].startswith("200") for e in again.body["entry"])
    assert server.counts() == counts, "a resend must not create anything"
    assert max(server.identifier_counts("Observation").values()) == 1


def test_two_sessions_of_one_resident_share_one_patient(station):
    cfg, store = station
    fill(store)
    fill(store)
    built = batch_bundle(store, store.outbox_pending(200), cfg)
    (patient,) = [e for e in built.bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    subjects = {r["subject"]["reference"] for r in resources(built.bundle, "Observation")}
    assert subjects == {patient["fullUrl"]}
    assert len(resources(built.bundle, "DiagnosticReport")) == 2
