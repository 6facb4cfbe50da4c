"""The demo resident, a woman of 76: her report grades every test she did against a named older-adult norm.

Her session is the demo's (``ui.demo_older_adult``: the GB 11643 example ID, born 1949-12-31) with the
device results a demo session gives (blood pressure, height, weight, grip) and the older-adult battery.
The report is built by the station's grading with its default packs, then laid out for the screen, the
HTML page and the PDF; the PDF pages are rendered to PNG under out/report-pdf/ for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.config import StationConfig
from kiosk.domain import ITEMS, Measurement, Resident, SafetyScreen, Session, Sex, Side, completed_years
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from kiosk.report_html import render_report_html
from ui.demo_older_adult import BATTERY, DEMO_BIRTH_DATE, STAFF_DEVICE, staff_entries
from ui.report_view import report_sections

TEST_DAY = date(2026, 12, 7)
OUT = Path(__file__).resolve().parents[2] / "out" / "report-pdf"
OLDER_ADULT_PACKS = {"sft-normal-range", "sft-fitness-standards", "sppb", "ewgsop2-sarcopenia",
                     "older-adult-screening"}


def demo_report() -> dict:
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    device = [Measurement("blood_pressure", 138, "mmHg", components={"systolic": 138, "diastolic": 82, "pulse": 72}),
              Measurement("height", 154.2, "cm"), Measurement("weight", 56.8, "kg"),
              Measurement("grip", 19.5, "kg", side=Side.RIGHT), Measurement("grip", 18.1, "kg", 2, side=Side.LEFT)]
    session = Session(uuid.uuid4(), "demo-station", Resident("demo-resident", Sex.FEMALE, DEMO_BIRTH_DATE), at,
                      TEST_DAY, safety=SafetyScreen({"chest_pain": False}),
                      measurements=(*device, *staff_entries(at)))
    norms = load_norm_set(StationConfig.__dataclass_fields__["norm_packs"].default)
    return grade_session(session, norms).to_dict()


def test_she_is_76_and_her_battery_is_staff_entered_in_menu_order() -> None:
    assert completed_years(DEMO_BIRTH_DATE, TEST_DAY) == 76
    entries = staff_entries(datetime(2026, 12, 7, 9, tzinfo=UTC))
    assert [m.item for m in entries] == [item for item, _ in BATTERY] and all(i in ITEMS for i, _ in BATTERY)
    assert {m.device_id for m in entries} == {STAFF_DEVICE} and {m.method.value for m in entries} == {"staff_entry"}
    assert "gait_speed_4m" not in [m.item for m in staff_entries(entries[0].taken_at, ["gait_speed_4m"])]


def test_every_test_she_did_is_graded_by_a_named_older_adult_norm() -> None:
    d = demo_report()
    assert d["age_years"] == 76 and d["sex"] == "F"
    for it in d["items"]:
        assert it["graded_by"], f"{it['item']}: graded by no pack ({it['coverage']})"
        assert not any("no loaded norm pack grades" in n for n in it["coverage"]), it["item"]
        if it["item"] in dict(BATTERY) or it["item"] == "grip":
            assert set(it["graded_by"]) & OLDER_ADULT_PACKS, f"{it['item']}: {it['graded_by']}"
    ranges = {it["item"]: it["norm_range"] for it in d["items"] if "norm_range" in it}
    assert set(ranges) == {"arm_curl_30s", "chair_stand_30s", "two_minute_step", "eight_foot_up_and_go"}
    assert {r["age_group"] for r in ranges.values()} == {"75–79"} and {r["pack"] for r in ranges.values()} == {
        "sft-normal-range"}
    assert {r["band"] for r in ranges.values()} == {"within"}
    sppb = d["batteries"][0]
    assert sppb["pack"] == "sppb" and sppb["total"] == 9 and [p["points"] for p in sppb["parts"]] == [3, 3, 3]
    flags = {f["name"] for f in d["flags"]}
    assert {"possible_sarcopenia", "low_physical_performance", "ewgsop2_low_physical_performance"} <= flags
    assert "fall_risk" in flags, "tandem stance 5.2 s < 10 s (CDC STEADI 4-stage balance)"
    rx = d["prescription"]
    assert "Vivifrail programme C+" in rx["type"]["en"] and any(r["rule"] == "vivifrail_C" for r in rx["rules_fired"])


def test_her_screen_report_opens_with_the_older_adult_sections_in_both_languages() -> None:
    d = demo_report()
    for lang in ("en", "zh"):
        sections = report_sections(d, lang)
        keys = [s["key"] for s in sections]
        assert keys[:3] == ["fitness", "screening", "sppb"] or keys[1:4] == ["fitness", "screening", "sppb"], keys
        fitness = next(s for s in sections if s["key"] == "fitness")
        assert len(fitness["rows"]) == 4 and all(r["value"] and r["detail"] for r in fitness["rows"])
        items = next(s for s in sections if s["key"] == "items")
        for row in items["rows"]:
            assert "No standard covers" not in row["detail"] and "没有适用" not in row["detail"], row
    en = next(s for s in report_sections(d, "en") if s["key"] == "fitness")["rows"]
    assert any("Against women aged 75–79: within the normal range (usual range 10–15 times)" in r["detail"]
               for r in en)
    html = render_report_html_from(d)
    assert "Functional fitness summary" in html and "功能性体适能小结" in html and "SPPB" in html


def render_report_html_from(d: dict) -> str:
    """The HTML page from the same session (render_report_html takes the Report, so grade once more)."""
    at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    session = Session(uuid.uuid4(), "demo-station", Resident("demo-resident", Sex.FEMALE, DEMO_BIRTH_DATE), at,
                      TEST_DAY, measurements=staff_entries(at))
    norms = load_norm_set(StationConfig.__dataclass_fields__["norm_packs"].default)
    return render_report_html(grade_session(session, norms))


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_her_report_pdf_renders_with_the_fitness_summary(tmp_path: Path) -> None:
    from ui.app import qt_application
    from ui.report_pdf import write_report_pdf

    qt_application()  # the station's own application object, as the other UI tests in this process use
    d = demo_report()
    for lang in ("en", "zh"):
        pdf = write_report_pdf(OUT / f"woman-76-{lang}.pdf", d, lang, "https://health.example/r/demo-token")
        prefix = OUT / f"woman-76-{lang}"
        for old in OUT.glob(prefix.name + "-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(prefix)], check=True, timeout=60)
        assert sorted(OUT.glob(prefix.name + "-*.png")), "no page rendered"
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            text = unicodedata.normalize("NFKC", text)  # the "fi" ligature comes out as one character
            want = ("Functional fitness summary", "Short Physical Performance Battery") if lang == "en" else (
                "功能性体适能小结", "简易体能状况量表")
            assert all(w in text for w in want), text[:500]


def test_her_report_screen_opens_with_the_fitness_summary(station_cfg: StationConfig, shots_dir: Path) -> None:
    from tests.ui.report_sessions import RESIDENT, resident
    from ui.driver import ScreenDriver, run_station

    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        s = app.session
        s.identify(replace_birth(resident(app), RESIDENT), "id_number")
        s.set_consent(True, True)
        s.set_safety({"chest_pain": False, "dizziness": False})
        s.add_measurement(Measurement("grip", 19.5, "kg", side=Side.RIGHT))
        for m in staff_entries(datetime.now(UTC)):
            s.add_measurement(m)
        s.finish()
        app.station.go("Report")
        await d.wait_screen("Report")
        model = app.viewmodels["report"]
        for lang in ("en", "zh"):
            app.station.setLanguage(lang)
            await d.settle(0.3)
            keys = [sec["key"] for sec in model.sections]
            assert keys[keys.index("fitness"):keys.index("fitness") + 3] == ["fitness", "screening", "sppb"], keys
            assert d.visible("section_fitness") and d.visible("section_sppb")
            d.app.item("reportScroll").setProperty("contentY", 0)
            await d.shot("report-woman-76")
            d.app.item("reportScroll").setProperty("contentY", d.app.item("section_sppb").y())
            await d.shot("report-woman-76-sppb")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def replace_birth(r: Resident, _template: Resident) -> Resident:
    """The report test's invented resident, born on the demo resident's birthday (76 in December 2026)."""
    from dataclasses import replace

    return replace(r, birth_date=DEMO_BIRTH_DATE)
