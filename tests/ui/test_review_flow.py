"""The resident flow under faults and hurried hands: double taps, leaving a rest, a refusing store."""

from __future__ import annotations

from pathlib import Path

from drivers.sim.oscillometric import BloodPressureTruth
from kiosk.config import StationConfig
from kiosk.domain import Measurement, Method, Sex
from tests.ui.test_device_test import calibrate, open_test, vm
from ui.driver import ScreenDriver, run_station


async def _guest_at_menu(d: ScreenDriver) -> None:
    s = d.app.session
    s.start_guest(Sex.FEMALE, 1958)
    s.set_consent(True, False)
    s.set_safety({})
    d.app.station.go("TestMenu")
    await d.wait_screen("TestMenu")


def test_a_double_tap_on_finish_makes_one_report_and_shows_it(station_cfg: StationConfig, shots_dir: Path) -> None:
    """The menu's Finish and the report's Finish share the footer corner: the second tap of a double tap
    must neither grade again (a second stored report, a new QR) nor end the session unseen."""
    async def scenario(d: ScreenDriver) -> None:
        calibrate(d, "grip")
        await _guest_at_menu(d)
        d.app.session.add_measurement(Measurement(item="weight", value=61.0, unit="kg", method=Method.STAFF_ENTRY))
        await d.click("finishButton")
        await d.click("finishButton")  # the second tap of a double tap
        await d.settle(0.2)
        assert d.screen == "Report" and d.app.session.hasReport
        session_id = d.app.session.session.id
        assert len(d.app.store.conn.execute("SELECT 1 FROM reports WHERE session_id = ?",
                                            (str(session_id),)).fetchall()) == 1
        d.app.viewmodels["flow"].finish()  # a late second call grades nothing again either
        assert len(d.app.store.conn.execute("SELECT 1 FROM reports WHERE session_id = ?",
                                            (str(session_id),)).fetchall()) == 1

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_the_grade3_rest_is_kept_when_the_resident_leaves_and_comes_back(station_cfg: StationConfig,
                                                                          shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        now = [1000.0]
        vm(d).clock = lambda: now[0]
        calibrate(d, "bp")
        d.app.manager.device("bp").simulator.truth = BloodPressureTruth(192.0, 114.0, 80.0)
        await open_test(d, "bp")
        await d.click("startButton")
        await d.until(lambda: vm(d).restSecondsLeft == 300, 30, "5-minute rest")
        await d.click("skipButton")  # leave for the menu mid-rest
        await d.wait_screen("TestMenu")
        now[0] += 60
        await d.click("tile_bp")
        await d.wait_screen("DeviceTest")
        await d.until(lambda: vm(d).restSecondsLeft == 240, 2, "the rest still running")
        assert vm(d).phase == "resting" and not d.app.item("startButton").isEnabled()
        d.app.station.setLanguage("zh")
        await d.settle(0.2)
        assert vm(d).phase == "resting" and vm(d).restSecondsLeft == 240
        now[0] += 240
        await d.until(lambda: vm(d).phase == "saved", 2, "rest over")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
