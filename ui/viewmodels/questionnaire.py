"""The self-assessment questionnaire screens (QML ``questionnaire``): one question a screen, read aloud.

Phases: ``choose`` (the questionnaires this resident may take, recommended ones first), ``question``,
``urgent`` (a safety rule fired: where to get help now, before anything else), ``result`` and
``stopped``. Answering a choice moves on; Back changes an earlier answer; Stop keeps the answers
given as a stopped questionnaire (never scored) and says so. Every text follows the station language,
so a resident can switch language in the middle of a questionnaire and keep the answers.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus, utcnow
from kiosk.errors import KioskError
from kiosk.instruments.model import Instrument, Item, instrument, load_instruments
from kiosk.instruments.report_text import detail_text, value_text
from kiosk.instruments.results import questionnaire_result
from kiosk.instruments.scoring import DONT_KNOW, enabled_items, safety_hits
from kiosk.instruments.tcm import suggestion_from_measurements
from kiosk.logs import log_event
from ui.menu_plan import recommended_questionnaires
from ui.viewmodels import questionnaire_text as words

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.questionnaire")
PHASES = ("choose", "question", "urgent", "result", "stopped")


class QuestionnaireModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.completed: list[str] = []  # instrument ids completed in this session
        self._reset()
        app.station.languageChanged.connect(self.changed.emit)

    def _reset(self) -> None:
        self._phase = "choose"
        self._inst: Instrument | None = None
        self._answers: dict[str, str | int] = {}
        self._index = 0
        self._queue: list[str] = []
        self._started_at = utcnow()
        self._shown_urgent: set[str] = set()
        self._result: dict[str, Any] | None = None
        self._number = 0

    @property
    def _lang(self) -> str:
        return self.app.station.language

    def _age(self) -> int | None:
        r = self.app.session.resident
        return r.age_on(date.today()) if r else None

    # ---- the chooser -------------------------------------------------------------------------
    def recommended(self) -> list[str]:
        return recommended_questionnaires(self._age(), load_instruments())

    @Property("QVariantList", notify=changed)
    def offered(self) -> list[dict[str, Any]]:
        age, rec = self._age(), self.recommended()
        insts = [i for i in load_instruments().values() if i.offered_at(age)]
        insts.sort(key=lambda i: (i.id not in rec, rec.index(i.id) if i.id in rec else 0))
        return [{"id": i.id, "title": i.short.get(self._lang), "questions": words.questions(len(i.items)),
                 "recommended": i.id in rec, "done": i.id in self.completed,
                 "status": words.done() if i.id in self.completed else
                 (words.recommended() if i.id in rec else "")} for i in insts]

    @Property(str, notify=changed)
    def chooseIntro(self) -> str:
        return words.choose_intro()

    @Slot()
    def showChooser(self) -> None:
        self._reset()
        self.changed.emit()

    @Slot(str)
    def open(self, iid: str) -> None:
        """Start one questionnaire at its first question."""
        queue = self._queue
        self._reset()
        self._queue = queue
        self._inst = instrument(iid)
        self._phase = "question"
        log_event(log, logging.INFO, "questionnaire started", instrument=iid)
        self._enter_question()

    def run_queue(self, ids: list[str]) -> None:
        """The full check's recommended set, one after another (then back to the flow)."""
        todo = [i for i in ids if i not in self.completed]
        if not todo:
            self._reset()
            self.changed.emit()
            return
        self._queue = todo[1:]
        self.open(todo[0])

    # ---- the current question ----------------------------------------------------------------
    def _items(self) -> list[Item]:
        return enabled_items(self._inst, self._answers) if self._inst else []

    def _item(self) -> Item | None:
        items = self._items()
        return items[self._index] if 0 <= self._index < len(items) else None

    def _enter_question(self) -> None:
        it = self._item()
        if it is not None and it.type == "integer":
            held = self._answers.get(it.link_id)
            self._number = held if isinstance(held, int) else it.minimum
        self.changed.emit()
        self.readQuestion()

    @Property(str, notify=changed)
    def phase(self) -> str:
        return self._phase

    @Property(str, notify=changed)
    def instrumentId(self) -> str:
        return self._inst.id if self._inst else ""

    @Property(str, notify=changed)
    def title(self) -> str:
        return self._inst.short.get(self._lang) if self._inst else ""

    @Property(str, notify=changed)
    def progressText(self) -> str:
        """"Question 3 of 7": the question's own number of all the form's (a skipped one still counts)."""
        it = self._item()
        return words.progress(it.number, len(self._inst.items)) if it and self._inst else ""

    @Property(int, notify=changed)
    def position(self) -> int:
        it = self._item()
        return it.number if it else 0

    @Property(int, notify=changed)
    def count(self) -> int:
        return len(self._inst.items) if self._inst else 0

    @Property(str, notify=changed)
    def questionText(self) -> str:
        it = self._item()
        return it.text.get(self._lang) if it else ""

    @Property(str, notify=changed)
    def preambleText(self) -> str:
        it = self._item()
        if it is None:
            return ""
        if it.preamble is not None:
            return it.preamble.get(self._lang)
        return self._inst.instructions.get(self._lang) if self._index == 0 and self._inst else ""

    @Property(str, notify=changed)
    def wordingNote(self) -> str:
        it = self._item()
        if it is None or self._inst is None:
            return ""
        status = it.text_status.get(self._lang) or self._inst.language_status.get(self._lang, "")
        return words.wording_note(status)

    @Property(str, notify=changed)
    def originalText(self) -> str:
        """The form's own words when the screen shows only a gloss of them (the TCM and self-care forms)."""
        it = self._item()
        status = (it.text_status.get(self._lang, "") if it else "") or (
            self._inst.language_status.get(self._lang, "") if self._inst else "")
        if it is None or "gloss" not in status:
            return ""
        other = it.text.zh if self._lang == "en" else it.text.en
        return other or ""

    @Property(bool, notify=changed)
    def longOptions(self) -> bool:
        """Smaller type for every answer of a question when one of them is long (all the same size)."""
        return any(len(o["text"]) > 22 for o in self.options)

    @Property(str, notify=changed)
    def itemType(self) -> str:
        it = self._item()
        return it.type if it else ""

    @Property("QVariantList", notify=changed)
    def options(self) -> list[dict[str, Any]]:
        it = self._item()
        if it is None:
            return []
        chosen = self._answers.get(it.link_id)
        suggested = self._suggested(it) if self._inst and self._inst.method == "tcm_constitution" else None
        return [{"code": o.code, "text": o.text.get(self._lang), "selected": o.code == chosen,
                 "suggested": o.code == suggested} for o in it.options]

    def _suggested(self, it: Item) -> str | None:
        """The BMI or waist band the station measured today (TCM items 9 and 28); the resident still chooses."""
        return suggestion_from_measurements(it.link_id, [(m.item, m.value) for m in self.app.session.measurements])

    @Property(bool, notify=changed)
    def isDays(self) -> bool:
        it = self._item()
        return bool(it and it.unit == "d")

    @Property(int, notify=changed)
    def numberValue(self) -> int:
        return self._number

    @Property(bool, notify=changed)
    def numberAnswered(self) -> bool:
        it = self._item()
        return bool(it and isinstance(self._answers.get(it.link_id), int))

    @Property(str, notify=changed)
    def numberText(self) -> str:
        it = self._item()
        return words.unit_words(it.unit, self._number) if it and it.type == "integer" else ""

    @Property(bool, notify=changed)
    def dontKnowAllowed(self) -> bool:
        it = self._item()
        return bool(it and it.dont_know)

    @Property(bool, notify=changed)
    def canGoBack(self) -> bool:
        return self._phase == "question" and self._index > 0

    # ---- answering ---------------------------------------------------------------------------
    @Slot(str)
    def choose(self, code: str) -> None:
        it = self._item()
        if it is None or it.option(code) is None:
            return
        self._record(it, code)

    @Slot(int)
    def adjust(self, delta: int) -> None:
        it = self._item()
        if it is not None and it.type == "integer":
            self._number = max(it.minimum, min(it.maximum, self._number + delta))
            self.changed.emit()

    @Slot(int)
    def setNumber(self, value: int) -> None:
        """An integer answer given at once (a day count touched on the screen)."""
        it = self._item()
        if it is not None and it.type == "integer" and it.minimum <= value <= it.maximum:
            self._number = value
            self._record(it, value)

    @Slot()
    def confirmNumber(self) -> None:
        it = self._item()
        if it is not None and it.type == "integer":
            self._record(it, self._number)

    @Slot()
    def dontKnow(self) -> None:
        it = self._item()
        if it is not None and it.dont_know:
            self._record(it, DONT_KNOW)

    def _record(self, it: Item, value: str | int) -> None:
        self._answers[it.link_id] = value
        asked = {i.link_id for i in self._items()}  # a changed answer can skip later questions: drop theirs
        self._answers = {k: v for k, v in self._answers.items() if k in asked}
        assert self._inst is not None
        fresh = [r for r in safety_hits(self._inst, self._answers) if r.id not in self._shown_urgent]
        if fresh:
            self._shown_urgent.update(r.id for r in fresh)
            log_event(log, logging.WARNING, "questionnaire safety rule fired", instrument=self._inst.id,
                      rule=fresh[0].id)
            self._phase = "urgent"
            self.changed.emit()
            self.app.station.say(self.urgentText)
            return
        self._advance()

    def _advance(self) -> None:
        self._index += 1
        if self._index >= len(self._items()):
            self._finish(QuestionnaireStatus.COMPLETED)
            return
        self._enter_question()

    @Slot()
    def continueAfterUrgent(self) -> None:
        if self._phase == "urgent":
            self._phase = "question"
            self._advance()

    @Property(str, notify=changed)
    def urgentText(self) -> str:
        if self._inst is None:
            return ""
        hits = [r for r in safety_hits(self._inst, self._answers) if r.id in self._shown_urgent]
        return " ".join(r.message.get(self._lang) for r in hits)

    @Slot()
    def back(self) -> None:
        if self.canGoBack:
            self._index -= 1
            self._enter_question()

    @Slot()
    def stop(self) -> None:
        """Stop now: answers given are kept as a stopped questionnaire (not scored); none given, nothing kept."""
        if self._inst is None or self._phase not in ("question", "urgent"):
            return
        if not self._answers:
            self._queue = []
            self.showChooser()
            return
        self._queue = []
        self._finish(QuestionnaireStatus.STOPPED)

    def _finish(self, status: QuestionnaireStatus) -> None:
        assert self._inst is not None
        resp = QuestionnaireResponse(self._inst.id, self._inst.version, status, dict(self._answers), self._lang,
                                     self._started_at, utcnow())
        try:
            self.app.session.add_questionnaire(resp)
        except (KioskError, RuntimeError) as e:
            log_event(log, logging.ERROR, "questionnaire not saved", error=str(e))
            self.app.station.showNotice(words.save_failed())
            return
        self._result = questionnaire_result(resp).to_dict()
        if status is QuestionnaireStatus.COMPLETED:
            self.completed.append(self._inst.id)
        self._phase = "result" if status is QuestionnaireStatus.COMPLETED else "stopped"
        log_event(log, logging.INFO, "questionnaire saved", instrument=self._inst.id, status=status.value)
        self.changed.emit()
        self.app.station.say(f"{self.resultValue}. {self.resultAdvice}" if self._phase == "result"
                             else words.stopped_words())

    # ---- the result --------------------------------------------------------------------------
    @Property(str, notify=changed)
    def resultTitle(self) -> str:
        return words.finished_title()

    @Property(str, notify=changed)
    def resultValue(self) -> str:
        if self._result is None:
            return ""
        if self._phase == "stopped":
            return words.stopped_words()
        return value_text(self._result, self._lang) if self._result.get("scored") else words.not_scored_words()

    @Property(str, notify=changed)
    def resultAdvice(self) -> str:
        return detail_text(self._result, self._lang) if self._result and self._phase == "result" else ""

    @Slot()
    def leave(self) -> None:
        """After a result (or from the chooser): the next questionnaire of the full check, or back to the flow."""
        if self._queue:
            following, self._queue = self._queue[0], self._queue[1:]
            self.open(following)  # keeps the rest of the queue
            return
        self._reset()
        self.changed.emit()
        self.app.flow.testFinished()  # type: ignore[attr-defined]

    # ---- voice -------------------------------------------------------------------------------
    @Slot()
    def readQuestion(self) -> None:
        if self._phase == "question":
            self.app.station.say(" ".join(t for t in (self.progressText, self.questionText) if t))

    @Slot()
    def readOptions(self) -> None:
        it = self._item()
        if it is None:
            return
        if it.type == "choice":
            self.app.station.say("; ".join(o["text"] for o in self.options))
        else:
            self.app.station.say(self.numberText)

    @Slot(str)
    def readOption(self, code: str) -> None:
        text = next((o["text"] for o in self.options if o["code"] == code), "")
        self.app.station.say(text)

    # ---- the session ends --------------------------------------------------------------------
    def clear(self) -> None:
        """Idle timeout or finish: a questionnaire left half-way is kept as stopped, then everything is forgotten."""
        if self._inst is not None and self._phase in ("question", "urgent") and self._answers:
            self._finish(QuestionnaireStatus.STOPPED)
        self.completed = []
        self._reset()
        self.changed.emit()


def install(app: StationApp) -> None:
    model = QuestionnaireModel(app)
    app.questionnaire = model  # type: ignore[attr-defined]
    app.add_viewmodel("questionnaire", model)
    app.station.on_session_end.append(model.clear)
