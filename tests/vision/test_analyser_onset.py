"""When a repetition began: ``MovementOnset`` on plain value series (rest, then a ramp), noise and spikes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.analysers.measures import MovementOnset

FPS = 30.0
TOL = 10.0


def rest_then_ramp(onset_s: float, slope_per_s: float, *, noise: float = 0.0, seed: int = 0, rest: float = 5.0,
                   until_s: float | None = None) -> list[tuple[float, float]]:
    """(t, value) at 30 fps from 0 s: ``rest`` (± uniform ``noise``) until ``onset_s``, then rising."""
    rng = np.random.default_rng(seed)
    end = until_s if until_s is not None else onset_s + 1.0
    out = []
    for i in range(int(end * FPS) + 1):
        t = i / FPS
        out.append((t, rest + max(0.0, t - onset_s) * slope_per_s + rng.uniform(-noise, noise)))
    return out


def onset_of(samples: list[tuple[float, float | None]], **options) -> float | None:
    tracker = MovementOnset((TOL,), **options)
    for t, v in samples:
        tracker.add(t, (v,))
    return tracker.onset_s()


@settings(max_examples=60, deadline=None)
@given(onset_s=st.floats(1.0, 4.0), slope=st.floats(30.0, 200.0), noise=st.floats(0.0, 0.45 * TOL),
       seed=st.integers(0, 10_000))
def test_the_onset_is_found_between_the_start_of_the_movement_and_its_leaving_the_tolerance(onset_s, slope, noise,
                                                                                          seed):
    samples = rest_then_ramp(onset_s, slope, noise=noise, seed=seed)
    found = onset_of(samples)
    assert found is not None
    latest = onset_s + (TOL + 2 * noise) / slope + 3 / FPS  # the smoothing may hold it 2 frames, plus rounding
    assert onset_s - 1 / FPS <= found <= latest, f"movement began at {onset_s:.3f} s, onset found at {found:.3f} s"


def test_a_resident_who_rests_throughout_began_at_the_last_frame() -> None:
    samples = [(i / FPS, 5.0) for i in range(60)]
    assert onset_of(samples) == pytest.approx(59 / FPS)


def test_a_single_frame_reading_rest_mid_movement_does_not_delay_the_onset() -> None:
    samples = rest_then_ramp(1.0, 100.0, until_s=2.0)
    clean = onset_of(samples)
    glitch = [(t, 5.0 if abs(t - 1.6) < 0.5 / FPS else v) for t, v in samples]  # one landmark spike
    assert onset_of(glitch) == clean


def test_the_rest_level_is_the_residents_own_not_zero() -> None:
    """A resident who sits hunched forward (rest 30) begins when leaning on from there, not at once."""
    hunched = onset_of(rest_then_ramp(2.0, 100.0, rest=30.0))
    assert hunched is not None and 2.0 <= hunched <= 2.0 + TOL / 100.0 + 2 / FPS


def test_the_rest_level_is_learnt_from_the_recent_window_only() -> None:
    """Rested at 5, settled at 30 for 3 s, then moved on from 30 at 9 s: the movement began at 9 s, not 6 s."""
    times = [i / FPS for i in range(int(10 * FPS))]
    samples = [(t, 5.0 if t < 6.0 else 30.0 + max(0.0, t - 9.0) * 100.0) for t in times]
    recent = onset_of(samples, window_s=2.5)
    assert recent is not None and 9.0 <= recent <= 9.0 + TOL / 100.0 + 2 / FPS, recent
    whole = onset_of(samples, window_s=20.0)  # rest learnt at 5: the move to 30 already counts as the movement
    assert whole is not None and 5.9 <= whole <= 6.0, whole


def test_unmeasured_channels_and_no_frames() -> None:
    assert MovementOnset((TOL,)).onset_s() is None
    samples = [(t, None if i % 3 == 0 else v) for i, (t, v) in enumerate(rest_then_ramp(1.0, 100.0))]
    found = onset_of(samples)
    assert found is not None and 1.0 - 1 / FPS <= found <= 1.0 + TOL / 100.0 + 3 / FPS


def test_bad_tolerances_and_values_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="tolerances must be positive"):
        MovementOnset((0.0,))
    with pytest.raises(ValueError, match="expected 2 values"):
        MovementOnset((1.0, 1.0)).add(0.0, (1.0,))
