"""Synthetic older-adult test recordings with known truth: Timed Up-and-Go, 2-minute step, 4-m walk, balance stances.

Built on the kinematic body model of ``vision.synthetic``. Walking is the body model's standing pose with the
legs swinging, carried along the course (``shift``: a side camera sees the course across the picture; the
resident facing back is the picture mirrored about the hips). The truth is computed from the model itself at
1 ms steps (when the hips come within ``SEAT_TOUCH_M`` of the seat, when a toe passes a line), never from the
analysers. The five-times sit-to-stand uses ``synthetic_exercises.chair_stand_sequence``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from vision.landmarks import N_LANDMARKS, PoseFrame
from vision.synthetic import SITTING, STANDING, BodyPose, BodySize, Camera, Keyframe, body_points_3d, pose_at, render

ADULT = BodySize()
SEAT_TOUCH_M = 0.02  # the hips this close to their seated height: the resident is seated again


@dataclass(frozen=True)
class TimedTruth:
    """What the analyser must find: the time (s) from "Go", why it ended, and whether it is a valid score."""

    start_at_s: float
    time_s: float | None
    valid: bool
    end_reason: str | None = None
    count: int = 0
    events_s: tuple[float, ...] = ()


@dataclass(frozen=True)
class OlderSequence:
    frames: list[PoseFrame]
    truth: TimedTruth
    camera: Camera


def _hip_y(pose: BodyPose, size: BodySize = ADULT) -> float:
    p = body_points_3d(pose, size)
    return float((p[23, 1] + p[24, 1]) / 2)


def _stride(t: float, cadence_hz: float, amp_deg: float) -> BodyPose:
    """A walking pose: the shanks swing opposite each other (a scissor gait at ``cadence_hz`` strides/s)."""
    s = amp_deg * math.sin(2 * math.pi * cadence_hz * t)
    return replace(STANDING, left_shank_tilt_deg=s, right_shank_tilt_deg=-s, left_knee_flex_deg=abs(s) * 0.6,
                   right_knee_flex_deg=abs(s) * 0.6)


def render_walk(times: Sequence[float], pose_fn: Callable[[float], BodyPose], offset_m: Callable[[float], float],
                facing: Callable[[float], int], camera: Camera, size: BodySize = ADULT,
                dip_m: Callable[[float], float] = lambda t: 0.0) -> list[PoseFrame]:
    """Frames of ``pose_fn(t)`` carried ``offset_m(t)`` metres along the image x axis (side view), mirrored about
    the hips when ``facing(t)`` is -1, and lowered by ``dip_m(t)`` metres (a stumble)."""
    ppm = camera.height_fraction * camera.height / size.stature_m
    out = []
    for t in times:
        f = render(pose_fn(t), t, camera, size)
        if f.points is None:
            out.append(f)
            continue
        pts = f.points.copy()
        if facing(t) < 0:
            cx = float((pts[23, 0] + pts[24, 0]) / 2)
            pts[:, 0] = 2 * cx - pts[:, 0]
        pts[:, 0] += offset_m(t) * ppm / camera.width
        dip = dip_m(t)
        if dip:
            upper = np.arange(N_LANDMARKS) <= 24  # head, arms, trunk and hips drop; the thighs fold (knees bend)
            pts[upper, 1] += dip * ppm / camera.height
        vis = f.visibility.copy() if f.visibility is not None else np.ones(N_LANDMARKS)
        outside = (pts[:, 0] < 0) | (pts[:, 0] > 1) | (pts[:, 1] < 0) | (pts[:, 1] > 1)
        vis[outside] = 0.05
        out.append(PoseFrame(t, None, None, f.image_width, f.image_height) if bool(np.all(outside))
                   else PoseFrame(t, pts, vis, f.image_width, f.image_height))
    return out


def _first(t_from: float, t_to: float, condition: Callable[[float], bool]) -> float | None:
    n = round((t_to - t_from) * 1000)
    return next((t_from + i / 1000 for i in range(n + 1) if condition(t_from + i / 1000)), None)


def up_and_go_sequence(*, course_m: float = 3.0, go_at_s: float = 1.0, react_s: float = 0.4, rise_s: float = 1.2,
                       speed_m_s: float = 0.8, turn_s: float = 1.2, sit_s: float = 1.4, fps: float = 30.0,
                       stumble_at_s: float | None = None, stumble_drop_m: float = 0.12, sit_early: bool = False,
                       never_sits: bool = False,
                       standing_at_go: bool = False, tail_s: float = 1.5, view: str = "side") -> OlderSequence:
    """A resident seated, arms on the thighs, who on "Go" stands, walks ``course_m`` at ``speed_m_s``, turns, walks
    back, turns and sits. ``stumble_at_s`` (seconds after "Go"): the hips drop ``stumble_drop_m`` for 0.3 s (the
    knees buckling). ``sit_early``: they stand and sit straight back down (no walk). ``never_sits``: they
    stop standing beside the chair. ``standing_at_go``: they stood up before "Go" and walk from standing."""
    rise_at = go_at_s + react_s
    up = rise_at + rise_s
    walk_s = course_m / speed_m_s
    t_out, t_turn = up + walk_s, up + walk_s + turn_s
    t_back = t_turn + walk_s
    t_turn2 = t_back + turn_s
    t_sit = t_turn2 + sit_s
    lean = replace(SITTING, trunk_lean_deg=35.0, left_shank_tilt_deg=8.0, right_shank_tilt_deg=8.0)
    if sit_early:
        keys = [Keyframe(0.0, SITTING), Keyframe(rise_at, SITTING), Keyframe(rise_at + 0.45 * rise_s, lean),
                Keyframe(up, STANDING), Keyframe(up + 0.6, STANDING), Keyframe(up + 0.6 + sit_s, SITTING)]
        end = up + 0.6 + sit_s + tail_s
    else:
        start_pose = STANDING if standing_at_go else SITTING
        keys = [Keyframe(0.0, start_pose), Keyframe(rise_at, start_pose), Keyframe(rise_at + 0.45 * rise_s,
                lean if not standing_at_go else STANDING), Keyframe(up, STANDING), Keyframe(t_turn2, STANDING)]
        if not never_sits:
            keys += [Keyframe(t_sit, SITTING)]
        end = (t_sit if not never_sits else t_turn2) + tail_s
    keys.append(Keyframe(end, keys[-1].pose))

    def walking(t: float) -> bool:
        return not sit_early and (up <= t < t_out or t_turn <= t < t_back)

    def pose_fn(t: float) -> BodyPose:
        base = pose_at(keys, t)
        if walking(t):
            return replace(_stride(t - up, speed_m_s / 1.1, 18.0), arms_crossed=0.0)
        if stumble_at_s is not None and 0 <= t - (go_at_s + stumble_at_s) < 0.3:
            return replace(base, trunk_lean_deg=30.0)
        return base

    def offset(t: float) -> float:
        if sit_early or t < up:
            return 0.0
        if t < t_out:
            return speed_m_s * (t - up)
        if t < t_turn:
            return course_m
        if t < t_back:
            return course_m - speed_m_s * (t - t_turn)
        return 0.0

    def facing(t: float) -> int:
        return -1 if t_turn - turn_s / 2 <= t < t_back + turn_s / 2 and not sit_early else 1

    def dip(t: float) -> float:
        if stumble_at_s is None:
            return 0.0
        u = t - (go_at_s + stumble_at_s)
        return stumble_drop_m * math.sin(math.pi * u / 0.3) if 0 <= u < 0.3 else 0.0

    camera = Camera(view=view, height_fraction=0.42, centre_x=0.3, floor_y=0.9)
    n = math.floor(end * fps + 1e-9) + 1
    frames = render_walk([i / fps for i in range(n)], pose_fn, offset, facing, camera, dip_m=dip)
    seated_h = _hip_y(SITTING)
    time_s: float | None = None
    reason = "cap_reached" if never_sits else "seated_again"
    if not never_sits and not standing_at_go:
        sit_from = up + 0.6 if sit_early else t_turn2
        touched = _first(sit_from, sit_from + sit_s, lambda t: _hip_y(pose_at(keys, t)) - seated_h <= SEAT_TOUCH_M)
        time_s = None if touched is None else touched - go_at_s
        reason = "sat_down_early" if sit_early else "seated_again"
    if standing_at_go:
        reason = "not_seated_at_go"
    valid = reason == "seated_again"
    return OlderSequence(frames, TimedTruth(go_at_s, time_s if valid else None, valid, reason), camera)


def five_times_sit_to_stand_sequence(stands: Sequence[Any] | int = 5, *, start_at_s: float = 1.0, fps: float = 30.0,
                                     view: str = "side", tail_s: float = 2.0) -> OlderSequence:
    """Chair stands (``synthetic_exercises.StandSpec``) from "Go"; the truth is the time from "Go" until the fifth
    full stand brings the hips within ``SEAT_TOUCH_M`` of their standing height (SPPB: straightened up)."""
    from vision.synthetic_exercises import chair_stand_sequence

    specs = stands
    seq = chair_stand_sequence(specs, start_at_s=start_at_s, duration_s=60.0, fps=fps, view=view, tail_s=0.0)
    full = [r for r in seq.truth.reps if r.counted]
    frames = seq.frames
    if len(full) < 5:
        last = full[-1].top_s if full else start_at_s
        frames = [f for f in frames if f.timestamp_s <= last + 3.0 + tail_s]
        return OlderSequence(frames, TimedTruth(start_at_s, None, False, "incomplete", len(full)), seq.camera)
    fifth = full[4]
    standing_h = _hip_y(STANDING)
    reached = _first(fifth.started_s, fifth.top_s + 0.01,
                     lambda t: standing_h - _hip_y(pose_at(seq.keys, t)) <= SEAT_TOUCH_M)
    frames = [f for f in frames if f.timestamp_s <= fifth.top_s + tail_s]
    time_s = None if reached is None else reached - start_at_s
    return OlderSequence(frames, TimedTruth(start_at_s, time_s, True, "fifth_stand", 5), seq.camera)


STEP_STANCE = replace(STANDING, left_shoulder_flex_deg=5.0, right_shoulder_flex_deg=5.0)
MARK_HIP_FLEX_DEG = 60.0  # the model's right knee reaches the mark (midway between standing knee and hip) here


def two_minute_step_sequence(right_knee_deg: Sequence[float] | int = 20, *, left_knee_deg: float = 75.0,
                             start_at_s: float = 3.0, step_s: float = 0.5, duration_s: float = 120.0,
                             fps: float = 30.0, view: str = "front", tail_s: float = 0.5) -> OlderSequence:
    """Stepping in place from "Go": right knee, left knee, alternately; each right step lifts the thigh to its
    ``right_knee_deg`` hip flexion (the knee reaches the mark from ``MARK_HIP_FLEX_DEG``, so 75° counts and 45°
    does not). The truth counts the right steps that reach the mark before the time is up."""
    specs = [75.0] * right_knee_deg if isinstance(right_knee_deg, int) else list(right_knee_deg)
    keys = [Keyframe(0.0, STEP_STANCE)]
    t = start_at_s + 0.2
    end = start_at_s + duration_s
    count, counted_s = 0, []
    for deg in specs:
        up_r = replace(STEP_STANCE, stance=1, right_hip_flex_deg=deg, right_knee_flex_deg=max(deg, 60.0))
        up_l = replace(STEP_STANCE, stance=2, left_hip_flex_deg=left_knee_deg, left_knee_flex_deg=left_knee_deg)
        keys += [Keyframe(t, STEP_STANCE), Keyframe(t + step_s / 2, up_r), Keyframe(t + step_s, STEP_STANCE),
                 Keyframe(t + 1.5 * step_s, up_l), Keyframe(t + 2 * step_s, STEP_STANCE)]
        if deg > MARK_HIP_FLEX_DEG and t + step_s / 2 <= end:
            count += 1
            counted_s.append(t + step_s / 2)
        t += 2 * step_s
    stop = min(end, t) + tail_s
    keys.append(Keyframe(max(stop, t), STEP_STANCE))
    camera = Camera(view=view)
    n = math.floor(stop * fps + 1e-9) + 1
    frames = [render(pose_at(keys, i / fps), i / fps, camera) for i in range(n)]
    return OlderSequence(frames, TimedTruth(start_at_s, None, True, "time_up", count, tuple(counted_s)), camera)


def walk_sequence(*, speed_m_s: float = 1.0, start_line_m: float = 0.6, finish_line_m: float = 3.6,
                  go_at_s: float = 1.0, react_s: float = 0.5, fps: float = 30.0, walk_m: float | None = None,
                  stumble_at_m: float | None = None, tail_s: float = 0.5) -> tuple[OlderSequence, float, float]:
    """A resident standing behind the start line who on "Go" walks at ``speed_m_s`` along the course, seen from
    the side. Returns the sequence and the two lines' image x (normalised); the truth is the time between the
    first foot being completely past each line (rearmost foot point), read off the model at 1 ms.
    ``walk_m`` stops the walk short (never reaching the finish); ``stumble_at_m`` dips the hips mid-course."""
    camera = Camera(view="side", height_fraction=0.3, centre_x=0.08, floor_y=0.92)
    ppm = camera.height_fraction * camera.height / ADULT.stature_m
    distance = walk_m if walk_m is not None else finish_line_m + 0.8
    t0 = go_at_s + react_s
    t1 = t0 + distance / speed_m_s
    end = t1 + tail_s

    def offset(t: float) -> float:
        return 0.0 if t < t0 else speed_m_s * (min(t, t1) - t0)

    def pose_fn(t: float) -> BodyPose:
        return _stride(t - t0, speed_m_s / 1.1, 18.0) if t0 <= t < t1 else STANDING

    def dip(t: float) -> float:
        if stumble_at_m is None:
            return 0.0
        u = t - (t0 + stumble_at_m / speed_m_s)
        return 0.12 * math.sin(math.pi * u / 0.3) if 0 <= u < 0.3 else 0.0

    n = math.floor(end * fps + 1e-9) + 1
    frames = render_walk([i / fps for i in range(n)], pose_fn, offset, lambda t: 1, camera, dip_m=dip)
    feet = ([27, 29, 31], [28, 30, 32])

    def past(line_m: float) -> Callable[[float], bool]:
        def check(t: float) -> bool:
            p = body_points_3d(pose_fn(t))
            return max(float(np.min(p[f, 2])) for f in feet) + offset(t) >= line_m
        return check

    cross_start = _first(t0, t1 + 0.001, past(start_line_m))
    cross_finish = _first(t0, t1 + 0.001, past(finish_line_m))
    time_s = None if cross_start is None or cross_finish is None else cross_finish - cross_start
    truth = TimedTruth(go_at_s, time_s, time_s is not None, "finish_line" if time_s is not None else "cap_reached")

    def to_x(m: float) -> float:
        return (camera.centre_x * camera.width + m * ppm) / camera.width

    return OlderSequence(frames, truth, camera), to_x(start_line_m), to_x(finish_line_m)


# Where the right foot goes for each stance, relative to the left: (sideways gap between the ankles, how far
# forward the right heel is, in metres). The model's foot is 0.22 m heel to toe.
STANCE_PLACEMENT = {"side_by_side": (0.10, 0.0), "semi_tandem": (0.09, 0.13), "tandem": (0.0, 0.22),
                    "apart": (0.28, -0.45)}  # walked in: feet apart and staggered
_RIGHT_FOOT = [28, 30, 32]
FOOT_MOVED_M = 0.04  # a foot this far from where it was set has moved (the analyser's 0.1 shank lengths)


def _placed(pose: BodyPose, gap_m: float, forward_m: float) -> np.ndarray:
    """The body's 3-D points with the right foot placed ``gap_m`` beside and ``forward_m`` ahead of the left."""
    p = body_points_3d(pose)
    dx = (p[27, 0] - gap_m) - p[28, 0]
    dz = forward_m + (p[29, 2] - p[30, 2])
    p[_RIGHT_FOOT, 0] += dx
    p[_RIGHT_FOOT, 2] += dz
    p[26, 0] += dx / 2
    p[26, 2] += dz / 2
    return p


