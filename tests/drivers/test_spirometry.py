"""Spirometry against flow curves whose FVC, FEV1, PEF, time zero and BEV are known analytically."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.spirometry import (
    Manoeuvre,
    SessionGrade,
    SpirometryError,
    analyse_manoeuvre,
    btps_factor,
    session_quality,
)

RATE_HZ = 100


def rise_and_decay(pef: float, rise_s: float, tau_s: float, seconds: float, lead_s: float = 0.5) -> list[float]:
    """Flow rising linearly to ``pef`` over ``rise_s`` then decaying exponentially with ``tau_s``."""
    flow = [0.0] * round(lead_s * RATE_HZ)
    for i in range(round(seconds * RATE_HZ)):
        t = i / RATE_HZ
        flow.append(pef * t / rise_s if t < rise_s else pef * math.exp(-(t - rise_s) / tau_s))
    return flow


def volume_of(pef: float, rise_s: float, tau_s: float, t: float) -> float:
    """Exact integral of ``rise_and_decay`` from the blow start to ``t``."""
    if t < rise_s:
        return pef * t * t / (2 * rise_s)
    return pef * rise_s / 2 + pef * tau_s * (1 - math.exp(-(t - rise_s) / tau_s))


def test_btps_factor_is_the_textbook_value_at_20c_and_one_at_body_temperature():
    assert btps_factor(20.0, 760.0) == pytest.approx(1.102, abs=0.001), "ATS tables give 1.102 at 20 °C, 760 mmHg"
    assert btps_factor(37.0, 760.0) == pytest.approx(1.0, abs=1e-3), "gas already at 37 °C saturated needs no change"
    assert btps_factor(18.0) > btps_factor(25.0), "colder ambient gas expands more on the way to 37 °C"


def test_btps_factor_refuses_impossible_ambient_conditions():
    with pytest.raises(SpirometryError, match="ambient temperature"):
        btps_factor(80.0)
    with pytest.raises(SpirometryError, match="barometric pressure"):
        btps_factor(20.0, 100.0)


def test_a_sharp_blow_gives_the_analytic_pef_time_zero_bev_fev1_and_fvc():
    pef, rise, tau = 8.0, 0.1, 0.5
    m = analyse_manoeuvre(rise_and_decay(pef, rise, tau, 8.0), RATE_HZ)
    blow_start = 0.5 + 1 / RATE_HZ  # first sample above the 0.2 L/s start threshold is one step in
    t0 = rise / 2  # tangent of slope PEF through (rise, pef*rise/2) crosses zero volume at rise/2
    assert m.pef_l_s == pytest.approx(pef)
    assert m.time_zero_s == pytest.approx(0.5 + t0, abs=0.011), f"time zero {m.time_zero_s} vs {0.5 + t0}"
    assert m.back_extrapolated_volume_l == pytest.approx(pef * rise / 8, abs=0.005), "BEV = PEF·rise/8"
    assert m.fev1_l == pytest.approx(volume_of(pef, rise, tau, t0 + 1.0), abs=0.01)
    # plateau: the last second adds < 25 mL once pef·tau·e^{-(t-rise)/tau}·(e^{1/tau}-1) < 0.025
    t_plateau = rise + tau * math.log(pef * tau * (math.exp(1 / tau) - 1) / 0.025)
    assert m.plateau_reached and m.end_of_forced_expiration
    assert m.forced_expiratory_time_s == pytest.approx(t_plateau - t0, abs=0.03)
    assert m.fvc_l == pytest.approx(volume_of(pef, rise, tau, t_plateau), abs=0.01)
    assert m.fev1_fvc == pytest.approx(m.fev1_l / m.fvc_l)
    assert m.fvc_acceptable and m.fev1_acceptable and blow_start < m.time_zero_s + 0.1


def test_btps_multiplies_every_volume_and_flow():
    flow = rise_and_decay(6.0, 0.1, 0.6, 8.0)
    plain = analyse_manoeuvre(flow, RATE_HZ)
    warm = analyse_manoeuvre(flow, RATE_HZ, btps=1.1)
    assert warm.fvc_l == pytest.approx(plain.fvc_l * 1.1, rel=0.01)
    assert warm.fev1_l == pytest.approx(plain.fev1_l * 1.1, rel=1e-3)
    assert warm.pef_l_s == pytest.approx(6.6)


def test_a_hesitant_start_fails_the_back_extrapolated_volume_rule():
    pef, rise = 6.0, 0.6  # BEV = 6·0.6/8 = 0.45 L, well over 5 % of ~3.8 L and over 0.100 L
    m = analyse_manoeuvre(rise_and_decay(pef, rise, 0.5, 8.0), RATE_HZ)
    assert m.back_extrapolated_volume_l == pytest.approx(0.45, abs=0.01)
    assert not m.bev_acceptable and not m.fvc_acceptable and not m.fev1_acceptable
    assert m.acceptability()["bev_ok"] is False


def test_a_blow_cut_short_has_a_usable_fev1_but_no_acceptable_fvc():
    m = analyse_manoeuvre(rise_and_decay(8.0, 0.1, 1.0, 2.0), RATE_HZ)  # stops at 2 s while still blowing
    assert not m.plateau_reached and not m.end_of_forced_expiration
    assert m.fev1_acceptable and not m.fvc_acceptable


def test_fifteen_seconds_of_expiration_ends_the_test_without_a_plateau():
    m = analyse_manoeuvre(rise_and_decay(4.0, 0.1, 8.0, 20.0), RATE_HZ)  # obstructive: a slow, long tail
    assert not m.plateau_reached
    assert m.forced_expiratory_time_s == pytest.approx(15.0, abs=0.02)
    assert m.end_of_forced_expiration and m.fvc_acceptable


@pytest.mark.parametrize(("flow", "error"), [
    ([0.0] * 300, "no forced expiration"),
    ([0.5] * 300, "too low"),
    (rise_and_decay(8.0, 0.1, 0.2, 0.5, lead_s=0.0), "less than one second"),
    ([1.0], "no flow samples"),
])
def test_records_that_are_not_a_forced_expiration_are_refused_with_a_reason(flow, error):
    with pytest.raises(SpirometryError, match=error):
        analyse_manoeuvre(flow, RATE_HZ)


def manoeuvre(fvc: float, fev1: float, *, bev_ok: bool = True, plateau: bool = True) -> Manoeuvre:
    return Manoeuvre(fvc_l=fvc, fev1_l=fev1, pef_l_s=8.0, time_zero_s=0.5, back_extrapolated_volume_l=0.05,
                     forced_expiratory_time_s=6.0, plateau_reached=plateau, btps_factor=1.0, bev_acceptable=bev_ok,
                     flow_volume_curve=())


@pytest.mark.parametrize(("fvcs", "expected"), [
    ([4.00, 3.90, 3.95], SessionGrade.A),
    ([4.00, 3.86], SessionGrade.B),
    ([4.00, 3.82, 3.70], SessionGrade.C),
    ([4.00, 3.77], SessionGrade.D),
    ([4.00, 3.60, 3.50], SessionGrade.E),
    ([4.00], SessionGrade.E),
])
def test_fvc_grade_follows_ats_ers_2019_repeatability_bands(fvcs, expected):
    q = session_quality([manoeuvre(v, 3.0) for v in fvcs])
    assert q.fvc_grade is expected, f"FVCs {fvcs} should grade {expected}, got {q.fvc_grade}"
    assert q.best_fvc_l == max(fvcs)


def test_no_acceptable_manoeuvre_grades_u_when_usable_and_f_when_not():
    assert session_quality([manoeuvre(4.0, 3.0, plateau=False)]).fvc_grade is SessionGrade.U
    assert session_quality([manoeuvre(4.0, 3.0, bev_ok=False)]).fvc_grade is SessionGrade.F
    assert session_quality([manoeuvre(4.0, 3.0, bev_ok=False)]).fev1_grade is SessionGrade.F


def test_best_fvc_and_fev1_may_come_from_different_manoeuvres_and_three_repeatable_is_enough():
    q = session_quality([manoeuvre(4.10, 3.00), manoeuvre(4.00, 3.12), manoeuvre(4.05, 3.05)])
    assert (q.best_fvc_l, q.best_fev1_l) == (4.10, 3.12)
    assert q.repeatable and not q.more_manoeuvres_advised


def test_unrepeatable_sessions_ask_for_more_blows_up_to_eight():
    pair = [manoeuvre(4.0, 3.0), manoeuvre(3.5, 2.6)]
    assert session_quality(pair).more_manoeuvres_advised
    assert not session_quality(pair * 4).more_manoeuvres_advised, "ATS/ERS stop at eight manoeuvres"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(-15, 15, allow_nan=False), min_size=0, max_size=400))
def test_any_flow_record_gives_a_consistent_manoeuvre_or_a_spirometry_error(flow):
    try:
        m = analyse_manoeuvre(flow, RATE_HZ)
    except SpirometryError:
        return
    assert m.fev1_l <= m.fvc_l + 1e-9 and m.fvc_l > 0 and m.pef_l_s >= 1.0
