"""A resident answers questionnaires on the real screens, offscreen: one question a screen, Back, Stop,
the PHQ-9 item-9 help screen, a language switch in the middle, the full check's recommended set, the report."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import StationConfig
from kiosk.domain import QuestionnaireStatus
from kiosk.instruments.model import instrument
from tests.ui.test_resident_flow import ALL_NO
from ui.driver import ScreenDriver, run_station


async def guest_at_menu(d: ScreenDriver, birth_year: str, lang: str = "en") -> None:
    d.app.station.setLanguage(lang)
    await d.click("startButton")
    await d.wait_screen("Identify")
    await d.click("guestChoice")
    await d.click("sexFemale")
    await d.type_keys(birth_year)
    await d.click("detailsSubmit")
    await d.wait_screen("Consent")
    await d.click("healthYes")
    await d.click("consentContinue")
    await d.wait_screen("Safety")
    for key in ALL_NO:
        await d.click(f"safety_{key}_no")
    await d.click("safetyContinue")
    await d.wait_screen("TestMenu")


def q(d: ScreenDriver):
    return d.app.viewmodels["questionnaire"]


async def answer(d: ScreenDriver, option: int) -> None:
    before = (q(d).phase, q(d).position)
    await d.click(f"qOption_{option}")
    await d.until(lambda: (q(d).phase, q(d).position) != before, 5, "the next screen")
    await d.settle(0.05)


def run_phq9_end_to_end(cfg: StationConfig, start_lang: str, shots_dir: Path) -> None:
    other = "zh" if start_lang == "en" else "en"
    phq9 = instrument("phq9")

    async def scenario(d: ScreenDriver) -> None:
        await guest_at_menu(d, "1950", start_lang)
        await d.click("tile_questionnaires")
        await d.wait_screen("Questionnaire")
        assert q(d).phase == "choose" and d.visible("qOpen_steadi_stay_independent") and d.visible("qOpen_phq9")
        assert not d.visible("qOpen_ipaq_sf"), "IPAQ-SF is not offered at 76 (validated 15-69)"
        await d.click("qOpen_phq9")
        await d.until(lambda: q(d).phase == "question")
        said = d.app.voice.history[-1]
        assert phq9.items[0].text.get(start_lang) in said, "the question is read aloud"
        assert d.text("qQuestion") == phq9.items[0].text.get(start_lang)
        assert d.text("qProgress") == ("Question 1 of 9" if start_lang == "en" else "第 1 题，共 9 题")
        await answer(d, 1)
        await answer(d, 2)
        # back to question 2, the answer kept and marked; change it
        await d.click("qBack")
        assert q(d).position == 2 and "✓" in d.text("qOption_2")
        await answer(d, 0)
        # switch language mid-questionnaire: same question, other words, answers kept
        d.app.station.setLanguage(other)
        await d.settle(0.2)
        assert q(d).position == 3 and d.text("qQuestion") == phq9.items[2].text.get(other)
        await d.click("qReadOptions")
        assert phq9.items[2].options[3].text.get(other) in d.app.voice.history[-1]
        q(d).readOption("LA6570-1")  # a long press on one answer reads just that answer
        assert d.app.voice.history[-1] == phq9.items[2].options[2].text.get(other)
        for _ in range(6):
            await answer(d, 0)
        assert q(d).position == 9
        await answer(d, 1)  # item 9: "several days" -> help now
        assert q(d).phase == "urgent" and d.visible("qUrgentText") and "12356" in d.text("qUrgentText")
        await d.click("qUrgentContinue")
        await d.until(lambda: q(d).phase == "result")
        assert d.text("qResultValue").startswith("2 / 27")
        await d.click("qResultContinue")
        await d.wait_screen("TestMenu")
        tile = d.app.flow.tiles[-1]  # PHQ-9 is not in a 76-year-old's recommended set (STEADI, SARC-F)
        assert (tile["name"], tile["trials"], tile["trialsDone"], tile["state"]) == ("questionnaires", 2, 0, "ready")
        await d.click("finishButton")
        await d.wait_screen("Report")
        rep = d.app.session.report
        assert rep["urgent_notices"][0]["code"] == "self_harm_thoughts" and rep["needs_doctor_review"]
        qd = rep["questionnaires"][0]
        assert (qd["instrument"], qd["total"], qd["language"]) == ("phq9", 2, other)
        stored = d.app.store.load_session(d.app.session.session.id).questionnaires
        assert [r.status for r in stored] == [QuestionnaireStatus.COMPLETED]

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_phq9_end_to_end_starting_in_english(station_cfg: StationConfig, shots_dir: Path) -> None:
    run_phq9_end_to_end(station_cfg, "en", shots_dir)


def test_phq9_end_to_end_starting_in_chinese(station_cfg: StationConfig, shots_dir: Path) -> None:
    run_phq9_end_to_end(station_cfg, "zh", shots_dir)


def test_stop_keeps_the_answers_unscored_and_the_full_check_runs_the_recommended_set(
        station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        await guest_at_menu(d, "1948")
        await d.click("tile_questionnaires")
        await d.click("qOpen_gad7")
        await answer(d, 3)
        await d.click("qStop")
        await d.until(lambda: q(d).phase == "stopped")
        assert "not scored" in d.text("qResultValue")
        await d.click("qResultContinue")
        await d.wait_screen("TestMenu")
        stored = d.app.session.questionnaires
        assert [(r.instrument, r.status, len(r.answers)) for r in stored] == [("gad7", QuestionnaireStatus.STOPPED, 1)]
        # the full check ends with the short set for 60+: STEADI, then SARC-F
        d.app.flow.startFullCheck()
        while d.screen != "Questionnaire":
            d.app.flow.testFinished()
            await d.settle(0.05)
        assert q(d).instrumentId == "steadi_stay_independent"
        while q(d).phase == "question":
            await answer(d, 1)  # "No" to every STEADI statement
        await d.click("qResultContinue")
        await d.until(lambda: q(d).instrumentId == "sarc_f" and q(d).phase == "question")
        while q(d).phase == "question":
            await answer(d, 2)
        assert q(d).phase == "result" and d.text("qResultValue").startswith("10 / 10")
        await d.click("qResultContinue")
        await d.wait_screen("TestMenu")
        tile = d.app.flow.tiles[-1]
        assert (tile["trialsDone"], tile["state"], tile["icon"]) == (2, "done", "✓"), tile
        await d.click("finishButton")
        await d.wait_screen("Report")
        rep = d.app.session.report
        assert "sarcopenia_risk" in [f["name"] for f in rep["flags"]]
        assert [x["instrument"] for x in rep["questionnaires"]] == ["gad7", "steadi_stay_independent", "sarc_f"]
        assert rep["questionnaires"][0]["scored"] is False

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_session_left_after_an_item9_answer_reaches_the_doctor_and_nothing_stays_on_the_station(
        station_cfg: StationConfig, shots_dir: Path) -> None:
    from kiosk.domain import SessionState

    async def scenario(d: ScreenDriver) -> None:
        await guest_at_menu(d, "1950")
        await d.click("tile_questionnaires")
        await d.click("qOpen_phq9")
        for _ in range(8):
            await answer(d, 0)
        await answer(d, 2)  # item 9: "more than half the days"
        assert q(d).phase == "urgent"
        sid = d.app.session.session.id
        d.app.station.endSession()  # the resident walks away from the help screen
        await d.wait_screen("Attract")
        stored = d.app.store.load_session(sid)
        assert stored.state is SessionState.COMPLETED
        assert [r.status for r in stored.questionnaires] == [QuestionnaireStatus.STOPPED]
        report = d.app.store.load_report(sid)
        assert report["urgent_notices"][0]["code"] == "self_harm_thoughts"
        assert [s.id for s, _ in d.app.store.sessions_awaiting_review()] == [sid]
        assert d.app.viewmodels["report"].report is None and d.app.session.report is None
        assert q(d).phase == "choose" and q(d).completed == []

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
