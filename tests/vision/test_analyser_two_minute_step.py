"""2-minute step: right-knee steps reaching the mark midway between the resident's own standing knee and hip."""

from __future__ import annotations

from functools import cache

import pytest

from vision.analysers import EventKind, make_analyser
from vision.synthetic import add_jitter, add_spikes, drop_frames
from vision.synthetic_older import two_minute_step_sequence

DURATION = 20.0  # the rules do not depend on the length; 120 s is the default and is tested once


@cache
def stepping(spec=22, view="front", fps=30.0, duration_s=DURATION):
    return two_minute_step_sequence(list(spec) if isinstance(spec, tuple) else spec, view=view, fps=fps,
                                    duration_s=duration_s)


def run(seq, frames=None, duration_s=DURATION, **options):
    analyser = make_analyser("two-minute-step", start_at_s=seq.truth.start_at_s, auto_start=False,
                             duration_s=duration_s, **options)
    events = [e for f in (frames if frames is not None else seq.frames) for e in analyser.feed(f)]
    events += analyser.finish(reason="stream_ended")
    return events, analyser.result()


@pytest.mark.parametrize(("view", "fps"), [("front", 30.0), ("side", 30.0), ("front", 10.0), ("front", 5.0)])
def test_counts_every_right_step_reaching_the_mark(view, fps):
    seq = stepping(view=view, fps=fps)
    events, result = run(seq)
    assert result.valid and result.end_reason == "time_up", result.invalid_reason
    assert result.count == seq.truth.count == 20
    assert result.measures["steps_below_target"] == 0
    ready = next(e for e in events if e.message.endswith("target_found"))
    assert ready.at_s < seq.truth.start_at_s, "the mark is found while standing still before Go"


def test_a_step_that_does_not_reach_the_height_is_not_counted():
    spec = (75.0, 45.0, 75.0, 50.0, 66.0, 54.0) + (75.0,) * 16
    seq = stepping(spec)
    events, result = run(seq)
    assert result.count == seq.truth.count == 17
    assert result.measures["steps_below_target"] == 3
    rejected = [e for e in events if e.kind is EventKind.REP_REJECTED]
    assert len(rejected) == 3 and all(e.evidence["peak_lift_fraction"] < 0.5 for e in rejected)


def test_the_mark_is_the_residents_own_midpoint_between_knee_and_hip():
    seq = stepping()
    _, result = run(seq)
    m = result.measures
    assert m["target_y_px"] == pytest.approx((m["knee_y0_px"] + m["hip_y0_px"]) / 2, abs=0.01)


def test_left_knee_steps_are_not_counted():
    seq = two_minute_step_sequence([30.0] * 22, left_knee_deg=80.0, duration_s=DURATION)
    _, result = run(seq)
    assert result.count == seq.truth.count == 0


def test_full_two_minutes_by_default():
    seq = two_minute_step_sequence(125, fps=10.0)
    analyser = make_analyser("two-minute-step", start_at_s=seq.truth.start_at_s, auto_start=False)
    for f in seq.frames:
        analyser.feed(f)
    result = analyser.result()
    assert result.end_reason == "time_up" and result.duration_s == 120.0 and result.count == seq.truth.count


def test_never_standing_still_at_the_start_gives_no_score():
    seq = stepping()
    frames = [f for f in seq.frames if f.timestamp_s >= seq.truth.start_at_s + 0.2]
    _, result = run(seq, frames)
    assert not result.valid and result.invalid_reason == "no_start_posture"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noisy_landmarks_keep_the_count(seed):
    seq = stepping()
    frames = add_spikes(drop_frames(add_jitter(seq.frames, 2.0, seed), 0.05, seed), 0.02, seed=seed)
    _, result = run(seq, frames)
    assert abs(result.count - seq.truth.count) <= 1
