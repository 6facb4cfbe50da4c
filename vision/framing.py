"""Framing and lighting checks: is one whole person in view, at a usable distance, centred and lit.

Pure functions of a PoseFrame (or a grey image) that return structured hints ready to be spoken
("step back", "more light"). Framing decides whether a test may start; once a test runs, the analysers
pause only when the landmarks they need are hidden, never because the body changes shape as the exercise
demands (a squat's bottom is "too small" for the start check, an arm raised may leave the picture).

Left/right hints are in the resident's own left and right. An unmirrored camera image shows the
resident's right side on the image's left, so a resident standing at the image's left edge has
drifted to their own right and is asked to move to their left; pass ``mirrored=True`` when the
frames come from a mirrored preview.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np

from vision.landmarks import L, PoseFrame


class FramingHint(enum.StrEnum):
    """One thing the resident can do to be seen well; the value is the message key."""

    OK = "ok"
    NO_PERSON = "no_person"
    ONE_PERSON_ONLY = "one_person_only"
    STEP_BACK = "step_back"
    STEP_CLOSER = "step_closer"
    MOVE_LEFT = "move_left"
    MOVE_RIGHT = "move_right"
    SHOW_HEAD = "show_head"
    SHOW_FEET = "show_feet"
    SHOW_ARMS = "show_arms"
    SIT_DOWN = "sit_down"
    STAND_UP = "stand_up"
    MORE_LIGHT = "more_light"
    LESS_LIGHT = "less_light"
    LOW_CONTRAST = "low_contrast"


HINT_TEXT: dict[FramingHint, str] = {
    FramingHint.OK: "Good, hold that position.",
    FramingHint.NO_PERSON: "Please stand in front of the camera.",
    FramingHint.ONE_PERSON_ONLY: "Only one person in front of the camera, please.",
    FramingHint.STEP_BACK: "Please take a step back.",
    FramingHint.STEP_CLOSER: "Please come a little closer.",
    FramingHint.MOVE_LEFT: "Please move a little to your left.",
    FramingHint.MOVE_RIGHT: "Please move a little to your right.",
    FramingHint.SHOW_HEAD: "Please make sure your head is in the picture.",
    FramingHint.SHOW_FEET: "Please make sure your feet are in the picture.",
    FramingHint.SHOW_ARMS: "Please keep your arms in the picture.",
    FramingHint.SIT_DOWN: "Please sit on the chair to begin.",
    FramingHint.STAND_UP: "Please stand up straight to begin.",
    FramingHint.MORE_LIGHT: "It is too dark. Please turn on more light.",
    FramingHint.LESS_LIGHT: "It is too bright. Please reduce the light or close the curtain.",
    FramingHint.LOW_CONTRAST: "The picture is washed out. Please avoid a bright window behind you.",
}


class Posture(enum.StrEnum):
    SEATED = "seated"
    STANDING = "standing"


@dataclass(frozen=True)
class FramingProfile:
    """What an exercise needs to see: landmark groups (any one of each pair) and the start posture."""

    needs_head: bool
    pairs: tuple[tuple[L, L], ...]
    start_posture: Posture | None  # None: any posture may start (a standing arm curl is a deviation, not a block)
    min_height_fraction: float
    max_height_fraction: float
    centred: bool = True  # False: a walking course fills the picture, so the resident starts at one side


_TORSO = ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP))
_LEGS = ((L.LEFT_KNEE, L.RIGHT_KNEE), (L.LEFT_ANKLE, L.RIGHT_ANKLE))
_FEET = ((L.LEFT_HEEL, L.RIGHT_HEEL), (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX))
_ARMS = ((L.LEFT_ELBOW, L.RIGHT_ELBOW), (L.LEFT_WRIST, L.RIGHT_WRIST))

PROFILES: dict[str, FramingProfile] = {
    # Heights are nose-to-lowest-foot-point spans as a fraction of the image height.
    "chair-stand": FramingProfile(True, _TORSO + _LEGS, Posture.SEATED, 0.30, 0.92),
    "squat": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
    "arm-curl": FramingProfile(True, _TORSO + _ARMS, None, 0.30, 0.95),
    "single-leg": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
    # The older-adult battery. A walking test's picture holds the whole course, so the resident looks small.
    "timed-up-and-go": FramingProfile(True, _TORSO + _LEGS, Posture.SEATED, 0.20, 0.92, centred=False),
    "eight-foot-up-and-go": FramingProfile(True, _TORSO + _LEGS, Posture.SEATED, 0.20, 0.92, centred=False),
    "five-times-sit-to-stand": FramingProfile(True, _TORSO + _LEGS, Posture.SEATED, 0.30, 0.92),
    "two-minute-step": FramingProfile(True, _TORSO + _LEGS, Posture.STANDING, 0.40, 0.92),
    "gait-speed": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.15, 0.92, centred=False),
    "balance-side-by-side": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
    "balance-semi-tandem": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
    "balance-tandem": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
    "single-leg-eyes-open": FramingProfile(True, _TORSO + _LEGS + _FEET, Posture.STANDING, 0.40, 0.92),
}

_HEAD = (L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR)
_FOOT_POINTS = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX)


@dataclass(frozen=True)
class FramingReport:
    """The verdict for one frame: ``hints`` is ``(OK,)`` when ok, else most important first."""

    ok: bool
    hints: tuple[FramingHint, ...]
    body_height_fraction: float | None = None
    centre_x: float | None = None
    missing: tuple[str, ...] = ()

    @property
    def primary_hint(self) -> FramingHint:
        return self.hints[0]

    @property
    def text(self) -> str:
        return HINT_TEXT[self.primary_hint]


def _usable_masks(frame: PoseFrame, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Per landmark: (finite and visible, finite and visible and inside the image)."""
    assert frame.points is not None
    xy = np.asarray(frame.points, dtype=float)[:, :2]
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(xy).all(axis=1)
        visible = np.ones(len(xy), bool) if frame.visibility is None else np.asarray(frame.visibility) >= threshold
        known = finite & visible
        inside = known & (xy >= 0.0).all(axis=1) & (xy <= 1.0).all(axis=1)
    return known, inside


