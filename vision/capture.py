"""Camera capture in its own thread: a V4L2 device, a video file (optionally looped) or an RTSP stream.

Only the newest frame is kept: a frame nobody took before the next one arrived is counted as dropped.
Every frame carries the monotonic time it was grabbed. The state (opening, live, lost, ended, failed,
stopped) is always readable and reported on change; a camera that disappears is retried until it
returns. An unpaced file (``pace=False``) is read as fast as the consumer takes frames and drops none,
which is what offline analysis of a recording wants.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.logs import log_event

log = logging.getLogger("vision.capture")


class CaptureError(KioskError):
    """The camera source cannot be used (bad source string, unreadable file)."""

    resident_message = "The camera is not working right now. Please ask a member of staff."


class CaptureState(enum.StrEnum):
    OPENING = "opening"  # first attempt to open the source
    LIVE = "live"  # frames are arriving
    LOST = "lost"  # a camera or stream stopped delivering; retrying until it returns
    ENDED = "ended"  # a video file reached its end (and does not loop)
    FAILED = "failed"  # a video file that cannot be opened or decoded: nothing to retry
    STOPPED = "stopped"  # stop() was called


STREAM_TIMEOUT_MS = 5000
_FINAL_STATES = (CaptureState.ENDED, CaptureState.FAILED, CaptureState.STOPPED)


class SourceKind(enum.StrEnum):
    DEVICE = "device"
    FILE = "file"
    STREAM = "stream"


@dataclass(frozen=True)
class CameraSource:
    """Where frames come from: a V4L2 index (``"0"``), a ``/dev/video*`` path, a file, or an rtsp/http URL."""

    kind: SourceKind
    target: str

    @property
    def device_index(self) -> int | None:
        return int(self.target) if self.kind is SourceKind.DEVICE and self.target.isdigit() else None


def parse_source(text: str) -> CameraSource:
    """The source a config string names; raises CaptureError on an empty string."""
    s = text.strip()
    if not s:
        raise CaptureError("no camera source configured (camera.source is empty)")
    if s.isdigit() or s.startswith("/dev/video"):
        return CameraSource(SourceKind.DEVICE, s)
    if "://" in s:
        return CameraSource(SourceKind.STREAM, s)
    return CameraSource(SourceKind.FILE, s)


@dataclass(frozen=True)
class CapturedFrame:
    """One camera frame (BGR, as OpenCV gives it).

    ``timestamp_s`` is the frame's time: the grab time on the monotonic clock for cameras and paced
    files; for unpaced files, the position in the recording (from 0, growing across loops), so analysers
    see the recording's true timing however fast it is processed. ``grabbed_at_s`` is always the
    monotonic time the frame was read, the start point of latency measurements.
    """

    image: np.ndarray
    index: int
    timestamp_s: float
    grabbed_at_s: float

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True)
class CaptureStats:
    frames_read: int
    frames_taken: int
    frames_dropped: int
    reopen_count: int
    loops: int
    state: CaptureState
    detail: str


class VideoReader(Protocol):
    """The part of ``cv2.VideoCapture`` capture uses (so a test can stand in for a camera)."""

    def isOpened(self) -> bool: ...
    def read(self) -> tuple[bool, np.ndarray | None]: ...
    def get(self, prop: int) -> float: ...
    def set(self, prop: int, value: float) -> bool: ...
    def release(self) -> None: ...


def open_with_opencv(source: CameraSource, width: int, height: int, fps: int) -> VideoReader:
    """Open ``source`` with OpenCV: V4L2 for devices (asking for width×height at fps, one-frame buffer)."""
    if source.kind is SourceKind.DEVICE:
        cap = cv2.VideoCapture(source.device_index if source.device_index is not None else source.target, cv2.CAP_V4L2)
        if cap.isOpened():
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            cap.set(cv2.CAP_PROP_FPS, fps)
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap
    if source.kind is SourceKind.STREAM:
        # Bounded waits, so a dead network camera is reported lost instead of hanging the capture thread.
        return cv2.VideoCapture(source.target, cv2.CAP_FFMPEG,
                                [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_TIMEOUT_MS,
                                 cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_TIMEOUT_MS])
    return cv2.VideoCapture(source.target)


def letterbox(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to fit width×height with its aspect kept, centred on black."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    # Bilinear: ~10x cheaper than INTER_AREA on a 1080p frame, and the pose model resamples to 256 px anyway.
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    if (nw, nh) == (width, height):
        return resized
    out = np.zeros((height, width, *image.shape[2:]), dtype=image.dtype)
    x0, y0 = (width - nw) // 2, (height - nh) // 2
    out[y0:y0 + nh, x0:x0 + nw] = resized
    return out


class FrameCapture:
    """Reads frames in a background thread and hands out the newest one.

    ``frame_size`` letterboxes every frame to that (width, height); None keeps the source's size.
    ``pace`` plays a file at its own frame rate like a camera (default), False reads it as fast as
    frames are taken. ``loop`` restarts a file at its end. ``on_state(state, detail)`` is called from
    the capture thread on every change of state (``stats().detail`` has the latest detail).
    """

    def __init__(self, source: str | CameraSource, *, loop: bool = False, pace: bool = True,
                 frame_size: tuple[int, int] | None = None, request_size: tuple[int, int] = (640, 480),
                 request_fps: int = 30, retry_interval_s: float = 1.0,
                 on_state: Callable[[CaptureState, str], None] | None = None,
                 opener: Callable[[CameraSource, int, int, int], VideoReader] = open_with_opencv) -> None:
        self.source = parse_source(source) if isinstance(source, str) else source
        if self.source.kind is SourceKind.FILE and not Path(self.source.target).is_file():
            raise CaptureError(f"video file not found: {self.source.target}")
        self.loop, self.pace = loop, pace
        self.frame_size, self.request_size, self.request_fps = frame_size, request_size, request_fps
        self.retry_interval_s = retry_interval_s
        self._on_state, self._opener = on_state, opener
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latest: CapturedFrame | None = None
        self._taken_index = -1
        self._state, self._detail = CaptureState.OPENING, ""
        self._read = self._taken = self._dropped = self._reopens = self._loops = 0

    # -- consumer side -------------------------------------------------------------------------------------
    @property
    def state(self) -> CaptureState:
        return self._state

    @property
    def started(self) -> bool:
        return self._thread is not None

    def stats(self) -> CaptureStats:
        with self._cond:
            return CaptureStats(self._read, self._taken, self._dropped, self._reopens, self._loops,
                                self._state, self._detail)

    def next_frame(self, timeout_s: float | None = None) -> CapturedFrame | None:
        """The newest frame not yet taken, waiting up to ``timeout_s``; None on timeout or when capture
        has ended, failed or stopped and no frame is left."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            while self._latest is None or self._latest.index <= self._taken_index or self._stop.is_set():
                if self._stop.is_set() or self._state in _FINAL_STATES:
                    return None
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._cond.wait(remaining)
            frame = self._latest
            self._taken_index = frame.index
            self._taken += 1
            self._cond.notify_all()
            return frame

    def start(self) -> FrameCapture:
        if self._thread is not None:
            raise RuntimeError("capture already started")
        self._thread = threading.Thread(target=self._run, name=f"capture-{self.source.kind}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the thread and release the camera; safe to call twice."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)
        if self._state not in (CaptureState.ENDED, CaptureState.FAILED):
            self._set_state(CaptureState.STOPPED, "stopped")

    def __enter__(self) -> FrameCapture:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- capture thread ------------------------------------------------------------------------------------
    def _set_state(self, state: CaptureState, detail: str) -> None:
        with self._cond:
            if self._stop.is_set() and state is not CaptureState.STOPPED:
                return  # stopped is final: a read that returns after stop() must not report LOST/LIVE
            changed = state != self._state
            if not changed and detail == self._detail:
                return
            self._state, self._detail = state, detail
            self._cond.notify_all()
        if not changed:  # same state, new detail (e.g. "stopped delivering" -> "cannot open"): log only
            log_event(log, logging.DEBUG, "capture state detail", state=str(state), detail=detail)
            return
        log_event(log, logging.INFO if state is not CaptureState.LOST else logging.WARNING, "capture state",
                  state=str(state), source_kind=str(self.source.kind), detail=detail)
        if self._on_state is not None:
            try:
                self._on_state(state, detail)
            except Exception:  # a broken listener must not kill the capture thread
                log.exception("capture state listener failed")

    def _open(self) -> VideoReader | None:
        w, h = self.request_size
        try:
            reader = self._opener(self.source, w, h, self.request_fps)
        except Exception as e:  # OpenCV raises cv2.error for some backends
            log_event(log, logging.DEBUG, "capture open failed", error=str(e))
            return None
        if not reader.isOpened():
            reader.release()
            return None
        return reader

    def _publish(self, image: np.ndarray, timestamp_s: float, grabbed_at_s: float) -> None:
        if self.frame_size is not None:
            image = letterbox(image, *self.frame_size)
        with self._cond:
            if not self.pace and self.source.kind is SourceKind.FILE:
                # Lossless file reading: wait until the consumer has taken the previous frame.
                while (self._latest is not None and self._latest.index > self._taken_index
                       and not self._stop.is_set()):
                    self._cond.wait(0.1)
                if self._stop.is_set():
                    return
            if self._latest is not None and self._latest.index > self._taken_index:
                self._dropped += 1
            self._latest = CapturedFrame(image, self._read, timestamp_s, grabbed_at_s)
            self._read += 1
            self._cond.notify_all()

    def _run(self) -> None:
        is_file = self.source.kind is SourceKind.FILE
        reader: VideoReader | None = None
        first = True
        media_offset_s = 0.0  # accumulated length of earlier loops
        last_media_s = 0.0
        next_due = time.monotonic()
        try:
            while not self._stop.is_set():
                if reader is None:
                    reader = self._open()
                    if reader is None:
                        if is_file:
                            self._set_state(CaptureState.FAILED, f"cannot open video file {self.source.target}")
                            return
                        self._set_state(CaptureState.OPENING if first else CaptureState.LOST,
                                        f"cannot open {self.source.kind} {self.source.target}; retrying")
                        self._stop.wait(self.retry_interval_s)
                        continue
                    if not first:
                        self._reopens += 1
                    first = False
                    fps = reader.get(cv2.CAP_PROP_FPS) or 0.0
                    frame_period_s = 1.0 / fps if 1.0 <= fps <= 240.0 else 1.0 / 30.0
                    self._set_state(CaptureState.LIVE, f"{self.source.kind} open")
                try:
                    ok, image = reader.read()
                except Exception as e:  # cv2.error from some backends when the device goes away
                    if is_file:
                        raise
                    log_event(log, logging.DEBUG, "capture read failed", error=f"{type(e).__name__}: {e}")
                    ok, image = False, None
                now = time.monotonic()
                if not ok or image is None:
                    with contextlib.suppress(Exception):
                        reader.release()
                    reader = None
                    if not is_file:
                        self._set_state(CaptureState.LOST, f"{self.source.kind} stopped delivering frames; retrying")
                        self._stop.wait(self.retry_interval_s)
                        continue
                    if self._read == 0:
                        self._set_state(CaptureState.FAILED, f"no frame could be decoded from {self.source.target}")
                        return
                    if not self.loop:
                        self._set_state(CaptureState.ENDED, "end of video file")
                        return
                    self._loops += 1
                    media_offset_s = last_media_s + frame_period_s
                    first = True  # reopening a file at its end is a loop, not a recovery
                    continue
                if is_file:
                    media_s = media_offset_s + max(0.0, reader.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
                    if self._read > 0 and media_s <= last_media_s:  # container without usable positions
                        media_s = last_media_s + frame_period_s
                    last_media_s = media_s
                    if self.pace:
                        next_due += frame_period_s
                        delay = next_due - time.monotonic()
                        if delay > 0:
                            self._stop.wait(delay)
                        elif delay < -1.0:  # fell far behind (machine busy): do not try to catch up
                            next_due = time.monotonic()
                        now = time.monotonic()
                        self._publish(image, now, now)
                    else:
                        self._publish(image, last_media_s, now)
                else:
                    self._publish(image, now, now)
        except Exception as e:  # the thread must end in a clear state, never silently
            log.exception("capture thread crashed")
            self._set_state(CaptureState.FAILED, f"capture crashed: {type(e).__name__}: {e}")
        finally:
            if reader is not None:
                reader.release()
