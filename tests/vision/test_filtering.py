"""One-Euro filter and landmark smoother: numeric properties and the behaviours analysers rely on."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.filtering import LandmarkSmoother, OneEuroFilter, OneEuroParams, VisibilityParams, smoothing_factor
from vision.landmarks import N_LANDMARKS, PoseFrame

finite = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)


def run_filter(samples: np.ndarray, rate_hz: float, params: OneEuroParams | None = None) -> np.ndarray:
    f = OneEuroFilter(params)
    return np.array([f(i / rate_hz, np.array([x]))[0] for i, x in enumerate(samples)])


def test_first_sample_passes_through_unchanged():
    f = OneEuroFilter()
    x = np.array([[0.25, 0.75, -0.1]])
    np.testing.assert_array_equal(f(0.0, x), x)


@given(value=finite, n=st.integers(min_value=2, max_value=50), rate=st.floats(min_value=5.0, max_value=120.0))
@settings(max_examples=60, deadline=None)
def test_constant_input_stays_exactly_constant(value, n, rate):
    out = run_filter(np.full(n, value), rate)
    assert np.allclose(out, value, rtol=0, atol=1e-12), f"a still landmark at {value} must not move, got {out}"


@given(samples=st.lists(finite, min_size=2, max_size=60), rate=st.floats(min_value=5.0, max_value=120.0))
@settings(max_examples=80, deadline=None)
def test_output_never_leaves_the_range_of_inputs_seen(samples, rate):
    """Each output is a convex blend of the new sample and the last output: no overshoot, ever."""
    arr = np.array(samples)
    out = run_filter(arr, rate)
    for i in range(len(arr)):
        lo, hi = arr[: i + 1].min(), arr[: i + 1].max()
        assert lo - 1e-9 <= out[i] <= hi + 1e-9, f"output {out[i]} at {i} outside seen range [{lo}, {hi}]"


@given(dt=st.floats(min_value=1e-4, max_value=10.0), cutoff=st.floats(min_value=1e-3, max_value=100.0))
@settings(max_examples=80, deadline=None)
def test_smoothing_factor_is_a_weight_that_grows_with_time_and_cutoff(dt, cutoff):
    a = smoothing_factor(dt, cutoff)
    assert 0.0 < a <= 1.0
    assert smoothing_factor(dt * 2, cutoff) >= a
    assert smoothing_factor(dt, cutoff * 2) >= a


def test_jitter_at_rest_is_cut_several_fold():
    rng = np.random.default_rng(7)
    noise = 0.004 * rng.standard_normal(600)  # ~2.5 px at 640 px: typical landmark jitter
    out = run_filter(0.5 + noise, 30.0)
    raw_sd, filtered_sd = noise[60:].std(), (out[60:] - 0.5).std()
    assert filtered_sd < raw_sd / 3, f"expected jitter cut ≥3×, raw {raw_sd:.5f} filtered {filtered_sd:.5f}"


def test_fast_movement_lags_less_with_higher_beta():
    """The One-Euro point: speed raises the cut-off, so a higher beta follows a fast ramp more closely."""
    t = np.arange(60) / 30.0
    ramp = 0.8 * t  # 0.8 image heights per second: a quick limb movement
    lag_slow = np.abs(run_filter(ramp, 30.0, OneEuroParams(beta=0.0)) - ramp)[-10:].mean()
    lag_fast = np.abs(run_filter(ramp, 30.0, OneEuroParams(beta=8.0)) - ramp)[-10:].mean()
    assert lag_fast < lag_slow / 3, f"beta=8 lag {lag_fast:.4f} should be far below beta=0 lag {lag_slow:.4f}"


def test_default_tuning_lags_a_1hz_movement_by_under_one_frame_at_30fps():
    t = np.arange(300) / 30.0
    signal = 0.5 + 0.1 * np.sin(2 * math.pi * 1.0 * t)
    out = run_filter(signal, 30.0)
    lags = np.arange(0, 10)
    errors = [np.abs(out[60 + k:] - signal[60:len(signal) - k]).mean() for k in lags]
    best_lag_frames = int(lags[int(np.argmin(errors))])
    assert best_lag_frames <= 1, f"1 Hz movement delayed by {best_lag_frames} frames (expected ≤ 1)"


def test_default_tuning_keeps_the_range_of_a_rep_so_depth_is_not_understated():
    t = np.arange(300) / 30.0
    signal = 0.5 + 0.1 * np.sin(2 * math.pi * 0.5 * t)
    out = run_filter(signal, 30.0)
    ratio = np.ptp(out[60:]) / np.ptp(signal[60:])
    assert 0.95 <= ratio <= 1.0 + 1e-9, f"a 0.5 Hz movement kept {ratio:.3f} of its range (expected ≥ 0.95)"


def test_repeated_timestamp_returns_last_output_without_advancing():
    f = OneEuroFilter()
    f(0.0, np.array([0.0]))
    a = f(0.1, np.array([1.0]))
    b = f(0.1, np.array([5.0]))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("params", [dict(min_cutoff_hz=0), dict(beta=-1.0), dict(d_cutoff_hz=-2.0)])
def test_bad_parameters_are_refused(params):
    with pytest.raises(ValueError, match="One-Euro"):
        OneEuroParams(**params)


def person(t: float, x: float = 0.5, vis: float = 0.9) -> PoseFrame:
    pts = np.tile([x, 0.5, 0.0], (N_LANDMARKS, 1))
    return PoseFrame(t, pts, np.full(N_LANDMARKS, vis))


def test_smoother_passes_frames_without_a_person_through():
    s = LandmarkSmoother()
    empty = PoseFrame(0.0, None)
    assert s(empty) is empty
    assert not s.visible_mask.any()


def test_smoother_starts_afresh_after_a_gap_instead_of_dragging_the_old_position():
    s = LandmarkSmoother(gap_reset_s=0.5)
    for i in range(10):
        s(person(i / 30, x=0.2))
    s(PoseFrame(10 / 30 + 0.1, None))
    back = s(person(10 / 30 + 1.0, x=0.8))
    assert back.points is not None
    assert np.allclose(back.points[:, 0], 0.8), "a person re-entering must appear where they are, not blended"


def test_smoother_short_dropout_keeps_filter_state():
    s = LandmarkSmoother(gap_reset_s=0.5)
    for i in range(10):
        s(person(i / 30, x=0.2))
    out = s(person(11 / 30, x=0.8))
    assert out.points is not None and out.points[0, 0] < 0.8, "a one-frame jump after a short gap is smoothed"


def test_visibility_hysteresis_stops_flicker_around_the_threshold():
    s = LandmarkSmoother(visibility=VisibilityParams(tau_s=0.01, on_threshold=0.6, off_threshold=0.4))
    s(person(0.0, vis=0.9))
    assert s.visible_mask.all()
    for i, v in enumerate([0.55, 0.45, 0.5, 0.42]):  # wobbling below "on" but above "off"
        s(person(0.1 * (i + 1), vis=v))
        assert s.visible_mask.all(), f"visibility {v} above the off threshold must stay visible"
    s(person(1.0, vis=0.1))
    assert not s.visible_mask.any()
    s(person(1.1, vis=0.5))
    assert not s.visible_mask.any(), "0.5 is below the on threshold: a hidden landmark stays hidden"


def test_smoothed_frame_keeps_timestamp_size_and_shapes():
    s = LandmarkSmoother()
    f = PoseFrame(1.5, np.random.default_rng(1).random((N_LANDMARKS, 3)), np.ones(N_LANDMARKS), 320, 240,
                  np.zeros((N_LANDMARKS, 3)))
    out = s(f)
    assert (out.timestamp_s, out.image_width, out.image_height) == (1.5, 320, 240)
    assert out.points is not None and out.points.shape == (N_LANDMARKS, 3)
    assert out.world is not None and out.world.shape == (N_LANDMARKS, 3)
    assert out.visibility is not None and out.visibility.shape == (N_LANDMARKS,)


def test_a_nan_sample_does_not_poison_the_landmark_for_later_frames():
    """A backend NaN for one landmark in one frame passes through as NaN, then the filter carries on."""
    f = OneEuroFilter()
    for i in range(5):
        f(i / 30, np.array([0.5, 0.5]))
    out = f(5 / 30, np.array([math.nan, 0.5]))
    assert math.isnan(out[0]) and out[1] == pytest.approx(0.5), f"the NaN must pass through alone, got {out}"
    for i in range(6, 12):
        out = f(i / 30, np.array([0.5, 0.5]))
    np.testing.assert_allclose(out, [0.5, 0.5], atol=1e-12,
                               err_msg="after a NaN the landmark must be filtered again, not stuck at NaN")


def test_a_landmark_that_starts_as_nan_is_filtered_from_its_first_finite_sample():
    f = OneEuroFilter()
    f(0.0, np.array([math.nan, 0.2]))
    first = f(1 / 30, np.array([0.7, 0.2]))
    assert first[0] == pytest.approx(0.7), f"the first finite sample of a landmark passes through, got {first}"
    again = f(2 / 30, np.array([0.7, 0.2]))
    assert again[0] == pytest.approx(0.7), f"a still landmark stays put after its NaN start, got {again}"


def test_the_smoother_keeps_a_chair_stand_countable_through_occasional_nan_landmarks():
    """Through the pipeline's smoother, a 2 % NaN rate must not freeze landmarks and stop the count."""
    from vision.analysers import make_analyser
    from vision.synthetic import add_nans
    from vision.synthetic_exercises import chair_stand_sequence

    seq = chair_stand_sequence(10, view="front")
    smoother, analyser = LandmarkSmoother(), make_analyser("chair-stand", view="front", start_at_s=1.0)
    for frame in add_nans(seq.frames, 0.02):
        analyser.feed(smoother(frame))
    analyser.finish(reason="stream_ended")
    assert analyser.result().count == seq.truth.count, (
        f"expected {seq.truth.count} stands through the smoother, counted {analyser.result().count}")


