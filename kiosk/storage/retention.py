"""Retention: personal data of a session is deleted once the cloud holds everything and the period has passed.

A session qualifies when it started more than ``retention_days`` before ``now`` and none of its
outbox rows is still pending or quarantined. Results, reports and the pseudonym stay (they are
not personal data on their own); name, national id, phone and birth date go, and so do the camera
evidence stills (a guest's too: a face is personal even without a name).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.logs import log_event
from kiosk.storage.evidence import purge_stills
from kiosk.storage.outbox import ACKED
from kiosk.storage.rows import iso

if TYPE_CHECKING:
    from kiosk.storage.store import Store

log = logging.getLogger("kiosk.storage.retention")

_ELIGIBLE = """
    SELECT s.id FROM sessions s JOIN session_personal p ON p.session_id = s.id
    WHERE s.started_at < ?
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.session_id = s.id AND o.state != ?)
"""
_STILLS_ELIGIBLE = """
    SELECT DISTINCT s.id FROM sessions s JOIN evidence_stills e ON e.session_id = s.id
    WHERE s.started_at < ?
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.session_id = s.id AND o.state != ?)
"""
_WAITING = """
    SELECT count(*) FROM sessions s JOIN session_personal p ON p.session_id = s.id
    WHERE s.started_at < ?
      AND EXISTS (SELECT 1 FROM outbox o WHERE o.session_id = s.id AND o.state != ?)
"""


def purge_personal_data(store: Store, now: datetime, retention_days: int) -> dict[str, int]:
    """Purge what qualifies; returns {"purged": sessions purged, "waiting_for_sync": old sessions kept,
    "stills_purged": evidence stills deleted}."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = iso(now - timedelta(days=retention_days))
    with store.write("purging personal data") as conn:
        ids = [r[0] for r in conn.execute(_ELIGIBLE, (cutoff, ACKED)).fetchall()]
        waiting = conn.execute(_WAITING, (cutoff, ACKED)).fetchone()[0]
        with_stills = [r[0] for r in conn.execute(_STILLS_ELIGIBLE, (cutoff, ACKED)).fetchall()]
        stills = purge_stills(conn, with_stills)
        for session_id in ids:
            conn.execute("DELETE FROM session_personal WHERE session_id = ?", (session_id,))
            conn.execute("UPDATE sessions SET personal_purged_at = ? WHERE id = ?", (iso(now), session_id))
    log_event(log, logging.INFO, "personal data purged", sessions=len(ids), waiting_for_sync=waiting,
              stills=stills, retention_days=retention_days)
    return {"purged": len(ids), "waiting_for_sync": waiting, "stills_purged": stills}
