"""Single-leg stand: hold time to 0.1 s from lift-off to touch-down or a standing-foot shift; cap; view loss."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from vision.analysers import EventKind, ExerciseResult, make_analyser
from vision.analysers.single_leg import compare_with_platform, round_tenth
from vision.landmarks import L
from vision.synthetic import add_jitter, add_spikes, occlude
from vision.synthetic_exercises import SyntheticSequence, single_leg_sequence


@cache
def trial(end: str = "touch_down", hold_s: float = 7.43, view: str = "front") -> SyntheticSequence:
    return single_leg_sequence(hold_s=hold_s, end=end, view=view)


def run(frames, **options) -> tuple[list, ExerciseResult]:
    analyser = make_analyser("single-leg", **options)
    events = [e for f in frames for e in analyser.feed(f)]
    events += analyser.finish(reason="stream_ended")
    return events, analyser.result()


@pytest.mark.parametrize("view", ["front", "side"])
def test_touch_down_ends_the_hold_to_a_tenth_of_a_second(view):
    seq = trial("touch_down", 7.43, view)
    events, result = run(seq.frames, view=view)
    assert result.end_reason == "raised_foot_down"
    assert abs(result.measures["raw_hold_s"] - seq.truth.hold_time_s) < 0.05, "timing error under 50 ms clean"
    assert result.hold_time_s == round_tenth(result.measures["raw_hold_s"])
    assert result.started_at_s == pytest.approx(seq.truth.hold_start_s, abs=0.05)
    assert result.measures["raised_foot"] == "left"
    kinds = [e.kind for e in events]
    assert kinds.count(EventKind.HOLD_STARTED) == 1 and kinds.count(EventKind.HOLD_ENDED) == 1


@pytest.mark.parametrize("view", ["front", "side"])
def test_standing_foot_shuffle_ends_the_hold_while_the_raised_foot_is_still_up(view):
    seq = trial("standing_foot_moves", 5.0, view)
    events, result = run(seq.frames, view=view)
    assert result.end_reason == "standing_foot_moved", f"{view}: ended because {result.end_reason}"
    assert abs(result.measures["raw_hold_s"] - seq.truth.hold_time_s) < 0.1
    ended = next(e for e in events if e.kind is EventKind.HOLD_ENDED)
    assert ended.message == "single-leg.hold_ended.standing_foot_moved" and ended.evidence["shift_shank_ratio"] > 0.06


def test_eyes_closed_touch_down_and_shuffle_are_told_apart():
    _, down = run(trial("touch_down").frames)
    _, moved = run(trial("standing_foot_moves", 5.0).frames)
    assert (down.end_reason, moved.end_reason) == ("raised_foot_down", "standing_foot_moved")


def test_cap_ends_a_long_hold_at_exactly_the_cap():
    seq = single_leg_sequence(hold_s=14.0, end="none")
    events, result = run(seq.frames, cap_s=10.0)
    assert result.hold_time_s == 10.0 and result.end_reason == "cap_reached"
    assert result.ended_at_s == pytest.approx(result.started_at_s + 10.0)
    assert next(e for e in events if e.kind is EventKind.HOLD_ENDED).text.startswith("Excellent")


def test_duration_option_is_taken_as_the_cap():
    assert make_analyser("single-leg", duration_s=30.0).cap_s == 30.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jitter_keeps_the_time_within_a_tenth(seed):
    seq = trial()
    _, result = run(add_jitter(seq.frames, 2.0, seed=seed))
    assert result.end_reason == "raised_foot_down"
    assert abs(result.measures["raw_hold_s"] - seq.truth.hold_time_s) <= 0.1


def test_one_spiked_frame_on_the_raised_foot_does_not_end_the_hold():
    seq = trial()
    frames = list(seq.frames)
    i = int(5.0 * 30)
    pts = frames[i].points.copy()
    pts[[L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX], 1] = pts[[L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX], 1]
    frames[i] = replace(frames[i], points=pts)
    _, result = run(add_spikes(frames, 0.02, seed=9))
    assert result.end_reason == "raised_foot_down"
    assert abs(result.measures["raw_hold_s"] - seq.truth.hold_time_s) <= 0.1


def test_losing_the_view_mid_hold_abandons_the_trial_and_says_why():
    seq = trial()
    feet = [L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
    events, result = run(occlude(seq.frames, feet, 4.0, 5.5))
    lost = [e for e in events if e.message == "single-leg.hold_ended.lost_view"]
    assert len(lost) == 1 and "does not count" in lost[0].text
    assert result.hold_time_s is None and result.measures["aborted_trials"] == 1


def test_a_new_trial_after_the_view_returns_needs_both_feet_down_first():
    first = single_leg_sequence(hold_s=3.0, lift_at_s=2.0)
    second = single_leg_sequence(hold_s=4.0, lift_at_s=2.0)
    offset = first.frames[-1].timestamp_s + 1 / 30
    frames = occlude(first.frames, [L.LEFT_ANKLE], 3.0, 4.0) + [
        replace(f, timestamp_s=f.timestamp_s + offset) for f in second.frames]
    _, result = run(frames)
    assert result.hold_time_s == pytest.approx(round_tenth(second.truth.hold_time_s), abs=0.1)
    assert result.started_at_s == pytest.approx(offset + second.truth.hold_start_s, abs=0.05)


def test_comparison_with_the_balance_platform():
    _, result = run(trial().frames)
    assert compare_with_platform(result, result.hold_time_s + 0.2).agrees
    far = compare_with_platform(result, result.hold_time_s + 1.0)
    assert not far.agrees and far.difference_s == pytest.approx(-1.0)
    _, none = run(trial().frames[:30])
    assert not compare_with_platform(none, 5.0).agrees


def test_round_tenth_rounds_halves_up():
    assert [round_tenth(x) for x in (7.34, 7.35, 7.36, 0.04)] == [7.3, 7.4, 7.4, 0.0]


def test_bad_thresholds_are_refused():
    with pytest.raises(ValueError, match="floor_ratio < lift_ratio"):
        make_analyser("single-leg", floor_ratio=0.2)
    with pytest.raises(ValueError, match="cap_s"):
        make_analyser("single-leg", cap_s=0)
