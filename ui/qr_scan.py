"""Reading a resident's QR code (resident card or health code) from the station camera.

``decode_qr`` is a pure function from a BGR frame to the code's text (OpenCV's QRCodeDetector, with
a second try on a sharpened, enlarged grey image for small or soft codes). ``resident_id_from_qr``
says whether that text is a resident card: an 18-character ID number, or ``HS-RESIDENT:<ID number>``.
``QrScanner`` reads frames from ``FrameCapture`` in its own thread, hands every frame (for the live
picture) and every newly read code to callbacks; the callbacks run on that thread, so the caller
hops to the event loop before touching Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

import cv2
import numpy as np

from kiosk.errors import InputError
from kiosk.identity import ResidentId, parse_resident_id
from kiosk.logs import log_event
from vision.capture import CaptureError, CaptureState, FrameCapture

log = logging.getLogger("ui.qr_scan")

RESIDENT_PREFIX = "HS-RESIDENT:"


def decode_qr(frame: np.ndarray, detector: cv2.QRCodeDetector | None = None) -> str | None:
    """The text of a QR code in ``frame`` (BGR or grey), or None when none can be read."""
    detector = detector or cv2.QRCodeDetector()
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    text = _try(detector, grey)
    if text is None:
        # Second chance: a small or slightly blurred code read better enlarged and sharpened.
        big = cv2.resize(grey, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
        blur = cv2.GaussianBlur(big, (0, 0), 2.0)
        text = _try(detector, cv2.addWeighted(big, 1.6, blur, -0.6, 0))
    if text is None:  # sensor noise on a nearly square-on code can defeat the finder patterns: denoise, binarise
        text = _try(detector, cv2.medianBlur(grey, 3))
    if text is None:
        _, binary = cv2.threshold(cv2.GaussianBlur(grey, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        text = _try(detector, binary)
    return text


def _try(detector: cv2.QRCodeDetector, grey: np.ndarray) -> str | None:
    try:
        text, _points, _ = detector.detectAndDecode(grey)
    except cv2.error:  # OpenCV raises on some degenerate quadrilaterals; that frame simply has no code
        return None
    return text or None


def resident_id_from_qr(text: str, *, today: date | None = None) -> ResidentId:
    """The resident ID number a scanned code carries; InputError when it is not a resident card."""
    payload = text.strip()
    if payload.upper().startswith(RESIDENT_PREFIX):
        payload = payload[len(RESIDENT_PREFIX):].strip()
    elif len(payload) != 18:
        raise InputError("this QR code is not a resident card", field="qr")
    return parse_resident_id(payload, today=today)


class QrScanner:
    """Camera → live frames and decoded codes, in one background thread (start once, stop once).

    ``on_frame(bgr)`` gets at most ``preview_fps`` frames a second; ``on_code(text)`` gets each code when
    it is first read, and again only after ``repeat_after_s`` (a code held up stays in view for a while).
    ``on_problem(detail)`` is told when the camera cannot be opened or stops.
    """

    def __init__(self, source: str, *, on_frame: Callable[[np.ndarray], None], on_code: Callable[[str], None],
                 on_problem: Callable[[str], None] = lambda detail: None, loop: bool = True,
                 request_size: tuple[int, int] = (640, 480), request_fps: int = 30, preview_fps: float = 15.0,
                 decode_fps: float = 8.0, repeat_after_s: float = 3.0) -> None:
        self.source, self.loop = source, loop
        self.request_size, self.request_fps = request_size, request_fps
        self.on_frame, self.on_code, self.on_problem = on_frame, on_code, on_problem
        self.preview_every_s, self.decode_every_s = 1.0 / preview_fps, 1.0 / decode_fps
        self.repeat_after_s = repeat_after_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_seen = self.decodes = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a QrScanner starts once")
        self._thread = threading.Thread(target=self._run, name="qr-scanner", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            capture = FrameCapture(self.source, loop=self.loop, request_size=self.request_size,
                                   request_fps=self.request_fps)
        except CaptureError as e:
            log_event(log, logging.ERROR, "QR scanner cannot open the camera", error=str(e))
            self.on_problem(str(e))
            return
        detector = cv2.QRCodeDetector()
        last_preview = last_decode = 0.0
        last_code, last_code_at = "", 0.0
        with capture:
            while not self._stop.is_set():
                frame = capture.next_frame(timeout_s=0.5)
                if frame is None:
                    if capture.state in (CaptureState.FAILED, CaptureState.ENDED, CaptureState.STOPPED):
                        self.on_problem(capture.stats().detail or capture.state.value)
                        return
                    continue
                self.frames_seen += 1
                now = time.monotonic()
                if now - last_preview >= self.preview_every_s:
                    last_preview = now
                    self.on_frame(frame.image)
                if now - last_decode < self.decode_every_s:
                    continue
                last_decode = now
                self.decodes += 1
                text = decode_qr(frame.image, detector)
                if text and not self._stop.is_set() and (text != last_code or now - last_code_at > self.repeat_after_s):
                    last_code, last_code_at = text, now
                    self.on_code(text)
