"""A hand reaching out for support during a balance hold (a wall, a rail, a chair back): a wrist moving far from
where it hung when the hold began.

The balance instructions ask for the arms by the sides, so a wrist that moves more than ``reach_ratio`` trunk
lengths (shoulders' midpoint to hips' midpoint, about 24 cm at 0.5) from its place at the start of the hold,
for three frames, is a hand reaching out; the reach is dated at the first of those frames. The test is in
image distance, so it sees a reach to the side, forwards or up, from the front or the side.
"""

from __future__ import annotations

import numpy as np

from vision.analysers.measures import RunConfirm, point
from vision.landmarks import L, PoseFrame

WRISTS = (L.LEFT_WRIST, L.RIGHT_WRIST)


def trunk_length_px(frame: PoseFrame, threshold: float) -> float | None:
    sh = [p for p in (point(frame, L.LEFT_SHOULDER, threshold), point(frame, L.RIGHT_SHOULDER, threshold)) if
          p is not None]
    hips = [p for p in (point(frame, L.LEFT_HIP, threshold), point(frame, L.RIGHT_HIP, threshold)) if p is not None]
    if not sh or not hips:
        return None
    length = float(np.linalg.norm(np.mean(sh, axis=0) - np.mean(hips, axis=0)))
    return length if length > 1e-6 else None


class HandSupport:
    def __init__(self, reach_ratio: float = 0.5) -> None:
        if not reach_ratio > 0:
            raise ValueError(f"reach_ratio must be positive, not {reach_ratio!r}")
        self.reach_ratio = reach_ratio
        self._confirm = RunConfirm(3)
        self.reset()

    def reset(self) -> None:
        self._ref: dict[int, np.ndarray] = {}
        self._trunk: float | None = None
        self.started = False
        self.largest_ratio = 0.0
        self._confirm.reset()

    def start(self, frame: PoseFrame, threshold: float) -> None:
        """The hold began: remember where the wrists hang now."""
        self.reset()
        self.started = True
        self._learn(frame, threshold)

    def _learn(self, frame: PoseFrame, threshold: float) -> None:
        if self._trunk is None:
            self._trunk = trunk_length_px(frame, threshold)
        for w in WRISTS:
            if w not in self._ref:
                p = point(frame, w, threshold)
                if p is not None:
                    self._ref[w] = p

    def update(self, frame: PoseFrame, t: float, threshold: float) -> float | None:
        """The time a reach began once three frames confirm it, else None."""
        self._learn(frame, threshold)
        if not self._trunk:
            return None
        ratios = []
        for w, ref in self._ref.items():
            p = point(frame, w, threshold)
            if p is not None:
                ratios.append(float(np.linalg.norm(p - ref)) / self._trunk)
        ratio = max(ratios) if ratios else 0.0
        self.largest_ratio = max(self.largest_ratio, ratio)
        if self._confirm.update(ratio > self.reach_ratio, t):
            return self._confirm.since_s if self._confirm.since_s is not None else t
        return None
