"""Body measures the analysers share: joint angles, segment inclinations, robust reference lengths.

A side view shows sagittal joint angles directly in the image. A front view does not: a thigh that
swings towards the camera only looks shorter. There the inclination of a segment from the vertical is
recovered from its foreshortening, ``arccos(vertical extent / reference length)``, with the reference
length learnt robustly while the segment is upright.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from vision.landmarks import L, PoseFrame, angle_deg

LEFT_LEG = (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE)
RIGHT_LEG = (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)


def point(frame: PoseFrame, index: int, threshold: float = 0.5) -> np.ndarray | None:
    """Pixel position of a visible, finite landmark, else None."""
    if frame.points is None or not frame.visible(index, threshold):
        return None
    x, y = float(frame.points[index, 0]), float(frame.points[index, 1])
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return np.array([x * frame.image_width, y * frame.image_height])


def points(frame: PoseFrame, indices: tuple[int, ...], threshold: float = 0.5) -> tuple[np.ndarray, ...] | None:
    """All of ``indices`` as pixel positions, or None when any is hidden."""
    out = []
    for i in indices:
        p = point(frame, i, threshold)
        if p is None:
            return None
        out.append(p)
    return tuple(out)


def missing_names(frame: PoseFrame, indices: tuple[int, ...], threshold: float = 0.5) -> tuple[str, ...]:
    return tuple(L(i).name.lower() for i in indices if point(frame, i, threshold) is None)


def joint_angle(frame: PoseFrame, a: int, b: int, c: int, threshold: float = 0.5) -> float | None:
    """The image-plane angle ABC in degrees, or None when a point is hidden."""
    pts = points(frame, (a, b, c), threshold)
    if pts is None:
        return None
    value = angle_deg(*pts)
    return value if math.isfinite(value) else None


def inclination_deg(upper: np.ndarray, lower: np.ndarray) -> float:
    """Angle of the segment lower→upper from the image vertical (0 = upright), side views."""
    dx, dy = upper[0] - lower[0], lower[1] - upper[1]
    return float(math.degrees(math.atan2(abs(dx), dy)))


def foreshortened_inclination_deg(vertical_px: float, reference_px: float) -> float:
    """Inclination from the vertical of a segment whose image height is ``vertical_px`` (front views)."""
    if reference_px <= 0:
        return float("nan")
    return float(math.degrees(math.acos(max(-1.0, min(1.0, vertical_px / reference_px)))))


def near_side(frame: PoseFrame, left: tuple[int, ...], right: tuple[int, ...], threshold: float = 0.5
              ) -> tuple[int, ...] | None:
    """Of two landmark chains, the better-seen one that is fully visible (the camera-near side)."""
    def score(chain: tuple[int, ...]) -> float:
        if points(frame, chain, threshold) is None:
            return -1.0
        return 1.0 if frame.visibility is None else float(np.mean([frame.visibility[i] for i in chain]))
    sl, sr = score(left), score(right)
    if max(sl, sr) < 0:
        return None
    return right if sr >= sl else left


class ReferenceLength:
    """A segment's reference length in pixels: a high percentile of recent samples, so one spike cannot set it."""

    def __init__(self, window: int = 450, percentile: float = 90.0, min_samples: int = 5, refresh: int = 10) -> None:
        self._samples: deque[float] = deque(maxlen=window)
        self._percentile = percentile
        self._min_samples = min_samples
        self._refresh = refresh  # recompute the percentile every ``refresh`` samples (it moves slowly)
        self._since = 0
        self._value: float | None = None

    def add(self, length_px: float) -> None:
        if math.isfinite(length_px) and length_px > 0:
            self._samples.append(length_px)
            self._since += 1
            if len(self._samples) >= self._min_samples and (self._value is None or self._since >= self._refresh):
                self._value = float(np.percentile(self._samples, self._percentile))
                self._since = 0

    @property
    def value(self) -> float | None:
        return self._value


class RunConfirm:
    """Confirms a condition once it has held ``frames`` frames and ``min_s`` seconds; remembers when it began."""

    def __init__(self, frames: int = 3, min_s: float = 0.0) -> None:
        self.frames = frames
        self.min_s = min_s
        self._count = 0
        self.since_s: float | None = None

    def update(self, condition: bool, t: float) -> bool:
        if not condition:
            self._count, self.since_s = 0, None
            return False
        if self._count == 0:
            self.since_s = t
        self._count += 1
        assert self.since_s is not None
        return self._count >= self.frames and t - self.since_s >= self.min_s - 1e-6  # frame times are rounded

    def reset(self) -> None:
        self._count, self.since_s = 0, None


