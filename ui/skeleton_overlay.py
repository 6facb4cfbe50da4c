"""The pose skeleton drawn onto the camera picture, so residents see that the station follows them.

Drawn with OpenCV on the worker thread before the frame is published (QML then shows one plain image,
which costs the interface nothing extra). Pure: arrays in, a new array out; the input is left untouched.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.landmarks import SKELETON

BONE_BGR = (60, 220, 255)  # warm yellow: visible on skin, clothes and most rooms
JOINT_BGR = (30, 110, 255)
OUTLINE_BGR = (20, 20, 20)  # a dark rim keeps the lines visible on a bright wall


def draw_skeleton(image: np.ndarray, points: np.ndarray | None, visibility: np.ndarray | None = None, *,
                  threshold: float = 0.5, thickness: int | None = None) -> np.ndarray:
    """A copy of the BGR ``image`` with bones and joints drawn at ``points`` (normalised x, y; 33 rows).

    Landmarks below ``threshold`` visibility, outside the picture or not finite are left out (a guessed
    limb drawn in the wrong place would confuse more than help). No points: the copy is returned as is.
    """
    out = np.array(image, dtype=np.uint8, copy=True)
    if points is None:
        return out
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] < 2:
        return out
    h, w = out.shape[:2]
    px = np.column_stack([pts[:, 0] * w, pts[:, 1] * h])
    ok = np.isfinite(px).all(axis=1) & (px[:, 0] >= 0) & (px[:, 0] < w) & (px[:, 1] >= 0) & (px[:, 1] < h)
    if visibility is not None:
        vis = np.asarray(visibility, dtype=np.float64)
        if vis.shape == (len(pts),):
            ok &= vis >= threshold
    line = thickness or max(2, round(min(w, h) / 120))
    xy = [(int(x + 0.5), int(y + 0.5)) for x, y in np.nan_to_num(px)]
    bones = [(a, b) for a, b in SKELETON if a < len(pts) and b < len(pts) and ok[a] and ok[b]]
    for colour, extra in ((OUTLINE_BGR, 2), (BONE_BGR, 0)):
        for a, b in bones:
            cv2.line(out, xy[a], xy[b], colour, line + extra, cv2.LINE_AA)
    for i in np.flatnonzero(ok[: max(max(pair) for pair in SKELETON) + 1]):
        if i in (1, 2, 3, 4, 5, 6, 9, 10):  # eyes and mouth: a cluster of dots on the face says nothing
            continue
        cv2.circle(out, xy[i], line + 2, OUTLINE_BGR, -1, cv2.LINE_AA)
        cv2.circle(out, xy[i], line + 1, JOINT_BGR, -1, cv2.LINE_AA)
    return out
