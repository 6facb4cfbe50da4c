"""The outbox: every result that must reach the cloud, queued in the transaction that saved it.

Rows move pending -> acked (the cloud confirmed them) or pending -> quarantined (the cloud refused
the batch; a technician inspects it and can requeue it). Nothing is ever deleted unsent.
These functions take the store's connection; the Store wraps them in its write transactions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.storage.rows import from_iso, iso, to_json

KINDS = ("measurement", "not_measured", "report", "review", "audit", "questionnaire")
PENDING, ACKED, QUARANTINED = "pending", "acked", "quarantined"


@dataclass(frozen=True)
class OutboxItem:
    """One queued record: ``id`` is the record's own id (a measurement's UUID, a report_id …).

    ``session_id`` is None only for records that belong to no session (audit entries about staff).
    """

    seq: int
    id: str
    kind: str
    session_id: str | None
    created_at: datetime
    attempts: int


def _placeholders(ids: Sequence[str]) -> str:
    return ",".join("?" * len(ids))


def enqueue(conn: Any, kind: str, item_id: str, session_id: str | None, now: datetime) -> None:
    """Queue one record; the caller is inside the write transaction that stores the record itself."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}; expected one of {KINDS}")
    conn.execute("INSERT INTO outbox (id, kind, session_id, created_at, attempts, state) VALUES (?, ?, ?, ?, 0, ?)",
                 (item_id, kind, session_id, iso(now), PENDING))


def pending(conn: Any, limit: int) -> list[OutboxItem]:
    rows = conn.execute("SELECT seq, id, kind, session_id, created_at, attempts FROM outbox WHERE state = ? "
                        "ORDER BY seq LIMIT ?", (PENDING, int(limit))).fetchall()
    return [OutboxItem(seq, i, k, s, from_iso(c), a) for seq, i, k, s, c, a in rows]


def mark_acked(conn: Any, ids: Sequence[str], batch_id: str, now: datetime) -> int:
    if not ids:
        return 0
    cur = conn.execute(f"UPDATE outbox SET state = ?, acked_at = ?, batch_id = ? WHERE id IN ({_placeholders(ids)}) "
                       "AND state != ?", (ACKED, iso(now), batch_id, *ids, ACKED))
    return cur.rowcount


AUDIT_ACKED_KEY = "audit.acked"  # sync_state: the newest audit entry the cloud acknowledged, as JSON


def record_audit_ack(conn: Any, ids: Sequence[str], now: datetime) -> None:
    """In the transaction that marks ``ids`` acknowledged: remember the newest audit entry the cloud now holds
    (seq, hash) and how many audit entries it holds, so a later truncation of the local log shows
    (kiosk.audit.AuditLog.verify)."""
    audit_ids = list(ids)
    if not audit_ids:
        return
    newest = None
    for start in range(0, len(audit_ids), 500):
        chunk = audit_ids[start:start + 500]
        row = conn.execute(f"SELECT a.seq, a.hash FROM audit a JOIN outbox o ON o.id = a.id WHERE o.kind = 'audit' "
                           f"AND a.id IN ({_placeholders(chunk)}) ORDER BY a.seq DESC LIMIT 1", tuple(chunk)).fetchone()
        if row and (newest is None or row[0] > newest[0]):
            newest = row
    if newest is None:
        return
    count = conn.execute("SELECT count(*) FROM outbox WHERE kind = 'audit' AND state = ?", (ACKED,)).fetchone()[0]
    old = conn.execute("SELECT value FROM sync_state WHERE key = ?", (AUDIT_ACKED_KEY,)).fetchone()
    if old and json.loads(old[0]).get("seq", 0) > newest[0]:
        newest = (json.loads(old[0])["seq"], json.loads(old[0])["hash"])
    conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                 "value = excluded.value, updated_at = excluded.updated_at",
                 (AUDIT_ACKED_KEY, json.dumps({"seq": newest[0], "hash": newest[1], "count": count}), iso(now)))