class AngularRate:
    """Rate of change of an angle (degrees per second) over at least ``span_s``, to keep jitter small."""

    def __init__(self, span_s: float = 0.1) -> None:
        self._span_s = span_s
        self._history: deque[tuple[float, float]] = deque(maxlen=64)

    def update(self, t: float, angle: float) -> float | None:
        self._history.append((t, angle))
        while len(self._history) > 2 and t - self._history[1][0] >= self._span_s:
            self._history.popleft()
        t0, a0 = self._history[0]
        return (angle - a0) / (t - t0) if t - t0 >= self._span_s else None

    def reset(self) -> None:
        self._history.clear()


class MovementOnset:
    """When a movement out of a resting posture began, read back from the frames seen while resting.

    A repetition's state machine only notices a rise, curl or squat once a threshold far from rest is
    crossed, a few tenths of a second after the body started to move; the start-signal rule ("count
    what was begun after Go") needs the moment the movement began. Each frame gives one value per
    channel, signed so that the movement makes it grow (e.g. trunk lean, hip rise, minus the elbow
    angle). Channels are smoothed with a centred ``smooth``-frame median (one spiked landmark cannot
    move the onset); a channel's rest level is the ``rest_percentile`` of its values in the last
    ``window_s``; the onset is the later frame of the last two consecutive frames at which every
    channel was within its tolerance of rest.
    """

    def __init__(self, tolerances: tuple[float, ...], *, window_s: float = 5.0, smooth: int = 5,
                 rest_percentile: float = 20.0) -> None:
        if not tolerances or any(not tol > 0 for tol in tolerances):
            raise ValueError(f"tolerances must be positive, got {tolerances!r}")
        self.tolerances = tolerances
        self.window_s = window_s
        self.smooth = max(1, smooth)
        self.rest_percentile = rest_percentile
        self._samples: deque[tuple[float, tuple[float | None, ...]]] = deque()

    def add(self, t: float, values: tuple[float | None, ...]) -> None:
        """One frame's values (None or NaN for a channel not measured in this frame)."""
        if len(values) != len(self.tolerances):
            raise ValueError(f"expected {len(self.tolerances)} values, got {len(values)}")
        clean = tuple(v if v is not None and math.isfinite(v) else None for v in values)
        self._samples.append((t, clean))
        while self._samples and t - self._samples[0][0] > self.window_s:
            self._samples.popleft()

    def reset(self) -> None:
        self._samples.clear()

    def onset_s(self) -> float | None:
        """The time the movement began, or None when no frame was seen (then the caller's own estimate stands).

        When no two consecutive frames were at rest, the movement was already under way at the first
        frame kept, whose time is returned (the earliest moment it is known to have been going on)."""
        if not self._samples:
            return None
        times = [t for t, _ in self._samples]
        at_rest = [True] * len(times)
        for c, tol in enumerate(self.tolerances):
            raw = [v[c] for _, v in self._samples]
            smoothed = _centred_median(raw, self.smooth)
            known = [v for v in smoothed if v is not None]
            if not known:
                continue
            rest = float(np.percentile(known, self.rest_percentile))
            for i, v in enumerate(smoothed):
                if v is not None and v > rest + tol:
                    at_rest[i] = False
        for i in range(len(times) - 1, 0, -1):
            if at_rest[i] and at_rest[i - 1]:
                return times[i]
        return times[0]


def _centred_median(values: list[float | None], width: int) -> list[float | None]:
    """Each value replaced by the median of the known values within ``width // 2`` frames of it."""
    half = width // 2
    out: list[float | None] = []
    for i in range(len(values)):
        near = [v for v in values[max(0, i - half):i + half + 1] if v is not None]
        out.append(float(np.median(near)) if near and values[i] is not None else None)
    return out


_LEGS = ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))


