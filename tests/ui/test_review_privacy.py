"""Privacy review: after "Finish" nothing the station said about the resident is kept in memory."""

from __future__ import annotations

from kiosk.config import StationConfig
from tests.ui.report_sessions import graded_visit
from ui.driver import ScreenDriver, run_station


def test_finish_forgets_what_the_voice_said_about_the_resident(station_cfg: StationConfig) -> None:
    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        graded_visit(app, grip_kg=16.0, chair_stands=8)
        app.station.go("Report")
        await d.wait_screen("Report")
        summary = app.viewmodels["report"].spokenSummary
        await d.until(lambda: summary in app.voice.history, 5, "the report summary to be spoken")
        said_in_session = list(app.voice.history)
        await d.settle(1.0)
        await d.click("finishButton")
        await d.wait_screen("Attract")
        await d.settle(0.3)
        left = [s for s in app.voice.history if s in said_in_session]
        assert not left, f"sentences spoken to the resident outlive the session: {left}"

    run_station(station_cfg, scenario, start_uploader=False)
