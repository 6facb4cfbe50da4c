"""Questionnaire results where the resident and the doctor read them: the report screen and PDF in both
languages, and the doctor's queue and session (an item-9 answer first, as urgent)."""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from kiosk.config import StationConfig
from kiosk.domain import Measurement, QuestionnaireResponse, QuestionnaireStatus
from kiosk.instruments.model import instrument
from tests.ui.conftest import add_staff
from tests.ui.report_sessions import resident
from ui.driver import ScreenDriver, run_station

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def resp(iid: str, answers: dict, status=QuestionnaireStatus.COMPLETED, lang="zh") -> QuestionnaireResponse:
    return QuestionnaireResponse(iid, instrument(iid).version, status, answers, lang, T0, T0)


def visit_with_questionnaires(app) -> dict:
    s = app.session
    s.identify(resident(app), "id_number")
    s.set_consent(True, False)
    s.set_safety({"chest_pain": False})
    s.add_measurement(Measurement("weight", 58.4, "kg"))
    s.add_questionnaire(resp("steadi_stay_independent", {f"steadi-{n}": "Y" if n in (1, 2, 3) else "N"
                                                         for n in range(1, 13)}))
    s.add_questionnaire(resp("phq9", {"/44250-9": "LA6569-3", "/44255-8": "LA6568-5", "/44260-8": "LA6569-3"},
                             QuestionnaireStatus.STOPPED, "en"))
    return s.finish()


def test_the_report_screen_and_pdf_show_questionnaires_in_both_languages(station_cfg: StationConfig,
                                                                          shots_dir: Path, tmp_path: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        visit_with_questionnaires(app)
        app.station.go("Report")
        await d.wait_screen("Report")
        model = app.viewmodels["report"]
        for lang, words in (("zh", ("自评问卷", "可能存在跌倒", "未计分", "12356")),
                            ("en", ("Your questionnaires", "May be at risk", "Not scored", "assistance hotline"))):
            app.station.setLanguage(lang)
            await d.settle(0.3)
            await d.shot("questionnaires/report")
            pdf = Path(model.exportPdf(str(tmp_path / f"report-{lang}.pdf")))
            raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            text = unicodedata.normalize("NFKC", raw).replace("\n", " ")  # (poppler drops this PDF's digits)
            for w in words:
                assert unicodedata.normalize("NFKC", w) in text, f"{lang} PDF: expected {w!r}"

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_the_doctor_sees_the_item9_session_first_with_the_questionnaire_rows(station_cfg: StationConfig,
                                                                             shots_dir: Path) -> None:
    add_staff(station_cfg, "Dr Li", "doctor", "246810")

    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        visit_with_questionnaires(app)
        app.station.endSession()
        await d.wait_screen("Attract")
        doctor = app.viewmodels["doctor"]
        await d.click("staffButton")
        await d.wait_screen("StaffSignIn")
        await d.click("roleDoctor")
        await d.click("staff_Dr Li")
        await d.type_keys("246810")
        await d.click("signInButton")
        await d.wait_screen("DoctorQueue")
        await d.wait_item("queueRow_0")
        row = doctor.queue[0]
        assert row["badges"][0]["kind"] == "urgent" and "suicide risk" in row["badges"][0]["text"]
        for lang in ("en", "zh"):
            app.station.setLanguage(lang)
            await d.settle(0.2)
            await d.shot("questionnaires/doctor-queue")
        await d.click("queueRow_0")
        await d.wait_screen("DoctorSession")
        rows = {r["item"]: r for r in doctor.results}
        assert rows["questionnaire:steadi_stay_independent"]["value"].startswith("5 / 14")
        assert rows["questionnaire:phq9"]["notMeasured"] and "PHQ-9" in rows["questionnaire:phq9"]["flags"]
        for lang in ("en", "zh"):
            app.station.setLanguage(lang)
            await d.settle(0.2)
            await d.shot("questionnaires/doctor-session")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
