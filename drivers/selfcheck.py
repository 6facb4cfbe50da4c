"""The devices' self-check lines: each configured device reachable, and its calibration due date.

On the command line the manager is started here (simulators too, where configured) and closed after;
on the technician's screen the station's running manager is asked as it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.base import DeviceState
from drivers.manager import DeviceManager
from kiosk.config import StationConfig
from kiosk.domain import utcnow
from kiosk.selfcheck import CheckLine, Status
from kiosk.selfcheck.core import calibration_line

REACHABLE = (DeviceState.READY, DeviceState.LOCKED, DeviceState.MEASURING)


def device_lines(manager: DeviceManager, store: Any, now: datetime | None = None) -> list[CheckLine]:
    """Two lines a device: reachable (fail with its last error when not), then its calibration at ``now``."""
    now = now or utcnow()
    lines: list[CheckLine] = []
    if not manager.devices:
        return [CheckLine("device", "devices", Status.WARN, "no devices configured",
                          "add [[devices]] to the station file")]
    for name, managed in manager.devices.items():
        where = "simulated" if managed.config.simulate else managed.listens_on
        if managed.state in REACHABLE:
            lines.append(CheckLine("device", name, Status.PASS, f"connected ({managed.config.protocol}, {where})"))
        else:
            error = managed.last_error.removeprefix(f"{name}: ") or managed.state.value
            lines.append(CheckLine("device", name, Status.FAIL, f"not reachable at {where}: {error}",
                                   "check its power and cable (or Bluetooth pairing) and the port in the "
                                   "station file; `kiosk devices probe " + name + "` tries again"))
        required = getattr(managed.driver, "REQUIRES_CALIBRATION", True)
        lines.append(calibration_line(name, store.latest_calibration(name), now, required=required))
    return lines


async def started_device_lines(cfg: StationConfig, store: Any, *, wait_s: float = 6.0,
                               now: datetime | None = None) -> list[CheckLine]:
    """Start the configured devices, wait for them to connect (up to ``wait_s``), check, and close them."""
    manager = DeviceManager(cfg, store)
    try:
        await manager.start()
        await manager.wait_until_settled(wait_s)
        return device_lines(manager, store, now)
    finally:
        await manager.close()