def thigh_rise_ratio(frame: PoseFrame, threshold: float = 0.5) -> float | None:
    """How far the hips sit above the knees, in shank lengths: about 0 seated, about 1 standing.

    The measure is the same in a front and a side view: a seated thigh is horizontal (side) or points
    at the camera (front), and either way the hip is level with the knee in the image.
    """
    if frame.points is None:
        return None
    return _thigh_rise(frame, _usable_masks(frame, threshold)[0])


def _thigh_rise(frame: PoseFrame, known: np.ndarray) -> float | None:
    assert frame.points is not None
    pts, w, h = frame.points, frame.image_width, frame.image_height
    ratios = []
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        if not (known[hip] and known[knee] and known[ankle]):
            continue
        shank = math.hypot((pts[knee, 0] - pts[ankle, 0]) * w, (pts[knee, 1] - pts[ankle, 1]) * h)
        if shank > 1e-6:
            ratios.append(float((pts[knee, 1] - pts[hip, 1]) * h / shank))
    return sum(ratios) / len(ratios) if ratios else None


def check_framing(
    frame: PoseFrame,
    exercise: str,
    *,
    require_posture: bool = True,
    people_count: int | None = None,
    mirrored: bool = False,
    visibility_threshold: float = 0.5,
    centre_tolerance: float = 0.35,
) -> FramingReport:
    """Whether ``frame`` shows exactly one whole person, close enough, not at the picture's edge, in the start posture.

    The body need not be centred: a trunk within ``centre_tolerance`` of the middle is fine (x from 0.15 to
    0.85 by default), so a resident seen from the side standing off-centre is not held back.

    ``people_count`` is the number of people the backend found, when it knows; ``require_posture``
    is turned off once the test is running (a chair-stand resident is meant to stand up).
    """
    try:
        profile = PROFILES[exercise]
    except KeyError:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of {sorted(PROFILES)}") from None
    if people_count is not None and people_count > 1:
        return FramingReport(False, (FramingHint.ONE_PERSON_ONLY,))
    if frame.points is None or people_count == 0:
        return FramingReport(False, (FramingHint.NO_PERSON,))
    pts = frame.points
    thr = visibility_threshold
    hints: list[FramingHint] = []
    missing: list[str] = []

    known, seen = _usable_masks(frame, thr)
    head_seen = bool(seen[list(_HEAD)].any())
    if profile.needs_head and not head_seen:
        missing.append("head")
        # Off-image landmarks come with low visibility but still a position estimate: use it for the direction.
        head_above = any(math.isfinite(float(pts[i, 1])) and pts[i, 1] < 0.0 for i in _HEAD)
        hints.append(FramingHint.STEP_BACK if head_above else FramingHint.SHOW_HEAD)

    edge_left = edge_right = False
    for a, b in profile.pairs:
        if seen[a] or seen[b]:
            continue
        missing.append(a.name.removeprefix("LEFT_").lower())
        located = [i for i in (a, b) if bool(np.all(np.isfinite(pts[i, :2])))]
        if any(pts[i, 1] > 1.0 for i in located) or (a in _FOOT_POINTS and not located):
            hints.append(FramingHint.SHOW_FEET)
        elif any(pts[i, 0] < 0.0 for i in located):
            edge_left = True
        elif any(pts[i, 0] > 1.0 for i in located):
            edge_right = True
        elif a in (L.LEFT_ELBOW, L.LEFT_WRIST):
            hints.append(FramingHint.SHOW_ARMS)
        elif a in _FOOT_POINTS or a == L.LEFT_KNEE:
            hints.append(FramingHint.SHOW_FEET)

    # Height of the body in the picture: top of the head to the lowest visible foot point.
    tops = [float(pts[i, 1]) for i in _HEAD if known[i]]
    bottoms = [float(pts[i, 1]) for i in _FOOT_POINTS if known[i]]
    height = (max(bottoms) - min(tops)) if tops and bottoms else None
    if height is not None and not hints:
        if height > profile.max_height_fraction:
            hints.append(FramingHint.STEP_BACK)
        elif height < profile.min_height_fraction:
            hints.append(FramingHint.STEP_CLOSER)

    trunk = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)
    centre_pts = [i for i in trunk if known[i]]
    centre_x = float(np.mean([pts[i, 0] for i in centre_pts])) if centre_pts else None
    if centre_x is not None and profile.centred:
        edge_left = edge_left or centre_x < 0.5 - centre_tolerance
        edge_right = edge_right or centre_x > 0.5 + centre_tolerance
    if edge_left or edge_right:
        # Unmirrored: the image's left is the resident's right, so they move to their left.
        to_left = edge_left != mirrored
        hints.append(FramingHint.MOVE_LEFT if to_left else FramingHint.MOVE_RIGHT)

    if require_posture and not hints:
        rise = _thigh_rise(frame, known)
        if rise is not None:
            if profile.start_posture is Posture.SEATED and rise > 0.6:
                hints.append(FramingHint.SIT_DOWN)
            elif profile.start_posture is Posture.STANDING and rise < 0.75:
                hints.append(FramingHint.STAND_UP)

    ordered = tuple(dict.fromkeys(hints))
    if ordered:
        return FramingReport(False, ordered, height, centre_x, tuple(missing))
    return FramingReport(True, (FramingHint.OK,), height, centre_x, ())


