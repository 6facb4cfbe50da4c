"""The report screen: a graded session shown big, both languages, QR, trend chart, print (saved), finish."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import StationConfig
from tests.ui.report_sessions import graded_visit
from ui.driver import ScreenDriver, run_station


def test_report_screen_shows_results_prints_to_a_file_and_finishes(station_cfg: StationConfig,
                                                                  shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        graded_visit(app, grip_kg=16.0, chair_stands=8, systolic=148.0, weight_kg=59.5)
        app.station.endSession()  # the first visit is over; the resident comes back
        graded_visit(app, grip_kg=17.4, chair_stands=9)
        app.station.go("Report")
        await d.wait_screen("Report")
        model = app.viewmodels["report"]
        assert model.hasReport and d.visible("reportQr") and d.visible("section_items")
        keys = [s["key"] for s in model.sections]
        assert keys[0] == "urgent", f"the urgent notice should come first, got {keys}"
        assert {"grade", "items", "classes", "screening", "prescription", "trend"} <= set(keys)
        assert [t["item"] for t in model.trends if t["item"] == "grip"], "grip was measured on both visits"
        assert d.visible("trendChart_grip")
        app.station.setLanguage("en")
        await d.settle(0.3)
        assert "Grip strength" in str(model.sections), "the report should be re-worded in English"
        await d.shot("report")
        d.app.item("reportScroll").setProperty("contentY", 1400)
        await d.shot("report-scrolled")
        app.station.setLanguage("zh")
        await d.settle(0.3)
        assert "握力" in str(model.sections)
        d.app.item("reportScroll").setProperty("contentY", 0)
        await d.shot("report")
        d.app.item("reportScroll").setProperty("contentY", 1400)
        await d.shot("report-scrolled")
        d.app.item("reportScroll").setProperty("contentY", d.app.item("section_trend").y())
        await d.shot("report-trend")

        await d.click("printButton")
        await d.until(lambda: model.last_print is not None, 30, "the print to finish")
        saved = model.last_print.saved_to
        assert not model.last_print.printed and saved is not None and saved.exists()
        assert saved.parent == station_cfg.data_path / station_cfg.ui.reports_dir
        assert "110101" not in saved.name and "139" not in saved.name
        await d.until(lambda: d.visible("printStatus"), 5, "the print message")
        assert d.text("printStatus") == model.printMessage != ""
        await d.shot("report-printed")

        await d.click("finishButton")
        await d.wait_screen("Attract")
        assert not model.hasReport and model.sections == [] and model.qr == ""
        assert app.session.report is None

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
