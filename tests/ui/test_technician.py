"""Technician mode through the real screens: device list, guided calibration that fails then passes, sync, camera."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest

from drivers.base import DeviceLocked, DeviceState
from kiosk.audit import AuditLog
from kiosk.config import StationConfig
from tests.ui.conftest import add_staff, with_camera
from ui.driver import ScreenDriver, run_station

FAKE_ID = "11010519491231002X"  # a well-formed resident ID number that must never leave in an export
FAKE_PHONE = "13812345678"


async def sign_in_technician(d: ScreenDriver) -> None:
    await d.click("staffButton")
    await d.wait_screen("StaffSignIn")
    await d.click("roleTechnician")
    await d.click("staff_Tech Wang")
    await d.type_keys("135790")
    await d.click("signInButton")
    await d.wait_screen("TechHome")


def card_state(d: ScreenDriver, name: str) -> str:
    item = d.app.item(f"device_{name}")
    assert item is not None, f"no card for {name} on {d.screen}"
    return str(item.property("stateText"))


async def both_languages(d: ScreenDriver, shot: str) -> None:
    for lang in ("en", "zh"):
        d.app.station.setLanguage(lang)
        await d.shot(shot)
    d.app.station.setLanguage("en")


async def calibrate_grip(d: ScreenDriver, shots: str = "") -> str:
    """Open grip, tap Calibrate, confirm every step with Done; returns the PASS/FAIL text."""
    await d.click("device_grip")
    await d.wait_screen("TechDevice")
    await d.click("calibrateButton")
    await d.wait_screen("TechCalibration")
    confirmed = 0
    while True:
        await d.until(lambda: d.app.viewmodels["techCal"].phase in ("step", "finished", "stopped"), 30, "a step")
        phase = d.app.viewmodels["techCal"].phase
        if phase != "step":
            break
        if shots and confirmed == 1:
            assert d.text("calReference") == "5 kg"
            await both_languages(d, f"{shots}-step")
        number = d.app.viewmodels["techCal"].stepNumber
        await d.click("calDoneButton")
        confirmed += 1
        await d.until(lambda n=number: d.app.viewmodels["techCal"].phase != "step"
                      or d.app.viewmodels["techCal"].stepNumber != n, 5, "the step to be taken")
    assert phase == "finished", d.app.viewmodels["techCal"].message
    assert confirmed == 5, f"grip has 5 steps (clear + 4 masses), confirmed {confirmed}"
    assert len(d.app.viewmodels["techCal"].readings) == 4, "one reading per mass, shown as it came"
    return d.text("calResult")


@pytest.mark.slow
def test_calibration_fails_and_locks_then_passes_and_unlocks(station_cfg: StationConfig, shots_dir: Path) -> None:
    add_staff(station_cfg, "Tech Wang", "technician", "135790")

    async def scenario(d: ScreenDriver) -> None:
        app = d.app
        await sign_in_technician(d)
        await d.until(lambda: app.manager.devices["grip"].state is DeviceState.LOCKED, 20, "grip connected")
        await d.settle(0.3)
        assert card_state(d, "grip") == "Locked"
        await both_languages(d, "tech-home")

        grip = app.manager.devices["grip"]
        grip.simulator.drift_gain = 1.15  # the load cell reads 15 % high: beyond the 0.90–1.10 gain limit
        app.manager.inject("grip", "drift")
        assert await calibrate_grip(d, shots="tech-calibration") == "FAIL"
        assert d.text("calLockState") == "Locked: calibration failed"
        await both_languages(d, "tech-calibration-fail")
        assert grip.state is DeviceState.LOCKED
        with pytest.raises(DeviceLocked):  # a resident test cannot start on it
            async for _ in app.manager.measure("grip"):
                pass
        await d.click("calBackButton")
        await d.wait_screen("TechDevice")
        assert "FAILED" in d.text("recordText")
        await d.click("backButton")
        await d.wait_screen("TechHome")
        assert card_state(d, "grip") == "Locked"

        app.manager.inject("grip", "resume")
        assert await calibrate_grip(d) == "PASS"
        assert d.text("calLockState") == "Unlocked"
        await both_languages(d, "tech-calibration-pass")
        assert grip.state is DeviceState.READY
        await d.click("calBackButton")
        await d.wait_screen("TechDevice")
        assert "PASSED" in d.text("recordText")
        await d.click("testReadingButton")  # raw live values from the manager while the screen is open
        await d.until(lambda: not app.technician.busy, 30, "the test reading to end")
        assert app.technician.raw and d.visible("rawLine"), f"raw {app.technician.raw}, {app.technician.probeText}"
        await d.click("probeButton")
        await d.until(lambda: "firmware" in d.text("probeText"), 10, "probe result")
        await both_languages(d, "tech-device")
        await d.click("backButton")
        await d.wait_screen("TechHome")
        assert not app.technician.listening, "the device screen unsubscribed on leave"
        await d.until(lambda: card_state(d, "grip") == "Connected", 5, "grip shown unlocked")

        actions = [e.action for e in AuditLog(app.store).entries() if e.actor == "Tech Wang"]
        assert actions.count("calibration.saved") == 2 and "technician.probe" in actions
        await d.click("signOutButton")
        await d.wait_screen("Attract")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def quarantine_a_batch(cfg: StationConfig) -> str:
    """Queue an audit entry and quarantine it as the uploader does when the server refuses a batch."""
    from kiosk.storage import open_store

    with open_store(cfg) as store:
        AuditLog(store).record("test", "system", "test.entry")
        ids = [item.id for item in store.outbox_pending(50)]
        store.outbox_quarantine(ids, "batch-0001", "HTTP 422: Observation.code unknown to the server", 422, None)
    return "batch-0001"


def test_sync_screen_retries_a_quarantined_batch_and_exports_logs(station_cfg: StationConfig,
                                                                   shots_dir: Path) -> None:
    add_staff(station_cfg, "Tech Wang", "technician", "135790")
    batch = quarantine_a_batch(station_cfg)

    async def scenario(d: ScreenDriver) -> Path:
        await sign_in_technician(d)
        await d.click("syncButton")
        await d.wait_screen("TechSync")
        assert "Observation.code" in d.text("quarantineReason")
        await both_languages(d, "tech-sync")
        queued = d.app.store.outbox_stats()["pending"]
        await d.click(f"retry_{batch}")
        assert d.app.store.quarantine_list() == []
        assert d.app.store.outbox_stats()["pending"] > queued
        assert not d.visible(f"retry_{batch}")
        retry = [e for e in AuditLog(d.app.store).entries() if e.action == "sync.quarantine_retry"]
        assert retry and retry[-1].actor == "Tech Wang" and retry[-1].target == batch
        logging.getLogger("ui.test").warning("a careless line: resident %s phone %s", FAKE_ID, FAKE_PHONE)
        await d.click("exportLogsButton")
        await d.until(lambda: d.app.viewmodels["techSync"].exportPath, 10, "the export")
        assert "verified" in d.text("syncMessage")
        await both_languages(d, "tech-sync-exported")
        return Path(d.app.viewmodels["techSync"].exportPath)

    path = run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
    assert path.is_file() and path.parent == station_cfg.data_path / "exports"
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"station.log", "audit.jsonl", "audit-verify.json", "devices.json"} <= names
        text = "".join(zf.read(n).decode("utf-8") for n in names)
        assert json.loads(zf.read("audit-verify.json"))["ok"] is True
        assert len(json.loads(zf.read("devices.json"))) == len(station_cfg.devices)
        assert "a careless line" in zf.read("station.log").decode(), "the station log is in the export"
    assert FAKE_ID not in text and FAKE_PHONE not in text and "135790" not in text


@pytest.mark.slow
def test_camera_check_shows_the_picture_and_a_verdict(station_cfg: StationConfig, shots_dir: Path) -> None:
    from tests.vision.footage import POSE2SIM_CAM01, FootageUnavailable, fetch_footage

    try:
        clip = fetch_footage(POSE2SIM_CAM01)
    except FootageUnavailable as e:
        pytest.skip(str(e))
    cfg = with_camera(station_cfg, clip)
    add_staff(cfg, "Tech Wang", "technician", "135790")

    async def scenario(d: ScreenDriver) -> None:
        await sign_in_technician(d)
        await d.click("cameraCheckButton")
        await d.wait_screen("TechCamera")
        cam = d.app.viewmodels["techCamera"]
        await d.until(lambda: cam.framing and cam.lighting and cam.frames > 3, 60, "a framing and lighting verdict")
        assert not cam.status, cam.status
        assert d.app.camera_frames.latest("tech") is not None
        await both_languages(d, "tech-camera")
        await d.click("cameraBackButton")
        await d.wait_screen("TechHome")
        assert not cam.running and d.app.camera_frames.latest("tech") is None, "camera stopped, picture forgotten"

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)
