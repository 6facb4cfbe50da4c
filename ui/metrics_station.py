"""The station's metrics endpoint: refreshes the snapshot on the event loop, serves it from its own thread.

Off unless ``[metrics] listen`` is set. The figures come from the station's store, its device manager
and the camera test's pipeline, all read on the loop's thread (the store is single-threaded).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any

from kiosk.config import StationConfig
from kiosk.domain import CalibrationResult, utcnow
from kiosk.logs import log_event
from kiosk.metrics import DeviceFigures, MetricsSnapshot, StationCollector, new_registry, serve, store_figures

log = logging.getLogger("ui.metrics")


def device_figures(cfg: StationConfig, store: Any, manager: Any = None) -> tuple[DeviceFigures, ...]:
    """Each configured device's state (when ``manager`` runs them) and calibration expiry (passed records only)."""
    out = []
    for d in cfg.devices:
        record = store.latest_calibration(d.name)
        until = record.valid_until if record is not None and record.result is CalibrationResult.PASSED else None
        managed = manager.devices.get(d.name) if manager is not None else None
        out.append(DeviceFigures(d.name, d.kind, managed.state.value if managed is not None else None, until))
    return tuple(out)


class CameraCounter:
    """Frames per second of the running camera test, and dropped frames summed over every test since start."""

    def __init__(self) -> None:
        self._pipeline: Any = None
        self._dropped_before = 0
        self._dropped_current = 0

    def read(self, pipeline: Any) -> tuple[float | None, int]:
        if pipeline is not self._pipeline:
            self._dropped_before += self._dropped_current
            self._pipeline, self._dropped_current = pipeline, 0
        if pipeline is None:
            return None, self._dropped_before
        stats = pipeline.stats()
        self._dropped_current = stats.frames_dropped_by_capture + stats.updates_dropped_by_queue
        return stats.fps, self._dropped_before + self._dropped_current


def snapshot(cfg: StationConfig, store: Any, *, manager: Any = None, camera: tuple[float | None, int] = (None, 0),
             device_errors: dict[tuple[str, str], int] | None = None) -> MetricsSnapshot:
    return MetricsSnapshot(station_id=cfg.station_id, devices=device_figures(cfg, store, manager),
                           camera_fps=camera[0], camera_dropped_frames_total=camera[1],
                           device_errors_total=dict(device_errors or {}), **store_figures(store, utcnow()))


class MetricsService:
    """Owns the endpoint for one running station: ``start()`` on the loop, ``await close()`` at the end."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.collector = StationCollector(MetricsSnapshot(station_id=app.cfg.station_id))
        self.registry = new_registry(self.collector)
        self.camera = CameraCounter()
        self.device_errors: dict[tuple[str, str], int] = {}
        app.manager.add_listener(self._on_device_event)
        self.server: Any = None
        self._task: asyncio.Task[None] | None = None

    def _on_device_event(self, event: Any) -> None:
        if event.kind.value == "error" and event.payload is not None:
            key = (event.device, type(event.payload).__name__)
            self.device_errors[key] = self.device_errors.get(key, 0) + 1

    def refresh(self) -> MetricsSnapshot:
        cam_vm = self.app.viewmodels.get("cameraTest")
        camera = self.camera.read(getattr(cam_vm, "pipeline", None))
        snap = snapshot(self.app.cfg, self.app.store, manager=self.app.manager, camera=camera,
                        device_errors=self.device_errors)
        self.collector.update(snap)
        return snap

    def start(self) -> None:
        listen = self.app.cfg.metrics.listen
        self.refresh()
        self.server = serve(self.registry, listen)
        self._task = asyncio.ensure_future(self._every(self.app.cfg.metrics.refresh_s))
        log_event(log, logging.INFO, "metrics endpoint listening", listen=listen)

    async def _every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                self.refresh()
            except Exception as e:  # a failed refresh keeps the last figures; the next one tries again
                log_event(log, logging.WARNING, "metrics refresh failed", error=repr(e))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.server is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.server.shutdown)
            self.server.server_close()


def offline_snapshot(cfg: StationConfig, store: Any) -> MetricsSnapshot:
    """For `kiosk metrics show`: the store's figures and calibration expiry; no device states, no camera."""
    return replace(snapshot(cfg, store), devices=device_figures(cfg, store))
