"""Re-send acknowledged results (`kiosk sync resend`): for when the cloud lost data the station had sent.

Safe because every resource is a conditional create on its identifier (or a PUT of a fixed id): what the
server still holds is matched, not stored twice. The rows go back to the pending queue with their
attempts reset, and the request is audited in the same transaction, naming how it chose the rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.audit import AuditLog
from kiosk.errors import InputError
from kiosk.storage.rows import iso


def resend(store: Any, *, since: datetime | None = None, session_id: str | None = None, everything: bool = False,
           actor: str = "console") -> int:
    """Requeue acknowledged rows: acknowledged at or after ``since``, or of ``session_id``, or all of them
    (exactly one of the three; a ``since`` without a zone is UTC, the station clock's). Returns how many rows."""
    chosen = [c for c in (since is not None, session_id is not None, everything) if c]
    if len(chosen) != 1:
        raise InputError("say which rows to resend: --since DATE, --session ID or --all (one of them)",
                         field="resend")
    if since is not None:
        where, args, how = "acked_at >= ?", (iso(since),), {"since": since.isoformat()}
    elif session_id is not None:
        where, args, how = "session_id = ?", (session_id,), {"session": session_id}
    else:
        where, args, how = "1 = 1", (), {"all": True}
    with store.write("re-queueing acknowledged rows") as conn:
        cur = conn.execute(f"UPDATE outbox SET state = 'pending', attempts = 0, batch_id = NULL, acked_at = NULL "
                           f"WHERE state = 'acked' AND {where}", args)
        rows = cur.rowcount
        AuditLog(store).append(conn, actor, "system", "sync.resend", None, {**how, "rows": rows})
    return rows
