"""The blood-oxygen, temperature and body-fat screens on their simulators: live view, stored items, both languages."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import StationConfig
from tests.ui.test_device_test import open_test, vm
from ui.driver import ScreenDriver, run_station


def test_oximeter_shows_the_pulse_wave_and_stores_spo2_and_pulse(station_cfg: StationConfig,
                                                                  shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        await open_test(d, "oximeter")
        await d.shot("device-oximeter-intro")
        await d.click("startButton")
        await d.until(lambda: vm(d).liveSpo2 > 0 and len(vm(d).series) > 400, 20, "SpO2 and the pleth wave")
        await d.shot("device-oximeter-live")
        d.app.station.setLanguage("zh")
        await d.settle(0.2)
        await d.shot("device-oximeter-live")
        await d.until(lambda: vm(d).phase == "done", 30, "the oximeter reading")
        items = {m.item: m for m in d.app.session.measurements}
        assert {"spo2", "pulse_rate"} <= set(items), items
        assert items["spo2"].unit == "%" and items["pulse_rate"].unit == "/min"
        assert round(vm(d).liveSpo2) == items["spo2"].value, "the screen ends on the stored number"
        await d.shot("device-oximeter-done")
        d.app.station.setLanguage("en")
        await d.settle(0.2)

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_thermometer_and_body_composition_store_their_items(station_cfg: StationConfig, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        for device, item in (("thermometer", "body_temperature"), ("body_composition", "body_fat")):
            await open_test(d, device)
            await d.click("startButton")
            if device == "thermometer":  # the intermediate temperatures show while it settles
                await d.until(lambda: vm(d).liveValue > 30 and d.visible("liveTemperature"), 30,
                              "a rising temperature on screen")
            else:
                await d.until(lambda: vm(d).phase == "measuring" and d.visible("vitalHint"), 10, "measuring")
                assert "bare feet" in d.text("vitalHint")
            await d.shot(f"device-{device}-live")
            await d.until(lambda: vm(d).phase == "done", 60, f"the {device} reading")
            await d.shot(f"device-{device}-done")
            assert item in {m.item for m in d.app.session.measurements}

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_a_fever_takes_the_exertion_tests_off_the_menu_and_says_why(station_cfg: StationConfig,
                                                                     shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        d.app.manager.inject("thermometer", "fever")
        await open_test(d, "thermometer")
        assert d.app.session.exertionAllowed
        await d.click("startButton")
        await d.until(lambda: vm(d).phase == "done", 60, "the thermometer reading")
        assert d.app.session.measurements[-1].value >= 38.0
        assert not d.app.session.exertionAllowed and d.app.session.vitalsStopExertion
        d.app.station.go("TestMenu")
        await d.wait_screen("TestMenu")
        assert "temperature or blood oxygen" in d.text("menuSafetyNotice")
        assert not d.visible("tile_grip") and d.visible("tile_oximeter")
        await d.shot("menu-after-fever")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
