"""Walking away and switching language mid-flow, through the real screens."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.ui.test_device_test import calibrate
from ui.demo_screens import SAFETY_KEYS
from ui.driver import ScreenDriver, run_station

from .conftest import station_config

ID_NUMBER = "11010519491231002X"  # the GB 11643 worked example


async def identify_and_consent(d: ScreenDriver) -> None:
    d.app.station.setLanguage("en")
    await d.click("startButton")
    await d.wait_screen("Identify")
    await d.click("idChoice")
    await d.type_keys(ID_NUMBER)
    await d.click("numberSubmit")
    await d.wait_screen("Consent")


async def reach_test_menu(d: ScreenDriver) -> None:
    """Identified, consented to health data, every safety answer "no": the test menu."""
    await identify_and_consent(d)
    await d.click("healthYes")
    await d.click("consentContinue")
    await d.wait_screen("Safety")
    for key in SAFETY_KEYS:
        await d.click(f"safety_{key}_no")
    await d.click("safetyContinue")
    await d.wait_screen("TestMenu")


def test_walking_away_clears_everything_personal(tmp_path: Path) -> None:
    cfg = replace(station_config(tmp_path, idle_warning_s=5, language="zh"), idle_timeout_s=15)

    async def scenario(d: ScreenDriver) -> None:
        await identify_and_consent(d)
        app = d.app
        assert app.session.maskedIdentity.endswith("002X") and app.session.resident.national_id == ID_NUMBER
        app.camera_frames.publish("identify", __import__("numpy").zeros((4, 4, 3), "uint8"))
        app.idle.timeout_s, app.idle.warning_s = 2.0, 1.0  # the configured minimum is 15 s
        await d.until(lambda: d.visible("idleWarning"), 5, "the idle warning")
        await d.shot("idle-warning")
        await d.wait_screen("Attract", 5)
        assert not app.session.active and app.session.resident is None and app.session.maskedIdentity == ""
        assert app.camera_frames.latest("identify") is None
        flow = app.viewmodels["flow"]
        assert flow.currentTest == "" and flow.identifyError == ""
        assert app.station.language == cfg.ui.language, "the next resident starts in the station's language"
        pad = app.items_named("padDisplay")
        assert all(ID_NUMBER not in str(p.property("text")) for p in pad)
        # They walked away before consenting: nothing about them was stored.
        assert app.store.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0

    run_station(cfg, scenario, start_uploader=False)


def test_switching_language_mid_test_keeps_the_test_where_it_is(tmp_path: Path) -> None:
    cfg = station_config(tmp_path)

    async def scenario(d: ScreenDriver) -> None:
        await reach_test_menu(d)
        calibrate(d, "grip")
        await d.until(lambda: "Getting ready" not in d.text("tileStatus_grip"), 20, "grip ready")
        await d.click("tile_grip")
        await d.wait_screen("DeviceTest")
        vm = d.app.viewmodels["deviceTest"]
        await d.click("startButton")
        await d.until(lambda: vm.phase == "saved", 30, "the first grip trial")
        english_title = d.text("screenTitle")
        await d.click("languageButton")
        await d.settle(0.2)
        assert d.app.station.language == "zh" and d.text("screenTitle") != english_title
        assert vm.phase == "saved" and vm.trialsDone == 1, "the language switch must not restart the test"
        await d.shot("device-grip-after-language-switch")
        await d.click("startButton")
        await d.until(lambda: vm.trialsDone == 2, 30, "the second grip trial")
        assert len(d.app.session.trials_of("grip")) == 2

    run_station(cfg, scenario, shots_dir=Path(__file__).resolve().parents[2] / "out" / "screens",
                start_uploader=False)


def test_finishing_with_no_test_done_says_so_and_makes_no_report(tmp_path: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        await reach_test_menu(d)
        await d.click("finishButton")
        assert d.screen == "TestMenu" and "No test has been done" in d.text("noticeText")
        assert d.app.session.report is None
        assert d.app.store.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 0

    run_station(station_config(tmp_path), scenario, start_uploader=False)
