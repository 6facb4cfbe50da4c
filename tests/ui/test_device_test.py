"""Device test screens on the simulators: trials, live views, best trial, faults, a locked device, BP rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from drivers.base import DeviceState
from drivers.sim.oscillometric import BloodPressureTruth
from kiosk.config import StationConfig
from kiosk.domain import CalibrationRecord, CalibrationResult, Sex, Side, utcnow
from ui.driver import ScreenDriver, run_station


def calibrate(d: ScreenDriver, *names: str, result: CalibrationResult = CalibrationResult.PASSED) -> None:
    """A calibration record on file (the technician's screens are tested elsewhere), then re-check."""
    for name in names:
        d.app.store.save_calibration(CalibrationRecord(name, "ui-test check", "test-technician", utcnow(), result,
                                                       utcnow() + timedelta(days=1), notes="ui test"))
    d.app.manager.refresh_calibration()


async def open_test(d: ScreenDriver, device: str) -> None:
    """A guest session, then the device screen as the test menu would open it (device ready)."""
    s = d.app.session
    if s.session is None:
        s.start_guest(Sex.FEMALE, 1958)
        s.set_consent(True, False)
        s.set_safety({})
    await d.until(lambda: d.app.manager.device(device).state in (DeviceState.READY, DeviceState.LOCKED), 20,
                  f"{device} connected")
    d.app.viewmodels["deviceTest"].begin(device)
    d.app.station.go("DeviceTest")
    await d.wait_screen("DeviceTest")


def vm(d: ScreenDriver) -> Any:
    return d.app.viewmodels["deviceTest"]


def test_grip_four_trials_alternate_hands_and_keep_the_best(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        calibrate(d, "grip")
        await open_test(d, "grip")
        sim = d.app.manager.device("grip").simulator
        assert "Right hand" in d.text("trialText") and "1 of 4" in d.text("trialText")
        await d.shot("device-grip-intro")
        for n, peak in enumerate((30.0, 25.0, 36.0, 28.0), start=1):
            sim.peak_kg = peak
            await d.click("startButton")
            if n == 1:
                await d.until(lambda: vm(d).liveMax > 20, 10, "live force")
                await d.shot("device-grip-live")
            await d.until(lambda n=n: vm(d).trialsDone == n, 15, f"grip trial {n}")
            if n == 2:  # the resident leaves for the menu and comes back: the test goes on from try 3
                await d.click("skipButton")
                await d.wait_screen("TestMenu")
                await open_test(d, "grip")
                assert "Right hand" in d.text("trialText") and "3 of 4" in d.text("trialText")
                assert vm(d).trialsDone == 2 and len(vm(d).results) == 2
        grips = d.app.session.trials_of("grip")
        assert [m.side for m in grips] == [Side.RIGHT, Side.LEFT, Side.RIGHT, Side.LEFT]
        assert [round(m.value) for m in grips] == [30, 25, 36, 28]
        stored = d.app.store.load_session(d.app.session.session.id).measurements
        assert sorted(round(m.value) for m in stored if m.item == "grip") == [25, 28, 30, 36]
        await d.settle(0.2)
        assert d.app.item("result_3").property("best") and not d.app.item("result_1").property("best")
        assert f"{grips[2].value:.1f} kg" in d.app.item("result_3").property("text")  # the stored value, as shown
        await d.shot("device-grip-done")
        await d.click("finishButton")
        await d.wait_screen("TestMenu")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_bp_shows_live_cuff_pressure_and_stores_the_reading(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        calibrate(d, "bp")
        await open_test(d, "bp")
        seen: list[float] = []
        vm(d).liveChanged.connect(lambda: seen.append(vm(d).liveValue))
        await d.click("startButton")
        await d.until(lambda: int(d.text("cuffPressure")) > 100, 20, "cuff above 100 mmHg on screen")
        await d.shot("device-bp-live")
        await d.until(lambda: vm(d).trialsDone == 1, 30, "BP reading")
        assert len({round(v) for v in seen}) >= 5, seen
        bp = d.app.session.trials_of("blood_pressure")
        assert len(bp) == 1 and 110 < bp[0].components["systolic"] < 150
        assert vm(d).phase == "resting" and vm(d).restSecondsLeft > 50  # 1-2 min between readings
        await d.shot("device-bp-rest")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_bp_grade3_reading_makes_the_resident_rest_five_minutes(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        now = [1000.0]
        vm(d).clock = lambda: now[0]
        calibrate(d, "bp")
        d.app.manager.device("bp").simulator.truth = BloodPressureTruth(192.0, 114.0, 80.0)
        await open_test(d, "bp")
        await d.click("startButton")
        await d.until(lambda: vm(d).trialsDone == 1, 30, "BP reading")
        assert d.app.session.trials_of("blood_pressure")[0].components["systolic"] >= 180
        await d.until(lambda: vm(d).restSecondsLeft == 300, 2, "5-minute rest")
        assert d.visible("restCountdown") and d.text("restCountdown") == "5:00"
        assert not d.app.item("startButton").isEnabled()
        await d.shot("device-bp-grade3-rest")
        vm(d).start()  # even a direct call is refused while resting
        assert vm(d).phase == "resting"
        now[0] += 299
        await d.until(lambda: vm(d).restSecondsLeft == 1, 2, "1 s left")
        assert not d.app.item("startButton").isEnabled() and d.text("restCountdown") == "0:01"
        now[0] += 1
        await d.until(lambda: vm(d).phase == "saved", 2, "rest over")
        d.app.manager.device("bp").simulator.truth = BloodPressureTruth()
        await d.click("startButton")
        await d.until(lambda: vm(d).phase == "done", 30, "second reading")
        assert len(d.app.session.trials_of("blood_pressure")) == 2

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_device_that_fails_mid_test_says_so_and_try_again_works(station_cfg: StationConfig,
                                                                 shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        calibrate(d, "grip")
        await open_test(d, "grip")
        await d.click("startButton")
        await d.until(lambda: vm(d).liveMax > 5, 10, "live force")
        d.app.manager.inject("grip", "disconnect")
        await d.until(lambda: vm(d).phase == "error", 20, "error shown")
        assert "connection" in d.text("deviceMessage") or "answering" in d.text("deviceMessage")
        assert d.visible("tryAgainButton") and d.visible("skipButton")
        assert d.app.session.trials_of("grip") == []
        assert d.app.store.load_session(d.app.session.session.id).measurements == ()
        await d.shot("device-error")
        d.app.manager.replug("grip")
        await d.click("tryAgainButton")
        await d.until(lambda: vm(d).trialsDone == 1, 40, "trial after the fault cleared")
        assert len(d.app.session.trials_of("grip")) == 1 and d.app.session.trials_of("grip")[0].trial == 1

        # The device's own hint reaches a Chinese screen, and follows a switch back to English.
        d.app.station.setLanguage("zh")
        d.app.manager.inject("grip", "overload")
        await d.click("startButton")
        await d.until(lambda: vm(d).phase == "error", 20, "overload shown")
        assert d.text("deviceMessage") == "请不要用力拉扯，请找工作人员。"
        await d.shot("device-error-hint")
        d.app.station.setLanguage("en")
        await d.until(lambda: d.text("deviceMessage") == "Please do not pull so hard; ask a member of staff.", 5,
                      "the hint in English")
        assert len(d.app.session.trials_of("grip")) == 1

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_locked_device_cannot_start(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        calibrate(d, "grip", result=CalibrationResult.FAILED)
        await d.until(lambda: d.app.manager.states()["grip"] is DeviceState.LOCKED, 20, "grip locked")
        await open_test(d, "grip")
        assert "not available today" in d.text("deviceMessage")
        assert not d.visible("startButton") and d.visible("skipButton")
        vm(d).start()
        assert vm(d).phase == "locked"
        await d.shot("device-locked")
        await d.click("skipButton")
        await d.wait_screen("TestMenu")
        assert d.app.session.trials_of("grip") == []

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_live_views_in_both_languages(station_cfg: StationConfig, shots_dir: Path) -> None:
    """Spirometry (flow-volume), balance (sway), vital capacity and the scale, mid-test and after."""
    async def scenario(d: ScreenDriver) -> None:
        calibrate(d, "spirometer", "balance", "vital_capacity")
        for lang in ("en", "zh"):
            d.app.station.setLanguage(lang)
            await open_test(d, "spirometer")
            await d.click("startButton")
            await d.until(lambda: len(vm(d).series) > 40, 20, "flow")
            await d.shot("device-spirometer-live")
            await d.until(lambda: vm(d).phase in ("saved", "done"), 30, "blow")
            m = {x.item for x in d.app.session.measurements}
            assert {"fvc", "fev1", "pef"} <= m
            await d.shot("device-spirometer-result")
            await open_test(d, "balance")
            d.app.manager.device("balance").simulator.stand_s = 30.0  # long enough to photograph mid-stand
            await d.click("startButton")
            await d.until(lambda: vm(d).liveSeconds > 1.5 or vm(d).phase not in ("measuring", "connecting"), 30,
                          "standing")
            assert vm(d).phase == "measuring", (vm(d).phase, vm(d).message)
            await d.shot("device-balance-live")
            await d.until(lambda: vm(d).phase in ("saved", "done"), 40, "stand")
            await d.shot("device-balance-result")
            await open_test(d, "vital_capacity")
            await d.click("startButton")
            await d.until(lambda: vm(d).liveValue > 1000, 20, "blowing")
            await d.shot("device-vc-live")
            await d.until(lambda: vm(d).phase in ("saved", "done"), 30, "vc")
            await open_test(d, "scale")
            if lang == "en":
                await d.click("startButton")
                await d.until(lambda: vm(d).phase == "done", 30, "weighed")
            else:  # weighed already in this session: the screen opens on the result, with no second weighing
                assert vm(d).phase == "done" and not d.visible("startButton") and d.visible("finishButton")
            heights = d.app.session.trials_of("height")
            assert heights and abs(heights[-1].value - 166.0) < 0.5
            await d.shot("device-scale-result")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
