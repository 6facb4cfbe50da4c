"""The ``questionnaires`` list of a grade file (docs/grade-format.md): responses checked against their instrument."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.errors import InputError
from kiosk.instruments.model import InstrumentError, instrument
from kiosk.instruments.scoring import AnswerError, check_answers, missing

KEYS = {"instrument", "answers", "status", "language", "id"}


def parse_questionnaires(raw: Any, session_id: uuid.UUID, when: datetime) -> tuple[QuestionnaireResponse, ...]:
    """Each entry ``{instrument, answers, status?=completed, language?=zh, id?}``; InputError names the field."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError("expected a list of questionnaires", field="questionnaires")
    out = []
    for i, entry in enumerate(raw):
        where = f"questionnaires[{i}]"
        if not isinstance(entry, dict):
            raise InputError("expected an object", field=where)
        unknown = set(entry) - KEYS
        if unknown:
            raise InputError(f"unknown keys {sorted(unknown)}; allowed: {sorted(KEYS)}", field=where)
        try:
            inst = instrument(str(entry.get("instrument")))
        except InstrumentError as e:
            raise InputError(str(e), field=f"{where}.instrument") from None
        try:
            answers = check_answers(inst, entry.get("answers", {}))
        except AnswerError as e:
            raise InputError(str(e).split(": ", 1)[-1], field=f"{where}.answers.{e.field}") from None
        try:
            status = QuestionnaireStatus(entry.get("status", "completed"))
        except ValueError:
            raise InputError("status must be 'completed' or 'stopped'", field=f"{where}.status") from None
        gaps = missing(inst, answers)
        if status is QuestionnaireStatus.COMPLETED and gaps:
            raise InputError(f"{len(gaps)} question(s) unanswered ({', '.join(gaps)}): answer them or mark the "
                             "questionnaire 'stopped' (it is then not scored)", field=f"{where}.answers")
        lang = entry.get("language", "zh")
        if lang not in ("zh", "en"):
            raise InputError("language must be 'zh' or 'en'", field=f"{where}.language")
        rid = uuid.uuid5(session_id, f"questionnaire/{i}/{inst.id}") if "id" not in entry else _uuid(entry["id"], where)
        out.append(QuestionnaireResponse(inst.id, inst.version, status, answers, lang, when, when, rid))
    return tuple(out)


def _uuid(value: Any, where: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InputError("id must be a UUID", field=f"{where}.id") from None
