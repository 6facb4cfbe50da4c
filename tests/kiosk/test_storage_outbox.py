"""The outbox: written with each result, drained by the uploader, quarantined and requeued, never lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.storage import OutboxItem, UnknownRecord, open_store
from kiosk.storage.testing import sample_blood_pressure, sample_grip, sample_session, store_config


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path), clock=FakeClock())
    yield s
    s.close()


def _session_with(store, n: int = 3):
    session = sample_session()
    store.create_session(session)
    ms = [sample_grip(30.0 + i, trial=i + 1) for i in range(n)]
    for m in ms:
        store.add_measurement(session.id, m)
    return session, ms


def test_each_measurement_gets_one_pending_outbox_row_in_saving_order(store):
    session, ms = _session_with(store)
    items = store.outbox_pending(10)
    assert [i.id for i in items] == [str(m.id) for m in ms], "outbox should hold each measurement id, oldest first"
    assert all(isinstance(i, OutboxItem) and i.kind == "measurement" and i.session_id == str(session.id)
               and i.attempts == 0 for i in items)
    assert [i.seq for i in items] == sorted(i.seq for i in items)


def test_pending_respects_the_limit(store):
    _session_with(store, 5)
    assert len(store.outbox_pending(2)) == 2


def test_reports_and_reviews_are_queued_with_their_own_ids(store):
    session = sample_session()
    store.create_session(session)
    report_id, review_id = str(uuid.uuid4()), str(uuid.uuid4())
    store.save_report(session.id, {"report_id": report_id, "items": []})
    store.save_review(session.id, {"review_id": review_id, "note": "ok"})
    assert [(i.kind, i.id) for i in store.outbox_pending(10)] == [("report", report_id), ("review", review_id)]


def test_a_review_and_its_audit_entry_are_stored_together_or_not_at_all(store):
    from kiosk.audit import AuditLog
    from kiosk.errors import InputError

    audit = AuditLog(store)
    session = sample_session()
    store.create_session(session)
    signed = str(uuid.uuid4())
    store.save_review(session.id, {"review_id": signed, "note": "ok"},
                      audit=lambda conn: audit.append(conn, "Dr Li", "doctor", "doctor.review_signed", str(session.id)))
    entry = next(audit.entries())
    assert entry.action == "doctor.review_signed" and audit.verify().ok
    assert [(i.kind, i.id) for i in store.outbox_pending(10)] == [("review", signed), ("audit", entry.id)]

    refused = str(uuid.uuid4())  # the audit entry cannot be written: the review is not kept either
    with pytest.raises(InputError):
        store.save_review(session.id, {"review_id": refused, "note": "ok"},
                          audit=lambda conn: audit.append(conn, "Dr Li", "nobody", "doctor.review_signed"))
    assert [r["review_id"] for r in store.load_reviews(session.id)] == [signed]
    assert len(list(audit.entries())) == 1 and len(store.outbox_pending(10)) == 2


def test_acked_items_leave_the_queue_and_are_counted(store):
    _, ms = _session_with(store)
    store.outbox_mark_acked([str(ms[0].id), str(ms[1].id)], "batch-1")
    assert [i.id for i in store.outbox_pending(10)] == [str(ms[2].id)]
    stats = store.outbox_stats()
    assert stats["pending"] == 1 and stats["acked"] == 2 and stats["quarantined_batches"] == 0
    assert stats["last_ack_at"] is not None and stats["oldest_pending_at"] is not None


def test_acking_twice_is_harmless(store):
    _, ms = _session_with(store, 1)
    store.outbox_mark_acked([str(ms[0].id)], "b1")
    store.outbox_mark_acked([str(ms[0].id)], "b1")
    assert store.outbox_stats()["acked"] == 1


def test_attempts_are_counted_and_items_stay_pending(store):
    _, ms = _session_with(store, 2)
    ids = [str(m.id) for m in ms]
    store.outbox_record_attempt(ids, "connect timeout")
    store.outbox_record_attempt(ids[:1], "503")
    assert [i.attempts for i in store.outbox_pending(10)] == [2, 1]


def test_quarantine_keeps_the_batch_for_a_technician_and_requeue_returns_it(store):
    _, ms = _session_with(store, 3)
    ids = [str(m.id) for m in ms[:2]]
    store.outbox_record_attempt(ids, "422")
    store.outbox_quarantine(ids, "batch-q", "422 Unprocessable Entity", 422, {"issue": [{"code": "invalid"}]})
    assert [i.id for i in store.outbox_pending(10)] == [str(ms[2].id)], "quarantined items must leave the queue"
    (batch,) = store.quarantine_list()
    assert batch["batch_id"] == "batch-q" and batch["http_status"] == 422 and batch["ids"] == ids
    assert batch["outcome"] == {"issue": [{"code": "invalid"}]} and batch["count"] == 2
    assert store.outbox_stats()["quarantined_batches"] == 1
    assert store.quarantine_requeue("batch-q") == 2
    assert store.quarantine_list() == [], "a requeued batch is no longer listed as quarantined"
    assert store.quarantine_get("batch-q")["requeued_at"] is not None
    pending = store.outbox_pending(10)
    assert sorted(i.id for i in pending) == sorted(str(m.id) for m in ms) and all(i.attempts == 0 for i in pending[:2])


def test_requeue_of_an_unknown_batch_is_a_clear_error(store):
    with pytest.raises(UnknownRecord, match="no quarantined batch nope"):
        store.quarantine_requeue("nope")


def test_sync_state_round_trips_and_overwrites(store):
    assert store.sync_state_get("token") is None
    store.sync_state_set("token", "a")
    store.sync_state_set("token", "b")
    assert store.sync_state_get("token") == "b"


def test_outbox_survives_reopening(tmp_path):
    cfg = store_config(tmp_path)
    with open_store(cfg) as s:
        session = sample_session()
        s.create_session(session)
        m = sample_blood_pressure()
        s.add_measurement(session.id, m)
    with open_store(cfg) as s:
        assert [i.id for i in s.outbox_pending(10)] == [str(m.id)]


def test_outbox_record_gives_back_what_each_item_stands_for(store):
    from kiosk.audit import AuditLog

    session, ms = _session_with(store, 1)
    report = {"report_id": str(uuid.uuid4()), "items": [1]}
    store.save_report(session.id, report)
    entry = AuditLog(store).record("dr", "doctor", "session.view", target=str(session.id))
    records = [store.outbox_record(i) for i in store.outbox_pending(10)]
    assert records[0] == ms[0] and records[1] == report and records[2]["hash"] == entry.hash
