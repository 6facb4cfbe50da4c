"""The camera view (front or side) read from the landmarks, so nobody has to tell the station how it looks.

Seen from the front, the shoulders are about as wide as the trunk is long (width / length ≈ 0.6–0.9);
seen from the side they overlap (≈ 0–0.3). The ratio is taken over the last ``window_s`` seconds
(median, so one bad frame cannot flip it) with hysteresis between ``side_below`` and ``front_above``, and a
view is kept at least ``min_dwell_s``, so an oblique camera settles on one view and a resident turning
round switches it once.
"""

from __future__ import annotations

import enum
import math
from collections import deque

import numpy as np

from vision.landmarks import L, PoseFrame


class View(enum.StrEnum):
    FRONT = "front"
    SIDE = "side"


_TRUNK = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)


def shoulder_width_ratio(frame: PoseFrame, threshold: float = 0.3) -> float | None:
    """Shoulder width over trunk length in the image (pixels), or None when the trunk is not seen.

    The far shoulder is often poorly seen in a side view, but its position estimate is still right
    next to the near one, so a low ``threshold`` is used."""
    if frame.points is None:
        return None
    pts = np.asarray(frame.points, dtype=float)
    if pts.ndim != 2 or pts.shape[0] < 33 or pts.shape[1] < 2:
        return None
    vis = frame.visibility
    if vis is not None and np.shape(vis) != (pts.shape[0],):
        return None
    if vis is not None and any(not (float(vis[i]) >= threshold) for i in _TRUNK):
        return None
    xy = pts[list(_TRUNK), :2] * np.array([frame.image_width, frame.image_height])
    if not np.isfinite(xy).all():
        return None
    ls, rs, lh, rh = xy
    width = float(np.linalg.norm(ls - rs))
    length = float(np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2))
    if length <= 1e-6:
        return None
    return width / length


class ViewTracker:
    """Follows the view; ``update`` returns the view once known (None while nothing was seen)."""

    def __init__(self, *, window_s: float = 1.0, front_above: float = 0.5, side_below: float = 0.35,
                 min_dwell_s: float = 2.0) -> None:
        if not side_below < front_above:
            raise ValueError("side_below must be below front_above")
        self.window_s, self.front_above, self.side_below = window_s, front_above, side_below
        self.min_dwell_s = min_dwell_s  # a view is kept this long before it may change (no flood of changes)
        self._samples: deque[tuple[float, float]] = deque()
        self.view: View | None = None
        self._since = -math.inf

    def update(self, frame: PoseFrame, t: float, threshold: float = 0.5) -> View | None:
        ratio = shoulder_width_ratio(frame, min(threshold, 0.3))
        if ratio is not None and math.isfinite(t):
            self._samples.append((t, ratio))
        while self._samples and t - self._samples[0][0] > self.window_s:
            self._samples.popleft()
        if not self._samples:
            return self.view
        median = float(np.median([r for _, r in self._samples]))
        if self.view is None:
            self.view = View.FRONT if median >= (self.front_above + self.side_below) / 2 else View.SIDE
            self._since = t
        elif t - self._since >= self.min_dwell_s:
            new = (View.FRONT if self.view is View.SIDE and median >= self.front_above
                   else View.SIDE if self.view is View.FRONT and median <= self.side_below else self.view)
            if new is not self.view:
                self.view, self._since = new, t
        return self.view
