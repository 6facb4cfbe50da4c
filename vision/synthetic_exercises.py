"""Synthetic exercise recordings with known truth: chair stands, squats, arm curls, single-leg stands.

Each builder returns a ``SyntheticSequence``: PoseFrames rendered from the kinematic body model in
``vision.synthetic`` and the ``SequenceTruth`` the analysers must reproduce (counts, per-repetition
depth and intended faults, hold times). Corrupt the frames with the functions in ``vision.synthetic``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from vision.landmarks import PoseFrame
from vision.synthetic import SITTING, STANDING, BodyPose, BodySize, Camera, Keyframe, animate, body_points_3d, pose_at


@dataclass(frozen=True)
class TruthRep:
    started_s: float
    top_s: float  # the moment of full extension / full flexion / the bottom of the squat
    counted: bool
    grade: str = "good"
    faults: tuple[str, ...] = ()
    angle_deg: float | None = None  # squat: knee angle at the bottom; curl: elbow angle at the top


@dataclass(frozen=True)
class SequenceTruth:
    exercise: str
    count: int
    reps: tuple[TruthRep, ...] = ()
    start_at_s: float | None = None
    hold_time_s: float | None = None
    hold_start_s: float | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class SyntheticSequence:
    frames: list[PoseFrame]
    truth: SequenceTruth
    camera: Camera
    keys: tuple[Keyframe, ...] = ()  # the keyframes animated (truth read off the model at any time)


SEATED_ARMS_CROSSED = replace(SITTING, arms_crossed=1.0)
STANDING_ARMS_CROSSED = replace(STANDING, arms_crossed=1.0)


@dataclass(frozen=True)
class StandSpec:
    """One chair-stand attempt; ``full=False`` stops half way up (not upright)."""

    full: bool = True
    rise_s: float = 1.0
    sit_s: float = 1.0
    pause_top_s: float = 0.2
    pause_seated_s: float = 0.4
    arms_off: bool = False
    rocking: bool = False


def _hip_height(pose: BodyPose) -> float:
    p = body_points_3d(pose)
    return float((p[23, 1] + p[24, 1]) / 2)


def chair_stand_sequence(stands: Sequence[StandSpec] | int = 12, *, start_at_s: float = 1.0, duration_s: float = 30.0,
                         fps: float = 30.0, view: str = "front", tail_s: float = 1.0) -> SyntheticSequence:
    """A resident seated, arms crossed, who stands up as specified from the start signal at ``start_at_s``."""
    specs = [StandSpec()] * stands if isinstance(stands, int) else list(stands)
    keys = [Keyframe(0.0, SEATED_ARMS_CROSSED)]
    t = start_at_s + 0.2
    intervals = []
    for s in specs:
        seated = SEATED_ARMS_CROSSED if not s.arms_off else replace(SITTING, left_shoulder_flex_deg=25.0,
                                                                     right_shoulder_flex_deg=25.0)
        keys.append(Keyframe(t, SEATED_ARMS_CROSSED))
        lean = replace(seated, trunk_lean_deg=35.0, left_shank_tilt_deg=8.0, right_shank_tilt_deg=8.0)
        if s.rocking:
            keys.append(Keyframe(t + 0.25, replace(seated, trunk_lean_deg=-10.0)))
            keys.append(Keyframe(t + 0.40, replace(lean, trunk_lean_deg=50.0)))
        else:
            keys.append(Keyframe(t + 0.45 * s.rise_s, lean))
        top_pose = STANDING_ARMS_CROSSED if not s.arms_off else replace(STANDING, left_shoulder_flex_deg=10.0,
                                                                         right_shoulder_flex_deg=10.0)
        if not s.full:
            top_pose = replace(top_pose, left_knee_flex_deg=45.0, right_knee_flex_deg=45.0, trunk_lean_deg=20.0)
        top = t + max(s.rise_s, 0.55 if s.rocking else 0.0)
        keys.append(Keyframe(top, top_pose))
        keys.append(Keyframe(top + s.pause_top_s, top_pose))
        keys.append(Keyframe(top + s.pause_top_s + s.sit_s, SEATED_ARMS_CROSSED))
        intervals.append((t, top, s))
        t = top + s.pause_top_s + s.sit_s + s.pause_seated_s
    end = start_at_s + duration_s
    keys.append(Keyframe(max(t, end + tail_s), SEATED_ARMS_CROSSED))
    camera = Camera(view=view)
    frames = animate(keys, fps=fps, end_s=end + tail_s, camera=camera)

    seated_h, standing_h = _hip_height(SITTING), _hip_height(STANDING)
    reps = []
    for rise_t, top, s in intervals:
        if rise_t >= end:
            break
        faults = tuple(f for f, on in (("arms_off_chest", s.arms_off), ("rocking", s.rocking)) if on)
        if top <= end:
            counted = s.full
        else:  # still rising at the end: the halfway rule decides
            progress = (_hip_height(pose_at(keys, end)) - seated_h) / (standing_h - seated_h)
            counted = progress > 0.5
        grade = "good" if counted and not faults else "faulted"
        reps.append(TruthRep(rise_t, top, counted, grade, faults if s.full else (*faults, "not_upright")))
    truth = SequenceTruth("chair-stand", sum(r.counted for r in reps), tuple(reps), start_at_s)
    return SyntheticSequence(frames, truth, camera, tuple(keys))


@dataclass(frozen=True)
class SquatSpec:
    """One squat: ``knee_flex_deg`` at the bottom (knee angle = 180 − it) and the faults put into it."""

    knee_flex_deg: float = 95.0
    down_s: float = 1.2
    up_s: float = 1.0
    pause_bottom_s: float = 0.2
    pause_top_s: float = 0.6
    knee_in_m: float = 0.0
    heel_lift_deg: float = 0.0
    trunk_lean_deg: float = 30.0


SQUAT_STANCE = replace(STANDING, left_shoulder_flex_deg=10.0, right_shoulder_flex_deg=10.0)


def squat_sequence(reps: Sequence[SquatSpec] | int = 5, *, fps: float = 30.0, view: str = "front",
                   lead_s: float = 1.5, tail_s: float = 1.0) -> SyntheticSequence:
    """A resident standing, then squatting as specified. Truth grades use the analyser's default limits:
    a rep takes the hips 16 % below their standing height (a knee angle of about 115° in the side view,
    105° in the front view);
    shallow above 100°; valgus from 8 cm inward knee travel (front),
    heel lift from 12°, trunk lean over 50°."""
    specs = [SquatSpec()] * reps if isinstance(reps, int) else list(reps)
    keys = [Keyframe(0.0, SQUAT_STANCE)]
    t = lead_s
    truth_reps = []
    for s in specs:
        bottom = replace(SQUAT_STANCE, left_knee_flex_deg=s.knee_flex_deg, right_knee_flex_deg=s.knee_flex_deg,
                         left_shank_tilt_deg=0.4 * s.knee_flex_deg, right_shank_tilt_deg=0.4 * s.knee_flex_deg,
                         trunk_lean_deg=s.trunk_lean_deg, left_knee_in_m=s.knee_in_m, right_knee_in_m=s.knee_in_m,
                         left_heel_lift_deg=s.heel_lift_deg, right_heel_lift_deg=s.heel_lift_deg,
                         left_shoulder_flex_deg=80.0, right_shoulder_flex_deg=80.0)
        keys.append(Keyframe(t, SQUAT_STANCE))
        keys.append(Keyframe(t + s.down_s, bottom))
        keys.append(Keyframe(t + s.down_s + s.pause_bottom_s, bottom))
        up = t + s.down_s + s.pause_bottom_s + s.up_s
        keys.append(Keyframe(up, SQUAT_STANCE))
        knee_angle = 180.0 - s.knee_flex_deg
        if knee_angle < (140.0 if view == "side" else 125.0):
            faults = tuple(f for f, on in (
                ("knee_valgus", s.knee_in_m >= 0.08 and view == "front"),
                ("heel_lift", s.heel_lift_deg >= 12.0),
                ("trunk_lean", s.trunk_lean_deg > 50.0)) if on)
            grade = "faulted" if faults else ("shallow" if knee_angle > 100.0 else "good")
            truth_reps.append(TruthRep(t, t + s.down_s, True, grade, faults, knee_angle))
        t = up + s.pause_top_s
    keys.append(Keyframe(t + tail_s, SQUAT_STANCE))
    camera = Camera(view=view)
    frames = animate(keys, fps=fps, camera=camera)
    return SyntheticSequence(frames, SequenceTruth("squat", len(truth_reps), tuple(truth_reps)), camera)


@dataclass(frozen=True)
class CurlSpec:
    """One arm curl of the right arm: elbow flexion at the top (elbow angle = 180 − it)."""

    top_flex_deg: float = 135.0
    up_s: float = 0.7
    down_s: float = 0.7
    pause_top_s: float = 0.1
    pause_bottom_s: float = 0.2
    bottom_flex_deg: float = 10.0  # how far the arm comes down again (elbow angle 170°)


SEATED_CURL = replace(SITTING, trunk_lean_deg=0.0, right_elbow_flex_deg=10.0, left_elbow_flex_deg=10.0)


def arm_curl_sequence(curls: Sequence[CurlSpec] | int = 15, *, start_at_s: float = 1.0, duration_s: float = 30.0,
                      fps: float = 30.0, view: str = "side", tail_s: float = 1.0) -> SyntheticSequence:
    """Seated right-arm curls from the start signal. A curl counts when the elbow closes to 70° or less
    after being extended to 120° or more; a curl more than halfway up at the end counts (SFT)."""
    specs = [CurlSpec()] * curls if isinstance(curls, int) else list(curls)
    keys = [Keyframe(0.0, SEATED_CURL)]
    t = start_at_s + 0.2
    end = start_at_s + duration_s
    truth_reps = []
    extended, low_flex = True, SEATED_CURL.right_elbow_flex_deg
    for s in specs:
        bottom = replace(SEATED_CURL, right_elbow_flex_deg=s.bottom_flex_deg)
        top = replace(SEATED_CURL, right_elbow_flex_deg=s.top_flex_deg)
        keys.append(Keyframe(t, keys[-1].pose))
        keys.append(Keyframe(t + s.up_s, top))
        keys.append(Keyframe(t + s.up_s + s.pause_top_s, top))
        keys.append(Keyframe(t + s.up_s + s.pause_top_s + s.down_s, bottom))
        if t < end:
            if t + s.up_s <= end:
                counted = s.top_flex_deg >= 110.0 and extended
            else:  # still curling at the end: more than halfway from the extended angle to 70° counts
                u = (end - t) / s.up_s
                flex_at_end = low_flex + (s.top_flex_deg - low_flex) * (0.5 - 0.5 * math.cos(math.pi * u))
                counted = extended and (180.0 - flex_at_end) < ((180.0 - low_flex) + 70.0) / 2
            truth_reps.append(TruthRep(t, t + s.up_s, counted, "good" if counted else "faulted", (),
                                       180.0 - s.top_flex_deg))
        if s.top_flex_deg >= 55.0:  # went past the attempt threshold, so the next curl needs re-extension
            extended = s.bottom_flex_deg <= 40.0
        low_flex = s.bottom_flex_deg
        t = t + s.up_s + s.pause_top_s + s.down_s + s.pause_bottom_s
    keys.append(Keyframe(max(t, end + tail_s), keys[-1].pose))
    camera = Camera(view=view)
    frames = animate(keys, fps=fps, end_s=end + tail_s, camera=camera)
    truth = SequenceTruth("arm-curl", sum(r.counted for r in truth_reps), tuple(truth_reps), start_at_s)
    return SyntheticSequence(frames, truth, camera)


BALANCE_STANCE = replace(STANDING, stance=2, left_shoulder_abd_deg=20.0, right_shoulder_abd_deg=20.0)
LEG_RAISED = replace(BALANCE_STANCE, left_hip_flex_deg=30.0, left_knee_flex_deg=80.0)


def _first_time(keys: Sequence[Keyframe], t_from: float, t_to: float, condition: Callable[[BodyPose], bool]
                ) -> float | None:
    """The first millisecond in [t_from, t_to] at which ``condition`` holds for the animated pose."""
    n = round((t_to - t_from) * 1000)
    for i in range(n + 1):
        t = t_from + i / 1000
        if condition(pose_at(keys, t)):
            return t
    return None


def single_leg_sequence(*, lift_at_s: float = 2.0, hold_s: float = 8.0, end: str = "touch_down",
                        fps: float = 30.0, view: str = "front", lift_s: float = 0.15, tail_s: float = 1.5,
                        size: BodySize | None = None) -> SyntheticSequence:
    """Standing on the right foot with the left raised from ``lift_at_s`` for ``hold_s``; ``end`` is
    "touch_down" (the raised foot comes down), "standing_foot_moves" (the right foot shifts 10 cm
    sideways and forwards while the left stays up) or "none" (held past the end of the recording).

    The true times are physical thresholds read off the model at 1 ms: the raised foot is off the
    floor while its points are on median more than ``FOOT_OFF_M`` above their standing height, and
    the standing foot has moved once its points have shifted ``FOOT_MOVED_M`` on median.
    """
    if end not in ("touch_down", "standing_foot_moves", "none"):
        raise ValueError(f"end must be touch_down, standing_foot_moves or none, not {end!r}")
    size = size or BodySize()
    keys = [Keyframe(0.0, BALANCE_STANCE), Keyframe(lift_at_s, BALANCE_STANCE),
            Keyframe(lift_at_s + lift_s, LEG_RAISED)]
    stop = lift_at_s + hold_s
    if end == "touch_down":
        keys += [Keyframe(stop - lift_s, LEG_RAISED), Keyframe(stop, BALANCE_STANCE)]
    elif end == "standing_foot_moves":
        moved = replace(LEG_RAISED, right_foot_shift_x_m=-0.07, right_foot_shift_z_m=0.07)
        keys += [Keyframe(stop, LEG_RAISED), Keyframe(stop + 0.2, moved), Keyframe(stop + 0.6, moved),
                 Keyframe(stop + 0.6 + lift_s, replace(BALANCE_STANCE, right_foot_shift_x_m=-0.07,
                                                       right_foot_shift_z_m=0.07))]
    else:
        keys += [Keyframe(stop, LEG_RAISED)]
    last = max(k.t_s for k in keys) + tail_s
    keys.append(Keyframe(last, keys[-1].pose))
    camera = Camera(view=view)
    frames = animate(keys, fps=fps, camera=camera, size=size)

    feet = {"left": [27, 29, 31], "right": [28, 30, 32]}
    base = body_points_3d(BALANCE_STANCE, size)

    def raised_off(pose: BodyPose) -> bool:
        p = body_points_3d(pose, size)
        return float(np.median(p[feet["left"], 1] - base[feet["left"], 1])) > FOOT_OFF_M

    def standing_moved(pose: BodyPose) -> bool:
        p = body_points_3d(pose, size)
        shift = np.linalg.norm(p[feet["right"]] - base[feet["right"]], axis=1)
        return float(np.median(shift)) > FOOT_MOVED_M

    start = _first_time(keys, lift_at_s, lift_at_s + lift_s, raised_off)
    true_end: float | None = None
    if end == "touch_down":
        true_end = _first_time(keys, stop - lift_s, stop, lambda pose: not raised_off(pose))
    elif end == "standing_foot_moves":
        true_end = _first_time(keys, stop, stop + 0.2, standing_moved)
    hold = None if true_end is None or start is None else round(true_end - start, 3)
    reason = None if true_end is None else ("raised_foot_down" if end == "touch_down" else "standing_foot_moved")
    truth = SequenceTruth("single-leg", 0, (), None, hold, start, reason)
    return SyntheticSequence(frames, truth, camera)


FOOT_OFF_M = 0.04 * BodySize().shank_m  # what the analyser resolves: 4 % of shank length (1.6 cm)
FOOT_MOVED_M = 0.06 * BodySize().shank_m  # 2.4 cm
