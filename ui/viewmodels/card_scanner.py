"""The identify screen's camera: a ``QrScanner`` thread whose pictures, codes and failures arrive on the loop.

Each callback is handed over with the scanner that produced it, and dropped when that scanner is no
longer the current one: a frame still on its way after the resident typed their number instead must
not show, and a code read in that moment must not identify anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from kiosk.logs import log_event
from ui.qr_scan import QrScanner

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.resident_flow")

CAMERA_FEED = "identify"


class CardScanner:
    def __init__(self, app: StationApp, *, on_code: Callable[[str], None], on_failure: Callable[[str], None]) -> None:
        self.app, self.on_code, self.on_failure = app, on_code, on_failure
        self._scanner: QrScanner | None = None

    @property
    def running(self) -> bool:
        return self._scanner is not None

    def start(self) -> None:
        if self._scanner is not None:
            return
        loop = asyncio.get_event_loop()
        cam = self.app.cfg.camera
        scanner: QrScanner

        def hop(fn: Callable[..., None], *args: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed while the thread finished a frame
                loop.call_soon_threadsafe(fn, scanner, *args)

        scanner = QrScanner(cam.source, loop=cam.loop, request_size=(cam.width, cam.height), request_fps=cam.fps,
                            on_frame=lambda f: hop(self._frame, f), on_code=lambda t: hop(self._code, t),
                            on_problem=lambda d: hop(self._failure, d))
        self._scanner = scanner
        scanner.start()
        log_event(log, logging.INFO, "QR scanner started")

    def stop(self) -> bool:
        """Stop the camera and clear its picture; True when it was running."""
        scanner, self._scanner = self._scanner, None
        if scanner is None:
            return False
        scanner.stop(timeout_s=0)  # the thread ends within one frame; not worth blocking the screen
        self.app.camera_frames.clear(CAMERA_FEED)
        log_event(log, logging.INFO, "QR scanner stopped", frames=scanner.frames_seen, decodes=scanner.decodes)
        return True

    async def aclose(self) -> None:
        scanner, self._scanner = self._scanner, None
        if scanner is not None:
            await asyncio.to_thread(scanner.stop)

    def _frame(self, scanner: QrScanner, frame: np.ndarray) -> None:
        if scanner is self._scanner:
            self.app.camera.publish(CAMERA_FEED, frame)

    def _code(self, scanner: QrScanner, text: str) -> None:
        if scanner is self._scanner:
            self.on_code(text)

    def _failure(self, scanner: QrScanner, detail: str) -> None:
        if scanner is self._scanner:
            log_event(log, logging.ERROR, "QR scanner stopped by the camera", detail=detail)
            self._scanner = None
            self.on_failure(detail)
