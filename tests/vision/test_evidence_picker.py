"""Choosing evidence stills: each counted rep at its bottom and top, every pause, capped — by time."""

from __future__ import annotations

from types import SimpleNamespace as Ev

import pytest

from vision.evidence import FrameRing, Moment, StillPicker, rep_moments


def _frames(picker: StillPicker, start: float, end: float, fps: float = 10.0) -> None:
    t = start
    while t <= end + 1e-9:
        picker.add_frame(round(t, 3), f"frame@{t:.1f}")
        t += 1.0 / fps


def test_rep_moments_use_the_analysers_top_and_bottom_when_given():
    assert rep_moments("squat", 1.0, 3.0, {"bottom_at_s": 2.2, "top_at_s": 3.0}) == (2.2, 3.0)


def test_rep_moments_fall_back_to_start_and_completion_by_exercise():
    assert rep_moments("chair-stand", 1.0, 3.0) == (1.0, 3.0), "a stand starts seated and ends standing"
    assert rep_moments("arm-curl", 1.0, 3.0) == (1.0, 3.0)
    assert rep_moments("squat", 1.0, 3.0) == (2.0, 1.0), "a squat starts at the top; its bottom is midway"


def test_a_counted_rep_keeps_its_bottom_and_top_frames():
    picker = StillPicker("chair-stand")
    _frames(picker, 0.0, 3.0)
    picker.on_event(Ev(kind="rep_started", at_s=1.0, evidence={}))
    chosen = picker.on_event(Ev(kind="rep_completed", at_s=2.5, evidence={"index": 1, "counted": True}))
    assert [(c.moment, c.rep, c.frame) for c in chosen] == [(Moment.BOTTOM, 1, "frame@1.0"),
                                                              (Moment.TOP, 1, "frame@2.5")]


def test_a_pause_keeps_the_frame_of_its_moment():
    picker = StillPicker("squat")
    _frames(picker, 0.0, 2.0)
    (still,) = picker.on_event(Ev(kind="paused", at_s=1.5, evidence={"reason": "out_of_view"}))
    assert (still.moment, still.rep, still.frame) == (Moment.PAUSE, None, "frame@1.5")


def test_a_rejected_rep_and_other_events_keep_nothing():
    picker = StillPicker("chair-stand")
    _frames(picker, 0.0, 2.0)
    assert picker.on_event(Ev(kind="rep_completed", at_s=1.0, evidence={"counted": False})) == []
    assert picker.on_event(Ev(kind="form_fault", at_s=1.0, evidence={})) == []
    assert picker.stills == []


def test_stills_are_capped_per_test():
    picker = StillPicker("arm-curl", cap=5)
    _frames(picker, 0.0, 1.0)
    for i in range(10):
        picker.on_event(Ev(kind="rep_completed", at_s=1.0, evidence={"index": i + 1}))
    assert len(picker.stills) == 5 and picker.dropped == 15


def test_the_ring_forgets_frames_older_than_its_window():
    ring = FrameRing(seconds=2.0)
    for t in range(10):
        ring.add(float(t), t)
    assert len(ring) == 3 and ring.nearest(0.0) == (7.0, 7)
    assert FrameRing().nearest(1.0) is None


def test_a_ring_with_a_minimum_gap_keeps_at_most_one_frame_per_gap():
    """The station keeps 15 frames a second for picking stills, whatever the camera's rate."""
    ring = FrameRing(seconds=1.0, min_gap_s=1 / 15)
    kept = [t for t in (i / 60 for i in range(60)) if ring.wants(t) and (ring.add(t, t) or True)]
    assert len(ring) == len(kept) == 15, kept
    assert ring.nearest(0.51)[0] == pytest.approx(0.5333, abs=1e-3)
