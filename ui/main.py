"""Running the station for real: the kiosk window on one qasync loop until staff close it (or a signal)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from kiosk.config import CameraConfig, StationConfig
from kiosk.logs import log_event

log = logging.getLogger("ui.main")


def with_demo_camera(cfg: StationConfig) -> StationConfig:
    from ui.demo import demo_camera_source

    if cfg.camera.source:
        return cfg
    return replace(cfg, camera=CameraConfig(source=demo_camera_source(), loop=True))


def run_kiosk(cfg: StationConfig, *, sim_speed: float = 1.0, windowed: bool = False,
              after_start: Callable[[Any], Awaitable[None]] | None = None) -> int:
    """Show the station and serve residents until the staff exit (or SIGINT/SIGTERM); returns an exit code."""
    from PySide6.QtCore import QTimer

    from ui.app import StationApp, qt_application
    from ui.loop import StationLoop

    if windowed:
        cfg = replace(cfg, ui=replace(cfg.ui, fullscreen=False))
    qt = qt_application()
    loop = StationLoop(qt)
    asyncio.set_event_loop(loop)
    app = StationApp(cfg, sim_speed=sim_speed)
    stop_asked: list[int] = []

    def ask_stop(signum: int, _frame: object) -> None:  # quit() before the loop runs would be lost: remember it
        stop_asked.append(signum)
        qt.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, ask_stop)
    ticker = QTimer()  # lets Python run its signal handlers while Qt waits for events
    ticker.start(250)
    ticker.timeout.connect(lambda: None)
    try:
        app.show()
        loop.run_until_complete(app.start())
        if after_start is not None:
            loop.run_until_complete(after_start(app))
        log_event(log, logging.INFO, "station open", screen=app.station.screen, build_s=round(app.build_s, 2))
        if not stop_asked:
            loop.run_forever()
    finally:
        loop.run_until_complete(app.close())
        loop.close()
    return 0


async def prepare_demo_station(app: Any) -> None:
    """The windowed demo: staff accounts to try the staff modes, and the simulated devices calibrated."""
    from kiosk.staff import StaffRegistry
    from ui.demo import DOCTOR, DOCTOR_PIN, TECHNICIAN, TECHNICIAN_PIN, calibrate_station

    staff = StaffRegistry(app.store)
    for name, role, pin in ((DOCTOR, "doctor", DOCTOR_PIN), (TECHNICIAN, "technician", TECHNICIAN_PIN)):
        if staff.get(name) is None:
            staff.add(name, role, pin, added_by="demo")
    print(f"Demo staff: {DOCTOR} (doctor) PIN {DOCTOR_PIN}; {TECHNICIAN} (technician) PIN {TECHNICIAN_PIN}")
    await app.manager.wait_until_settled(15.0)
    for cal in await calibrate_station(app.manager, app.store, performed_by=TECHNICIAN):
        print(f"  calibration {cal['device']:<15} {cal['result']}")
