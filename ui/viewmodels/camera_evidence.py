"""Evidence stills of a camera test for the doctor: small JPEGs with the skeleton drawn, at each counted
repetition's top and bottom and at every pause — kept only with the resident's camera consent.

The camera test view-model hands every pipeline update to ``take`` (on the pipeline's worker thread):
frames are shrunk into a ring of a few seconds (at most ``RING_FPS`` a second), and vision.evidence picks
frames by time as the analyser's events arrive. When the test's count is stored (the session's
``measurementAdded``), only the chosen frames get their skeleton drawn and are JPEG-encoded, and are
stored beside that measurement; a test stopped or left keeps nothing. (Encoding every frame cost 1–2 ms
of the worker's time per frame for the few dozen that are kept.)
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from kiosk.domain import Method
from kiosk.errors import KioskError
from kiosk.logs import log_event
from kiosk.storage.evidence import EvidenceStill, save_stills
from ui.skeleton_overlay import draw_skeleton
from vision.evidence import FrameRing, StillPicker

if TYPE_CHECKING:
    from ui.app import StationApp
    from vision.pipeline import PipelineUpdate

log = logging.getLogger("ui.camera_evidence")

STILL_LONG_SIDE_PX = 320
JPEG_QUALITY = 70
RING_FPS = 15.0  # frames kept for picking: 6 s of 320-px frames at 15 a second is about 20 MB


def shrink(image: np.ndarray) -> np.ndarray:
    """The BGR frame shrunk to ``STILL_LONG_SIDE_PX`` on its long side (never enlarged)."""
    h, w = image.shape[:2]
    scale = min(1.0, STILL_LONG_SIDE_PX / max(h, w))
    return cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def still_jpeg(image: np.ndarray, points: Any, visibility: Any) -> tuple[bytes, int, int]:
    """The BGR frame shrunk to ``STILL_LONG_SIDE_PX`` on its long side, skeleton drawn, as JPEG (bytes, w, h)."""
    drawn = draw_skeleton(shrink(image), points, visibility, thickness=2)
    ok, buf = cv2.imencode(".jpg", drawn, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("the still could not be encoded as JPEG")
    return buf.tobytes(), drawn.shape[1], drawn.shape[0]


class CameraEvidence:
    """The stills of the camera test under way (one at a time)."""

    def __init__(self, app: StationApp) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._picker: StillPicker | None = None
        self._item = ""
        self._go_s: float | None = None
        self.saved = 0  # stills stored for the last test (tests read it)
        app.session.measurementAdded.connect(self._measurement_added)

    def start(self, exercise: str, item: str) -> None:
        """A new test begins: keep stills only if the resident consented to the camera."""
        cap = self.app.cfg.camera.evidence_stills_max
        with self._lock:
            self._picker = (StillPicker(exercise, cap=cap, ring=FrameRing(min_gap_s=1.0 / RING_FPS))
                            if self.app.session.cameraAllowed and cap > 0 else None)
            self._item, self._go_s, self.saved = item, None, 0

    def clear(self) -> None:
        """Forget unsaved stills (the test was stopped, or the session ended)."""
        with self._lock:
            self._picker = None

    def take(self, update: PipelineUpdate) -> None:
        """Worker thread: keep this frame in the ring and let its events choose stills."""
        with self._lock:
            picker = self._picker
            if picker is None:
                return
            if update.image is not None and picker.ring.wants(update.pose.timestamp_s):
                try:
                    picker.add_frame(update.pose.timestamp_s,
                                     (shrink(update.image), update.pose.points, update.pose.visibility))
                except cv2.error as e:
                    log_event(log, logging.WARNING, "evidence frame not kept", error=str(e))
            for event in update.events:
                if str(getattr(event.kind, "value", event.kind)) == "test_started":
                    self._go_s = event.at_s
                picker.on_event(event)

    def _measurement_added(self, item: str) -> None:
        """The test's count is stored: store its stills beside it (a failure loses the stills, not the count)."""
        with self._lock:
            picker, self._picker = (self._picker, None) if item == self._item else (None, self._picker)
            go_s = self._go_s
        session = self.app.session
        if picker is None or session.session is None or not session.cameraAllowed:
            return
        m = session.measurements[-1]
        if m.method is not Method.CAMERA:
            return
        go = go_s if go_s is not None else (picker.stills[0].at_s if picker.stills else 0.0)
        try:
            stills = [EvidenceStill(str(m.id), item, i, c.moment.value, c.rep, round(c.at_s - go, 3),
                                    *still_jpeg(*c.frame)) for i, c in enumerate(picker.stills)]
            self.saved = save_stills(self.app.store, session.session.id, stills) if stills else 0
        except (KioskError, ValueError, cv2.error) as e:
            log_event(log, logging.ERROR, "evidence stills not saved", item=item, error=str(e))
            return
        log_event(log, logging.INFO, "evidence stills saved", item=item, stills=self.saved, dropped=picker.dropped)
