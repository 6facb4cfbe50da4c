"""Five-times sit-to-stand: the time from "Go" to the fifth full stand (SPPB), to 0.1 s; fewer than five, no time."""

from __future__ import annotations

import pytest

from vision.analysers import EventKind, make_analyser
from vision.analysers.trial import round_tenth
from vision.synthetic import add_jitter, add_spikes
from vision.synthetic_exercises import StandSpec
from vision.synthetic_older import five_times_sit_to_stand_sequence


def run(seq, frames=None, **options):
    analyser = make_analyser("five-times-sit-to-stand", start_at_s=seq.truth.start_at_s, auto_start=False, **options)
    events = [e for f in (frames if frames is not None else seq.frames) for e in analyser.feed(f)]
    events += analyser.finish(reason="stream_ended")
    return events, analyser.result()


@pytest.mark.parametrize(("view", "fps"), [("side", 30.0), ("front", 30.0), ("side", 5.0)])
def test_time_to_the_fifth_full_stand(view, fps):
    seq = five_times_sit_to_stand_sequence(5, view=view, fps=fps)
    events, result = run(seq)
    assert result.valid and result.end_reason == "fifth_stand", result.invalid_reason
    assert result.measures["raw_time_s"] == pytest.approx(seq.truth.time_s, abs=0.1)
    assert result.value == round_tenth(result.measures["raw_time_s"]) and result.unit == "s"
    assert result.count == 5
    assert events[-1].kind is EventKind.TEST_FINISHED and events[-1].at_s == pytest.approx(
        seq.truth.start_at_s + result.measures["raw_time_s"])


def test_the_clock_stops_at_the_fifth_stand_not_the_sit_after_it():
    seq = five_times_sit_to_stand_sequence([StandSpec(sit_s=3.0)] * 5)
    _, result = run(seq)
    assert result.measures["raw_time_s"] == pytest.approx(seq.truth.time_s, abs=0.1)
    assert result.ended_at_s == pytest.approx(seq.truth.start_at_s + seq.truth.time_s, abs=0.1)


def test_sitting_down_early_from_a_half_stand_is_not_a_stand_and_the_clock_runs_on():
    specs = [StandSpec(), StandSpec(full=False), StandSpec(), StandSpec(), StandSpec(), StandSpec()]
    seq = five_times_sit_to_stand_sequence(specs)
    events, result = run(seq)
    assert result.valid and result.count == 5
    assert result.measures["raw_time_s"] == pytest.approx(seq.truth.time_s, abs=0.1)
    assert any(e.message.endswith("rejected.not_upright") for e in events)


def test_fewer_than_five_stands_gives_no_time_but_keeps_the_count():
    seq = five_times_sit_to_stand_sequence(3)
    _, result = run(seq)
    assert not result.valid and result.value is None and result.invalid_reason == "incomplete"
    assert result.measures["stands_done"] == 3


def test_more_than_the_cap_gives_no_time():
    seq = five_times_sit_to_stand_sequence(5)  # 11.4 s
    _, result = run(seq, cap_s=10.0)  # the SPPB's cap is 60 s; the same rule at 10
    assert not result.valid and result.end_reason == "time_up" and result.value is None
    assert result.invalid_reason == "incomplete" and result.measures["stands_done"] == 4


def test_arms_off_the_chest_still_times_the_stands_and_flags_the_deviation():
    seq = five_times_sit_to_stand_sequence([StandSpec(arms_off=True)] * 5)
    _, result = run(seq)
    assert result.valid and "arms_not_crossed" in result.deviations
    assert result.measures["raw_time_s"] == pytest.approx(seq.truth.time_s, abs=0.1)


@pytest.mark.parametrize("seed", [0, 1])
def test_noisy_landmarks_keep_the_time_within_two_tenths(seed):
    seq = five_times_sit_to_stand_sequence(5)
    _, result = run(seq, add_spikes(add_jitter(seq.frames, 2.0, seed), 0.03, seed=seed))
    assert result.valid and result.measures["raw_time_s"] == pytest.approx(seq.truth.time_s, abs=0.2)
