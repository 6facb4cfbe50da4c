"""A truncated audit log is found: against the outbox rows of audit entries and the head the cloud acknowledged
(issue 16 item 4).

Before, deleting the newest entries and rewriting the stored chain head, or deleting the whole log with
its head, verified "ok". Every entry is queued in the outbox in its own transaction, and when the
uploader's batch is acknowledged the station records the newest acknowledged entry (seq, hash, count).
"""

from __future__ import annotations

import pytest

from kiosk.audit import HEAD_KEY, AuditLog
from kiosk.cli import main
from kiosk.storage import open_store
from kiosk.storage.testing import store_config


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path))
    yield s
    s.close()


@pytest.fixture
def log6(store):
    log = AuditLog(store)
    for i in range(6):
        log.record(f"doctor-{i}", "doctor", "session.view", target=f"session-{i}")
    return log


def _truncate_to(store, keep: int, *, outbox_too: bool = False) -> None:
    """What a local attacker does: delete the newest entries and make the head point at the new last one."""
    conn = store.conn
    gone = [r[0] for r in conn.execute("SELECT id FROM audit WHERE seq > ?", (keep,))]
    conn.execute("DELETE FROM audit WHERE seq > ?", (keep,))
    last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    if last:
        conn.execute("UPDATE sync_state SET value = ? WHERE key = ?", (f"{last[0]} {last[1]}", HEAD_KEY))
    else:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (HEAD_KEY,))
    if outbox_too:
        conn.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in gone])


def test_deleting_the_tail_and_rewriting_the_head_is_found_from_the_outbox(log6, store):
    _truncate_to(store, 4)
    result = log6.verify()
    assert not result.ok and "outbox" in result.problem and "2 audit entries" in result.problem, result


def test_deleting_the_whole_log_and_its_head_is_found(log6, store):
    _truncate_to(store, 0)
    result = log6.verify()
    assert not result.ok and "6 audit entries" in result.problem, result


def test_deleting_the_tail_with_its_outbox_rows_is_found_from_the_cloud_acknowledgement(log6, store):
    ids = [e.id for e in log6.entries()]
    store.outbox_mark_acked(ids, "batch-1")  # the uploader's acknowledgement: the cloud holds all six
    _truncate_to(store, 3, outbox_too=True)
    result = log6.verify()
    assert not result.ok and "acknowledged" in result.problem and "6" in result.problem, result


def test_an_intact_log_with_acknowledged_entries_verifies(log6, store):
    store.outbox_mark_acked([e.id for e in log6.entries()][:4], "batch-1")
    log6.store.clock = store.clock
    AuditLog(store).record("doctor-9", "doctor", "session.view")
    result = log6.verify()
    assert result.ok and result.checked == 7


def test_an_entry_whose_outbox_row_was_deleted_is_found(log6, store):
    store.conn.execute("DELETE FROM outbox WHERE id = (SELECT id FROM audit WHERE seq = 2)")
    result = log6.verify()
    assert not result.ok and result.first_bad_seq == 2, result


def test_audit_verify_says_what_it_cannot_prove(tmp_path, capsys):
    with open_store(store_config(tmp_path)) as s:
        AuditLog(s).record("doctor-1", "doctor", "session.view")
    assert main(["--data-dir", str(tmp_path / "var"), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "cannot prove" in out and "cloud" in out


def test_the_uploaders_acknowledgement_records_what_the_cloud_holds(tmp_path):
    """Through the real uploader and the FHIR test double (our own, stdlib HTTP): once the cloud acknowledged
    the entries, deleting them together with their outbox rows is still found."""
    from sync.testing.fhir_test_server import FhirTestServer
    from sync.testing.station import station_config
    from sync.uploader import Uploader

    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=50)
        with open_store(cfg) as s:
            log = AuditLog(s)
            for i in range(5):
                log.record(f"doctor-{i}", "doctor", "session.view", target=f"session-{i}")
            report = Uploader(cfg, store=s, random=lambda: 0.5).drain_once(force=True)
            assert report.rows_acked == 5, report
            assert len(server.memory.resources("AuditEvent")) == 5
            assert log.verify().ok and log.verify().acknowledged_seq == 5
            _truncate_to(s, 2, outbox_too=True)
            result = log.verify()
    assert not result.ok and "acknowledged 5 entries up to entry 5" in result.problem, result
