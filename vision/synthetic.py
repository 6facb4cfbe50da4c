"""Synthetic pose data: a kinematic body model that renders the 33 BlazePose landmarks, plus corruptions.

A ``BodyPose`` is a handful of joint angles (degrees) and offsets (metres). ``render`` places a body
with fixed segment lengths in 3-D (x = the person's left, y = up, z = forward), anchored at the
support foot's toe on the floor, and projects it into a front or side camera image as a PoseFrame.
``animate`` interpolates keyframed poses at a given frame rate. The corruption functions add what
real pose estimation does: jitter, dropped frames, occluded points, spikes and a person walking out
of the picture. Exercise scenarios with known truth live in ``vision.synthetic_exercises``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from vision.landmarks import N_LANDMARKS, L, PoseFrame


@dataclass(frozen=True)
class BodySize:
    """Segment lengths in metres (defaults: a 1.65 m adult, proportions after Drillis & Contini)."""

    shank_m: float = 0.40
    thigh_m: float = 0.40
    torso_m: float = 0.47  # hip centre to shoulder centre
    neck_to_nose_m: float = 0.20
    shoulder_half_width_m: float = 0.20
    hip_half_width_m: float = 0.11
    foot_half_spread_m: float = 0.14  # ankle distance from the midline when standing
    upper_arm_m: float = 0.30
    forearm_m: float = 0.25
    ankle_height_m: float = 0.08
    stature_m: float = 1.65


@dataclass(frozen=True)
class BodyPose:
    """Joint angles (degrees) and offsets (metres); all zeros is standing upright, arms hanging.

    Legs: ``*_knee_flex_deg`` 0 = straight; ``*_shank_tilt_deg`` leans the shank forward from the
    ankle; ``*_heel_lift_deg`` rotates the foot about the toes; ``*_knee_in_m`` moves the knee towards
    the midline (valgus). ``stance`` chooses the support leg(s): 0 both, 1 left only, 2 right only;
    the other leg then hangs from the hip with ``*_hip_flex_deg``. ``*_foot_shift_x_m``/``_z_m`` move a
    support foot. Arms: shoulder flexion and abduction, elbow flexion, and ``arms_crossed`` (0–1)
    blends towards arms folded on the chest.
    """

    trunk_lean_deg: float = 0.0
    left_knee_flex_deg: float = 0.0
    right_knee_flex_deg: float = 0.0
    left_shank_tilt_deg: float = 0.0
    right_shank_tilt_deg: float = 0.0
    left_hip_flex_deg: float = 0.0
    right_hip_flex_deg: float = 0.0
    left_heel_lift_deg: float = 0.0
    right_heel_lift_deg: float = 0.0
    left_knee_in_m: float = 0.0
    right_knee_in_m: float = 0.0
    left_foot_shift_x_m: float = 0.0
    left_foot_shift_z_m: float = 0.0
    right_foot_shift_x_m: float = 0.0
    right_foot_shift_z_m: float = 0.0
    left_shoulder_flex_deg: float = 0.0
    right_shoulder_flex_deg: float = 0.0
    left_shoulder_abd_deg: float = 0.0
    right_shoulder_abd_deg: float = 0.0
    left_elbow_flex_deg: float = 0.0
    right_elbow_flex_deg: float = 0.0
    arms_crossed: float = 0.0
    body_x_m: float = 0.0
    stance: int = 0

    def blend(self, other: BodyPose, w: float) -> BodyPose:
        """Linear blend (w = 0 → self, 1 → other); ``stance`` switches at the midpoint."""
        values = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = (b if w >= 0.5 else a) if f.name == "stance" else a + (b - a) * w
        return BodyPose(**values)


SITTING = BodyPose(left_knee_flex_deg=90.0, right_knee_flex_deg=90.0, trunk_lean_deg=5.0)
STANDING = BodyPose()


def _sag(angle_deg: float) -> np.ndarray:
    """Unit vector in the sagittal plane, ``angle_deg`` from straight down towards forward."""
    a = math.radians(angle_deg)
    return np.array([0.0, -math.cos(a), math.sin(a)])


def _rot_x(v: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate ``v`` about the x axis so that a forward (+z) vector turns upward for positive angles."""
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)
    y, z = v[1], v[2]
    return np.array([v[0], y * c + z * s, -y * s + z * c])


