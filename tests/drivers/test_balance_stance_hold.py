"""The balance platform confirms a camera-timed stance: where the platform says the stance ended, and whether the
camera's hold time agrees. Samples are built by hand (no real platform capture of a tandem stance is public)."""

from __future__ import annotations

import pytest

from drivers.balance import stance_hold_end_s
from vision.analysers import ExerciseResult, ResultStatus, View
from vision.analysers.single_leg import compare_with_platform

RATE = 100.0
BODY = 60.0


def samples(until_s: float, *, event_at: float | None = None, kind: str = "step") -> list:
    out = []
    for i in range(int(until_s * RATE)):
        t = i / RATE
        cop, load = (5.0, -3.0), BODY
        if event_at is not None and t >= event_at:
            if kind == "step":
                cop = (60.0, 20.0)
            elif kind == "hand":
                load = 0.8 * BODY
            else:
                cop, load = None, 0.0
        out.append((t, cop, load))
    return out


@pytest.mark.parametrize(("kind", "reason"), [("step", "feet_moved"), ("hand", "unloaded"), ("off", "unloaded")])
def test_the_platform_dates_the_end_of_the_stance(kind, reason):
    assert stance_hold_end_s(samples(12.0, event_at=7.3, kind=kind), 1.0, BODY) == (pytest.approx(7.3), reason)


def test_a_held_stance_ends_at_the_cap():
    assert stance_hold_end_s(samples(12.0), 1.0, BODY) == (11.0, "cap_reached")


def test_a_blip_shorter_than_the_confirmation_does_not_end_it():
    data = samples(12.0)
    data[500] = (5.0, (80.0, 0.0), BODY)
    assert stance_hold_end_s(data, 1.0, BODY)[1] == "cap_reached"


def test_no_samples_at_the_start_is_an_error():
    with pytest.raises(ValueError):
        stance_hold_end_s(samples(5.0), 6.0, BODY)


def test_camera_hold_is_confirmed_by_the_platform_within_tolerance():
    end, _ = stance_hold_end_s(samples(12.0, event_at=7.3), 1.0, BODY)
    camera = ExerciseResult("balance-tandem", ResultStatus.FINISHED, View.SIDE, hold_time_s=6.4, valid=True,
                            value=6.4, unit="s")
    agreement = compare_with_platform(camera, end - 1.0)
    assert agreement.agrees and agreement.difference_s == pytest.approx(0.1)
    assert not compare_with_platform(camera, 5.0).agrees
