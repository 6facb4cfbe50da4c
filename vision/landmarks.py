"""The landmark frame every pose backend produces and every analyser consumes.

Landmark indices follow the 33-point BlazePose / mediapipe PoseLandmarker topology. Coordinates are
normalised image coordinates (x right, y down, in [0, 1] when in view), z relative depth, plus a
per-landmark visibility in [0, 1]. Analysers are pure functions of a sequence of PoseFrames.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np


class L(enum.IntEnum):
    """Landmark indices (BlazePose 33)."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


N_LANDMARKS = 33

# Bones for drawing a skeleton overlay (pairs of landmark indices).
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 11), (0, 12),
)


@dataclass(frozen=True)
class PoseFrame:
    """One frame's pose: ``points`` is (33, 3) float x/y/z, ``visibility`` is (33,) in [0, 1].

    ``points`` is None when no person was found in the frame. ``timestamp_s`` is the capture time
    of the camera frame (monotonic seconds), not the time inference finished.
    """

    timestamp_s: float
    points: np.ndarray | None
    visibility: np.ndarray | None = None
    image_width: int = 640
    image_height: int = 480
    world: np.ndarray | None = None  # (33, 3) metres, hip-centred, when the backend gives it

    @property
    def has_person(self) -> bool:
        return self.points is not None

    def xy(self, index: int) -> np.ndarray:
        """Image-plane position of landmark ``index`` in pixels (aspect-correct for angles)."""
        assert self.points is not None
        return np.array([self.points[index, 0] * self.image_width, self.points[index, 1] * self.image_height])

    def visible(self, index: int, threshold: float = 0.5) -> bool:
        if self.points is None:
            return False
        if self.visibility is None:
            return True
        return bool(self.visibility[index] >= threshold)


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle ABC in degrees (at vertex b), 0–180."""
    v1, v2 = a - b, c - b
    n = float(np.linalg.norm(v1) * np.linalg.norm(v2))
    if n == 0.0:
        return float("nan")
    cos = float(np.clip(np.dot(v1, v2) / n, -1.0, 1.0))
    return float(np.degrees(np.arccos(cos)))
