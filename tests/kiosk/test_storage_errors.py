"""Each way the database can fail gives its own error and message, and nothing half-written is kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from kiosk.errors import StorageError
from kiosk.storage import (
    LATEST_VERSION,
    DatabaseCorrupt,
    DatabaseLocked,
    DiskFull,
    NotAcceptingSessions,
    SchemaTooNew,
    open_store,
)
from kiosk.storage.connection import database_path
from kiosk.storage.testing import sample_grip, sample_session, store_config


def _make_store_with_data(cfg):
    with open_store(cfg) as s:
        session = sample_session()
        s.create_session(session)
        for i in range(50):
            s.add_measurement(session.id, sample_grip(20 + i * 0.1, trial=i + 1))
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database_path(cfg)


def test_a_file_that_is_not_a_database_is_reported_as_corrupt(tmp_path):
    cfg = store_config(tmp_path)
    path = database_path(cfg)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is a shopping list, not a database\n" * 200)
    with pytest.raises(DatabaseCorrupt, match="not a database") as info:
        open_store(cfg)
    assert "restore" in str(info.value), "the message should say what to do"
    assert info.value.resident_message == StorageError.resident_message


def test_a_database_with_damaged_pages_fails_its_integrity_check_on_open(tmp_path):
    cfg = store_config(tmp_path)
    path = _make_store_with_data(cfg)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page, "the test needs a database of several pages"
    for at in range(2 * page, len(data), page):  # keep page 1 (the header and schema) and scribble on the rest
        data[at + 8:at + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt, match=r"integrity check failed|malformed|corrupt"):
        open_store(cfg)


def test_a_database_from_newer_software_is_refused_naming_both_versions(tmp_path):
    cfg = store_config(tmp_path)
    path = _make_store_with_data(cfg)
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaTooNew, match=f"schema version 99.*up to version {LATEST_VERSION}") as info:
        open_store(cfg)
    assert (info.value.found, info.value.supported) == (99, LATEST_VERSION)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 99, "a newer database must not be touched"


LOCK_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_write_lock_held_past_the_timeout_gives_a_locked_error_and_stops_new_sessions(tmp_path):
    cfg = store_config(tmp_path)
    open_store(cfg).close()
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(database_path(cfg))], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked", "the other process should take the write lock"
        store = open_store(cfg, busy_timeout_s=0.2)
        with pytest.raises(DatabaseLocked, match=r"another process held the write lock for more than 0.2 s"):
            store.create_session(sample_session())
        assert not store.accepting_sessions and "write lock" in store.refusal_reason
    finally:
        holder.kill()
        holder.wait()
    with pytest.raises(NotAcceptingSessions, match="refused until a technician checks"):
        store.create_session(sample_session())
    assert store.resume_sessions(), "once the lock is gone a health check should reopen the station"
    store.create_session(sample_session())
    store.close()


def test_a_full_disk_rolls_the_write_back_and_stops_new_sessions(tmp_path):
    store = open_store(store_config(tmp_path))
    session = sample_session()
    store.create_session(session)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLITE_FULL on the next page the database needs
    saved = []
    with pytest.raises(DiskFull, match=r"disk .* is full"):
        for i in range(10_000):
            m = sample_grip(20 + (i % 100) * 0.1, trial=i + 1)
            store.add_measurement(session.id, m)
            saved.append(m)
    assert not store.accepting_sessions
    with pytest.raises(NotAcceptingSessions):
        store.create_session(sample_session())
    kept = store.load_session(session.id).measurements
    assert kept == tuple(saved), "exactly the measurements whose writes returned are kept"
    outbox_ids = [r[0] for r in store.conn.execute("SELECT id FROM outbox ORDER BY seq").fetchall()]
    assert outbox_ids == [str(m.id) for m in saved], "no measurement without its outbox row, and vice versa"
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.resume_sessions()
    store.close()


def test_plain_mode_is_announced_loudly_in_the_log(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="kiosk.storage"):
        open_store(store_config(tmp_path)).close()
    assert any(r.levelname == "WARNING" and "NOT ENCRYPTED" in r.getMessage() for r in caplog.records)


def test_too_little_free_disk_refuses_a_new_session_before_writing_it(tmp_path):
    store = open_store(store_config(tmp_path), min_free_bytes=1 << 62)
    with pytest.raises(NotAcceptingSessions, match="free on the data disk"):
        store.create_session(sample_session())
    assert not store.accepting_sessions and store.db["sessions"].count == 0
    store.close()


def test_two_stores_on_one_database_write_and_read_each_others_rows(tmp_path):
    cfg = store_config(tmp_path)
    kiosk_side, uploader_side = open_store(cfg), open_store(cfg)
    session = sample_session()
    kiosk_side.create_session(session)
    m = sample_grip()
    kiosk_side.add_measurement(session.id, m)
    (item,) = uploader_side.outbox_pending(10)
    uploader_side.outbox_mark_acked([item.id], "b1")
    assert kiosk_side.outbox_stats()["acked"] == 1
    kiosk_side.close()
    uploader_side.close()