def body_points_3d(pose: BodyPose, size: BodySize = BodySize()) -> np.ndarray:
    """The 33 landmarks in metres (x = person's left, y = up from the floor, z = forward)."""
    p = np.zeros((N_LANDMARKS, 3))
    toe_to_ankle = np.array([0.0, size.ankle_height_m, -0.15])
    toe_to_heel = np.array([0.0, 0.01, -0.22])

    def leg_from_toe(side: int, toe: np.ndarray) -> tuple[np.ndarray, ...]:
        name = "left" if side > 0 else "right"
        lift = getattr(pose, f"{name}_heel_lift_deg")
        ankle = toe + _rot_x(toe_to_ankle, -lift)
        heel = toe + _rot_x(toe_to_heel, -lift)
        s = getattr(pose, f"{name}_shank_tilt_deg")
        k = getattr(pose, f"{name}_knee_flex_deg")
        knee = ankle + size.shank_m * np.array([0.0, math.cos(math.radians(s)), math.sin(math.radians(s))])
        t = k - s
        hip = knee + size.thigh_m * np.array([0.0, math.cos(math.radians(t)), -math.sin(math.radians(t))])
        return toe, ankle, heel, knee, hip

    def leg_from_hip(side: int, hip: np.ndarray) -> tuple[np.ndarray, ...]:
        name = "left" if side > 0 else "right"
        h = getattr(pose, f"{name}_hip_flex_deg")
        k = getattr(pose, f"{name}_knee_flex_deg")
        knee = hip + size.thigh_m * _sag(h)
        ankle = knee + size.shank_m * _sag(h - k)
        foot_dir, shank_dir = _sag(h - k + 90.0), _sag(h - k)
        toe = ankle + 0.15 * foot_dir + size.ankle_height_m * shank_dir
        heel = ankle - 0.07 * foot_dir + 0.07 * shank_dir
        return toe, ankle, heel, knee, hip

    legs: dict[int, tuple[np.ndarray, ...]] = {}
    anchor_side = 1 if pose.stance in (0, 1) else -1
    anchor_name = "left" if anchor_side > 0 else "right"
    spread = size.foot_half_spread_m
    toe0 = np.array([anchor_side * spread + getattr(pose, f"{anchor_name}_foot_shift_x_m"), 0.0,
                     getattr(pose, f"{anchor_name}_foot_shift_z_m")])
    legs[anchor_side] = leg_from_toe(anchor_side, toe0)
    anchor_hip = legs[anchor_side][4] + np.array([-anchor_side * (spread - size.hip_half_width_m), 0.0, 0.0])
    legs[anchor_side] = (*legs[anchor_side][:4], anchor_hip)
    other = -anchor_side
    other_hip = anchor_hip + np.array([other * 2 * size.hip_half_width_m, 0.0, 0.0])
    if pose.stance == 0:
        other_name = "left" if other > 0 else "right"
        toe1 = np.array([other * spread + getattr(pose, f"{other_name}_foot_shift_x_m"), 0.0,
                         getattr(pose, f"{other_name}_foot_shift_z_m")])
        toe, ankle, heel, knee, hip_from_foot = leg_from_toe(other, toe1)
        # Keep the second support leg attached: shift its foot so that its hip meets the pelvis.
        offset = other_hip - hip_from_foot
        offset[0] = 0.0
        legs[other] = (toe + offset, ankle + offset, heel + offset, knee + offset, other_hip)
    else:
        legs[other] = leg_from_hip(other, other_hip)

    for side, (toe, ankle, heel, knee, hip) in legs.items():
        name = "left" if side > 0 else "right"
        knee = knee + np.array([-side * getattr(pose, f"{name}_knee_in_m"), 0.0, 0.0])
        idx = (L.LEFT_FOOT_INDEX, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_KNEE, L.LEFT_HIP) if side > 0 else (
            L.RIGHT_FOOT_INDEX, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_KNEE, L.RIGHT_HIP)
        for i, v in zip(idx, (toe, ankle, heel, knee, hip), strict=True):
            p[i] = v

    hip_mid = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    up = _rot_x(np.array([0.0, 1.0, 0.0]), -pose.trunk_lean_deg)  # leaning forward tips "up" towards +z
    fwd = _rot_x(np.array([0.0, 0.0, 1.0]), -pose.trunk_lean_deg)
    right_ax = np.array([1.0, 0.0, 0.0])
    shoulder_mid = hip_mid + size.torso_m * up
    for side, sh, el, wr, pk, ix, th in ((1, L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_PINKY, L.LEFT_INDEX,
                                          L.LEFT_THUMB),
                                         (-1, L.RIGHT_SHOULDER, L.RIGHT_ELBOW, L.RIGHT_WRIST, L.RIGHT_PINKY,
                                          L.RIGHT_INDEX, L.RIGHT_THUMB)):
        name = "left" if side > 0 else "right"
        shoulder = shoulder_mid + side * size.shoulder_half_width_m * right_ax
        a = getattr(pose, f"{name}_shoulder_flex_deg")
        b = math.radians(getattr(pose, f"{name}_shoulder_abd_deg"))
        e = getattr(pose, f"{name}_elbow_flex_deg")

        def in_trunk(angle: float, b: float = b, side: int = side) -> np.ndarray:
            sag = _sag(angle)
            return side * math.sin(b) * right_ax + math.cos(b) * (sag[1] * up + sag[2] * fwd)

        elbow_free = shoulder + size.upper_arm_m * in_trunk(a)
        forearm_dir = in_trunk(a + e)
        wrist_free = elbow_free + size.forearm_m * forearm_dir
        # Arms folded on the chest: the wrist rests below the opposite shoulder.
        other_shoulder = shoulder_mid - side * size.shoulder_half_width_m * right_ax
        wrist_x = other_shoulder - 0.10 * up + 0.12 * fwd
        elbow_x = shoulder - 0.20 * up + 0.10 * fwd + side * 0.04 * right_ax
        w = float(np.clip(pose.arms_crossed, 0.0, 1.0))
        elbow = (1 - w) * elbow_free + w * elbow_x
        wrist = (1 - w) * wrist_free + w * wrist_x
        hand = wrist - elbow
        hand = hand / (np.linalg.norm(hand) or 1.0)
        p[sh], p[el], p[wr] = shoulder, elbow, wrist
        p[ix] = wrist + 0.08 * hand
        p[pk] = wrist + 0.07 * hand + side * 0.02 * right_ax
        p[th] = wrist + 0.04 * hand - side * 0.03 * right_ax
    nose = shoulder_mid + size.neck_to_nose_m * up + 0.09 * fwd
    p[L.NOSE] = nose
    idx, off = _FACE
    p[idx] = nose + off[:, :1] * right_ax + off[:, 1:2] * up + off[:, 2:3] * fwd
    p[:, 0] += pose.body_x_m
    return p