@dataclass(frozen=True)
class LightingStats:
    """Summary of a grey image: mean and spread of brightness (0–255), clipped fractions."""

    mean_level: float
    contrast_std: float
    dark_fraction: float
    bright_fraction: float


@dataclass(frozen=True)
class LightingReport:
    ok: bool
    hints: tuple[FramingHint, ...]
    stats: LightingStats

    @property
    def text(self) -> str:
        return HINT_TEXT[self.hints[0]]


def lighting_stats(image: np.ndarray) -> LightingStats:
    """Statistics of a grey (H×W) or colour (H×W×3, BGR as OpenCV gives it) uint8 or float image.

    Large images are sampled on a regular grid; the statistics do not need every pixel.
    """
    arr = np.asarray(image)
    if arr.ndim in (2, 3) and arr.shape[0] * arr.shape[1] > 40_000:
        step = int(np.ceil(np.sqrt(arr.shape[0] * arr.shape[1] / 40_000)))
        arr = arr[::step, ::step]  # brightness statistics need no more than ~40 000 pixels
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        b, g, r = arr[..., 0].astype(np.float32), arr[..., 1].astype(np.float32), arr[..., 2].astype(np.float32)
        gray = 0.114 * b + 0.587 * g + 0.299 * r
    elif arr.ndim == 2:
        gray = arr.astype(np.float64)
    else:
        raise ValueError(f"expected a grey (H, W) or colour (H, W, 3) image, got shape {arr.shape}")
    if gray.size == 0:
        raise ValueError("empty image")
    gray = gray[np.isfinite(gray)]
    if gray.size == 0:
        raise ValueError("image has no finite pixel values")
    if arr.dtype.kind == "f" and float(gray.max()) <= 1.0:
        gray = gray * 255.0
    return LightingStats(
        mean_level=float(gray.mean()),
        contrast_std=float(gray.std()),
        dark_fraction=float(np.mean(gray < 16)),
        bright_fraction=float(np.mean(gray > 245)),
    )


def without_letterbox(image: np.ndarray, *, black_level: int = 2) -> np.ndarray:
    """``image`` without the pure-black bars that letterboxing added (rows and columns at the edges whose
    every pixel is at most ``black_level``), so a portrait camera shown in a landscape frame is not judged
    "too dark" for its bars. An image that is black all over is returned whole."""
    arr = np.asarray(image)
    if arr.ndim < 2 or arr.size == 0:
        return arr
    bright = arr.max(axis=2) if arr.ndim == 3 else arr
    rows = np.flatnonzero(bright.max(axis=1) > black_level)
    cols = np.flatnonzero(bright.max(axis=0) > black_level)
    if rows.size == 0 or cols.size == 0:
        return arr
    return arr[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def check_lighting(
    image_or_stats: np.ndarray | LightingStats,
    *,
    min_mean: float = 50.0,
    max_mean: float = 205.0,
    min_contrast: float = 20.0,
    max_clipped_fraction: float = 0.35,
) -> LightingReport:
    """Too dark, too bright or too flat for the pose model; hints ``more_light``/``less_light``/``low_contrast``."""
    stats = image_or_stats if isinstance(image_or_stats, LightingStats) else lighting_stats(image_or_stats)
    hints: list[FramingHint] = []
    if stats.mean_level < min_mean or stats.dark_fraction > max_clipped_fraction:
        hints.append(FramingHint.MORE_LIGHT)
    elif stats.mean_level > max_mean or stats.bright_fraction > max_clipped_fraction:
        hints.append(FramingHint.LESS_LIGHT)
    elif stats.contrast_std < min_contrast:
        hints.append(FramingHint.LOW_CONTRAST)
    if hints:
        return LightingReport(False, tuple(hints), stats)
    return LightingReport(True, (FramingHint.OK,), stats)
