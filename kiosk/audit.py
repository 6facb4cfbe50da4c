"""The append-only audit log: who did what to which record, when — chained by SHA-256 so edits show.

Each entry's hash is SHA-256 over the previous entry's hash followed by the canonical JSON of the
entry itself (its seq, id, time, actor, role, action, target and details). Editing, deleting or
reordering any entry breaks the chain at that entry; `verify` names the first bad one. The chain head
(last seq and hash) is also kept in sync_state, so a deleted tail shows too, and every entry goes to
the outbox (kind 'audit'), so the cloud holds a copy a local attacker cannot rewrite.
Details must not carry personal data: keys that name it are refused.

``verify`` also cross-checks the chain against the outbox rows of audit entries (an entry deleted with
its head rewritten still has its outbox row) and against the newest entry the cloud acknowledged
(kept in sync_state by the store when the uploader's batch is acknowledged). What it cannot prove: an
attacker with write access to the database who deletes the newest entries together with their outbox
rows before they were sent, and rewrites the head, leaves nothing on the station to notice; only the
cloud's own copy (compared entry by entry) proves the log complete. ``LIMITS`` says so to the technician.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.errors import InputError
from kiosk.storage import Store
from kiosk.storage.outbox import AUDIT_ACKED_KEY, enqueue
from kiosk.storage.rows import from_iso, iso, to_json

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit.head"
ACTOR_ROLES = ("doctor", "technician", "system")
PERSONAL_KEYS = frozenset({"name", "resident_name", "national_id", "id_number", "phone", "birth_date", "address"})


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    id: str
    at: datetime
    actor: str
    role: str
    action: str
    target: str | None
    details: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def content(self) -> dict[str, Any]:
        """The hashed part of the entry (everything but the hashes)."""
        return {"seq": self.seq, "id": self.id, "at": iso(self.at), "actor": self.actor, "role": self.role,
                "action": self.action, "target": self.target, "details": dict(self.details)}

    def to_dict(self) -> dict[str, Any]:
        return {**self.content(), "prev_hash": self.prev_hash, "hash": self.hash}


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + to_json(dict(content))).encode("utf-8")).hexdigest()


LIMITS = ("what this cannot prove: entries deleted together with their outbox rows before the cloud acknowledged "
          "them, with the head rewritten, leave no trace on the station; only the cloud's copy proves the log "
          "complete")


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    acknowledged_seq: int | None = None  # the newest entry the cloud acknowledged (None: none yet)


def _check_details(details: Mapping[str, Any]) -> None:
    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                if str(k).lower() in PERSONAL_KEYS:
                    raise InputError("audit details must not carry personal data; log the session or pseudonym "
                                     "id instead", field=f"{path}.{k}")
                walk(v, f"{path}.{k}")
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(details, "details")


def _entry(row: tuple) -> AuditEntry:
    seq, entry_id, at, actor, role, action, target, details_json, prev_hash, digest = row
    return AuditEntry(seq, entry_id, from_iso(at), actor, role, action, target, json.loads(details_json), prev_hash,
                      digest)


_COLUMNS = "seq, id, at, actor, role, action, target, details_json, prev_hash, hash"


class AuditLog:
    """The audit log of one store. ``record`` appends; nothing here updates or deletes."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, actor: str, role: str, action: str, target: str | None = None,
               details: Mapping[str, Any] | None = None, *, session_id: str | None = None) -> AuditEntry:
        """Append one entry (and queue it for sync) in one durable transaction; returns it with its hash."""
        with self.store.write(f"auditing {action}") as conn:
            return self.append(conn, actor, role, action, target, details, session_id=session_id)

    def append(self, conn: Any, actor: str, role: str, action: str, target: str | None = None,
               details: Mapping[str, Any] | None = None, *, session_id: str | None = None) -> AuditEntry:
        """Append inside the caller's open write transaction (so the audited change and its entry commit together)."""
        if role not in ACTOR_ROLES:
            raise InputError(f"unknown role {role!r}; expected one of {', '.join(ACTOR_ROLES)}", field="role")
        if not actor or not action:
            raise InputError("an audit entry needs an actor and an action", field="actor" if not actor else "action")
        details = dict(details or {})
        _check_details(details)
        last = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry = AuditEntry(seq, str(uuid.uuid4()), self.store.clock(), actor, role, action, target, details, prev)
        digest = chain_hash(prev, entry.content())
        conn.execute(f"INSERT INTO audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, entry.id, iso(entry.at), actor, role, action, target, to_json(details), prev, digest))
        conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE "
                     "SET value = excluded.value, updated_at = excluded.updated_at",
                     (HEAD_KEY, f"{seq} {digest}", iso(entry.at)))
        enqueue(conn, "audit", entry.id, session_id, entry.at)
        return replace(entry, hash=digest)

    def entries(self) -> Iterator[AuditEntry]:
        for row in self.store.conn.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq"):
            yield _entry(row)

    def last(self, n: int) -> list[AuditEntry]:
        rows = self.store.conn.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq DESC LIMIT ?", (n,)).fetchall()
        return [_entry(r) for r in reversed(rows)]

    def get(self, entry_id: str) -> AuditEntry | None:
        row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM audit WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row) if row else None

    def verify(self) -> Verification:
        """Walk the chain from the start; the first entry whose links or hash do not hold is reported."""
        prev, expected_seq, checked = GENESIS_HASH, 1, 0
        for e in self.entries():
            if e.seq != expected_seq:
                return Verification(False, checked, e.seq, f"expected entry {expected_seq} next, found {e.seq} "
                                    "(an entry was deleted or renumbered)")
            if e.prev_hash != prev:
                return Verification(False, checked, e.seq, "its link to the previous entry is broken (an entry "
                                    "before it was deleted, edited or moved)")
            if chain_hash(prev, e.content()) != e.hash:
                return Verification(False, checked, e.seq, "its content does not match its hash (it was edited)")
            prev, expected_seq, checked = e.hash, expected_seq + 1, checked + 1
        head = self.store.sync_state_get(HEAD_KEY)
        expected_head = f"{expected_seq - 1} {prev}" if checked else None
        if head != expected_head:
            return Verification(False, checked, expected_seq, f"the chain ends at entry {expected_seq - 1} but the "
                                f"recorded head is {head!r} (entries at the end were deleted)")
        return self._cross_check(checked, prev)

    def _cross_check(self, checked: int, last_hash: str) -> Verification:
        """The chain against the outbox rows of audit entries and the cloud's acknowledged head."""
        conn = self.store.conn
        queued = {r[0] for r in conn.execute("SELECT id FROM outbox WHERE kind = 'audit'")}
        in_log = {}
        for seq, entry_id, digest in conn.execute("SELECT seq, id, hash FROM audit ORDER BY seq"):
            in_log[entry_id] = (seq, digest)
        gone = queued - in_log.keys()
        if gone:
            return Verification(False, checked, checked + 1, f"the outbox holds {len(gone)} audit entries that are "
                                "not in the log (entries at the end were deleted and the head rewritten)")
        unqueued = sorted(seq for entry_id, (seq, _) in in_log.items() if entry_id not in queued)
        if unqueued:
            return Verification(False, checked, unqueued[0], "its outbox row is gone (every entry is queued for the "
                                "cloud when it is written; the outbox was edited)")
        acked_text = self.store.sync_state_get(AUDIT_ACKED_KEY)
        if not acked_text:
            return Verification(True, checked)
        acked = json.loads(acked_text)
        by_seq = {seq: digest for seq, digest in in_log.values()}
        if by_seq.get(acked["seq"]) != acked["hash"] or checked < acked.get("count", 0):
            return Verification(False, checked, min(acked["seq"], checked + 1), f"the cloud acknowledged "
                                f"{acked.get('count')} entries up to entry {acked['seq']}, but the log "
                                f"{'ends at entry ' + str(checked) if acked['seq'] > checked else 'differs there'} "
                                "(entries were deleted or rewritten after they were sent)", acked["seq"])
        return Verification(True, checked, acknowledged_seq=acked["seq"])
