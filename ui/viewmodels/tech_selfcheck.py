"""The self-check on the technician's screen (QML ``techCheck``): the same lines as `kiosk selfcheck`, live.

Devices are read from the running manager (nothing is restarted); the blocking parts (the camera for
two seconds, the sync server's /metadata) run in worker threads, everything touching the store or Qt
on the loop. Details and actions are in English, like the drivers' technical details on these screens;
the verdict words and headings are translated.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.domain import utcnow
from kiosk.logs import log_event
from kiosk.selfcheck import CheckLine, Status, overall, run_checks
from kiosk.selfcheck.core import clock_line, queue_lines, read_time_sync
from ui.i18n import translate

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.tech_selfcheck")


def status_text(status: Status) -> str:
    return {Status.PASS: translate("Technician", "Pass"), Status.WARN: translate("Technician", "Warning"),
            Status.FAIL: translate("Technician", "Fail")}[status]


async def live_lines(app: StationApp) -> list[CheckLine]:
    """Every self-check line for the running station."""
    from drivers.selfcheck import device_lines
    from sync import selfcheck as sync_check
    from ui.selfcheck import core_checks, qt_checks
    from vision.selfcheck import camera_lines

    loop = asyncio.get_running_loop()
    cfg = app.cfg
    camera_busy = getattr(app.viewmodels.get("techCamera"), "running", False) or getattr(
        app.viewmodels.get("cameraTest"), "pipeline", None) is not None
    camera = (loop.run_in_executor(None, lambda: camera_lines(cfg.camera)) if not camera_busy else None)
    caps = loop.run_in_executor(None, sync_check.read_capabilities, cfg.sync) if cfg.sync.endpoint else None
    lines = run_checks([("device", lambda: device_lines(app.manager, app.store))])
    if camera is not None:
        lines += await camera
    else:
        lines.append(CheckLine("camera", "picture", Status.WARN, "the camera is in use; not checked now",
                               "run the self-check again when the camera test or check has finished"))
    got = await caps if caps is not None else None
    time_sync = await loop.run_in_executor(None, read_time_sync)
    lines += run_checks([*core_checks(cfg, app.store),
                         ("sync", lambda: sync_check.endpoint_lines(cfg.sync, got)),
                         ("sync", lambda: queue_lines(app.store.outbox_stats(), utcnow(),
                                                      sync_on=bool(cfg.sync.endpoint))),
                         ("clock", lambda: clock_line(time_sync, sync_check.server_clock(got))),
                         *qt_checks(cfg)])
    return lines


class SelfCheckModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._lines: list[CheckLine] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None

    @Property("QVariantList", notify=changed)
    def lines(self) -> list[dict[str, Any]]:
        order = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 2}  # what needs the technician first
        return [{**li.to_dict(), "statusText": status_text(li.status)}
                for li in sorted(self._lines, key=lambda li: order[li.status])]

    @Property(bool, notify=changed)
    def running(self) -> bool:
        return self._running

    @Property(str, notify=changed)
    def verdict(self) -> str:
        if self._running:
            return translate("Technician", "Checking the station…")
        if not self._lines:
            return ""
        counts = {s: sum(1 for li in self._lines if li.status is s) for s in Status}
        return translate("Technician", "%1: %2 pass, %3 warnings, %4 failures").replace(
            "%1", status_text(overall(self._lines))).replace("%2", str(counts[Status.PASS])).replace(
            "%3", str(counts[Status.WARN])).replace("%4", str(counts[Status.FAIL]))

    @Property(str, notify=changed)
    def verdictStatus(self) -> str:
        return overall(self._lines).value if self._lines and not self._running else ""

    @Slot()
    def open(self) -> None:
        self.app.station.go("TechSelfCheck")
        self.run()

    @Slot()
    def run(self) -> None:
        if self._running:
            return
        self._running = True
        self.changed.emit()
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            self._lines = await live_lines(self.app)
            self.app.station.audit_view("technician.selfcheck", "station", status=overall(self._lines).value)
        except Exception as e:  # the screen says so instead of spinning forever
            log_event(log, logging.ERROR, "self-check failed", error=repr(e))
            self._lines = [CheckLine("selfcheck", "self-check", Status.FAIL, f"{type(e).__name__}: {e}",
                                     "run `kiosk selfcheck` on the console and report the output")]
        finally:
            self._running = False
            self.changed.emit()

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
