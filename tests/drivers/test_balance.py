"""Balance computations against CoP paths with known length, ellipse area and stand times."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.balance import (
    CHI2_2DOF_95,
    PlatformGeometry,
    SingleLegStandTimer,
    StandEnd,
    StandPhase,
    centre_of_pressure,
    sway_metrics,
)

GEOMETRY = PlatformGeometry(400, 400)
RATE_HZ = 100


def test_centre_of_pressure_is_the_force_weighted_mean_of_the_corners():
    assert centre_of_pressure((10, 10, 10, 10), GEOMETRY) == (0.0, 0.0)
    assert centre_of_pressure((0, 40, 0, 0), GEOMETRY) == (200.0, 200.0), "all load on right-front"
    x, y = centre_of_pressure((10, 30, 10, 30), GEOMETRY)
    assert (x, y) == pytest.approx((100.0, 0.0)), "3:1 right:left puts the CoP a quarter-width right"
    assert centre_of_pressure((0.1, 0.1, 0.1, 0.1), GEOMETRY) is None, "an empty platform has no CoP"


def test_circle_sway_has_the_analytic_path_length_velocity_and_ellipse_area():
    r, per_turn, turns = 10.0, 200, 3  # 200 points per turn, 3 whole turns
    path = [(r * math.cos(2 * math.pi * k / per_turn), r * math.sin(2 * math.pi * k / per_turn))
            for k in range(per_turn * turns)]
    m = sway_metrics(path, RATE_HZ)
    chord = 2 * r * math.sin(math.pi / per_turn)
    assert m.path_length_mm == pytest.approx(chord * (len(path) - 1), rel=1e-9)
    assert m.duration_s == pytest.approx((len(path) - 1) / RATE_HZ)
    assert m.mean_velocity_mm_s == pytest.approx(m.path_length_mm / m.duration_s)
    n = len(path)
    variance = r * r / 2 * n / (n - 1)  # sample variance of evenly spaced points on a circle
    assert m.ellipse_area_95_mm2 == pytest.approx(math.pi * CHI2_2DOF_95 * variance, rel=1e-9)


def test_ellipse_of_an_elongated_sway_uses_both_axes():
    a, b, n = 12.0, 3.0, 400
    path = [(a * math.cos(2 * math.pi * k / n), b * math.sin(2 * math.pi * k / n)) for k in range(n)]
    m = sway_metrics(path, RATE_HZ)
    expected = math.pi * CHI2_2DOF_95 * math.sqrt((a * a / 2) * (b * b / 2)) * n / (n - 1)
    assert m.ellipse_area_95_mm2 == pytest.approx(expected, rel=1e-9)


def test_sway_along_a_line_has_length_but_no_area():
    path = [(0.0, 0.0), (3.0, 4.0), (0.0, 0.0), (3.0, 4.0)]
    m = sway_metrics(path, 10)
    assert m.path_length_mm == pytest.approx(15.0) and m.ellipse_area_95_mm2 == pytest.approx(0.0, abs=1e-9)
    assert m.mean_velocity_mm_s == pytest.approx(50.0)
    assert sway_metrics([(0.0, 0.0)], 10).path_length_mm == 0.0


def stand(events: list[tuple[float, float, float, float]], seconds: float, timer: SingleLegStandTimer,
          load_kg: float = 70.0) -> SingleLegStandTimer:
    """Feed a CoP path: ``events`` = (from_t, x, y, load) pieces, with a 5 mm, 0.5 Hz sway on x."""
    for i in range(round(seconds * RATE_HZ)):
        t = i / RATE_HZ
        _, x, y, load = [e for e in events if e[0] <= t + 1e-9][-1]
        sway = 5.0 * math.sin(2 * math.pi * 0.5 * t)
        timer.feed(t, (x + sway, y) if load > 2 else None, load)
    return timer


def test_lift_then_touch_down_times_the_stand_from_lift_to_touch():
    timer = stand([(0.0, 0.0, 0.0, 70), (2.0, 80.0, 0.0, 70), (12.0, 0.0, 0.0, 70)], 14.0,
                  SingleLegStandTimer(RATE_HZ))
    assert timer.phase is StandPhase.ENDED and timer.end_reason is StandEnd.FOOT_DOWN
    assert timer.lifted_at_s == pytest.approx(2.0) and timer.ended_at_s == pytest.approx(12.0)
    assert timer.duration_s == pytest.approx(10.0)
    assert timer.standing_side == "right"
    assert all(abs(x - 80.0) < 10 for x, _ in timer.stance_path), "the stance path must not include the touch-down"


def test_standing_on_the_left_foot_and_hopping_forward_ends_the_stand():
    timer = stand([(0.0, 0.0, 0.0, 70), (1.0, -80.0, 0.0, 70), (6.5, -80.0, 60.0, 70)], 8.0,
                  SingleLegStandTimer(RATE_HZ))
    assert timer.standing_side == "left" and timer.end_reason is StandEnd.FOOT_DOWN
    assert timer.duration_s == pytest.approx(5.5)


def test_stepping_off_the_platform_ends_the_stand():
    timer = stand([(0.0, 0.0, 0.0, 70), (1.0, 80.0, 0.0, 70), (4.0, 80.0, 0.0, 20)], 6.0, SingleLegStandTimer(RATE_HZ))
    assert timer.end_reason is StandEnd.STEPPED_OFF and timer.duration_s == pytest.approx(3.0)


def test_the_time_limit_ends_a_long_stand_at_exactly_the_limit():
    timer = stand([(0.0, 0.0, 0.0, 70), (1.0, 80.0, 0.0, 70)], 10.0, SingleLegStandTimer(RATE_HZ, max_duration_s=5.0))
    assert timer.end_reason is StandEnd.TIME_LIMIT and timer.duration_s == pytest.approx(5.0)


def test_a_wobble_shorter_than_the_confirmation_time_does_not_end_the_stand():
    timer = SingleLegStandTimer(RATE_HZ)
    stand([(0.0, 0.0, 0.0, 70), (1.0, 80.0, 0.0, 70), (3.0, 140.0, 0.0, 70), (3.1, 80.0, 0.0, 70)], 5.0, timer)
    assert timer.phase is StandPhase.ONE_FOOT, "a 0.1 s excursion is sway, not a touch-down"


def test_without_a_lift_the_clock_never_starts():
    timer = stand([(0.0, 0.0, 0.0, 70)], 5.0, SingleLegStandTimer(RATE_HZ))
    assert timer.phase is StandPhase.BOTH_FEET and timer.lifted_at_s is None and timer.duration_s is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-300, 300), st.floats(-300, 300), st.floats(0, 200)), max_size=300))
def test_any_cop_stream_keeps_the_timer_consistent(samples):
    timer = SingleLegStandTimer(50, max_duration_s=3.0)
    for i, (x, y, load) in enumerate(samples):
        timer.feed(i / 50, (x, y) if load > 2 else None, load)
    if timer.duration_s is not None:
        assert 0 <= timer.duration_s <= 3.0 + 1e-9
    m = sway_metrics(timer.stance_path, 50)
    assert m.path_length_mm >= 0 and m.ellipse_area_95_mm2 >= 0
