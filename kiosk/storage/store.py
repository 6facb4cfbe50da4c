"""The Store: one connection to the station database, the only way the station reads or writes it.

Every write is one transaction (BEGIN IMMEDIATE … COMMIT) in WAL mode with synchronous=FULL, so a
result is on disk before its method returns, and its outbox row is in the same transaction. A failed
write rolls back, raises a specific StorageError, and puts the store in a state that refuses new
sessions (``accepting_sessions`` False) until a technician has checked it.
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from kiosk.config import StationConfig, StorageEncryption
from kiosk.domain import CalibrationRecord, Measurement, NotMeasured, Session, SessionState, utcnow
from kiosk.errors import InputError, StorageError
from kiosk.logs import log_event
from kiosk.storage import outbox
from kiosk.storage.audit_rows import audit_entry_dict
from kiosk.storage.connection import (
    SQLITE_HEADER,
    Connection,
    connect,
    database_path,
    key_file_path,
    load_or_create_key,
    make_data_dir,
    quick_check,
)
from kiosk.storage.errors import (
    SQLITE_ERRORS,
    DatabaseCorrupt,
    KeyFileError,
    NotAcceptingSessions,
    RecordConflict,
    UnknownRecord,
    translate,
)
from kiosk.storage.migrations import LATEST_VERSION, backup_before_migrating, migrate
from kiosk.storage.presence import Create, check_may_create, ensure_stamp, file_is_empty
from kiosk.storage.questionnaires import load_questionnaires, questionnaire_record
from kiosk.storage.rows import (
    calibration_from_row,
    calibration_row,
    iso,
    measurement_from_row,
    measurement_row,
    not_measured_from_row,
    not_measured_row,
    personal_row,
    session_from_rows,
    session_row,
    to_json,
)

log = logging.getLogger("kiosk.storage")

Clock = Callable[[], datetime]
DEFAULT_BUSY_TIMEOUT_S = 5.0
DEFAULT_MIN_FREE_BYTES = 20 * 1024 * 1024


def open_store(cfg: StationConfig, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S, clock: Clock = utcnow,
               min_free_bytes: int = DEFAULT_MIN_FREE_BYTES, create: Create | str = Create.IF_FRESH) -> Store:
    """Open and migrate the station database described by ``cfg.storage``.

    A missing or empty database becomes a new one only as ``create`` allows (kiosk.storage.presence):
    by default only in a data folder that shows no sign of earlier data; never for ``Create.NEVER``.
    """
    create = Create(create)
    path = database_path(cfg)
    key_path = key_file_path(cfg)
    encryption = cfg.storage.encryption
    if encryption is StorageEncryption.SQLCIPHER and key_path.exists():
        load_or_create_key(key_path)  # a malformed or exposed key file is the first thing to say
    was_empty = file_is_empty(path)
    if was_empty:
        check_may_create(cfg, path, key_path, create, "missing" if not path.exists() else "empty (0 bytes)")
    key = None
    if encryption is StorageEncryption.SQLCIPHER:
        make_data_dir(cfg.data_path)
        if not key_path.exists() and path.exists() and not _is_plain_or_empty(path):
            raise KeyFileError(f"{key_path}: the database key file is missing, and {path} cannot be read without "
                               "its original key; restore the key file (a new key would not open it)")
        key = load_or_create_key(key_path)
    conn = connect(path, encryption, key, busy_timeout_s=busy_timeout_s)
    try:
        if not was_empty and not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            check_may_create(cfg, path, key_path, create, "without tables")
        problems = quick_check(conn, path)
        if problems:
            raise DatabaseCorrupt(f"{path}: the integrity check failed: {'; '.join(problems[:5])}; keep the file "
                                  "for inspection and restore a backup")
        db = Database(conn, execute_plugins=False)
        backup_before_migrating(db, path)
        migrated = migrate(db, path)
        ensure_stamp(path, cfg.station_id)
    except BaseException:
        conn.close()
        raise
    store = Store(db, path, encryption, busy_timeout_s=busy_timeout_s, clock=clock, min_free_bytes=min_free_bytes,
                  retention_days=cfg.storage.retention_days)
    store.migrated = migrated
    return store


def _is_plain_or_empty(path: Path) -> bool:
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    return header in (b"", SQLITE_HEADER)


class Store:
    """The station database through one connection, for one thread (open another Store per thread)."""

    def __init__(self, db: Database, path: Path, encryption: StorageEncryption, *, busy_timeout_s: float,
                 clock: Clock, min_free_bytes: int, retention_days: int = 30) -> None:
        self.db = db
        self.path = path
        self.encryption = encryption
        self.busy_timeout_s = busy_timeout_s
        self.clock = clock
        self.min_free_bytes = min_free_bytes
        self.retention_days = retention_days
        self._refusal: str | None = None
        self.migrated: tuple[int, int] = (LATEST_VERSION, LATEST_VERSION)  # (from, to) when this store was opened

    # ---- lifecycle and health ---------------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def accepting_sessions(self) -> bool:
        return self._refusal is None

    @property
    def refusal_reason(self) -> str | None:
        """Why new sessions are refused (the technician message of the failure), or None."""
        return self._refusal

    def refuse_sessions(self, reason: str) -> None:
        if self._refusal is None:
            log_event(log, logging.ERROR, "the station stops taking new sessions", reason=reason)
        self._refusal = reason

    def resume_sessions(self) -> bool:
        """After a failure: check the database and try a durable write; accept sessions again if both pass."""
        try:
            problems = quick_check(self.conn, self.path)
            if problems:
                self.refuse_sessions(f"integrity check failed: {problems[0]}")
                return False
            with self.write("a health-check write"):
                self._set_state("storage.last_health_check", iso(self.clock()))
        except StorageError:
            return False
        self._refusal = None
        log_event(log, logging.WARNING, "the station takes new sessions again")
        return True

    @contextmanager
    def write(self, doing: str) -> Iterator[Connection]:
        """One durable write transaction; on any failure it is rolled back and a StorageError raised.

        A storage failure (not a caller's conflict) also stops new sessions.
        """
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except SQLITE_ERRORS as e:
            raise self._failed(e, doing) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except SQLITE_ERRORS as e:
            self._rollback()
            raise self._failed(e, doing) from None
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except SQLITE_ERRORS as e:  # the transaction may already be gone; the error that got us here matters
                log_event(log, logging.ERROR, "rollback failed", error=str(e))

    def _failed(self, exc: BaseException, doing: str) -> StorageError:
        err = translate(exc, self.path, doing, busy_timeout_s=self.busy_timeout_s)
        if not isinstance(err, RecordConflict):
            self.refuse_sessions(str(err))
        log_event(log, logging.ERROR, "database write failed", doing=doing, error_class=type(err).__name__)
        return err

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            cur = self.conn.execute(sql, tuple(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        except SQLITE_ERRORS as e:
            raise translate(e, self.path, "reading", busy_timeout_s=self.busy_timeout_s) from None

    @staticmethod
    def _insert(conn: Connection, table: str, row: Mapping[str, Any]) -> None:
        cols = ", ".join(row)
        conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))

    # ---- sessions and results ---------------------------------------------------------------------

    def create_session(self, session: Session) -> None:
        """Store a new session and its resident's personal data (kept apart, for retention to purge)."""
        if self._refusal is not None:
            raise NotAcceptingSessions(f"{self.path}: new sessions are refused until a technician checks the "
                                       f"database: {self._refusal}")
        free = shutil.disk_usage(self.path.parent).free
        if free < self.min_free_bytes:
            self.refuse_sessions(f"only {free // 1024} KiB free on the data disk")
            raise NotAcceptingSessions(f"{self.path.parent}: only {free // 1024} KiB free on the data disk (at least "
                                       f"{self.min_free_bytes // 1024} KiB needed); free space before taking sessions")
        with self.write(f"saving session {session.id}") as conn:
            self._insert(conn, "sessions", session_row(session))
            personal = personal_row(session)
            if personal:
                self._insert(conn, "session_personal", personal)
            for m in session.measurements:
                self._add_measurement(conn, session.id, m)
            for nm in session.not_measured:
                self._add_not_measured(conn, session.id, nm)

    def _require_session(self, session_id: uuid.UUID) -> None:
        if not self._rows("SELECT 1 FROM sessions WHERE id = ?", (str(session_id),)):
            raise UnknownRecord(f"{self.path}: no session {session_id}")

    def _add_measurement(self, conn: Connection, session_id: uuid.UUID, m: Measurement) -> None:
        now = self.clock()
        self._insert(conn, "measurements", measurement_row(session_id, m, now))
        outbox.enqueue(conn, "measurement", str(m.id), str(session_id), now)

    def add_measurement(self, session_id: uuid.UUID, m: Measurement) -> None:
        """Store one trial and queue it for sync; committed and synced to disk when this returns."""
        self._require_session(session_id)
        with self.write(f"saving measurement {m.id}") as conn:
            self._add_measurement(conn, session_id, m)

    def _add_not_measured(self, conn: Connection, session_id: uuid.UUID, nm: NotMeasured) -> None:
        now = self.clock()
        self._insert(conn, "not_measured", not_measured_row(session_id, nm, now))
        outbox.enqueue(conn, "not_measured", str(nm.id), str(session_id), now)

    def add_not_measured(self, session_id: uuid.UUID, nm: NotMeasured) -> None:
        """Store a test tried without a valid result (no value, the reason) and queue it for sync; durable."""
        self._require_session(session_id)
        with self.write(f"saving not-measured {nm.id}") as conn:
            self._add_not_measured(conn, session_id, nm)

    def save_report(self, session_id: uuid.UUID, report: Mapping[str, Any]) -> None:
        self._save_document("reports", "report", "report_id", session_id, report)

    def save_review(self, session_id: uuid.UUID, review: Mapping[str, Any],
                    audit: Callable[[Connection], object] | None = None) -> None:
        """A doctor's note or prescription change, kept beside the original report. ``audit`` writes its audit
        entry in the same transaction: a review is never stored unaudited, nor audited unstored."""
        self._save_document("reviews", "review", "review_id", session_id, review, also=audit)

    def _save_document(self, table: str, kind: str, id_key: str, session_id: uuid.UUID,
                       body: Mapping[str, Any], also: Callable[[Connection], object] | None = None) -> None:
        doc_id = body.get(id_key)
        try:
            doc_id = str(uuid.UUID(str(doc_id)))
        except ValueError:
            raise InputError(f"expected a UUID string, got {doc_id!r}", field=f"{kind}.{id_key}") from None
        self._require_session(session_id)
        body_json = to_json(dict(body), field=kind)
        with self.write(f"saving {kind} {doc_id}") as conn:
            now = self.clock()
            self._insert(conn, table, {id_key: doc_id, "session_id": str(session_id), "created_at": iso(now),
                                       "body_json": body_json})
            outbox.enqueue(conn, kind, doc_id, str(session_id), now)
            if also is not None:
                also(conn)

    def finish_session(self, session_id: uuid.UUID, state: SessionState) -> None:
        self._require_session(session_id)
        with self.write(f"finishing session {session_id}") as conn:
            conn.execute("UPDATE sessions SET state = ?, finished_at = ? WHERE id = ?",
                         (SessionState(state).value, iso(self.clock()), str(session_id)))

    def load_session(self, session_id: uuid.UUID) -> Session:
        """The session with its resident (personal fields unless purged) and every measurement, in saving order."""
        rows = self._rows("SELECT * FROM sessions WHERE id = ?", (str(session_id),))
        if not rows:
            raise UnknownRecord(f"{self.path}: no session {session_id}")
        return self._session(rows[0])

    def _session(self, row: Mapping[str, Any]) -> Session:
        personal = self._rows("SELECT * FROM session_personal WHERE session_id = ?", (row["id"],))
        ms = tuple(measurement_from_row(r) for r in
                   self._rows("SELECT * FROM measurements WHERE session_id = ? ORDER BY rowid", (row["id"],)))
        nms = tuple(not_measured_from_row(r) for r in
                    self._rows("SELECT * FROM not_measured WHERE session_id = ? ORDER BY rowid", (row["id"],)))
        session = session_from_rows(row, personal[0] if personal else None, ms, nms)
        return replace(session, questionnaires=load_questionnaires(self, session.id))

    def sessions_of(self, pseudonym: str) -> list[Session]:
        """Every session of one resident, oldest first (for trends and "since last visit")."""
        rows = self._rows("SELECT * FROM sessions WHERE pseudonym = ? ORDER BY started_at, rowid", (pseudonym,))
        return [self._session(r) for r in rows]

    def load_report(self, session_id: uuid.UUID) -> dict[str, Any] | None:
        """The latest report saved for the session, or None."""
        return self._latest_document("reports", session_id)

    def load_reviews(self, session_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every review of the session, oldest first."""
        return [json.loads(r["body_json"]) for r in
                self._rows("SELECT body_json FROM reviews WHERE session_id = ? ORDER BY rowid", (str(session_id),))]

    def sessions_awaiting_review(self) -> list[tuple[Session, dict[str, Any]]]:
        """Completed sessions with a report and no signed review yet, newest first, each with its latest report."""
        rows = self._rows(
            "SELECT s.*, (SELECT body_json FROM reports r WHERE r.session_id = s.id ORDER BY r.rowid DESC LIMIT 1) "
            "AS report_json FROM sessions s WHERE s.state = ? AND EXISTS (SELECT 1 FROM reports r WHERE r.session_id "
            "= s.id) AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.session_id = s.id AND "
            "coalesce(json_extract(v.body_json, '$.signed'), 1) != 0) ORDER BY s.started_at DESC, s.rowid DESC",
            (SessionState.COMPLETED.value,))
        return [(self._session(r), json.loads(r.pop("report_json"))) for r in rows]

    def _latest_document(self, table: str, session_id: uuid.UUID) -> dict[str, Any] | None:
        rows = self._rows(f"SELECT body_json FROM {table} WHERE session_id = ? ORDER BY rowid DESC LIMIT 1",
                          (str(session_id),))
        return json.loads(rows[0]["body_json"]) if rows else None

    # ---- calibration --------------------------------------------------------------------------------

    def save_calibration(self, rec: CalibrationRecord) -> None:
        with self.write(f"saving calibration {rec.id}") as conn:
            self._insert(conn, "calibrations", calibration_row(rec))

    def latest_calibration(self, device_id: str) -> CalibrationRecord | None:
        rows = self._rows("SELECT * FROM calibrations WHERE device_id = ? ORDER BY performed_at DESC, rowid DESC "
                          "LIMIT 1", (device_id,))
        return calibration_from_row(rows[0]) if rows else None

    # ---- outbox (used by the uploader) --------------------------------------------------------------

    def outbox_pending(self, limit: int) -> list[outbox.OutboxItem]:
        """Pending items, oldest first."""
        try:
            return outbox.pending(self.conn, limit)
        except SQLITE_ERRORS as e:
            raise translate(e, self.path, "reading the outbox", busy_timeout_s=self.busy_timeout_s) from None

    def outbox_mark_acked(self, ids: Sequence[str], batch_id: str) -> None:
        with self.write(f"acknowledging batch {batch_id}") as conn:
            outbox.mark_acked(conn, list(ids), batch_id, self.clock())
            outbox.record_audit_ack(conn, list(ids), self.clock())  # what the cloud holds of the audit log

    def outbox_record_attempt(self, ids: Sequence[str], error: str) -> None:
        with self.write("recording a send attempt") as conn:
            outbox.record_attempt(conn, list(ids), error, self.clock())

    def outbox_quarantine(self, ids: Sequence[str], batch_id: str, reason: str, http_status: int | None,
                          outcome: Mapping[str, Any] | None) -> None:
        with self.write(f"quarantining batch {batch_id}") as conn:
            outbox.quarantine(conn, list(ids), batch_id, reason, http_status, outcome, self.clock())
        log_event(log, logging.WARNING, "batch quarantined", batch_id=batch_id, items=len(ids), http_status=http_status)

    def quarantine_list(self) -> list[dict[str, Any]]:
        return outbox.quarantine_list(self.conn)

    def quarantine_get(self, batch_id: str) -> dict[str, Any] | None:
        return outbox.quarantine_get(self.conn, batch_id)

    def quarantine_requeue(self, batch_id: str) -> int:
        if outbox.quarantine_get(self.conn, batch_id) is None:
            raise UnknownRecord(f"{self.path}: no quarantined batch {batch_id}")
        with self.write(f"requeueing batch {batch_id}") as conn:
            n = outbox.quarantine_requeue(conn, batch_id, self.clock())
        log_event(log, logging.INFO, "quarantined batch requeued", batch_id=batch_id, items=n)
        return n

    def outbox_record(self, item: outbox.OutboxItem) -> Measurement | NotMeasured | dict[str, Any] | None:
        """The record an outbox item stands for: a Measurement, a NotMeasured, or the report / review / audit
        entry as a dict."""
        if item.kind == "measurement":
            rows = self._rows("SELECT * FROM measurements WHERE id = ?", (item.id,))
            return measurement_from_row(rows[0]) if rows else None
        if item.kind == "not_measured":
            rows = self._rows("SELECT * FROM not_measured WHERE id = ?", (item.id,))
            return not_measured_from_row(rows[0]) if rows else None
        if item.kind in ("report", "review"):
            table, key = ("reports", "report_id") if item.kind == "report" else ("reviews", "review_id")
            rows = self._rows(f"SELECT body_json FROM {table} WHERE {key} = ?", (item.id,))
            return json.loads(rows[0]["body_json"]) if rows else None
        if item.kind == "audit":
            return self.load_audit_entry(item.id)
        if item.kind == "questionnaire":
            return questionnaire_record(self, item.id)
        return None

    def load_audit_entry(self, entry_id: str) -> dict[str, Any] | None:
        """One audit entry as a dict (seq, id, at, actor, role, action, target, details, prev_hash, hash)."""
        return audit_entry_dict(self.conn, entry_id)

    def outbox_stats(self) -> dict[str, Any]:
        return outbox.stats(self.conn)

    def sync_state_get(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM sync_state WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def sync_state_set(self, key: str, value: str) -> None:
        with self.write(f"saving sync state {key}"):
            self._set_state(key, value)

    def _set_state(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO "
                          "UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                          (key, value, iso(self.clock())))

    # ---- retention ------------------------------------------------------------------------------------

    def purge_personal_data(self, now: datetime, retention_days: int | None = None) -> dict[str, int]:
        """Delete the personal data of sessions older than the retention period whose every outbox row
        the cloud has acknowledged; never before. Returns counts for the report."""
        from kiosk.storage.retention import purge_personal_data

        return purge_personal_data(self, now, self.retention_days if retention_days is None else retention_days)
