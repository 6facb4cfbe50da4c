"""The kinematic body model, its projection, animation, corruptions and exercise truth."""

from __future__ import annotations

import numpy as np
import pytest

from vision.landmarks import L, angle_deg
from vision.synthetic import (
    SITTING,
    STANDING,
    BodyPose,
    BodySize,
    Camera,
    Keyframe,
    add_jitter,
    add_nans,
    add_spikes,
    animate,
    body_points_3d,
    drop_frames,
    occlude,
    pose_at,
    render,
    step_out,
)
from vision.synthetic_exercises import (
    StandSpec,
    arm_curl_sequence,
    chair_stand_sequence,
    single_leg_sequence,
    squat_sequence,
)

SIZE = BodySize()
POSES = [
    STANDING,
    SITTING,
    BodyPose(left_knee_flex_deg=100, right_knee_flex_deg=100, left_shank_tilt_deg=40, right_shank_tilt_deg=40,
             trunk_lean_deg=35),
    BodyPose(stance=2, left_hip_flex_deg=30, left_knee_flex_deg=80),
    BodyPose(left_heel_lift_deg=20, right_heel_lift_deg=20),
]


@pytest.mark.parametrize("pose", POSES)
def test_segment_lengths_are_kept_in_every_pose(pose):
    p = body_points_3d(pose, SIZE)
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        assert np.linalg.norm(p[knee] - p[ankle]) == pytest.approx(SIZE.shank_m, abs=1e-9)
        assert np.linalg.norm(p[hip] - p[knee]) == pytest.approx(SIZE.thigh_m, abs=0.01)
    for sh, el in ((L.LEFT_SHOULDER, L.LEFT_ELBOW), (L.RIGHT_SHOULDER, L.RIGHT_ELBOW)):
        assert np.linalg.norm(p[sh] - p[el]) == pytest.approx(SIZE.upper_arm_m, abs=1e-9)


@pytest.mark.parametrize("pose", POSES)
def test_support_feet_stand_on_the_floor(pose):
    p = body_points_3d(pose, SIZE)
    support = [L.RIGHT_FOOT_INDEX] if pose.stance == 2 else [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX]
    for toe in support:
        assert p[toe, 1] == pytest.approx(0.0, abs=1e-9), "a support toe must touch the floor"
    assert p[:, 1].min() >= -1e-9, "nothing goes below the floor"


def test_side_view_shows_true_knee_angles():
    for flex in (0.0, 45.0, 90.0):
        frame = render(BodyPose(left_knee_flex_deg=flex, right_knee_flex_deg=flex), 0.0, Camera(view="side"))
        knee = angle_deg(frame.xy(L.RIGHT_HIP), frame.xy(L.RIGHT_KNEE), frame.xy(L.RIGHT_ANKLE))
        assert knee == pytest.approx(180.0 - flex, abs=1e-6)


def test_front_view_puts_the_residents_left_on_the_image_right_and_side_view_hides_the_far_side():
    front = render(STANDING, 0.0, Camera(view="front"))
    assert front.points[L.LEFT_SHOULDER, 0] > front.points[L.RIGHT_SHOULDER, 0]
    side = render(STANDING, 0.0, Camera(view="side"))
    assert side.visibility[L.LEFT_KNEE] < side.visibility[L.RIGHT_KNEE]


def test_standing_height_fraction_matches_the_camera():
    frame = render(STANDING, 0.0, Camera(height_fraction=0.7))
    span = frame.points[:, 1].max() - frame.points[L.NOSE, 1]
    assert 0.55 < span < 0.7


def test_animation_interpolates_between_keyframes_at_the_frame_rate():
    keys = [Keyframe(0.0, STANDING), Keyframe(1.0, SITTING)]
    frames = animate(keys, fps=30.0)
    assert len(frames) == 31
    assert frames[0].timestamp_s == 0.0 and frames[-1].timestamp_s == pytest.approx(1.0)
    assert pose_at(keys, 0.5).left_knee_flex_deg == pytest.approx(45.0)
    assert pose_at(keys, 2.0) == SITTING


def test_a_body_entirely_outside_the_picture_is_no_person():
    assert render(BodyPose(body_x_m=5.0), 0.0).points is None


def test_corruptions_are_reproducible_and_do_what_they_say():
    frames = animate([Keyframe(0.0, STANDING), Keyframe(2.0, STANDING)], fps=30.0)
    a, b = add_jitter(frames, 2.0, seed=3), add_jitter(frames, 2.0, seed=3)
    assert np.array_equal(a[5].points, b[5].points)
    moved_px = np.abs(a[5].points[:, 0] - frames[5].points[:, 0]) * 640
    assert 0.5 < moved_px.mean() < 4.0
    dropped = drop_frames(frames, 0.5, seed=1)
    assert 10 < sum(f.points is None for f in dropped) < 50
    hidden = occlude(frames, [L.LEFT_KNEE], 0.5, 1.0)
    assert hidden[20].visibility[L.LEFT_KNEE] == pytest.approx(0.1) and hidden[40].visibility[L.LEFT_KNEE] > 0.9
    spiked = add_spikes(frames, 1.0, 0.2, seed=2)
    assert all(np.abs(s.points - f.points).max() == pytest.approx(0.2) for s, f in zip(spiked, frames, strict=True))
    nans = add_nans(frames, 1.0, seed=2)
    assert all(np.isnan(f.points).any() for f in nans)


def test_stepping_out_removes_the_person_and_brings_them_back():
    frames = animate([Keyframe(0.0, STANDING), Keyframe(6.0, STANDING)], fps=30.0)
    out = step_out(frames, 1.0, 4.0)
    assert out[0].points is not None
    assert out[75].points is None, "mid-way through the absence the person is gone"
    assert out[150].points is not None and np.allclose(out[150].points, frames[150].points)


def test_chair_stand_truth_counts_full_stands_only():
    seq = chair_stand_sequence([StandSpec(), StandSpec(full=False), StandSpec(arms_off=True)], view="side")
    assert seq.truth.count == 2
    assert [r.counted for r in seq.truth.reps] == [True, False, True]
    assert seq.truth.reps[1].faults == ("not_upright",)


def test_exercise_builders_give_truth_for_every_exercise():
    assert squat_sequence(3).truth.count == 3
    assert arm_curl_sequence(5).truth.count == 5
    leg = single_leg_sequence(hold_s=4.0)
    assert leg.truth.hold_time_s == pytest.approx(4.0, abs=0.15)
    assert leg.truth.end_reason == "raised_foot_down"
    with pytest.raises(ValueError, match="end must be"):
        single_leg_sequence(end="hop")
