"""The doctor's camera evidence (QML ``doctorEvidence``): each camera test of the open session with its
stills, and the doctor's count correction, kept beside the camera's count and audited.

A correction re-grades the session with the doctor's count (the stored measurement keeps the camera's),
marks the report with who corrected what, and saves correction, report and audit entry together; the
new report supersedes the old one on the doctor's screen and in the sync outbox. Stills are served to
QML through the camera image provider (``image://camera/still-<id>``), forgotten at session end.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtGui import QImage

from kiosk.count_correction import CountCorrection, check_correction, corrected_measurements, mark_report
from kiosk.domain import Measurement, Method, Sex, utcnow
from kiosk.errors import KioskError
from kiosk.grading import grade_session
from kiosk.logs import log_event
from kiosk.storage.evidence import EvidenceStill, load_count_corrections, load_stills, save_count_correction
from ui.i18n import translate
from ui.review_queue import words

if TYPE_CHECKING:
    from ui.app import StationApp
    from ui.viewmodels.doctor import DoctorModel

log = logging.getLogger("ui.doctor_evidence")

_LABELS = {"chair_stand_30s": ("30-second chair stand", "30秒坐站"), "squat": ("Squats", "深蹲"),
           "arm_curl_30s": ("30-second arm curl", "30秒屈臂")}


def _birth_date_for(age_years: int, on: date) -> date:
    """A birth date giving ``age_years`` completed years on ``on`` (a guest's real one is never stored)."""
    try:
        return on.replace(year=on.year - age_years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age_years, day=28)


class DoctorEvidenceModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, doctor: DoctorModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app, self.doctor = app, doctor
        self._session_id: uuid.UUID | None = None
        self._stills: list[EvidenceStill] = []
        self._corrections: list[CountCorrection] = []
        self._error = ""
        doctor.sessionChanged.connect(self._follow)
        app.station.languageChanged.connect(self.changed)

    def _follow(self) -> None:
        s = self.doctor._session
        sid = s.id if s is not None else None
        if sid == self._session_id:
            return
        self._session_id, self._stills, self._corrections, self._error = sid, [], [], ""
        if sid is not None:
            try:
                self._stills = load_stills(self.app.store, sid)
                self._corrections = load_count_corrections(self.app.store, sid)
            except KioskError as e:
                log_event(log, logging.ERROR, "evidence could not be read", session_id=str(sid), error=str(e))
            for st in self._stills:
                self.app.camera_frames.publish(f"still-{st.id}", QImage.fromData(st.jpeg, "JPEG"))
        self.changed.emit()

    def _camera_tests(self) -> list[Measurement]:
        s = self.doctor._session
        return [m for m in s.measurements if m.method is Method.CAMERA and m.unit == "count"] if s else []

    # ---- what QML reads ----------------------------------------------------------------------
    @Property(str, notify=changed)
    def message(self) -> str:
        s = self.doctor._session
        if s is None:
            return ""
        if not (s.consent and s.consent.camera):
            return translate("Doctor", "No pictures: the resident did not consent to the camera.")
        if not self._camera_tests():
            return translate("Doctor", "No camera test in this session.")
        return ""

    @Property("QVariantList", notify=changed)
    def tests(self) -> list[dict[str, Any]]:
        latest = {c.measurement_id: c for c in self._corrections}
        lang = "zh" if self.app.station.language == "zh" else "en"
        out = []
        for m in self._camera_tests():
            c = latest.get(str(m.id))
            stills = [{"source": f"image://camera/still-{st.id}", "caption": self._caption(st)}
                      for st in self._stills if st.measurement_id == str(m.id)]
            label = _LABELS.get(m.item)
            out.append({"measurementId": str(m.id), "item": m.item,
                        "label": words({"en": label[0], "zh": label[1]}, lang) if label else m.item,
                        "cameraCount": int(m.value), "correctedCount": c.corrected_count if c else -1,
                        "summary": self._summary(m, c), "stills": stills,
                        "noStills": "" if stills or self.message else
                        translate("Doctor", "No pictures were kept for this test.")})
        return out

    def _caption(self, st: EvidenceStill) -> str:
        what = {"top": translate("Doctor", "Rep %1, top"), "bottom": translate("Doctor", "Rep %1, bottom"),
                "pause": translate("Doctor", "Paused: out of view")}.get(st.moment, st.moment)
        return what.replace("%1", str(st.rep or "?")) + f"  {st.at_s:.1f} s"

    def _summary(self, m: Measurement, c: CountCorrection | None) -> str:
        if c is None:
            return translate("Doctor", "Camera counted %1.").replace("%1", str(int(m.value)))
        return (translate("Doctor", "Count %1, corrected by doctor %2; the camera counted %3.")
                .replace("%1", str(c.corrected_count)).replace("%2", c.corrected_by)
                .replace("%3", str(c.camera_count)))

    @Property(str, notify=changed)
    def error(self) -> str:
        return self._error

    # ---- the correction ------------------------------------------------------------------------
    @Slot(str, int, result=str)
    def correctCount(self, measurement_id: str, count: int) -> str:
        """Keep the doctor's count beside the camera's, re-grade, save with its audit entry; "" or why not."""
        s = self.doctor._session
        m = next((m for m in self._camera_tests() if str(m.id) == measurement_id), None)
        if s is None or m is None:
            return ""
        try:
            check_correction(m, count)
            c = CountCorrection(str(s.id), str(m.id), m.item, int(m.value), int(count), self.app.station.staffName,
                                utcnow(), report_id=str(uuid.uuid4()))
            report = self._regraded(c)
            save_count_correction(self.app.store, c, report, audit=lambda conn: self.app.station.audit_in(
                conn, "doctor.count_corrected", str(s.id), measurement_id=c.measurement_id, item=c.item,
                camera_count=c.camera_count, corrected_count=c.corrected_count, report_id=c.report_id))
        except KioskError as e:
            log_event(log, logging.ERROR, "count correction not saved", session_id=str(s.id), error=str(e))
            self._error = translate("Doctor", "The correction could not be saved. Try again or ask the technician.")
            self.changed.emit()
            return self._error
        log_event(log, logging.INFO, "count corrected", session_id=str(s.id), item=c.item)
        self._corrections.append(c)
        self._error = ""
        self.doctor._report = report
        self.doctor.sessionChanged.emit()
        self.changed.emit()
        return ""

    def _regraded(self, c: CountCorrection) -> dict[str, Any]:
        s = self.doctor._session
        assert s is not None
        old = self.doctor._report
        r = s.resident
        if (r.birth_date is None or r.sex is None) and old.get("age_years") is not None and old.get("sex"):
            r = replace(r, sex=Sex(old["sex"]), birth_date=_birth_date_for(int(old["age_years"]), s.test_date))
        corrections = [*self._corrections, c]
        session = replace(s, resident=r, measurements=corrected_measurements(s.measurements, corrections))
        earlier = [h for h in self.doctor._history if h.get("session_id") != str(s.id)]
        graded = grade_session(session, self.app.session.norms, earlier[-1] if earlier else None,
                               report_id=c.report_id).to_dict()
        return mark_report(graded, corrections)


def install(app: StationApp) -> None:
    app.add_viewmodel("doctorEvidence", DoctorEvidenceModel(app, app.viewmodels["doctor"]))  # type: ignore[arg-type]