def test_a_nan_visibility_reads_as_hidden_for_that_frame_only():
    smoother = LandmarkSmoother()
    pts = np.full((N_LANDMARKS, 3), 0.5)
    for i in range(30):
        vis = np.ones(N_LANDMARKS)
        if i == 3:
            vis[5] = math.nan
        out = smoother(PoseFrame(i / 30, pts, vis))
    assert out.visibility is not None and out.visibility[5] == pytest.approx(1.0, abs=1e-3), (
        f"landmark 5 is fully visible again after one NaN visibility, got {out.visibility[5]}")
    assert smoother.visible_mask[5], "landmark 5 must count as visible again"


def test_a_frame_without_a_valid_timestamp_does_not_freeze_the_smoother():
    smoother = LandmarkSmoother()
    pts = np.full((N_LANDMARKS, 3), 0.5)
    smoother(PoseFrame(math.nan, pts, np.ones(N_LANDMARKS)))
    moved = pts.copy()
    moved[:, 0] = 0.6
    for i in range(1, 60):
        out = smoother(PoseFrame(i / 30, moved, np.ones(N_LANDMARKS)))
    assert out.points is not None and out.points[0, 0] == pytest.approx(0.6, abs=1e-3), (
        f"after a NaN-timestamped first frame the landmarks must still follow the person, got {out.points[0, 0]}")
