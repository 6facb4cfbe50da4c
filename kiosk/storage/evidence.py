"""Camera evidence stills and doctors' count corrections in the station database.

Stills are personal data (a face): they live in the same (SQLCipher-encrypted) database as the rest of
the session, are never put in the sync outbox, and retention deletes them with the session's personal
data. A count correction is stored beside the measurement (which is never changed), together with the
report graded with it and its audit entry, in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.count_correction import CountCorrection
from kiosk.storage import outbox
from kiosk.storage.rows import from_iso, iso, to_json

if TYPE_CHECKING:
    from kiosk.storage.connection import Connection
    from kiosk.storage.store import Store

MAX_STILL_BYTES = 200_000


@dataclass(frozen=True)
class EvidenceStill:
    """One JPEG still of a camera test (skeleton drawn), at a repetition's top or bottom or at a pause."""

    measurement_id: str
    item: str
    seq: int
    moment: str  # "top" | "bottom" | "pause"
    rep: int | None
    at_s: float  # seconds from the test's Go
    jpeg: bytes
    width: int
    height: int
    id: str = ""


def save_stills(store: Store, session_id: uuid.UUID, stills: Sequence[EvidenceStill]) -> int:
    """Store the stills of one test in one transaction; returns how many were stored."""
    for s in stills:
        if not s.jpeg.startswith(b"\xff\xd8") or len(s.jpeg) > MAX_STILL_BYTES:
            raise ValueError(f"still {s.seq} of {s.item} is not a small JPEG ({len(s.jpeg)} bytes)")
    store._require_session(session_id)
    with store.write(f"saving {len(stills)} evidence stills") as conn:
        now = iso(store.clock())
        for s in stills:
            conn.execute(
                "INSERT INTO evidence_stills (id, session_id, measurement_id, item, seq, moment, rep, at_s, jpeg, "
                "width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (s.id or str(uuid.uuid4()), str(session_id), s.measurement_id, s.item, s.seq, s.moment, s.rep,
                 float(s.at_s), s.jpeg, s.width, s.height, now))
    return len(stills)


def load_stills(store: Store, session_id: uuid.UUID) -> list[EvidenceStill]:
    """The session's stills, by test and then in the order they were taken."""
    rows = store._rows("SELECT * FROM evidence_stills WHERE session_id = ? ORDER BY measurement_id, seq",
                       (str(session_id),))
    return [EvidenceStill(r["measurement_id"], r["item"], r["seq"], r["moment"], r["rep"], r["at_s"],
                          bytes(r["jpeg"]), r["width"], r["height"], r["id"]) for r in rows]


def save_count_correction(store: Store, correction: CountCorrection, report: Mapping[str, Any],
                          audit: Callable[[Connection], object]) -> None:
    """The correction, the report graded with it (queued for sync; it supersedes the earlier report) and its
    audit entry, in one transaction: never one without the others."""
    session_id = uuid.UUID(correction.session_id)
    store._require_session(session_id)
    body = to_json(dict(report), field="report")
    with store.write(f"saving count correction {correction.id}") as conn:
        conn.execute(
            "INSERT INTO count_corrections (id, session_id, measurement_id, item, camera_count, corrected_count, "
            "corrected_by, corrected_at, report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (correction.id, correction.session_id, correction.measurement_id, correction.item,
             correction.camera_count, correction.corrected_count, correction.corrected_by,
             iso(correction.corrected_at), correction.report_id))
        now = store.clock()
        report_id = str(report["report_id"])
        conn.execute("INSERT INTO reports (report_id, session_id, created_at, body_json) VALUES (?, ?, ?, ?)",
                     (report_id, correction.session_id, iso(now), body))
        outbox.enqueue(conn, "report", report_id, correction.session_id, now)
        audit(conn)


def load_count_corrections(store: Store, session_id: uuid.UUID) -> list[CountCorrection]:
    """Every correction of the session, oldest first (a later one of the same measurement supersedes)."""
    rows = store._rows("SELECT * FROM count_corrections WHERE session_id = ? ORDER BY rowid", (str(session_id),))
    return [CountCorrection(r["session_id"], r["measurement_id"], r["item"], r["camera_count"], r["corrected_count"],
                            r["corrected_by"], from_iso(r["corrected_at"]), r["report_id"], r["id"]) for r in rows]


def purge_stills(conn: Connection, session_ids: Sequence[str]) -> int:
    """Delete the stills of these sessions inside the caller's transaction; returns how many went."""
    gone = 0
    for sid in session_ids:
        gone += conn.execute("DELETE FROM evidence_stills WHERE session_id = ?", (sid,)).rowcount
    return gone
