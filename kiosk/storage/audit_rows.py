"""One audit row as the dict the outbox sends, read by storage itself.

``kiosk.audit`` builds the hash-chained log on top of storage; storage reading a row back for the
uploader must not import it (that made the two import each other). The dict is exactly
``AuditEntry.to_dict()`` (tests/kiosk/test_audit.py checks they agree).
"""

from __future__ import annotations

import json
from typing import Any

from kiosk.storage.rows import from_iso, iso

AUDIT_COLUMNS = "seq, id, at, actor, role, action, target, details_json, prev_hash, hash"


def audit_entry_dict(conn: Any, entry_id: str) -> dict[str, Any] | None:
    """The audit entry ``entry_id`` (seq, id, at, actor, role, action, target, details, prev_hash, hash)."""
    row = conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit WHERE id = ?", (entry_id,)).fetchone()
    if row is None:
        return None
    seq, id_, at, actor, role, action, target, details_json, prev_hash, digest = row
    return {"seq": seq, "id": id_, "at": iso(from_iso(at)), "actor": actor, "role": role, "action": action,
            "target": target, "details": json.loads(details_json), "prev_hash": prev_hash, "hash": digest}
