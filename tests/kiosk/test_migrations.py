"""Every migration step: an old database migrates to the latest schema with its data kept."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlite_utils import Database

from kiosk.storage import LATEST_VERSION, open_store
from kiosk.storage import migrations as mig
from kiosk.storage.connection import database_path
from kiosk.storage.testing import store_config

SESSION_ID = str(uuid.UUID(int=1))
MEASUREMENT_ID = str(uuid.UUID(int=2))
REPORT_ID = str(uuid.UUID(int=3))


def _db_at(path: Path, version: int) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(path, isolation_level=None), execute_plugins=False)
    assert mig.migrate(db, path, target=version) == (0, version)
    return db


def _fill(db: Database, version: int) -> None:
    """Rows as software at ``version`` would have written them (only the tables that existed then)."""
    db["sessions"].insert({"id": SESSION_ID, "station_id": "st", "pseudonym": "p1", "is_guest": 0, "sex": "F",
                           "age_years": 65, "started_at": "2026-01-01T09:00:00+00:00", "test_date": "2026-01-01",
                           "consent_json": None, "safety_json": None, "state": "open"})
    db["session_personal"].insert({"session_id": SESSION_ID, "name": "invented", "national_id": "x",
                                   "phone": None, "birth_date": "1961-03-02"})
    db["measurements"].insert({"id": MEASUREMENT_ID, "session_id": SESSION_ID, "item": "grip", "value": 31.5,
                               "unit": "kg", "trial": 1, "taken_at": "2026-01-01T09:05:00+00:00",
                               "components_json": "{}", "side": "right", "device_id": "grip", "method": "device",
                               "calibration_id": None, "quality_flags_json": "[]",
                               "saved_at": "2026-01-01T09:05:01+00:00"})
    db["outbox"].insert({"id": MEASUREMENT_ID, "kind": "measurement", "session_id": SESSION_ID,
                         "created_at": "2026-01-01T09:05:01+00:00", "attempts": 2, "state": "pending"})
    if version >= 2:
        db["reports"].insert({"report_id": REPORT_ID, "session_id": SESSION_ID,
                              "created_at": "2026-01-01T09:30:00+00:00", "body_json": '{"report_id":"r"}'})
    if version >= 3:
        db["sync_state"].insert({"key": "cursor", "value": "7", "updated_at": "2026-01-01T10:00:00+00:00"})


def _schema(db: Database) -> dict[str, list[tuple]]:
    return {t.name: sorted((c.name, c.type, c.notnull, c.default_value, c.is_pk) for c in t.columns)
            for t in db.tables}


def _fresh_schema(tmp_path: Path) -> dict[str, list[tuple]]:
    return _schema(_db_at(tmp_path / "fresh.db", LATEST_VERSION))


def test_the_migration_list_is_numbered_one_step_at_a_time():
    assert [m.version for m in mig.MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    assert all(m.description for m in mig.MIGRATIONS)


def test_a_new_database_reaches_the_latest_version(tmp_path):
    with open_store(store_config(tmp_path)) as s:
        assert mig.schema_version(s.db) == LATEST_VERSION


@pytest.mark.parametrize("start", range(1, LATEST_VERSION))
def test_each_old_version_migrates_to_the_latest_with_its_data_kept(tmp_path, start):
    cfg = store_config(tmp_path)
    path = database_path(cfg)
    db = _db_at(path, start)
    _fill(db, start)
    db.close()
    with open_store(cfg) as s:
        assert mig.schema_version(s.db) == LATEST_VERSION
        assert _schema(s.db) == _fresh_schema(tmp_path), f"v{start} migrated must equal a fresh v{LATEST_VERSION}"
        session = s.load_session(uuid.UUID(SESSION_ID))
        assert session.resident.name == "invented" and session.measurements[0].value == 31.5
        (item,) = s.outbox_pending(10)
        assert (item.id, item.attempts) == (MEASUREMENT_ID, 2), "queued items and their attempts must survive"
        if start >= 2:
            assert s.load_report(uuid.UUID(SESSION_ID)) == {"report_id": "r"}
        if start >= 3:
            assert s.sync_state_get("cursor") == "7"


@pytest.mark.parametrize("step", mig.MIGRATIONS, ids=lambda m: f"v{m.version}")
def test_each_step_alone_moves_exactly_one_version(tmp_path, step):
    path = tmp_path / "db.sqlite"
    db = _db_at(path, step.version - 1)
    if step.version - 1 >= 1:
        _fill(db, step.version - 1)
    before = {t.name for t in db.tables}
    assert mig.migrate(db, path, target=step.version) == (step.version - 1, step.version)
    assert {t.name for t in db.tables} >= before, "a step only ever adds"
    if step.version - 1 >= 1:
        assert db["measurements"].count == 1 and db["outbox"].count == 1


def test_a_step_that_fails_leaves_the_database_at_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite"
    db = _db_at(path, 1)

    def broken(d: Database) -> None:
        d["half_done"].create({"x": int})
        raise RuntimeError("power cut in the middle of a step")

    monkeypatch.setattr(mig, "MIGRATIONS", (mig.MIGRATIONS[0], mig.Migration(2, "broken", broken)))
    monkeypatch.setattr(mig, "LATEST_VERSION", 2)
    with pytest.raises(RuntimeError):
        mig.migrate(db, path, target=2)
    assert mig.schema_version(db) == 1 and "half_done" not in db.table_names(), "a failed step must roll back"


def test_migrating_an_up_to_date_database_is_a_no_op(tmp_path):
    path = tmp_path / "db.sqlite"
    db = _db_at(path, LATEST_VERSION)
    assert mig.migrate(db, path) == (LATEST_VERSION, LATEST_VERSION)


def test_a_database_is_backed_up_before_it_is_migrated(tmp_path):
    from kiosk.storage.migrations import backup_path

    cfg = store_config(tmp_path)
    path = database_path(cfg)
    db = _db_at(path, 1)
    _fill(db, 1)
    db.close()
    with open_store(cfg) as s:
        assert s.migrated == (1, LATEST_VERSION)
    backup = Database(sqlite3.connect(backup_path(path, 1)))
    assert mig.schema_version(backup) == 1 and backup["measurements"].count == 1, "the backup is the old database"
