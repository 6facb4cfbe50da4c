"""The resident's session as the screens see it: who (or a guest), consent, safety, results, report.

Every screen that measures adds through ``add_measurement``, which commits durably before the
screen may say "saved". ``clear()`` forgets everything personal (the idle timeout and "finish" both
call it); after it, no attribute of this object refers to the resident any more.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.config import StationConfig
from kiosk.domain import (
    Consent,
    Measurement,
    NotMeasured,
    QuestionnaireResponse,
    Resident,
    SafetyScreen,
    Session,
    SessionState,
    Sex,
    utcnow,
)
from kiosk.grading import grade_session
from kiosk.identity import local_pseudonym, resident_secret
from kiosk.instruments.results import questionnaire_result, score_record
from kiosk.logs import log_event
from kiosk.norms import NormSet, load_norm_set
from kiosk.storage import Store
from kiosk.storage.questionnaires import save_questionnaire

log = logging.getLogger("ui.session")


class SessionModel(QObject):
    """One resident at a time. ``changed`` fires on every state change; QML re-reads the properties."""

    changed = Signal()
    measurementAdded = Signal(str)  # item name
    reportReady = Signal()

    def __init__(self, cfg: StationConfig, store: Store, norms: NormSet | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cfg, self.store = cfg, store
        self.norms = norms or load_norm_set(cfg.norm_packs)
        self._secret: bytes | None = None
        self._reset()

    def _reset(self) -> None:
        self.resident: Resident | None = None
        self.identified_by = ""  # "id_number" | "phone" | "qr" | "guest"
        self.consent: Consent | None = None
        self.safety: SafetyScreen | None = None
        self.session: Session | None = None
        self.measurements: list[Measurement] = []
        self.not_measured: list[NotMeasured] = []  # tried without a valid result: not a test done
        self.questionnaires: list[QuestionnaireResponse] = []  # completed or stopped, stored
        self.report: dict[str, Any] | None = None
        self.previous_reports: list[dict[str, Any]] = []
        self.vital_stops: frozenset[str] = frozenset()  # fever / hypoxaemia measured today: no exertion tests

    # ---- identity --------------------------------------------------------------------------
    def pseudonym_for(self, basis: str) -> str:
        if self._secret is None:
            self._secret = resident_secret(self.cfg.data_path)
        return local_pseudonym(self._secret, basis)

    def identify(self, resident: Resident, identified_by: str) -> None:
        """Start with a known resident (or a guest: ``Resident(pseudonym=..., is_guest=True)``)."""
        self._reset()
        self.resident, self.identified_by = resident, identified_by
        log_event(log, logging.INFO, "resident identified", by=identified_by, guest=resident.is_guest)
        self.changed.emit()

    def start_guest(self, sex: Sex | None, birth_year: int | None) -> None:
        """A guest: a random pseudonym, and only sex and a birth year (1 July) so grading can pick the table."""
        born = date(birth_year, 7, 1) if birth_year else None
        self.identify(Resident(pseudonym=f"guest-{uuid.uuid4().hex[:12]}", sex=sex, birth_date=born, is_guest=True),
                      "guest")

    def set_consent(self, health_data: bool, camera: bool) -> None:
        self.consent = Consent(health_data=health_data, camera=camera)
        self.changed.emit()

    def set_safety(self, answers: Mapping[str, bool]) -> None:
        """Record the safety answers and open the stored session (needs identity and consent first)."""
        if self.resident is None or self.consent is None:
            raise RuntimeError("the safety screen comes after identification and consent")
        self.safety = SafetyScreen(dict(answers))
        self.session = Session(id=uuid.uuid4(), station_id=self.cfg.station_id, resident=self.resident,
                               started_at=utcnow(), test_date=date.today(), consent=self.consent, safety=self.safety)
        self.store.create_session(self.session)
        if not self.resident.is_guest:
            earlier = [s for s in self.store.sessions_of(self.resident.pseudonym) if s.id != self.session.id]
            self.previous_reports = [r for s in earlier if (r := self.store.load_report(s.id))]
        self.changed.emit()

    # ---- results ---------------------------------------------------------------------------
    def add_measurement(self, m: Measurement) -> None:
        """Store one trial durably (raises StorageError, which the screen turns into plain words)."""
        if self.session is None:
            raise RuntimeError("no open session")
        self.store.add_measurement(self.session.id, m)
        self.measurements.append(m)
        if m.item in self.VITAL_ITEMS:
            self._check_vitals()
        self.measurementAdded.emit(m.item)
        self.changed.emit()

    VITAL_ITEMS = frozenset({"spo2", "body_temperature"})

    def _check_vitals(self) -> None:
        """Grade the vitals measured so far: a fever or SpO2 in the hypoxaemia range stops the exertion tests."""
        from kiosk.errors import KioskError
        from kiosk.grading import vitals_stop_exertion

        assert self.session is not None
        vitals = tuple(m for m in self.measurements if m.item in self.VITAL_ITEMS)
        try:
            self.vital_stops = vitals_stop_exertion(replace(self.session, resident=self.resident,
                                                            measurements=vitals), self.norms)
        except KioskError as e:  # an age no pack covers: the report will say so; nothing to stop on
            log_event(log, logging.WARNING, "vitals not graded", error=str(e))
            self.vital_stops = frozenset()
        if self.vital_stops:
            log_event(log, logging.INFO, "exertion tests stopped by vitals", flags=",".join(sorted(self.vital_stops)))

    def add_not_measured(self, nm: NotMeasured) -> None:
        """Store a test tried without a valid result (durably; raises StorageError). It is no measurement:
        it marks no test done and is never graded."""
        if self.session is None:
            raise RuntimeError("no open session")
        self.store.add_not_measured(self.session.id, nm)
        self.not_measured.append(nm)
        self.changed.emit()

    def add_questionnaire(self, resp: QuestionnaireResponse) -> None:
        """Store a questionnaire response (its score only if completed) durably; raises StorageError."""
        if self.session is None:
            raise RuntimeError("no open session")
        save_questionnaire(self.store, self.session.id, resp, score_record(resp))
        self.questionnaires.append(resp)
        self.changed.emit()

    def has_answers_for_the_doctor(self) -> bool:
        """An urgent answer, or a questionnaire result the doctor should see (its band or watch range)."""
        return any(questionnaire_result(q).doctor_flag for q in self.questionnaires)

    def _grade_and_close(self) -> dict[str, Any]:
        if self.session is None:
            raise RuntimeError("no open session")
        previous = self.previous_reports[-1] if self.previous_reports else None
        # The stored measurements, graded for the resident in memory: a guest's birth year is never stored.
        stored = replace(self.store.load_session(self.session.id), resident=self.resident)
        report = grade_session(stored, self.norms, previous).to_dict()
        self.store.save_report(self.session.id, report)
        self.store.finish_session(self.session.id, SessionState.COMPLETED)
        return report

    def finish(self) -> dict[str, Any]:
        """Grade what was measured, save the report, close the session; the report stays until ``clear``."""
        report = self._grade_and_close()
        self.report = report
        self.changed.emit()
        self.reportReady.emit()
        return report

    @Slot()
    def clear(self) -> None:
        """Forget the resident: an open session is stored as abandoned (its results are kept), then wiped."""
        if self.session is not None and self.report is None:
            try:
                if self.has_answers_for_the_doctor():  # graded, so the doctor's queue shows it (urgent first);
                    self._grade_and_close()  # stored only: nothing is shown or kept in memory after the session
                else:
                    self.store.finish_session(self.session.id, SessionState.ABANDONED)
            except Exception as e:  # the wipe must happen whatever the store says
                log_event(log, logging.ERROR, "could not mark session abandoned", error=str(e))
        had = self.resident is not None
        self._reset()
        if had:
            log_event(log, logging.INFO, "session cleared")
        self.changed.emit()

    # ---- what QML reads --------------------------------------------------------------------
    @Property(bool, notify=changed)
    def active(self) -> bool:
        return self.resident is not None

    @Property(bool, notify=changed)
    def isGuest(self) -> bool:
        return bool(self.resident and self.resident.is_guest)

    @Property(str, notify=changed)
    def maskedIdentity(self) -> str:
        """What the header may show: the last four characters only, never a name."""
        r = self.resident
        if r is None or r.is_guest:
            return ""
        basis = r.national_id or r.phone or ""
        return "••••" + basis[-4:] if basis else ""

    @Property(int, notify=changed)
    def age(self) -> int:
        r = self.resident
        return (r.age_on(date.today()) or -1) if r else -1

    @Property(bool, notify=changed)
    def cameraAllowed(self) -> bool:
        return bool(self.consent and self.consent.camera)

    @Property(bool, notify=changed)
    def exertionAllowed(self) -> bool:
        return bool((self.safety is None or self.safety.exertion_allowed) and not self.vital_stops)

    @Property(int, notify=changed)
    def vitalsStopExertion(self) -> int:
        """1 when a fever or a hypoxaemia-range SpO2 (not the safety answers) stopped the exertion tests."""
        return int(bool(self.vital_stops))

    @Property("QVariantList", notify=changed)
    def measuredItems(self) -> list[str]:
        return sorted({m.item for m in self.measurements})

    @Property(bool, notify=changed)
    def hasReport(self) -> bool:
        return self.report is not None

    def trials_of(self, item: str) -> list[Measurement]:
        return [m for m in self.measurements if m.item == item]