_FACE_OFFSETS = {  # metres from the nose: (towards the person's left, up, forward)
    L.LEFT_EYE_INNER: (0.015, 0.035, -0.02), L.LEFT_EYE: (0.03, 0.035, -0.025),
    L.LEFT_EYE_OUTER: (0.045, 0.035, -0.03), L.RIGHT_EYE_INNER: (-0.015, 0.035, -0.02),
    L.RIGHT_EYE: (-0.03, 0.035, -0.025), L.RIGHT_EYE_OUTER: (-0.045, 0.035, -0.03),
    L.LEFT_EAR: (0.075, 0.02, -0.09), L.RIGHT_EAR: (-0.075, 0.02, -0.09),
    L.MOUTH_LEFT: (0.025, -0.035, -0.01), L.MOUTH_RIGHT: (-0.025, -0.035, -0.01),
}
_FACE = (np.array([int(i) for i in _FACE_OFFSETS]), np.array(list(_FACE_OFFSETS.values())))
_FAR_SIDE = np.array([i for i in range(N_LANDMARKS) if L(i).name.startswith("LEFT_")])


@dataclass(frozen=True)
class Camera:
    """Where the camera looks from and how big the standing person appears.

    ``view`` "front" (the person faces the camera) or "side" (the camera sees the person's right
    side and the person faces the image's right). ``height_fraction`` is the standing stature as a
    fraction of the image height; the floor line sits at ``floor_y`` and the feet centre at ``centre_x``.
    """

    view: str = "front"
    width: int = 640
    height: int = 480
    height_fraction: float = 0.78
    floor_y: float = 0.94
    centre_x: float = 0.5
    far_side_visibility: float = 0.8