def record_attempt(conn: Any, ids: Sequence[str], error: str, now: datetime) -> int:
    if not ids:
        return 0
    cur = conn.execute(f"UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ? "
                       f"WHERE id IN ({_placeholders(ids)})", (error[:2000], iso(now), *ids))
    return cur.rowcount


def quarantine(conn: Any, ids: Sequence[str], batch_id: str, reason: str, http_status: int | None,
               outcome: Mapping[str, Any] | None, now: datetime) -> int:
    """Move ``ids`` out of the pending queue under ``batch_id``, keeping the cloud's answer for a technician."""
    conn.execute("INSERT INTO quarantine (batch_id, created_at, reason, http_status, outcome_json, item_ids_json, "
                 "requeued_at) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT(batch_id) DO UPDATE SET "
                 "created_at = excluded.created_at, reason = excluded.reason, http_status = excluded.http_status, "
                 "outcome_json = excluded.outcome_json, item_ids_json = excluded.item_ids_json, requeued_at = NULL",
                 (batch_id, iso(now), reason, http_status, to_json(outcome, field="outcome") if outcome else None,
                  to_json(list(ids))))
    if not ids:
        return 0
    cur = conn.execute(f"UPDATE outbox SET state = ?, batch_id = ? WHERE id IN ({_placeholders(ids)}) AND state = ?",
                       (QUARANTINED, batch_id, *ids, PENDING))
    return cur.rowcount


def _quarantine_dict(row: Sequence[Any]) -> dict[str, Any]:
    batch_id, created_at, reason, status, outcome, ids, requeued_at = row
    item_ids = json.loads(ids)
    return {"batch_id": batch_id, "created_at": from_iso(created_at), "reason": reason, "http_status": status,
            "outcome": json.loads(outcome) if outcome else None, "ids": item_ids, "count": len(item_ids),
            "requeued_at": from_iso(requeued_at)}


_QUARANTINE_COLUMNS = "batch_id, created_at, reason, http_status, outcome_json, item_ids_json, requeued_at"


def quarantine_list(conn: Any) -> list[dict[str, Any]]:
    """Batches still in quarantine (not requeued), oldest first."""
    rows = conn.execute(f"SELECT {_QUARANTINE_COLUMNS} FROM quarantine WHERE requeued_at IS NULL "
                        "ORDER BY created_at, batch_id").fetchall()
    return [_quarantine_dict(r) for r in rows]


def quarantine_get(conn: Any, batch_id: str) -> dict[str, Any] | None:
    row = conn.execute(f"SELECT {_QUARANTINE_COLUMNS} FROM quarantine WHERE batch_id = ?", (batch_id,)).fetchone()
    return _quarantine_dict(row) if row else None


def quarantine_requeue(conn: Any, batch_id: str, now: datetime) -> int:
    """Put a quarantined batch's items back in the pending queue (attempts reset); returns how many."""
    conn.execute("UPDATE quarantine SET requeued_at = ? WHERE batch_id = ?", (iso(now), batch_id))
    cur = conn.execute("UPDATE outbox SET state = ?, attempts = 0, batch_id = NULL WHERE batch_id = ? AND state = ?",
                       (PENDING, batch_id, QUARANTINED))
    return cur.rowcount


def stats(conn: Any) -> dict[str, Any]:
    counts = dict(conn.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    oldest = conn.execute("SELECT min(created_at) FROM outbox WHERE state = ?", (PENDING,)).fetchone()[0]
    last_ack = conn.execute("SELECT max(acked_at) FROM outbox WHERE state = ?", (ACKED,)).fetchone()[0]
    batches = conn.execute("SELECT count(*) FROM quarantine WHERE requeued_at IS NULL").fetchone()[0]
    return {"pending": counts.get(PENDING, 0), "oldest_pending_at": from_iso(oldest), "acked": counts.get(ACKED, 0),
            "quarantined": counts.get(QUARANTINED, 0), "quarantined_batches": batches,
            "last_ack_at": from_iso(last_ack)}


def new_batch_id() -> str:
    return str(uuid.uuid4())
