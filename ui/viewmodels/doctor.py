"""Doctor mode (QML ``doctor``): the review queue, one session's results and history, the note and the
prescription change, and the signed review that goes to the store and the sync outbox.

Everything a doctor opens or changes is audited through ``station.audit_view`` (as the signed-in
member). What is shown is computed from the stored report in the current language each time QML
reads it, so switching language redraws the screen in place. Nothing personal outlives the staff
session: ``clear`` runs at session end.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.domain import Session, utcnow
from kiosk.errors import KioskError
from kiosk.logs import log_event
from kiosk.prescription import FITT, Line, Prescription, PrescriptionRecord, amend_prescription
from kiosk.storage import Store
from ui.i18n import translate
from ui.prescription_choices import CHOICES, choice
from ui.review_queue import (
    QueueEntry,
    age_band,
    badges,
    mask_identity,
    order_for_review,
    result_rows,
    trend_series,
    words,
)
from ui.viewmodels.station import StationModel

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.doctor")


def prescription_from_dict(d: Mapping[str, Any] | None, exertion_allowed: bool) -> Prescription:
    """The report's prescription (``Prescription.to_dict`` form) as the object ``amend_prescription`` takes."""
    d = d if isinstance(d, Mapping) else {}
    lines = tuple(Line(str(ln.get("field")), str(ln.get("en", "")), str(ln.get("zh", "")), str(ln.get("rule", "")))
                  for ln in d.get("lines") or () if isinstance(ln, Mapping) and ln.get("field") in FITT)
    fired = tuple((str(r.get("rule", "")), str(r.get("basis", ""))) for r in d.get("rules_fired") or ()
                  if isinstance(r, Mapping))
    cautions = tuple((str(c.get("en", "")), str(c.get("zh", ""))) for c in d.get("cautions") or ()
                     if isinstance(c, Mapping))
    return Prescription(lines, fired, bool(d.get("exertion_tests_allowed", exertion_allowed)),
                        bool(d.get("see_doctor_before_vigorous", False)), cautions)