def project(points_m: np.ndarray, camera: Camera, size: BodySize = BodySize()) -> tuple[np.ndarray, np.ndarray]:
    """Normalised image landmarks (33, 3) and visibility (33,) for 3-D points in metres."""
    ppm = camera.height_fraction * camera.height / size.stature_m
    out = np.zeros((N_LANDMARKS, 3))
    vis = np.full(N_LANDMARKS, 0.99)
    if camera.view == "front":
        horiz, depth = points_m[:, 0], -points_m[:, 2]
    elif camera.view == "side":
        horiz, depth = points_m[:, 2], points_m[:, 0]
        vis[_FAR_SIDE] = camera.far_side_visibility
    else:
        raise ValueError(f"camera view must be 'front' or 'side', not {camera.view!r}")
    out[:, 0] = (camera.centre_x * camera.width + horiz * ppm) / camera.width
    out[:, 1] = (camera.floor_y * camera.height - points_m[:, 1] * ppm) / camera.height
    out[:, 2] = depth * ppm / camera.width
    outside = (out[:, 0] < 0) | (out[:, 0] > 1) | (out[:, 1] < 0) | (out[:, 1] > 1)
    vis[outside] = 0.05
    return out, vis


def render(pose: BodyPose, t_s: float, camera: Camera = Camera(), size: BodySize = BodySize()) -> PoseFrame:
    """One PoseFrame of ``pose`` at time ``t_s``; no person when the whole body is outside the image."""
    pts, vis = project(body_points_3d(pose, size), camera, size)
    if np.all(vis < 0.1):
        return PoseFrame(t_s, None, None, camera.width, camera.height)
    return PoseFrame(t_s, pts, vis, camera.width, camera.height)


@dataclass(frozen=True)
class Keyframe:
    t_s: float
    pose: BodyPose


def pose_at(keyframes: Sequence[Keyframe], t_s: float) -> BodyPose:
    """The pose at ``t_s``, eased (cosine) between the surrounding keyframes."""
    if t_s <= keyframes[0].t_s:
        return keyframes[0].pose
    for a, b in itertools.pairwise(keyframes):
        if a.t_s <= t_s <= b.t_s:
            span = b.t_s - a.t_s
            u = 1.0 if span <= 0 else (t_s - a.t_s) / span
            return a.pose.blend(b.pose, 0.5 - 0.5 * math.cos(math.pi * u))
    return keyframes[-1].pose


def animate(keyframes: Sequence[Keyframe], *, fps: float = 30.0, end_s: float | None = None,
            camera: Camera = Camera(), size: BodySize = BodySize(), t0_s: float = 0.0) -> list[PoseFrame]:
    """Frames at ``fps`` from ``t0_s`` to ``end_s`` (default: the last keyframe)."""
    end = keyframes[-1].t_s if end_s is None else end_s
    n = math.floor((end - t0_s) * fps + 1e-9) + 1
    return [render(pose_at(keyframes, t0_s + i / fps), t0_s + i / fps, camera, size) for i in range(n)]


