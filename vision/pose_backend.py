"""Pose estimation backends: the PoseBackend interface and the mediapipe Tasks PoseLandmarker implementation.

A backend turns one BGR camera frame and its capture time into a PoseFrame. The interface exists so
another engine (an onnxruntime backend, say) can stand in where mediapipe has no wheel or is slower.
The model file is built offline by ``python -m models.build_pose_model``; nothing is downloaded here.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from kiosk.errors import KioskError
from kiosk.logs import log_event
from vision.landmarks import N_LANDMARKS, PoseFrame

log = logging.getLogger("vision.pose_backend")

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "pose_landmarker_full.task"


class PoseBackendError(KioskError):
    """The pose model cannot be loaded or run (missing model file, closed backend, bad frame)."""

    resident_message = "The camera tests are not available right now. Please ask a member of staff."


@runtime_checkable
class PoseBackend(Protocol):
    """Turns camera frames into PoseFrames. Frames must come in capture order (VIDEO mode tracks)."""

    name: str

    def process(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseFrame:
        """The pose in ``image_bgr`` (H×W×3 uint8, OpenCV's BGR) captured at ``timestamp_s`` (monotonic s)."""
        ...

    def close(self) -> None:
        """Release the model; idempotent. ``process`` after ``close`` raises PoseBackendError."""
        ...


@dataclass(frozen=True)
class PoseLandmarkerSettings:
    """Thresholds of the Tasks PoseLandmarker (its defaults), and how many people it looks for.

    ``num_poses`` above 1 lets the framing check say "only one person, please"; the PoseFrame always
    carries the largest person.
    """

    model_path: Path = DEFAULT_MODEL_PATH
    num_poses: int = 1
    min_pose_detection_confidence: float = 0.5
    min_pose_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


@dataclass(frozen=True)
class PoseResult:
    """A PoseFrame plus what the backend saw around it: how many people, and how long inference took."""

    frame: PoseFrame
    people_count: int
    inference_s: float


def _landmarks_array(landmarks: list) -> tuple[np.ndarray, np.ndarray]:
    pts = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float64)
    vis = np.array([p.visibility if p.visibility is not None else 0.0 for p in landmarks], dtype=np.float64)
    return pts, np.clip(vis, 0.0, 1.0)


class MediapipePoseBackend:
    """mediapipe Tasks PoseLandmarker in VIDEO mode (detector on the first frame, then landmark tracking).

    Timestamps go to mediapipe in whole milliseconds and must strictly increase; two frames that round
    to the same millisecond are nudged one millisecond apart. Thread-safe: one call runs at a time.
    """

    name = "mediapipe-pose-landmarker-full"

    def __init__(self, settings: PoseLandmarkerSettings | None = None) -> None:
        self.settings = settings or PoseLandmarkerSettings()
        path = Path(self.settings.model_path)
        if not path.is_file():
            raise PoseBackendError(f"pose model not found at {path}; build it with "
                                   "`python -m models.build_pose_model --out models/pose_landmarker_full.task`")
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=self.settings.num_poses,
            min_pose_detection_confidence=self.settings.min_pose_detection_confidence,
            min_pose_presence_confidence=self.settings.min_pose_presence_confidence,
            min_tracking_confidence=self.settings.min_tracking_confidence,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise PoseBackendError(f"mediapipe refused the pose model {path}: {e}") from e
        self._lock = threading.Lock()
        self._last_ms: int | None = None
        self._closed = False
        log_event(log, logging.INFO, "pose backend ready", backend=self.name, model=path.name)

    def process(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseFrame:
        return self.detect(image_bgr, timestamp_s).frame

    def detect(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseResult:
        """Like ``process`` but also says how many people were found and how long inference took."""
        import mediapipe as mp

        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise PoseBackendError(f"expected an H×W×3 uint8 BGR image, got shape {image_bgr.shape} "
                                   f"dtype {image_bgr.dtype}")
        h, w = image_bgr.shape[:2]
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        with self._lock:
            if self._closed:
                raise PoseBackendError("pose backend used after close()")
            ts_ms = round(timestamp_s * 1000.0)
            if self._last_ms is not None and ts_ms <= self._last_ms:
                ts_ms = self._last_ms + 1
            self._last_ms = ts_ms
            t0 = time.perf_counter()
            try:
                result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ts_ms)
            except (RuntimeError, ValueError) as e:
                raise PoseBackendError(f"pose inference failed at t={ts_ms} ms: {e}") from e
            inference_s = time.perf_counter() - t0
        poses = result.pose_landmarks or []
        people = len(poses)
        if not people:
            return PoseResult(PoseFrame(timestamp_s, None, None, w, h), 0, inference_s)
        # The largest person (by landmark bounding-box area) is the one being tested.
        arrays = [_landmarks_array(p) for p in poses]
        areas = [float(np.ptp(a[0][:, 0]) * np.ptp(a[0][:, 1])) for a in arrays]
        best = int(np.argmax(areas))
        pts, vis = arrays[best]
        world = None
        if result.pose_world_landmarks and len(result.pose_world_landmarks) > best:
            world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[best]], dtype=np.float64)
        if pts.shape != (N_LANDMARKS, 3):
            raise PoseBackendError(f"model returned {pts.shape[0]} landmarks, expected {N_LANDMARKS}")
        return PoseResult(PoseFrame(timestamp_s, pts, vis, w, h, world), people, inference_s)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._landmarker.close()
        log_event(log, logging.INFO, "pose backend closed", backend=self.name)

    def __enter__(self) -> MediapipePoseBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def detect_with(backend: PoseBackend, image_bgr: np.ndarray, timestamp_s: float) -> PoseResult:
    """``backend``'s pose for one frame with people count and inference time, for any PoseBackend.

    Backends with their own ``detect`` (MediapipePoseBackend) report exactly; for others the call is
    timed here and the people count is 1 or 0.
    """
    detect = getattr(backend, "detect", None)
    if callable(detect):
        result = detect(image_bgr, timestamp_s)
        if isinstance(result, PoseResult):
            return result
    t0 = time.perf_counter()
    frame = backend.process(image_bgr, timestamp_s)
    return PoseResult(frame, int(frame.has_person), time.perf_counter() - t0)