class DoctorModel(QObject):
    queueChanged = Signal()
    sessionChanged = Signal()

    def __init__(self, store: Store, station: StationModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.station = store, station
        self._entries: list[QueueEntry] = []
        self._reset_session()
        station.languageChanged.connect(self.queueChanged)
        station.languageChanged.connect(self.sessionChanged)

    def _reset_session(self) -> None:
        self._session: Session | None = None
        self._report: dict[str, Any] = {}
        self._history: list[dict[str, Any]] = []
        self._changes: dict[str, str] = {}  # FITT field -> choice id
        self._note = ""
        self._error = ""

    @property
    def lang(self) -> str:
        return self.station.language

    # ---- the queue -------------------------------------------------------------------------
    @Slot()
    def openQueue(self) -> None:
        """Load the sessions awaiting review (flagged first) and audit that the queue was viewed."""
        self._reset_session()
        try:
            found = self.store.sessions_awaiting_review()
        except KioskError as e:
            log_event(log, logging.ERROR, "review queue could not be read", error=str(e))
            found = []
            self.station.showNotice(translate("Doctor", "The review list cannot be read now. Ask the technician."))
        self._entries = order_for_review(
            QueueEntry(str(s.id), s.started_at, r, mask_identity(s.resident.national_id, s.resident.phone,
                                                                s.resident.pseudonym, s.resident.is_guest),
                       s.resident.pseudonym) for s, r in found)
        self.station.audit_view("doctor.queue_view", None, sessions=len(self._entries))
        self.queueChanged.emit()
        self.sessionChanged.emit()

    def _badges(self, report: Mapping[str, Any]) -> list[dict[str, str]]:
        out = badges(report, self.lang)
        for b in out:
            if b["kind"] == "review" and not b["text"]:  # a questionnaire's review badge brings its own words
                b["text"] = translate("Doctor", "Doctor review advised")
        return out

    def _sex(self, report: Mapping[str, Any]) -> str:
        sex = report.get("sex")
        return (translate("Doctor", "Woman") if sex == "F" else translate("Doctor", "Man") if sex == "M"
                else translate("Doctor", "Sex not given"))

    def _row(self, e: QueueEntry) -> dict[str, Any]:
        return {"sessionId": e.session_id, "when": e.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "ageBand": age_band(e.report.get("age_years")), "sex": self._sex(e.report),
                "identity": e.masked_identity or translate("Doctor", "Guest"), "badges": self._badges(e.report)}

    @Property("QVariantList", notify=queueChanged)
    def queue(self) -> list[dict[str, Any]]:
        return [self._row(e) for e in self._entries]

    @Property(int, notify=queueChanged)
    def queueCount(self) -> int:
        return len(self._entries)

    # ---- one session -----------------------------------------------------------------------
    @Slot(int)
    def openSession(self, index: int) -> None:
        """Open the queue's row ``index``: its report and the resident's earlier reports (for trends)."""
        if not 0 <= index < len(self._entries):
            return
        entry = self._entries[index]
        self._reset_session()
        self._report = dict(entry.report)
        try:
            self._session = self.store.load_session(uuid.UUID(entry.session_id))
            earlier = ([] if self._session.resident.is_guest else
                       [s for s in self.store.sessions_of(self._session.resident.pseudonym)
                        if s.started_at <= self._session.started_at])
            self._history = [r for s in earlier if (r := self.store.load_report(s.id))]
        except KioskError as e:
            log_event(log, logging.ERROR, "session could not be opened for review", session_id=entry.session_id,
                      error=str(e))
            self.station.showNotice(translate("Doctor", "This session cannot be opened right now."))
            return
        self.station.audit_view("doctor.session_view", entry.session_id, tier=self._tier_name())
        self.sessionChanged.emit()
        self.station.go("DoctorSession")

    def _tier_name(self) -> str:
        kinds = [b["kind"] for b in badges(self._report, "en")]
        return kinds[0] if kinds else "routine"

    @Slot()
    def viewHistory(self) -> None:
        """The doctor looked at the resident's earlier visits (audited)."""
        if self._session is not None:
            self.station.audit_view("doctor.history_view", str(self._session.id), visits=len(self._history))

    @Property(bool, notify=sessionChanged)
    def hasSession(self) -> bool:
        return self._session is not None

    @Property(str, notify=sessionChanged)
    def sessionHeading(self) -> str:
        """Date, age band, sex and the masked identity (never a name)."""
        s = self._session
        if s is None:
            return ""
        who = mask_identity(s.resident.national_id, s.resident.phone, s.resident.pseudonym, s.resident.is_guest)
        return "  |  ".join(x for x in (s.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                                      translate("Doctor", "Age %1").replace("%1", age_band(
                                          self._report.get("age_years"))),
                                      self._sex(self._report), who or translate("Doctor", "Guest")) if x)

    @Property("QVariantList", notify=sessionChanged)
    def sessionBadges(self) -> list[dict[str, str]]:
        return self._badges(self._report) if self._session else []

    @Property("QVariantList", notify=sessionChanged)
    def results(self) -> list[dict[str, Any]]:
        return result_rows(self._report, self.lang) if self._session else []

    @Property(str, notify=sessionChanged)
    def nationalGrade(self) -> str:
        g = self._report.get("national_grade")
        if not isinstance(g, Mapping):
            return ""
        total = self._report.get("national_total")
        grade = words(g, self.lang) if g.get("level") is not None else translate("Doctor", "not rated")
        return translate("Doctor", "National standard: %1 points, %2").replace("%1", str(total)).replace("%2", grade)

    @Property("QVariantList", notify=sessionChanged)
    def history(self) -> list[dict[str, Any]]:
        return trend_series(self._history, self.lang) if self._session else []

    @Property(int, notify=sessionChanged)
    def visitCount(self) -> int:
        return len(self._history)

    # ---- prescription and note -------------------------------------------------------------
    def _original(self) -> Prescription:
        return prescription_from_dict(self._report.get("prescription"),
                                      bool(self._report.get("exertion_tests_allowed", True)))

    @Property("QVariantList", notify=sessionChanged)
    def prescription(self) -> list[dict[str, Any]]:
        """Per FITT field: its label, the report's text, the doctor's choice (if any) and the choices offered."""
        if self._session is None:
            return []
        original, lang = self._original(), ("zh" if self.lang == "zh" else "en")
        labels = {"frequency": translate("Doctor", "Frequency"), "intensity": translate("Doctor", "Intensity"),
                  "time": translate("Doctor", "Time"), "type": translate("Doctor", "Type")}
        out = []
        for f in FITT:
            chosen = self._changes.get(f, "")
            text = getattr(choice(f, chosen), lang) if chosen else original.text(f, lang)
            out.append({"field": f, "label": labels[f], "text": text or "—", "changed": bool(chosen),
                        "choices": [{"id": c.id, "text": getattr(c, lang), "selected": c.id == chosen}
                                    for c in CHOICES[f]]})
        return out

    @Slot(str, str)
    def choosePrescription(self, field: str, choice_id: str) -> None:
        """Change one FITT field to a choice (the same choice again undoes it); audited."""
        if self._session is None or field not in CHOICES:
            return
        if choice_id and choice_id not in {c.id for c in CHOICES[field]}:
            return
        undo = self._changes.get(field) == choice_id or not choice_id
        if undo:
            self._changes.pop(field, None)
        else:
            self._changes[field] = choice_id
        self.station.audit_view("doctor.prescription_change", str(self._session.id), field=field,
                                choice=None if undo else choice_id)
        self.sessionChanged.emit()

    @Property(str, notify=sessionChanged)
    def note(self) -> str:
        return self._note

    @note.setter  # type: ignore[no-redef]
    def note(self, text: str) -> None:
        if text != self._note:
            self._note = text

    @Property(str, notify=sessionChanged)
    def error(self) -> str:
        return self._error

    def _review(self) -> tuple[dict[str, Any], PrescriptionRecord | None]:
        assert self._session is not None
        doctor, now = self.station.staffName, utcnow()
        record = None
        if self._changes:
            changes = {f: {"en": choice(f, c).en, "zh": choice(f, c).zh} for f, c in self._changes.items()}
            record = amend_prescription(self._original(), changes, doctor, now, self._note.strip())
        review: dict[str, Any] = {"review_id": str(uuid.uuid4()), "session_id": str(self._session.id),
                                  "report_id": self._report.get("report_id"), "station_id": self._session.station_id,
                                  "reviewer": doctor, "reviewer_role": "doctor", "reviewed_at": now.isoformat(),
                                  "note": self._note.strip(), "signed": True}
        if record is not None:
            current = record.current.to_dict()
            review["prescription"] = {f: current[f] for f in FITT}
            review["prescription_record"] = record.to_dict()
        return review, record

    @Slot(result=str)
    def signReview(self) -> str:
        """Save the signed review (queued for sync), audit it, and go back to the queue; "" or why not."""
        if self._session is None:
            return ""
        review, _ = self._review()
        target = str(self._session.id)
        try:
            self.store.save_review(self._session.id, review, audit=lambda conn: self.station.audit_in(
                conn, "doctor.review_signed", target, review_id=review["review_id"],
                prescription_changed=sorted(self._changes), note_chars=len(review["note"])))
        except KioskError as e:
            log_event(log, logging.ERROR, "review could not be saved", session_id=str(self._session.id), error=str(e))
            self._error = translate("Doctor", "The review could not be saved. Your note is kept; try again or "
                                              "ask the technician.")
            self.sessionChanged.emit()
            return self._error
        log_event(log, logging.INFO, "review signed", session_id=str(self._session.id))
        self.openQueue()
        self.station.go("DoctorQueue")
        self.station.showNotice(translate("Doctor", "Review signed and saved. It will be sent with the next sync."))
        return ""

    @Slot()
    def backToQueue(self) -> None:
        self.openQueue()
        self.station.go("DoctorQueue")

    @Slot()
    def clear(self) -> None:
        """Forget everything shown (staff sign-out, idle timeout)."""
        self._entries = []
        self._reset_session()
        self.queueChanged.emit()
        self.sessionChanged.emit()


def install(app: StationApp) -> None:
    model = DoctorModel(app.store, app.station)
    app.station.on_session_end.append(model.clear)
    app.add_viewmodel("doctor", model)