# ---- corruptions ------------------------------------------------------------------------------

def _with_points(frame: PoseFrame, points: np.ndarray | None, visibility: np.ndarray | None) -> PoseFrame:
    return replace(frame, points=points, visibility=visibility)


def add_jitter(frames: Iterable[PoseFrame], sigma_px: float, seed: int = 0) -> list[PoseFrame]:
    """Gaussian noise of ``sigma_px`` pixels on every landmark's x and y."""
    rng = np.random.default_rng(seed)
    out = []
    for f in frames:
        if f.points is None:
            out.append(f)
            continue
        pts = f.points.copy()
        pts[:, 0] += rng.normal(0.0, sigma_px, N_LANDMARKS) / f.image_width
        pts[:, 1] += rng.normal(0.0, sigma_px, N_LANDMARKS) / f.image_height
        out.append(_with_points(f, pts, f.visibility))
    return out


def drop_frames(frames: Iterable[PoseFrame], rate: float, seed: int = 0) -> list[PoseFrame]:
    """Each frame independently loses its person (points None) with probability ``rate``."""
    rng = np.random.default_rng(seed)
    return [_with_points(f, None, None) if rng.random() < rate else f for f in frames]


def occlude(frames: Iterable[PoseFrame], landmarks: Iterable[int], start_s: float, end_s: float,
            visibility: float = 0.1) -> list[PoseFrame]:
    """Landmarks hidden (low visibility) during [start_s, end_s)."""
    idx = list(landmarks)
    out = []
    for f in frames:
        if f.points is not None and f.visibility is not None and start_s <= f.timestamp_s < end_s:
            vis = f.visibility.copy()
            vis[idx] = visibility
            f = _with_points(f, f.points, vis)
        out.append(f)
    return out


def add_spikes(frames: Iterable[PoseFrame], rate: float, magnitude: float = 0.15, seed: int = 0) -> list[PoseFrame]:
    """With probability ``rate`` per frame, one random landmark jumps by ``magnitude`` (normalised units)."""
    rng = np.random.default_rng(seed)
    out = []
    for f in frames:
        if f.points is not None and rng.random() < rate:
            pts = f.points.copy()
            i = int(rng.integers(N_LANDMARKS))
            pts[i, :2] += rng.choice([-1.0, 1.0], 2) * magnitude
            f = _with_points(f, pts, f.visibility)
        out.append(f)
    return out


def add_nans(frames: Iterable[PoseFrame], rate: float, seed: int = 0) -> list[PoseFrame]:
    """With probability ``rate`` per frame, some landmarks become NaN (a misbehaving backend)."""
    rng = np.random.default_rng(seed)
    out = []
    for f in frames:
        if f.points is not None and rng.random() < rate:
            pts = f.points.copy()
            pts[rng.integers(N_LANDMARKS, size=3)] = np.nan
            f = _with_points(f, pts, f.visibility)
        out.append(f)
    return out


def step_out(frames: Iterable[PoseFrame], leave_s: float, back_s: float, *, walk_s: float = 0.6,
             distance: float = 1.2) -> list[PoseFrame]:
    """The person walks sideways out of the picture from ``leave_s`` and is back in place at ``back_s``.

    Landmarks that leave the image lose their visibility; with the whole body outside, no person.
    """
    out = []
    for f in frames:
        t = f.timestamp_s
        if f.points is None or not (leave_s <= t < back_s):
            out.append(f)
            continue
        u = min(1.0, (t - leave_s) / walk_s, (back_s - t) / walk_s)
        shift = distance * (0.5 - 0.5 * math.cos(math.pi * max(0.0, u)))
        pts = f.points.copy()
        pts[:, 0] += shift
        vis = (f.visibility if f.visibility is not None else np.ones(N_LANDMARKS)).copy()
        outside = (pts[:, 0] < 0) | (pts[:, 0] > 1)
        vis[outside] = 0.05
        out.append(_with_points(f, None, None) if bool(np.all(outside)) else _with_points(f, pts, vis))
    return out
