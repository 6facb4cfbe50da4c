"""The demo's device part on the simulators of bought devices' public protocols, through the real screens.

``kiosk.config.REAL_PROTOCOL_DEMO_DEVICES``: a Vernier GDX-HD and GDX-SPR over (fake) BLE, a Wii Balance Board
and a USB button box as evdev event streams, the Xiaomi scale heard from its advertisements, and the station's
serial BP module, vital-capacity and sit-and-reach meters. The simulated technician calibrates them with the
real procedures, then the scripted resident runs the full check (no camera here) and gets the report.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import REAL_PROTOCOL_DEMO_DEVICES, CameraConfig
from tests.ui.conftest import station_config
from ui.demo import calibrate_station
from ui.demo_screens import Tour, resident_session
from ui.device_guidance import BP_GRADE3_REST_S, BP_REST_S
from ui.driver import ScreenDriver, run_station

SPEED = 16.0


class Unphotographed(Tour):
    """The demo's script without its screenshots (the standard demo test takes those): faster, same taps."""

    async def both(self, name: str) -> None:
        self.count += 1


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_demo_resident_runs_every_device_test_on_real_protocol_simulators(tmp_path: Path) -> None:
    cfg = station_config(tmp_path)
    cfg = replace(cfg, devices=REAL_PROTOCOL_DEMO_DEVICES, camera=CameraConfig(source=""))

    async def scenario(d: ScreenDriver) -> dict[str, Any]:
        await d.app.manager.wait_until_settled(15.0)
        states = {n: m.state.value for n, m in d.app.manager.devices.items()}
        calibrations = await calibrate_station(d.app.manager, d.app.store, performed_by="Tech Demo")
        dt = d.app.viewmodels["deviceTest"]
        dt.rest_s, dt.grade3_rest_s = BP_REST_S / SPEED, BP_GRADE3_REST_S / SPEED
        session = await resident_session(d, Unphotographed(d), tmp_path, camera_s=5.0)
        return {"states": states, "calibrations": calibrations, "session": session}

    result = run_station(cfg, scenario, shots_dir=tmp_path / "screens", sim_speed=SPEED, timeout_s=600)
    calibrated = {c["device"]: c["result"] for c in result["calibrations"]}
    assert calibrated == {"bp": "passed", "grip": "passed", "vital_capacity": "passed", "spirometer": "passed",
                          "balance": "passed"}, calibrated
    session = result["session"]
    assert set(session["tests_done"]) == {"bp", "scale", "grip", "vital_capacity", "spirometer", "balance",
                                          "sit_and_reach", "reaction", "oximeter", "thermometer",
                                          "body_composition", "steadi_stay_independent", "sarc_f"}, session["tests"]
    assert Path(session["report_pdf"]).read_bytes().startswith(b"%PDF")
