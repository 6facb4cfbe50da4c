"""Versioned schema migrations: the database's PRAGMA user_version is the number of steps applied.

Each step runs in its own write transaction together with the user_version bump, so a crash leaves
the database at the previous version or the next, never between. A database from a newer version is
refused, never downgraded. Steps only ever add; a released step is never edited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from kiosk.logs import log_event
from kiosk.storage.errors import SQLITE_ERRORS, SchemaTooNew, translate

log = logging.getLogger("kiosk.storage.migrations")


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Database], None]


def _v1_sessions_measurements_outbox(db: Database) -> None:
    db["sessions"].create(
        {"id": str, "station_id": str, "pseudonym": str, "is_guest": int, "sex": str, "age_years": int,
         "started_at": str, "test_date": str, "consent_json": str, "safety_json": str, "state": str,
         "finished_at": str, "personal_purged_at": str},
        pk="id", not_null={"station_id", "pseudonym", "is_guest", "started_at", "test_date", "state"})
    db["sessions"].create_index(["pseudonym", "started_at"])
    # identifying data apart from everything else, so retention can delete it without touching results
    db["session_personal"].create(
        {"session_id": str, "name": str, "national_id": str, "phone": str, "birth_date": str},
        pk="session_id", foreign_keys=[("session_id", "sessions", "id")])
    db["measurements"].create(
        {"id": str, "session_id": str, "item": str, "value": float, "unit": str, "trial": int, "taken_at": str,
         "components_json": str, "side": str, "device_id": str, "method": str, "calibration_id": str,
         "quality_flags_json": str, "saved_at": str},
        pk="id", not_null={"session_id", "item", "value", "unit", "trial", "taken_at", "method", "saved_at"},
        foreign_keys=[("session_id", "sessions", "id")])
    db["measurements"].create_index(["session_id"])
    db["outbox"].create(
        {"seq": int, "id": str, "kind": str, "session_id": str, "created_at": str, "attempts": int, "state": str,
         "acked_at": str},
        pk="seq", not_null={"id", "kind", "created_at", "attempts", "state"}, defaults={"attempts": 0,
                                                                                      "state": "pending"})
    db["outbox"].create_index(["id"], unique=True)
    db["outbox"].create_index(["state", "seq"])
    db["outbox"].create_index(["session_id"])


def _v2_reports_reviews_calibrations(db: Database) -> None:
    for table, pk in (("reports", "report_id"), ("reviews", "review_id")):
        db[table].create({pk: str, "session_id": str, "created_at": str, "body_json": str}, pk=pk,
                         not_null={"session_id", "created_at", "body_json"},
                         foreign_keys=[("session_id", "sessions", "id")])
        db[table].create_index(["session_id"])
    db["calibrations"].create(
        {"id": str, "device_id": str, "procedure": str, "performed_by": str, "performed_at": str, "result": str,
         "valid_until": str, "references_json": str, "readings_json": str, "correction_json": str, "notes": str},
        pk="id", not_null={"device_id", "procedure", "performed_by", "performed_at", "result", "valid_until"})
    db["calibrations"].create_index(["device_id", "performed_at"])


def _v3_sync_bookkeeping(db: Database) -> None:
    outbox = db["outbox"]
    outbox.add_column("last_error", str)
    outbox.add_column("last_attempt_at", str)
    outbox.add_column("batch_id", str)
    db["quarantine"].create(
        {"batch_id": str, "created_at": str, "reason": str, "http_status": int, "outcome_json": str,
         "item_ids_json": str, "requeued_at": str},
        pk="batch_id", not_null={"created_at", "reason", "item_ids_json"})
    db["sync_state"].create({"key": str, "value": str, "updated_at": str}, pk="key", not_null={"value"})


def _v4_staff_and_audit(db: Database) -> None:
    db["staff"].create(
        {"name": str, "role": str, "pin_hash": str, "pin_salt": str, "scrypt_n": int, "scrypt_r": int,
         "scrypt_p": int, "failed_attempts": int, "locked_until": str, "created_at": str, "active": int},
        pk="name", not_null={"role", "pin_hash", "pin_salt", "scrypt_n", "scrypt_r", "scrypt_p", "failed_attempts",
                             "created_at", "active"}, defaults={"failed_attempts": 0, "active": 1})
    db["audit"].create(
        {"seq": int, "id": str, "at": str, "actor": str, "role": str, "action": str, "target": str,
         "details_json": str, "prev_hash": str, "hash": str},
        pk="seq", not_null={"id", "at", "actor", "role", "action", "details_json", "prev_hash", "hash"})
    db["audit"].create_index(["id"], unique=True)


def _v5_not_measured(db: Database) -> None:
    # tests tried without a valid result: no value column at all, so nothing can read one as a 0
    db["not_measured"].create(
        {"id": str, "session_id": str, "item": str, "reason": str, "trial": int, "taken_at": str, "device_id": str,
         "method": str, "saved_at": str},
        pk="id", not_null={"session_id", "item", "reason", "trial", "taken_at", "method", "saved_at"},
        foreign_keys=[("session_id", "sessions", "id")])
    db["not_measured"].create_index(["session_id"])


def _v6_evidence_stills_and_count_corrections(db: Database) -> None:
    # camera stills are personal data (a face): kept with the session, purged with its personal data
    db["evidence_stills"].create(
        {"id": str, "session_id": str, "measurement_id": str, "item": str, "seq": int, "moment": str, "rep": int,
         "at_s": float, "jpeg": bytes, "width": int, "height": int, "created_at": str},
        pk="id", not_null={"session_id", "measurement_id", "item", "seq", "moment", "at_s", "jpeg", "created_at"},
        foreign_keys=[("session_id", "sessions", "id")])
    db["evidence_stills"].create_index(["session_id", "measurement_id", "seq"])
    # a doctor's count, beside the camera's (the measurement row is never changed)
    db["count_corrections"].create(
        {"id": str, "session_id": str, "measurement_id": str, "item": str, "camera_count": int,
         "corrected_count": int, "corrected_by": str, "corrected_at": str, "report_id": str},
        pk="id", not_null={"session_id", "measurement_id", "item", "camera_count", "corrected_count",
                           "corrected_by", "corrected_at"},
        foreign_keys=[("session_id", "sessions", "id")])
    db["count_corrections"].create_index(["session_id"])


def _v7_questionnaire_responses(db: Database) -> None:
    # a stopped questionnaire keeps its answers and has no score (score_json NULL): never a score for a partial one
    db["questionnaire_responses"].create(
        {"id": str, "session_id": str, "instrument": str, "instrument_version": str, "status": str,
         "answers_json": str, "score_json": str, "language": str, "started_at": str, "finished_at": str,
         "saved_at": str},
        pk="id", not_null={"session_id", "instrument", "instrument_version", "status", "answers_json", "language",
                           "started_at", "finished_at", "saved_at"},
        foreign_keys=[("session_id", "sessions", "id")])
    db["questionnaire_responses"].create_index(["session_id"])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, measurements, personal data and the outbox", _v1_sessions_measurements_outbox),
    Migration(2, "reports, doctor reviews and calibration records", _v2_reports_reviews_calibrations),
    Migration(3, "sync bookkeeping: attempt errors, batch ids, quarantine, sync state", _v3_sync_bookkeeping),
    Migration(4, "staff accounts and the hash-chained audit log", _v4_staff_and_audit),
    Migration(5, "tests tried without a valid result (not measured, with the reason)", _v5_not_measured),
    Migration(6, "camera evidence stills and doctors' count corrections", _v6_evidence_stills_and_count_corrections),
    Migration(7, "self-assessment questionnaire responses (completed or stopped)", _v7_questionnaire_responses),
)
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _rollback(db: Database) -> None:
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")


def migrate(db: Database, path: Path, *, target: int = LATEST_VERSION) -> tuple[int, int]:
    """Apply every step above the database's version up to ``target``; returns (from, to).

    Raises SchemaTooNew for a database written by newer software (naming both versions).
    """
    found = schema_version(db)
    if found > LATEST_VERSION:
        raise SchemaTooNew(f"{path}: the database has schema version {found}, but this station software "
                           f"supports up to version {LATEST_VERSION}; it was written by newer software — "
                           "install that version again (the database is never downgraded)",
                           found=found, supported=LATEST_VERSION)
    for step in MIGRATIONS:
        if found < step.version <= target:
            try:
                db.execute("BEGIN IMMEDIATE")
                # re-read under the write lock: another process may have migrated meanwhile
                if schema_version(db) >= step.version:
                    db.execute("ROLLBACK")
                    continue
                step.apply(db)
                db.execute(f"PRAGMA user_version = {step.version}")
                db.execute("COMMIT")
            except SQLITE_ERRORS as e:
                _rollback(db)
                raise translate(e, path, f"migrating to schema version {step.version}") from None
            except BaseException:
                _rollback(db)
                raise
            log_event(log, logging.INFO, "migrated the database", version=step.version, step=step.description)
    return found, schema_version(db)


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.stem}.v{version}.bak")


def backup_before_migrating(db: Database, path: Path) -> None:
    """Keep a copy (encrypted like the original) of a database that is about to be migrated."""
    found = schema_version(db)
    if not 0 < found < LATEST_VERSION:
        return
    target = backup_path(path, found)
    if target.exists():
        return
    try:
        db.conn.execute("VACUUM INTO ?", (str(target),))
    except SQLITE_ERRORS as e:
        raise translate(e, path, f"backing up before migrating from version {found}") from None
    log_event(log, logging.WARNING, "backed up the database before migrating", backup=str(target), version=found)
