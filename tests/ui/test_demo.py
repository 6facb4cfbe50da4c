"""`kiosk demo` end to end: calibrate, two residents on simulated devices, graded reports, everything synced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.demo import RESIDENTS, run


@pytest.mark.slow
def test_the_demo_station_day_calibrates_measures_grades_and_syncs_everything(tmp_path: Path) -> None:
    summary = run(tmp_path, sim_speed=30.0)

    assert {c["device"] for c in summary["calibrations"]} == {"bp", "grip", "vital_capacity", "spirometer",
                                                               "balance"}
    assert all(c["result"] == "passed" for c in summary["calibrations"]), summary["calibrations"]
    assert len(summary["sessions"]) == len(RESIDENTS)
    for s in summary["sessions"]:
        failed = [t for t in s["tests"] if "error" in t]
        assert not failed, f"every simulated test should succeed: {failed}"
        assert {t["device"] for t in s["tests"]} >= {"bp", "scale", "grip", "spirometer", "balance", "reaction"}
        report = json.loads(Path(s["report_json"]).read_text(encoding="utf-8"))
        graded = {i["item"] for i in report["items"] if i["graded_value"] is not None}
        assert graded >= {"blood_pressure", "weight", "grip", "vital_capacity", "fev1", "chair_stand_30s",
                          "single_leg_stand_eyes_closed", "bmi"}, graded
        assert "<!DOCTYPE html>" in Path(s["report_html"]).read_text(encoding="utf-8")
        assert s["camera_chair_stand"]["count"] == s["camera_chair_stand"]["truth"]

    woman = summary["sessions"][1]
    assert "fall_risk" in woman["flags"], "the 71-year-old's 9 chair stands are below the STEADI cut-off (10)"

    sync = summary["sync"]
    assert sync["outbox_after"]["pending"] == 0 and sync["drain"]["rows_quarantined"] == 0, sync
    assert sync["server_holds"]["DiagnosticReport"] == len(RESIDENTS)
    assert sync["server_holds"]["Observation"] >= 40
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["sessions"]
