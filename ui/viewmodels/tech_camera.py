"""The camera framing and lighting check (QML ``techCamera``): the live picture and a verdict in plain words.

The station's camera pipeline runs with no exercise (pose, lighting); framing is judged here against
the most demanding profile the station uses (a whole standing body, head to feet), so a camera that
passes here frames every camera test. The picture goes to the ``tech`` feed and is forgotten on leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.errors import KioskError
from kiosk.logs import log_event
from ui.i18n import translate
from ui.viewmodels.camera_test_text import hint

if TYPE_CHECKING:
    from ui.app import StationApp
    from vision.pipeline import PipelineUpdate, VisionPipeline

log = logging.getLogger("ui.tech_camera")
FEED = "tech"
PROFILE = "squat"  # whole body standing, feet included: the strictest framing any camera test needs


class CameraCheckModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._pipeline: VisionPipeline | None = None
        self._starting: asyncio.Task[None] | None = None
        self._framing = self._lighting = self._status = ""
        self._framing_ok = self._lighting_ok = False
        self._frames = 0
        self._stopped: VisionPipeline | None = None  # the last stopped pipeline, joined on close
        app.station.on_session_end.append(self.stop)

    @Property(bool, notify=changed)
    def running(self) -> bool:
        return self._pipeline is not None

    @Property(str, notify=changed)
    def framing(self) -> str:
        return self._framing

    @Property(str, notify=changed)
    def lighting(self) -> str:
        return self._lighting

    @Property(bool, notify=changed)
    def framingOk(self) -> bool:
        return self._framing_ok

    @Property(bool, notify=changed)
    def lightingOk(self) -> bool:
        return self._lighting_ok

    @Property(str, notify=changed)
    def status(self) -> str:
        return self._status

    @Property(int, notify=changed)
    def frames(self) -> int:
        return self._frames

    @Slot()
    def open(self) -> None:
        self.app.station.audit_view("technician.camera_check", "camera")
        self.app.station.go("TechCamera")
        self.start()

    @Slot()
    def start(self) -> None:
        if self._pipeline is not None or (self._starting is not None and not self._starting.done()):
            return
        self._framing = self._lighting = ""
        self._framing_ok = self._lighting_ok = False
        self._frames = 0
        self._status = translate("Technician", "Starting the camera…")
        self.changed.emit()
        self._starting = asyncio.ensure_future(self._start())

    async def _start(self) -> None:
        from vision.pipeline import camera_pipeline, loop_callback

        loop = asyncio.get_running_loop()
        try:  # loading the pose model takes a moment: off the GUI thread
            pipeline = await loop.run_in_executor(None, lambda: camera_pipeline(
                self.app.cfg.camera, None, on_update=loop_callback(loop, self._on_update),
                keep_images=True, queue_size=4))
        except (KioskError, OSError) as e:
            log_event(log, logging.WARNING, "camera check could not start", error=str(e))
            self._status = translate("Technician", "The camera cannot be used: %1").replace("%1", str(e))
            self.changed.emit()
            return
        self._pipeline = pipeline.start()
        self._status = ""
        self.changed.emit()

    def _on_update(self, update: PipelineUpdate) -> None:
        from vision.framing import check_framing

        if self._pipeline is None:
            return  # an update that was on its way when the check stopped
        if update.error:
            self._status = translate("Technician", "The camera stopped: %1").replace("%1", update.error)
        image: Any = getattr(update, "image", None)
        if image is not None:
            self.app.camera.publish(FEED, image)
            self._frames += 1
        if update.frame_index >= 0:
            report = check_framing(update.pose, PROFILE, require_posture=False, people_count=update.people_count)
            self._framing_ok = report.ok
            self._framing = (translate("Technician", "Framing good: a whole standing person is in view.")
                             if report.ok else translate("Technician", "Framing: %1").replace(
                                 "%1", hint(report.primary_hint.value)))
        if update.lighting is not None:
            self._lighting_ok = update.lighting.ok
            s = update.lighting.stats
            detail = f"(mean {s.mean_level:.0f}, contrast {s.contrast_std:.0f})"
            self._lighting = (translate("Technician", "Lighting good %1").replace("%1", detail)
                              if update.lighting.ok else translate("Technician", "Lighting: %1").replace(
                                  "%1", hint(update.lighting.hints[0].value) + " " + detail))
        self.changed.emit()

    @Slot()
    def stop(self) -> None:
        """Stop the camera and forget the picture (called on leaving the screen and at session end)."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.stop(timeout_s=0.0)  # the worker ends after the frame in hand; aclose waits for it
            self._stopped = pipeline
        self.app.camera_frames.clear(FEED)
        self.changed.emit()

    @Slot()
    def leave(self) -> None:
        self.stop()
        self.app.station.go("TechHome")

    async def aclose(self) -> None:
        self.stop()
        stopped = self._stopped
        if stopped is not None:
            with contextlib.suppress(Exception):
                await asyncio.get_running_loop().run_in_executor(None, stopped.wait, 10.0)
