"""The self-check on the technician's screen: the same lines as `kiosk selfcheck`, against the running station."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import StationConfig
from tests.ui.conftest import add_staff
from tests.ui.test_technician import both_languages, sign_in_technician
from ui.driver import ScreenDriver, run_station


def test_the_technician_runs_the_self_check_and_sees_what_to_do(station_cfg: StationConfig, shots_dir: Path) -> None:
    add_staff(station_cfg, "Tech Wang", "technician", "135790")

    async def scenario(d: ScreenDriver) -> list[dict]:
        await d.app.manager.wait_until_settled(15.0)
        await sign_in_technician(d)
        await d.click("selfCheckButton")
        await d.wait_screen("TechSelfCheck")
        check = d.app.viewmodels["techCheck"]
        await d.until(lambda: not check.running and check.lines, 60, "the self-check")
        await d.settle(0.3)
        await both_languages(d, "tech-selfcheck")
        assert d.app.item("check_0") is not None
        return list(check.lines)

    lines = run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
    by = {(li["area"], li["name"]): li for li in lines}
    # a fresh station: devices connected, but nothing calibrated yet, so those lines fail and say what to do
    assert by[("device", "grip")]["status"] == "pass"
    grip_cal = by[("device", "grip calibration")]
    assert grip_cal["status"] == "fail" and "Calibrate" in grip_cal["action"] and grip_cal["statusText"] == "Fail"
    for key in (("database", "integrity"), ("disk", "space"), ("fonts", "CJK fonts"), ("speech", "engine"),
                ("printer", "printer"), ("sync", "endpoint"), ("clock", "time"), ("camera", "picture")):
        assert key in by, f"no {key} line"
    assert by[("speech", "engine")]["status"] == "pass"  # the mock engine the tests use
