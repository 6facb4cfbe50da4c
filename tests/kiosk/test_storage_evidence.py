"""Evidence stills and count corrections: stored beside the measurement, audited, graded, purged by retention."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.audit import AuditLog
from kiosk.count_correction import CountCorrection, corrected_measurements, mark_report
from kiosk.domain import Measurement, Method
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from kiosk.storage import LATEST_VERSION, open_store
from kiosk.storage import migrations as mig
from kiosk.storage.evidence import (
    EvidenceStill,
    load_count_corrections,
    load_stills,
    save_count_correction,
    save_stills,
)
from kiosk.storage.testing import sample_session, store_config

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)
JPEG = b"\xff\xd8\xff\xe0fake-jpeg"


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path, retention_days=30))
    yield s
    s.close()


def _camera_session(store, guest: bool = False):
    s = sample_session(started_at=T0, guest=guest)
    m = Measurement(item="chair_stand_30s", value=11.0, unit="count", method=Method.CAMERA, device_id="camera",
                    taken_at=T0)
    store.create_session(s)
    store.add_measurement(s.id, m)
    return s, m


def _stills(m, n=3):
    return [EvidenceStill(str(m.id), m.item, i, "top" if i % 2 else "bottom", i // 2 + 1, 1.0 + i, JPEG, 320, 240)
            for i in range(n)]


def test_migration_v6_adds_the_stills_and_corrections_tables(tmp_path):
    with open_store(store_config(tmp_path)) as s:
        assert LATEST_VERSION >= 6 and mig.schema_version(s.db) == LATEST_VERSION
        assert {"evidence_stills", "count_corrections"} <= set(s.db.table_names())


def test_stills_are_stored_and_read_back_in_order_and_never_queued_for_sync(store):
    session, m = _camera_session(store)
    before = {i.id for i in store.outbox_pending(1000)}
    assert save_stills(store, session.id, _stills(m)) == 3
    got = load_stills(store, session.id)
    assert [(g.seq, g.moment, g.rep, g.jpeg) for g in got] == [(0, "bottom", 1, JPEG), (1, "top", 1, JPEG),
                                                               (2, "bottom", 2, JPEG)]
    assert {i.id for i in store.outbox_pending(1000)} == before, "stills must not leave the station"


def test_a_still_that_is_not_a_small_jpeg_is_refused(store):
    session, m = _camera_session(store)
    with pytest.raises(ValueError, match="not a small JPEG"):
        save_stills(store, session.id, [replace(_stills(m, 1)[0], jpeg=b"PNG")])


@pytest.mark.parametrize("guest", [False, True])
def test_stills_are_purged_with_the_sessions_personal_data(store, guest):
    session, m = _camera_session(store, guest=guest)
    save_stills(store, session.id, _stills(m))
    store.outbox_mark_acked([i.id for i in store.outbox_pending(1000)], "b1")
    assert store.purge_personal_data(T0 + timedelta(days=10))["stills_purged"] == 0, "not before the period"
    counts = store.purge_personal_data(T0 + timedelta(days=31))
    assert counts["stills_purged"] == 3 and load_stills(store, session.id) == []
    assert store.load_session(session.id).measurements == (m,), "the count itself is kept"


def test_stills_of_an_unsynced_session_are_kept(store):
    session, m = _camera_session(store)
    save_stills(store, session.id, _stills(m))
    assert store.purge_personal_data(T0 + timedelta(days=365))["stills_purged"] == 0
    assert len(load_stills(store, session.id)) == 3


def test_a_correction_is_kept_beside_the_camera_count_with_its_report_and_audit_entry(store):
    session, m = _camera_session(store)
    c = CountCorrection(str(session.id), str(m.id), m.item, 11, 13, "Dr Li", T0, report_id=str(uuid.uuid4()))
    norms = load_norm_set(store_config(store.path.parent).norm_packs)
    graded = grade_session(replace(session, measurements=corrected_measurements((m,), [c])), norms,
                           report_id=c.report_id).to_dict()
    report = mark_report(graded, [c])
    log = AuditLog(store)
    details = {"measurement_id": str(m.id), "camera_count": 11, "corrected_count": 13}
    save_count_correction(store, c, report, audit=lambda conn: log.append(
        conn, "Dr Li", "doctor", "doctor.count_corrected", str(session.id), details))
    assert store.load_session(session.id).measurements[0].value == 11.0, "the camera's count is never overwritten"
    assert load_count_corrections(store, session.id) == [c]
    item = next(i for i in store.load_report(session.id)["items"] if i["item"] == "chair_stand_30s")
    assert item["graded_value"] == 13, "the report grades the doctor's count"
    assert item["count_correction"]["camera_count"] == 11 and item["count_correction"]["corrected_by"] == "Dr Li"
    assert item["trials"][0]["value"] == 13 and item["trials"][0]["count_correction"]["corrected_count"] == 13
    (entry,) = [e for e in log.entries() if e.action == "doctor.count_corrected"]
    assert entry.details["camera_count"] == 11 and entry.details["corrected_count"] == 13 and log.verify().ok
    kinds = {(i.kind, i.id) for i in store.outbox_pending(1000)}
    assert ("report", c.report_id) in kinds and ("audit", entry.id) in kinds


def test_a_failing_audit_leaves_no_correction_behind(store):
    session, m = _camera_session(store)
    c = CountCorrection(str(session.id), str(m.id), m.item, 11, 13, "Dr Li", T0, report_id=str(uuid.uuid4()))

    def broken(conn):
        raise RuntimeError("audit failed")

    with pytest.raises(RuntimeError):
        save_count_correction(store, c, {"report_id": c.report_id}, audit=broken)
    assert load_count_corrections(store, session.id) == [] and store.load_report(session.id) is None