def hip_height_shanks(frame: PoseFrame, threshold: float = 0.5, shank_px: float | None = None) -> float | None:
    """The hips' height above the floor-side ankle, in shank lengths: about 2 standing, about 1 seated or at
    the bottom of a deep squat, whatever the camera angle.

    Hip height drops the same way seen from the front, the side or anywhere between, where a knee angle
    is only true from the side. The lower of the visible ankles is the one on the floor (a walker's swing
    foot is lifted, so walking keeps the hips high); the longer visible shank is the less foreshortened
    one. ``shank_px``, a shank length learnt while it was upright, is used instead when given (a front view's
    squatting shank tilts towards the camera and looks short). None when no leg (hip, knee and ankle) is
    visible."""
    if frame.points is None:
        return None
    hips, ankles, shanks = [], [], []
    for chain in _LEGS:
        pts = points(frame, chain, threshold)
        if pts is None:
            continue
        hip, knee, ankle = pts
        hips.append(hip[1])
        ankles.append(ankle[1])
        shanks.append(float(np.linalg.norm(knee - ankle)))
    if not shanks or max(shanks) <= 1e-6:
        return None
    shank = shank_px or max(shanks)
    return float((max(ankles) - float(np.mean(hips))) / shank)


def shank_length_px(frame: PoseFrame, threshold: float = 0.5) -> float | None:
    """The longer visible shank (knee to ankle) in pixels, for learning the resident's shank length."""
    lengths = []
    for _, knee, ankle in _LEGS:
        pts = points(frame, (knee, ankle), threshold)
        if pts is not None:
            lengths.append(float(np.linalg.norm(pts[0] - pts[1])))
    return max(lengths) if lengths else None


class LevelTracker:
    """A body level learnt from the resident's own frames (e.g. hip height standing), with a prior until known.

    ``value`` is the ``percentile`` of the samples of the last ``window_s`` once ``min_span_s`` of samples
    were seen, clamped to ``bounds``; before that it is ``prior``, so the first repetition is never lost
    to a warm-up."""

    def __init__(self, prior: float, bounds: tuple[float, float], *, percentile: float = 90.0,
                 window_s: float = 20.0, min_span_s: float = 1.0) -> None:
        self.prior, self.bounds, self.percentile = prior, bounds, percentile
        self.window_s, self.min_span_s = window_s, min_span_s
        self._samples: deque[tuple[float, float]] = deque()
        self._value: float | None = None

    def add(self, t: float, value: float) -> None:
        if not math.isfinite(value):
            return
        self._samples.append((t, value))
        while self._samples and t - self._samples[0][0] > self.window_s:
            self._samples.popleft()
        if t - self._samples[0][0] >= self.min_span_s:
            raw = float(np.percentile([v for _, v in self._samples], self.percentile))
            self._value = min(max(raw, self.bounds[0]), self.bounds[1])

    @property
    def value(self) -> float:
        return self._value if self._value is not None else self.prior

    @property
    def ready(self) -> bool:
        """Whether the level was learnt (else ``value`` is the prior)."""
        return self._value is not None

    def reset(self) -> None:
        self._samples.clear()
        self._value = None


class PostureTally:
    """Seconds seen seated and standing (from the hips' height), for a protocol that asks for one of them."""

    def __init__(self, *, seated_below: float = 1.4, standing_above: float = 1.7, min_s: float = 1.0) -> None:
        self.seated_below, self.standing_above, self.min_s = seated_below, standing_above, min_s
        self.seated_s = self.standing_s = 0.0
        self._last_t: float | None = None

    def add(self, frame: PoseFrame, t: float, threshold: float = 0.5) -> None:
        dt = 0.0 if self._last_t is None else min(max(t - self._last_t, 0.0), 0.5)
        self._last_t = t
        height = hip_height_shanks(frame, threshold)
        if height is None:
            return
        if height <= self.seated_below:
            self.seated_s += dt
        elif height >= self.standing_above:
            self.standing_s += dt

    def deviations(self) -> tuple[str, ...]:
        """("standing_not_seated",) when the person was seen standing more than seated."""
        if self.standing_s >= self.min_s and self.standing_s > self.seated_s:
            return ("standing_not_seated",)
        return ()

    def notes(self) -> tuple[str, ...]:
        if self.seated_s + self.standing_s < self.min_s:
            return ("posture_not_seen: the legs were not in view, so sitting could not be checked",)
        return ()
