"""The technician sees each device's protocol and firmware, on the real-protocol demo station."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from drivers.base import DeviceState
from kiosk.config import REAL_PROTOCOL_DEMO_DEVICES, StationConfig
from tests.ui.conftest import add_staff
from tests.ui.test_technician import both_languages, sign_in_technician
from ui.driver import ScreenDriver, run_station


def test_device_screen_names_protocol_and_firmware(station_cfg: StationConfig, shots_dir: Path) -> None:
    cfg = replace(station_cfg, devices=REAL_PROTOCOL_DEMO_DEVICES)
    add_staff(cfg, "Tech Wang", "technician", "135790")

    async def scenario(d: ScreenDriver) -> dict[str, str]:
        app = d.app
        await sign_in_technician(d)
        await d.until(lambda: app.manager.devices["grip"].state is not DeviceState.CONNECTING
                      and app.manager.devices["grip"].state is not DeviceState.ABSENT, 20, "grip connected")
        await d.settle(0.3)
        card = app.viewmodels["tech"].row("grip")
        await both_languages(d, "tech-home-real-protocols")
        await d.click("device_grip")
        await d.wait_screen("TechDevice")
        await d.settle(0.3)
        shown = d.text("deviceProtocol")
        await both_languages(d, "tech-device-godirect")
        return {"card": card["info"], "shown": shown}

    result = run_station(cfg, scenario, shots_dir=shots_dir, sim_speed=16.0)
    assert result["card"].startswith("godirect-grip, firmware 1.6.3"), result
    assert result["shown"] == "Protocol: godirect-grip  ·  Firmware: 1.6.3", result


def test_a_lampless_reaction_box_shows_which_button_to_press(station_cfg: StationConfig, shots_dir: Path) -> None:
    from tests.ui.test_device_test import open_test, vm

    cfg = replace(station_cfg, devices=REAL_PROTOCOL_DEMO_DEVICES)

    async def scenario(d: ScreenDriver) -> dict[str, object]:
        await open_test(d, "reaction")
        sim = d.app.manager.device("reaction").simulator
        sim.person.mean_ms = 3000.0  # a slow resident, so the prompt stays up long enough to be seen
        await d.click("startButton")
        await d.until(lambda: vm(d).liveStimulus > 0, 15, "a stimulus on screen")
        await d.settle(0.2)
        shown = {"prompt": d.text("liveStimulus"), "key": vm(d).liveStimulus}
        await both_languages(d, "device-reaction-box-stimulus")
        return shown

    shown = run_station(cfg, scenario, shots_dir=shots_dir, sim_speed=1.0)
    assert shown["prompt"] == f"Press button {shown['key']}", shown
