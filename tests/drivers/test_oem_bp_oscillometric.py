"""The simulated oscillometric cuff and the module firmware estimate: known pressures in, close estimates out."""

from __future__ import annotations

import random

import pytest

from drivers.sim.oscillometric import (
    DIASTOLIC_RATIO,
    SYSTOLIC_RATIO,
    BloodPressureTruth,
    CuffCycle,
    estimate_from_beats,
)


def run_cycle(truth: BloodPressureTruth, fault: str | None = None, seed: int = 3) -> CuffCycle:
    cycle = CuffCycle(truth, rng=random.Random(seed), fault=fault)
    for _ in range(3000):
        if cycle.finished:
            break
        cycle.advance(0.1)
    assert cycle.finished, "a cycle must always end"
    return cycle


def test_envelope_has_the_characteristic_ratios() -> None:
    truth = BloodPressureTruth(140, 90, 70)
    cycle = CuffCycle(truth)
    peak = cycle.envelope(truth.mean_mmhg)
    assert cycle.envelope(140) / peak == pytest.approx(SYSTOLIC_RATIO)
    assert cycle.envelope(90) / peak == pytest.approx(DIASTOLIC_RATIO)


@pytest.mark.parametrize("truth", [BloodPressureTruth(105, 65, 58), BloodPressureTruth(128, 82, 72),
                                   BloodPressureTruth(165, 98, 88), BloodPressureTruth(190, 105, 95)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_estimate_is_within_a_few_mmhg_of_the_truth(truth: BloodPressureTruth, seed: int) -> None:
    cycle = run_cycle(truth, seed=seed)
    e = cycle.estimate
    assert e is not None, cycle.error
    assert abs(e.systolic_mmhg - truth.systolic_mmhg) <= 4, (e, truth)
    assert abs(e.diastolic_mmhg - truth.diastolic_mmhg) <= 4, (e, truth)
    assert abs(e.pulse_bpm - truth.pulse_bpm) <= 3, (e, truth)
    assert not e.irregular_heartbeat


def test_cuff_inflates_above_systolic_then_deflates_to_zero() -> None:
    truth = BloodPressureTruth(128, 82, 72)
    cycle = CuffCycle(truth)
    samples = []
    while not cycle.finished:
        samples.append(cycle.advance(0.25))
    peak = max(s.cuff_pressure_mmhg for s in samples)
    assert truth.systolic_mmhg + 20 <= peak <= truth.systolic_mmhg + 40
    assert samples[-1].cuff_pressure_mmhg == 0.0
    assert sum(s.beat for s in samples) >= 20, "a beat every heartbeat during deflation"
    assert 25 <= samples[-1].at_s <= 60, "a realistic 25-60 s measurement"


@pytest.mark.parametrize("fault", ["cuff_loose", "air_leak", "motion", "weak_signal", "over_pressure"])
def test_physical_faults_end_in_the_module_error_of_the_same_name(fault: str) -> None:
    cycle = run_cycle(BloodPressureTruth(), fault=fault)
    assert cycle.estimate is None and cycle.error == fault


def test_irregular_rhythm_is_flagged() -> None:
    e = run_cycle(BloodPressureTruth(), fault="irregular").estimate
    assert e is not None and e.irregular_heartbeat


def test_too_few_beats_is_a_weak_signal() -> None:
    with pytest.raises(ValueError, match="weak_signal"):
        estimate_from_beats([(0.8 * i, 150 - 3 * i, 1.0) for i in range(4)])


def test_envelope_without_a_systolic_crossing_is_out_of_range() -> None:
    # amplitudes only rise: deflation started below systolic, the envelope never falls back on the high side
    beats = [(0.8 * i, 120 - 3 * i, 1.0 + 0.1 * i) for i in range(12)]
    with pytest.raises(ValueError, match="out_of_range"):
        estimate_from_beats(beats)
