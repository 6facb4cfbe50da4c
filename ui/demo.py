"""The demo station: every device simulated, syncing to a local test double, calibrated by a simulated technician.

The headless demo (``ui/demo_screens.py``) and the UI benchmark start from here: the simulators
play the technician's known masses and the 3-L syringe through the real calibration procedures,
so every device the residents then use carries a genuine passed record.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from drivers.manager import DeviceManager
from drivers.sim.technician import calibrate_simulated
from kiosk.config import DeviceConfig, IdentityMode, StationConfig, SyncAuth, SyncConfig, demo_config
from kiosk.logs import log_event
from kiosk.storage import Store

log = logging.getLogger("ui.demo")


DOCTOR, DOCTOR_PIN = "Dr Demo", "246810"  # the demo's staff accounts (headless and windowed demos)
TECHNICIAN, TECHNICIAN_PIN = "Tech Demo", "135790"


def demo_camera_source() -> str:
    """The machine's webcam if it has one, else the cached real clip (fetched by ``make``)."""
    if Path("/dev/video0").exists():
        return "0"
    from vision.footage import SPORTS2D_DEMO, FootageUnavailable, fetch_footage

    try:
        return str(fetch_footage(SPORTS2D_DEMO))
    except FootageUnavailable as e:
        log_event(log, logging.WARNING, "no camera and no cached clip; camera tests are off", error=str(e))
        return ""


def demo_station(out: Path, endpoint: str, devices: tuple[DeviceConfig, ...] | None = None) -> StationConfig:
    """The demo station (every device simulated, plain SQLite) syncing to the local test double; ``devices``
    replaces the default simulated devices (``kiosk.config.REAL_PROTOCOL_DEMO_DEVICES``)."""
    base = demo_config(str(out / "var"), **({"devices": devices} if devices else {}))
    return replace(base, sync=SyncConfig(endpoint=endpoint, auth=SyncAuth.NONE, identity=IdentityMode.PSEUDONYM,
                                         batch_max_age_s=0.0))


async def calibrate_station(manager: DeviceManager, store: Store, *, performed_by: str) -> list[dict[str, Any]]:
    """The simulated technician runs every device's real procedure; each record is saved, then devices unlock."""
    done: list[dict[str, Any]] = []
    for name, managed in manager.devices.items():
        if managed.simulator is None:
            continue
        async with managed.lock:
            record = await calibrate_simulated(managed.config.protocol, managed.driver, managed.simulator,
                                               performed_by)
        if record is None:  # no field procedure for this kind (sit-and-reach, reaction box, scale)
            continue
        store.save_calibration(record)
        log_event(log, logging.INFO, "calibration saved", device=name, procedure=record.procedure,
                  result=record.result.value)
        done.append({"device": name, "procedure": record.procedure, "result": record.result.value,
                     "valid_until": record.valid_until.isoformat(), "notes": record.notes})
    manager.refresh_calibration()
    return done
