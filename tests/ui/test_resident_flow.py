"""The resident's way in, through the real screens: identify, consent, safety, the test menu."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from kiosk.config import StationConfig
from kiosk.domain import Measurement, Method
from kiosk.identity import check_character
from kiosk.storage.connection import database_path
from tests.ui.conftest import with_camera
from tests.ui.test_qr_scan import write_clip
from ui.driver import ScreenDriver, run_station

DEVICE_TILES = ("bp", "oximeter", "thermometer", "scale", "body_composition", "grip", "vital_capacity", "spirometer",
                "balance", "sit_and_reach", "reaction")
CAMERA_TILES = ("chair-stand", "squat", "arm-curl")
EXERTION_TILES = ("grip", "vital_capacity", "spirometer", "balance", "sit_and_reach", "reaction")
ALL_NO = ("chest_pain", "dizziness_or_fainting", "recent_surgery", "doctor_said_no_exercise", "bone_or_joint_problem")


def id_number(first17: str = "11010519560315001") -> str:
    return first17 + check_character(first17)


async def shot_both(d: ScreenDriver, name: str) -> None:
    """A screenshot in each language, ending in the language it started in."""
    start = d.app.station.language
    await d.shot(name)
    d.app.station.setLanguage("en" if start == "zh" else "zh")
    await d.shot(name)
    d.app.station.setLanguage(start)
    await d.settle()


async def start(d: ScreenDriver) -> None:
    d.app.station.setLanguage("en")
    await d.click("startButton")
    await d.wait_screen("Identify")


async def consent_and_safety(d: ScreenDriver, *, camera: bool | None = True, yes: tuple[str, ...] = (),
                             shots: bool = False) -> None:
    await d.wait_screen("Consent")
    await d.click("healthNo")
    assert d.visible("healthDeclined") and not d.app.item("consentContinue").isEnabled()
    if shots:
        await shot_both(d, "consent-health-declined")
    await d.click("healthYes")
    assert not d.visible("healthDeclined")
    if camera is not None:
        await d.click("cameraYes" if camera else "cameraNo")
    if shots:
        await shot_both(d, "consent")
    await d.click("consentContinue")
    await d.wait_screen("Safety")
    for key in ALL_NO:
        await d.click(f"safety_{key}_{'yes' if key in yes else 'no'}")
    if shots:
        await shot_both(d, "safety-yes" if yes else "safety")
    if yes:
        assert d.visible("safetyNotice") and "doctor" in d.text("safetyNotice")
    else:
        assert not d.visible("safetyNotice")
    await d.click("safetyContinue")
    await d.wait_screen("TestMenu")
    await d.until(lambda: all(t["state"] != "starting" for t in d.app.flow.tiles), 20, "devices connected")
    await d.settle(0.2)


def test_typed_id_number_to_the_full_test_menu(tmp_path: Path, station_cfg: StationConfig, shots_dir: Path) -> None:
    number = id_number()
    cfg = with_camera(station_cfg, write_clip(tmp_path / "card.avi", "not a card"))

    async def scenario(d: ScreenDriver) -> None:
        await start(d)
        await shot_both(d, "identify")
        await d.click("idChoice")
        await d.type_keys(number)
        assert d.text("padDisplay") == number
        await shot_both(d, "identify-id-number")
        await d.click("numberSubmit")
        await consent_and_safety(d, camera=True, shots=True)
        r = d.app.session.resident
        assert r is not None and r.national_id == number and r.birth_date == date(1956, 3, 15)
        assert d.app.session.identified_by == "id_number" and r.pseudonym.startswith("r-")
        for name in DEVICE_TILES + CAMERA_TILES:
            assert d.visible(f"tile_{name}"), f"tile {name} missing"
        # No calibration on record yet: calibrated devices are locked, said in words; others can start.
        assert "Not available today" in d.text("tileStatus_bp")
        assert "Not done yet" in d.text("tileStatus_reaction")
        await shot_both(d, "test-menu")
        await d.click("tile_reaction")
        assert (d.app.flow.currentTest, d.app.flow.currentTestKind, d.screen) == ("reaction", "device", "DeviceTest")
        d.app.flow.testFinished()
        await d.wait_screen("TestMenu")
        await d.click("tile_squat")
        assert (d.app.flow.currentTest, d.app.flow.currentTestKind, d.screen) == ("squat", "camera", "CameraTest")
        d.app.flow.testFinished()
        await d.wait_screen("TestMenu")
        # The full check runs the usable tests in order, then comes back to the menu.
        await d.click("fullCheckButton")
        ran = [d.app.flow.currentTest]
        while d.screen != "TestMenu":
            d.app.flow.testFinished()
            await d.settle(0.05)
            ran.append(d.app.flow.currentTest)
        assert ran == ["oximeter", "thermometer", "scale", "body_composition", "sit_and_reach", "reaction",
                       "chair-stand", "squat", "arm-curl", "questionnaires", ""], ran
        # Nothing was measured on those screens (each was left at once): a report needs one result.
        d.app.session.add_measurement(Measurement(item="weight", value=61.0, unit="kg", method=Method.STAFF_ENTRY))
        await d.click("finishButton")
        await d.until(lambda: d.screen == "Report", what="the report screen")
        assert d.app.session.hasReport

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_mistyped_id_number_is_explained_and_the_resident_stays(station_cfg: StationConfig,
                                                                   shots_dir: Path) -> None:
    number = id_number()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")

    async def scenario(d: ScreenDriver) -> None:
        await start(d)
        assert not d.app.item("qrChoice").isEnabled(), "no camera configured: the QR choice is disabled"
        await d.click("idChoice")
        await d.type_keys(wrong)
        await d.click("numberSubmit")
        assert "mistyped" in d.text("identifyError")
        assert d.screen == "Identify" and d.text("padDisplay") == wrong, "the typed number stays to be corrected"
        await shot_both(d, "identify-error")
        for _ in range(5):
            await d.click("key_back")
        await d.click("numberSubmit")
        assert "18 characters" in d.text("identifyError") and d.app.session.resident is None
        await d.click("identifyBack")
        await d.click("phoneChoice")
        await d.type_keys("1234")
        await d.click("numberSubmit")
        assert "11 digits" in d.text("identifyError")
        await d.click("key_back")
        await d.click("key_back")
        await d.click("key_back")
        await d.type_keys("3800138000")
        await d.click("numberSubmit")
        assert d.app.flow.identifyStep == "details"
        await d.click("sexMale")
        await d.type_keys("1850")
        await d.click("detailsSubmit")
        assert "born" in d.text("identifyError") and d.screen == "Identify"
        await d.click("identifyBack")
        await d.click("phoneChoice")
        await d.type_keys("13800138000")
        await d.click("numberSubmit")
        await d.click("sexMale")
        await d.type_keys("1950")
        await d.click("detailsSubmit")
        await d.wait_screen("Consent")
        r = d.app.session.resident
        assert (r.phone, r.national_id, r.sex.value, r.birth_date) == ("13800138000", None, "M", date(1950, 7, 1))

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_guest_leaves_nothing_identifying(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> str:
        await start(d)
        await d.click("guestChoice")
        await d.click("sexFemale")
        await d.type_keys("1948")
        await shot_both(d, "identify-guest")
        await d.click("detailsSubmit")
        await consent_and_safety(d, camera=None)
        assert d.app.session.isGuest and d.app.session.maskedIdentity == ""
        return str(d.app.session.session.id)

    session_id = run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
    db = sqlite3.connect(database_path(station_cfg))
    try:
        row = db.execute("SELECT pseudonym, is_guest, sex FROM sessions WHERE id = ?", (session_id,)).fetchone()
        assert row is not None and row[0].startswith("guest-") and row[1] == 1 and row[2] == "F"
        personal = db.execute("SELECT * FROM session_personal").fetchall()
        assert personal == [], f"a guest stored personal data: {personal}"
    finally:
        db.close()


def test_a_safety_yes_leaves_only_resting_tests(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        await start(d)
        await d.click("idChoice")
        await d.type_keys(id_number())
        await d.click("numberSubmit")
        await consent_and_safety(d, camera=None, yes=("recent_surgery",), shots=True)
        assert d.visible("menuSafetyNotice") and not d.app.session.exertionAllowed
        assert d.visible("tile_bp") and d.visible("tile_scale")
        for name in EXERTION_TILES:
            assert not d.visible(f"tile_{name}"), f"exertion test {name} offered after a safety yes"
        await shot_both(d, "test-menu-safety")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_qr_card_from_the_camera_and_camera_declined(tmp_path: Path, station_cfg: StationConfig,
                                                     shots_dir: Path) -> None:
    number = id_number("44030419470812002")
    cfg = with_camera(station_cfg, write_clip(tmp_path / "card.avi", f"HS-RESIDENT:{number}", frames=36))

    async def scenario(d: ScreenDriver) -> None:
        await start(d)
        await d.click("qrChoice")
        await d.until(lambda: d.app.camera_frames.counts.get("identify", 0) > 0 or d.screen == "Consent", 10,
                      "a camera picture")
        await d.wait_screen("Consent", 15)
        r = d.app.session.resident
        assert r is not None and r.national_id == number and d.app.session.identified_by == "qr"
        assert not d.app.flow.scanning and d.app.camera_frames.latest("identify") is None, "scanner stopped"
        await consent_and_safety(d, camera=False)
        assert d.visible("menuCameraNotice")
        assert d.visible("tile_grip")
        for name in CAMERA_TILES:
            assert not d.visible(f"tile_{name}"), f"camera test {name} offered without camera consent"
        await shot_both(d, "test-menu-no-camera")

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_code_that_is_not_a_resident_card_is_refused(tmp_path: Path, station_cfg: StationConfig,
                                                       shots_dir: Path) -> None:
    cfg = with_camera(station_cfg, write_clip(tmp_path / "pay.avi", "https://pay.example.com/q/8812"))

    async def scenario(d: ScreenDriver) -> None:
        await start(d)
        await d.click("qrChoice")
        await d.until(lambda: d.app.flow.identifyError, 15, "the refusal")
        assert "not a resident card" in d.text("identifyError") and d.app.session.resident is None
        await d.until(lambda: d.app.camera_frames.latest("identify") is not None, 5, "the live picture")
        await shot_both(d, "identify-qr")
        await d.click("identifyBack")
        assert not d.app.flow.scanning, "leaving the QR step stops the camera"
        await d.click("qrChoice")
        await d.until(lambda: d.app.flow.identifyError, 15, "the refusal again")
        d.app.station.endSession()  # what the idle timeout does
        await d.wait_screen("Attract")
        assert not d.app.flow.scanning and d.app.flow.identifyError == "" and d.app.flow.identifyStep == "choose"
        assert d.app.camera_frames.latest("identify") is None

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)
