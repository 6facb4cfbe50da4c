"""A station in its own process for the crash and watchdog tests: ``python -m tests.ui.station_child DATA_DIR MODE``.

MODE ``mid-session``: a guest does two grip trials (both committed), the child prints ``SAVED <session>``,
then freezes its event loop (a blocking sleep on the loop's thread) as a hung station would.
MODE ``restart``: the station opens on the same data and prints ``OPEN <sessions in the store>``, then idles.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from ui import qt_env

qt_env.prepare(headless=True)

from kiosk.config import demo_config  # noqa: E402
from kiosk.domain import CalibrationRecord, CalibrationResult, Sex, utcnow  # noqa: E402
from ui.driver import ScreenDriver, run_station  # noqa: E402


async def mid_session(d: ScreenDriver) -> None:
    d.app.store.save_calibration(CalibrationRecord("grip", "test check", "test-technician", utcnow(),
                                                   CalibrationResult.PASSED, utcnow() + timedelta(days=1)))
    d.app.manager.refresh_calibration()
    d.app.session.start_guest(Sex.FEMALE, 1958)
    d.app.session.set_consent(True, False)
    d.app.session.set_safety({})
    await d.until(lambda: d.app.manager.device("grip").state.value == "ready", 20, "grip connected")
    vm = d.app.viewmodels["deviceTest"]
    vm.begin("grip")
    d.app.station.go("DeviceTest")
    await d.wait_screen("DeviceTest")
    for n in (1, 2):
        await d.click("startButton")
        await d.until(lambda n=n: vm.trialsDone == n, 20, f"grip trial {n}")
    print(f"SAVED {d.app.session.session.id}", flush=True)
    await asyncio.sleep(1.5)  # the watchdog keeps pinging while the loop turns …
    print("FREEZING", flush=True)
    time.sleep(600)  # … and stops when it freezes


async def restart(d: ScreenDriver) -> None:
    count = d.app.store.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    print(f"OPEN {count}", flush=True)
    await asyncio.sleep(600)


def main() -> None:
    data_dir, mode = Path(sys.argv[1]), sys.argv[2]
    cfg = demo_config(str(data_dir))
    cfg = replace(cfg, ui=replace(cfg.ui, tts_engine="mock", fullscreen=False, printer="none", language="en"))
    run_station(cfg, mid_session if mode == "mid-session" else restart, sim_speed=8.0, timeout_s=900,
                start_uploader=False)


if __name__ == "__main__":
    main()
