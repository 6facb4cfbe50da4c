"""Gait speed over the calibrated course, and the balance stances held up to 10 s (synthetic, known truth)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from vision.analysers import make_analyser
from vision.analysers.balance import STANCES
from vision.synthetic import add_jitter, add_spikes
from vision.synthetic_exercises import single_leg_sequence
from vision.synthetic_older import stance_sequence, walk_sequence

BALANCE = {"side_by_side": "balance-side-by-side", "semi_tandem": "balance-semi-tandem", "tandem": "balance-tandem"}


def run(exercise, frames, start_at_s=None, **options):
    if start_at_s is not None:
        options.update(start_at_s=start_at_s, auto_start=False)
    analyser = make_analyser(exercise, **options)
    events = [e for f in frames for e in analyser.feed(f)]
    events += analyser.finish(reason="stream_ended")
    return events, analyser.result()


# ---- gait speed ---------------------------------------------------------------------------------

@cache
def walk(**kw):
    return walk_sequence(**kw)


def gait(seq, sx, fx, frames=None, **options):
    return run("gait-speed", frames if frames is not None else seq.frames, seq.truth.start_at_s, start_x=sx,
               finish_x=fx, distance_m=3.0, **options)


@pytest.mark.parametrize(("speed", "fps"), [(1.0, 30.0), (0.5, 30.0), (1.4, 5.0), (0.8, 15.0)])
def test_walk_time_between_the_lines_and_the_speed(speed, fps):
    seq, sx, fx = walk(speed_m_s=speed, fps=fps)
    _, result = gait(seq, sx, fx)
    assert result.valid and result.end_reason == "finish_line", result.invalid_reason
    assert result.measures["walk_time_s"] == pytest.approx(seq.truth.time_s, abs=0.05)
    assert result.value == pytest.approx(3.0 / seq.truth.time_s, abs=0.02) and result.unit == "m/s"


def test_a_stumble_on_the_course_does_not_stop_the_clock():
    seq, sx, fx = walk(stumble_at_m=1.5)
    _, result = gait(seq, sx, fx)
    assert result.valid and result.measures["walk_time_s"] == pytest.approx(seq.truth.time_s, abs=0.05)


def test_stopping_before_the_finish_line_gives_no_speed():
    seq, sx, fx = walk(walk_m=2.0)
    _, result = gait(seq, sx, fx)
    assert not result.valid and result.value is None and result.invalid_reason == "incomplete"


def test_starting_past_the_start_line_gives_no_speed():
    seq, sx, fx = walk()
    _, result = gait(seq, sx - 0.12, fx)  # the start line drawn behind where the resident stands
    assert not result.valid and result.invalid_reason == "no_start_posture"


def test_walking_the_other_way_is_timed_the_same():
    seq, sx, fx = walk()
    mirrored = [replace(f, points=f.points * [-1, 1, 1] + [1, 0, 0]) if f.points is not None else f
                for f in seq.frames]
    _, result = gait(seq, 1 - sx, 1 - fx, mirrored)
    assert result.valid and result.measures["walk_time_s"] == pytest.approx(seq.truth.time_s, abs=0.05)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_spiked_foot_cannot_start_the_clock(seed):
    seq, sx, fx = walk()
    _, result = gait(seq, sx, fx, add_spikes(add_jitter(seq.frames, 1.5, seed), 0.05, seed=seed))
    assert result.valid and result.measures["walk_time_s"] == pytest.approx(seq.truth.time_s, abs=0.1)


@pytest.mark.parametrize("bad", [{"start_x": 1.5}, {"start_x": 0.5, "finish_x": 0.52}, {"distance_m": 0}])
def test_bad_course_is_refused(bad):
    with pytest.raises(ValueError):
        make_analyser("gait-speed", **bad)


# ---- balance stances ----------------------------------------------------------------------------

@cache
def stance(name, view="side", end="foot_moved", achieved=None):
    return stance_sequence(name, view=view, end=end, achieved=achieved)


@pytest.mark.parametrize("name", list(STANCES))
@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize("end", ["foot_moved", "hand_support", "none"])
def test_each_stance_is_timed_to_its_end(name, view, end):
    seq = stance(name, view, end)
    _, result = run(BALANCE[name], seq.frames, seq.truth.start_at_s)
    assert result.valid, result.invalid_reason
    assert result.end_reason == seq.truth.end_reason
    assert result.measures["raw_hold_s"] == pytest.approx(seq.truth.time_s, abs=0.15)
    assert result.value == result.hold_time_s and result.unit == "s"


def test_hand_on_the_wall_ends_the_hold():
    seq = stance("tandem", "side", "hand_support")
    events, result = run("balance-tandem", seq.frames, seq.truth.start_at_s)
    assert result.end_reason == "hand_support"
    assert any(e.message.endswith("hold_ended.hand_support") for e in events)


@pytest.mark.parametrize(("wanted", "achieved"), [("tandem", "semi_tandem"), ("semi_tandem", "side_by_side")])
def test_a_stance_never_achieved_is_invalid_not_zero(wanted, achieved):
    seq = stance(wanted, "side", "none", achieved)
    _, result = run(BALANCE[wanted], seq.frames, seq.truth.start_at_s, duration_s=8.0)
    assert not result.valid and result.invalid_reason == "no_start_posture"
    assert result.value is None and result.hold_time_s is None


def test_semi_tandem_is_not_taken_for_tandem_from_the_side():
    seq = stance("semi_tandem", "side", "none")
    _, as_tandem = run("balance-tandem", seq.frames, seq.truth.start_at_s, duration_s=8.0)
    assert not as_tandem.valid


def test_front_view_says_what_it_cannot_see():
    seq = stance("semi_tandem", "front", "none")
    _, result = run("balance-semi-tandem", seq.frames, seq.truth.start_at_s)
    assert any("front view" in n for n in result.notes)


@pytest.mark.parametrize("seed", [0, 1])
def test_noisy_feet_keep_the_hold_within_two_tenths(seed):
    seq = stance("tandem", "side", "foot_moved")
    _, result = run("balance-tandem", add_jitter(seq.frames, 1.5, seed), seq.truth.start_at_s)
    assert result.valid and result.measures["raw_hold_s"] == pytest.approx(seq.truth.time_s, abs=0.2)


def test_one_leg_eyes_open_is_capped_at_ten_seconds():
    seq = single_leg_sequence(hold_s=14.0, end="none")
    _, result = run("single-leg-eyes-open", seq.frames)
    assert result.valid and result.end_reason == "cap_reached" and result.value == 10.0


def test_one_leg_foot_lowered_ends_the_hold():
    seq = single_leg_sequence(hold_s=7.0, end="touch_down")
    _, result = run("single-leg-eyes-open", seq.frames)
    assert result.valid and result.end_reason == "raised_foot_down"
    assert result.measures["raw_hold_s"] == pytest.approx(seq.truth.hold_time_s, abs=0.05)


def test_one_leg_hand_reaching_to_the_wall_ends_the_hold():
    seq = single_leg_sequence(hold_s=14.0, end="none")
    frames = []
    for f in seq.frames:
        if f.points is not None and f.timestamp_s >= 6.0:
            u = min(1.0, (f.timestamp_s - 6.0) / 0.3)
            pts = f.points.copy()
            pts[[16, 18, 20, 22], 0] -= 0.25 * u  # the right hand goes out sideways to the wall
            pts[[16, 18, 20, 22], 1] -= 0.10 * u
            f = replace(f, points=pts)
        frames.append(f)
    _, result = run("single-leg-eyes-open", frames)
    assert result.valid and result.end_reason == "hand_support"
    assert result.ended_at_s == pytest.approx(6.1, abs=0.1)


def test_one_leg_never_lifted_is_invalid():
    seq = stance("side_by_side", "front", "none")
    _, result = run("single-leg-eyes-open", seq.frames)
    assert not result.valid and result.value is None


def test_the_resident_stopping_mid_hold_keeps_the_time_so_far():
    seq = stance("tandem", "side", "none")
    analyser = make_analyser("balance-tandem", start_at_s=seq.truth.start_at_s, auto_start=False)
    for f in seq.frames:
        if f.timestamp_s > 5.0:
            break
        analyser.feed(f)
    analyser.finish(reason="resident_stopped")
    result = analyser.result()
    assert result.valid and result.end_reason == "resident_stopped"
    assert result.measures["raw_hold_s"] == pytest.approx(5.0 - 1.4, abs=0.15)


def test_stopping_before_the_stance_is_taken_has_no_time():
    seq = stance("tandem", "side", "none")
    analyser = make_analyser("balance-tandem", start_at_s=seq.truth.start_at_s, auto_start=False)
    for f in seq.frames:
        if f.timestamp_s > 1.0:
            break
        analyser.feed(f)
    analyser.finish(reason="resident_stopped")
    assert analyser.result().invalid_reason == "no_start_posture"
