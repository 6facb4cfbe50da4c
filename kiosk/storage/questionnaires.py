"""Self-assessment questionnaire responses in the station database, queued for sync in the same transaction.

A completed questionnaire is stored with its score; a stopped one with its answers and no score
(the table's score column stays NULL, and a score offered for it is refused), so nothing can read a
partial questionnaire as scored.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.errors import InputError
from kiosk.storage import outbox
from kiosk.storage.rows import from_iso, iso, to_json

if TYPE_CHECKING:
    from kiosk.storage.store import Store


def save_questionnaire(store: Store, session_id: uuid.UUID, resp: QuestionnaireResponse,
                       score: Mapping[str, Any] | None) -> None:
    """Store one response and queue it for sync; durable when this returns."""
    if resp.status is not QuestionnaireStatus.COMPLETED and score is not None:
        raise InputError(f"a {resp.status.value} questionnaire is never scored", field="score")
    store._require_session(session_id)
    answers = to_json(dict(resp.answers), field="answers")
    score_json = to_json(dict(score), field="score") if score is not None else None
    with store.write(f"saving questionnaire {resp.id}") as conn:
        now = store.clock()
        conn.execute(
            "INSERT INTO questionnaire_responses (id, session_id, instrument, instrument_version, status, answers_json,"
            " score_json, language, started_at, finished_at, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(resp.id), str(session_id), resp.instrument, resp.instrument_version, resp.status.value, answers,
             score_json, resp.language, iso(resp.started_at), iso(resp.finished_at), iso(now)))
        outbox.enqueue(conn, "questionnaire", str(resp.id), str(session_id), now)


def _response(r: Mapping[str, Any]) -> QuestionnaireResponse:
    return QuestionnaireResponse(r["instrument"], r["instrument_version"], QuestionnaireStatus(r["status"]),
                                 json.loads(r["answers_json"]), r["language"], from_iso(r["started_at"]),
                                 from_iso(r["finished_at"]), uuid.UUID(r["id"]))


def load_questionnaires(store: Store, session_id: uuid.UUID) -> tuple[QuestionnaireResponse, ...]:
    """The session's responses in saving order."""
    rows = store._rows("SELECT * FROM questionnaire_responses WHERE session_id = ? ORDER BY rowid", (str(session_id),))
    return tuple(_response(r) for r in rows)


def questionnaire_record(store: Store, response_id: str) -> dict[str, Any] | None:
    """One response as the uploader needs it: the response, its session and its stored score (None if stopped)."""
    rows = store._rows("SELECT * FROM questionnaire_responses WHERE id = ?", (response_id,))
    if not rows:
        return None
    r = rows[0]
    return {"response": _response(r), "session_id": r["session_id"],
            "score": json.loads(r["score_json"]) if r["score_json"] else None}