def stance_sequence(stance: str = "side_by_side", *, view: str = "side", start_at_s: float = 0.5,
                    place_at_s: float = 1.0, place_s: float = 0.4, hold_s: float = 6.0, end: str = "foot_moved",
                    achieved: str | None = None, fps: float = 30.0, tail_s: float = 1.0) -> OlderSequence:
    """Standing with the feet apart, then the right foot placed for ``stance`` (or ``achieved``, a stance short of
    it) from ``place_at_s``, held ``hold_s``, then ``end``: "foot_moved" (the right foot slides out), "hand_support"
    (the right arm reaches out sideways to a wall) or "none" (held past 10 s). The truth: the hold runs from the
    foot being placed to the foot having moved ``FOOT_MOVED_M`` or the wrist half a trunk length, capped at 10 s."""
    camera = Camera(view=view)
    target = STANCE_PLACEMENT[achieved or stance]
    placed_t = place_at_s + place_s
    stop = placed_t + hold_s
    arm_keys = [Keyframe(0.0, STANDING), Keyframe(stop, STANDING),
                Keyframe(stop + 0.4, replace(STANDING, right_shoulder_abd_deg=75.0 if end == "hand_support" else 0.0))]

    def ease(u: float) -> float:
        u = min(1.0, max(0.0, u))
        return 0.5 - 0.5 * math.cos(math.pi * u)

    def points_at(t: float) -> np.ndarray:
        w = ease((t - place_at_s) / place_s)
        apart = STANCE_PLACEMENT["apart"]
        gap, fwd = apart[0] + (target[0] - apart[0]) * w, apart[1] + (target[1] - apart[1]) * w
        p = _placed(pose_at(arm_keys, t), gap, fwd)
        if end == "foot_moved" and t > stop:
            m = ease((t - stop) / 0.3)
            p[_RIGHT_FOOT, 0] -= 0.12 * m
            p[_RIGHT_FOOT, 2] += 0.12 * m
            p[26, [0, 2]] += np.array([-0.06, 0.06]) * m
        return p

    end_t = (stop + 0.3 if end != "none" else placed_t + 10.0) + tail_s
    n = math.floor(end_t * fps + 1e-9) + 1
    frames = []
    from vision.synthetic import project

    for i in range(n):
        pts, vis = project(points_at(i / fps), camera)
        frames.append(PoseFrame(i / fps, pts, vis, camera.width, camera.height))
    if achieved is not None and achieved != stance:
        return OlderSequence(frames, TimedTruth(start_at_s, None, False, "no_stance"), camera)
    ref = points_at(placed_t)
    trunk = float(np.linalg.norm((ref[11] + ref[12]) / 2 - (ref[23] + ref[24]) / 2))
    if end == "foot_moved":
        ended = _first(stop, stop + 0.3, lambda t: float(np.median(np.linalg.norm(
            points_at(t)[_RIGHT_FOOT] - ref[_RIGHT_FOOT], axis=1))) >= FOOT_MOVED_M)
    elif end == "hand_support":
        axes = [0, 1] if view == "front" else [2, 1]
        ended = _first(stop, stop + 0.4, lambda t: float(np.linalg.norm(
            (points_at(t)[16] - ref[16])[axes])) >= 0.5 * trunk)
    else:
        ended = None
    hold = min(10.0, (ended if ended is not None else placed_t + 10.0) - placed_t)
    reason = "cap_reached" if hold >= 10.0 else end
    return OlderSequence(frames, TimedTruth(start_at_s, round(hold, 3), True, reason), camera)
