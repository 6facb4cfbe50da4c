"""Spirometry from flow samples, per ATS/ERS 2019: volume, FVC, FEV1, FEV1/FVC, PEF at BTPS, acceptability, grade.

Pure functions on plain numbers; no I/O. The numbers (0.025 L plateau over 1 s, 15 s expiratory time,
back-extrapolated volume ≤ 5 % of FVC or 0.100 L, repeatability 0.150 L, 3–8 manoeuvres) are the
ATS/ERS 2019 standardisation of spirometry.

BTPS. The flow sensor measures gas at ambient conditions, saturated with water vapour (ATPS); the
lung held it at body conditions (37 °C, saturated, BTPS). Every flow sample is multiplied by

    F = (310.15 / (273.15 + T_amb)) × (P_B − P_H2O(T_amb)) / (P_B − 47 mmHg)

where T_amb is the ambient temperature the sensor reports (°C), P_B the barometric pressure (mmHg,
760 when the sensor does not report it) and P_H2O(T) the saturated vapour pressure at T (Magnus
formula, Alduchov & Eskridge 1996 coefficients); 47 mmHg is P_H2O at 37 °C. At 20 °C and 760 mmHg
F = 1.102, the textbook value. Ambient temperature enters twice: the gas expands as it warms to
37 °C (first term) and the water vapour it gains (second term).

Time zero is found by back-extrapolation: the line through the point of peak flow on the
volume–time curve with slope PEF crosses zero volume at t0; the volume already exhaled at t0 is the
back-extrapolated volume (BEV). FEV1 is the volume at t0 + 1 s, FVC the largest volume, both from
the start of the blow (so they include BEV, as ATS/ERS measure them).

Acceptability here covers what the flow record can show: BEV and the end of forced expiration. The
other ATS/ERS criteria (no cough in the first second, no glottic closure, no leak, no obstructed
mouthpiece, a correct zero-flow setting) need the operator's eye or inspiratory data, and are not
judged here: a manoeuvre this module calls acceptable may still be rejected by staff.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from drivers.base import DriverError

BODY_TEMPERATURE_K = 310.15
WATER_VAPOUR_AT_37C_MMHG = 47.0
STANDARD_PRESSURE_MMHG = 760.0
HPA_TO_MMHG = 0.750061683
PLATEAU_VOLUME_L = 0.025
PLATEAU_WINDOW_S = 1.0
MAX_EXPIRATORY_TIME_S = 15.0
BEV_FRACTION = 0.05
BEV_FLOOR_L = 0.100
REPEATABILITY_L = 0.150
MIN_ACCEPTABLE = 3
MAX_MANOEUVRES = 8
BLOW_START_FLOW_L_S = 0.2  # below this the flow is noise, not a forced expiration
MIN_PEF_L_S = 1.0


class SpirometryError(DriverError):
    """A flow record that is not a forced expiration (no blow, too short, not one second of it)."""

    resident_message = ("That blow could not be measured. "
                        "Please take a full breath and blow as hard and as long as you can.")


def saturated_vapour_pressure_mmhg(temperature_c: float) -> float:
    """Saturated water-vapour pressure over water at ``temperature_c`` (Magnus formula), in mmHg."""
    hpa = 6.1094 * math.exp(17.625 * temperature_c / (temperature_c + 243.04))
    return hpa * 0.750061683


def btps_factor(ambient_c: float, pressure_mmhg: float = STANDARD_PRESSURE_MMHG) -> float:
    """ATPS → BTPS conversion factor (see the module docstring)."""
    if not -20 <= ambient_c <= 50:
        raise SpirometryError(f"ambient temperature {ambient_c} °C is outside -20..50 °C")
    if not 375 <= pressure_mmhg <= 825:
        raise SpirometryError(f"barometric pressure {pressure_mmhg} mmHg is outside 375..825 mmHg")
    ph2o = saturated_vapour_pressure_mmhg(ambient_c)
    return (BODY_TEMPERATURE_K / (273.15 + ambient_c)) * (pressure_mmhg - ph2o) / (
        pressure_mmhg - WATER_VAPOUR_AT_37C_MMHG)


def integrate_volume(flow_l_s: Sequence[float], rate_hz: float) -> list[float]:
    """Cumulative volume (L) by the trapezoid rule; volume[0] = 0."""
    dt = 1.0 / rate_hz
    volume = [0.0]
    for a, b in itertools.pairwise(flow_l_s):
        volume.append(volume[-1] + (a + b) * dt / 2)
    return volume


def _volume_at(volume: Sequence[float], rate_hz: float, t_s: float) -> float:
    """Linear interpolation of the volume curve at time ``t_s`` (clamped to the record)."""
    x = t_s * rate_hz
    if x <= 0:
        return volume[0]
    i = int(x)
    if i >= len(volume) - 1:
        return volume[-1]
    return volume[i] + (volume[i + 1] - volume[i]) * (x - i)


@dataclass(frozen=True)
class Manoeuvre:
    """One forced expiration, analysed; volumes in L at BTPS, flows in L/s, times in s from the record start."""

    fvc_l: float
    fev1_l: float
    pef_l_s: float
    time_zero_s: float
    back_extrapolated_volume_l: float
    forced_expiratory_time_s: float
    plateau_reached: bool
    btps_factor: float
    bev_acceptable: bool
    flow_volume_curve: tuple[tuple[float, float], ...]  # (volume L, flow L/s), decimated to ≈ 20 Hz

    @property
    def fev1_fvc(self) -> float:
        return self.fev1_l / self.fvc_l

    @property
    def end_of_forced_expiration(self) -> bool:
        """EOFE: a plateau (< 0.025 L in the last 1 s) or 15 s of expiration."""
        return self.plateau_reached or self.forced_expiratory_time_s >= MAX_EXPIRATORY_TIME_S

    @property
    def fev1_acceptable(self) -> bool:
        return self.bev_acceptable

    @property
    def fvc_acceptable(self) -> bool:
        return self.bev_acceptable and self.end_of_forced_expiration

    @property
    def fvc_usable(self) -> bool:
        return self.bev_acceptable

    def acceptability(self) -> dict[str, object]:
        """The reasons, spelled out for the report and the technician."""
        bev_limit = max(BEV_FRACTION * self.fvc_l, BEV_FLOOR_L)
        return {
            "bev_l": round(self.back_extrapolated_volume_l, 3), "bev_limit_l": round(bev_limit, 3),
            "bev_ok": self.bev_acceptable, "fet_s": round(self.forced_expiratory_time_s, 2),
            "plateau": self.plateau_reached, "eofe": self.end_of_forced_expiration,
            "fev1_acceptable": self.fev1_acceptable, "fvc_acceptable": self.fvc_acceptable,
        }


def end_of_test(volume: Sequence[float], rate_hz: float, time_zero_s: float) -> tuple[float, bool] | None:
    """(end time, plateau reached) once the test may end, or None while it must go on.

    Ends at the first time ≥ t0 + 1 s where the volume rose less than 0.025 L over the last 1 s
    (plateau), or at t0 + 15 s.
    """
    window = round(PLATEAU_WINDOW_S * rate_hz)
    first = max(window, math.ceil((time_zero_s + PLATEAU_WINDOW_S) * rate_hz))
    last_allowed = time_zero_s + MAX_EXPIRATORY_TIME_S
    for i in range(first, len(volume)):
        t = i / rate_hz
        if t >= last_allowed:
            return t, False
        if volume[i] - volume[i - window] < PLATEAU_VOLUME_L:
            return t, True
    return None


def analyse_manoeuvre(flow_l_s: Sequence[float], rate_hz: float, *, btps: float = 1.0) -> Manoeuvre:
    """Analyse one forced expiration recorded as ambient flow samples at ``rate_hz``.

    Raises SpirometryError when there is no blow (peak flow below 1 L/s), or the record does not
    reach one second after time zero.
    """
    if rate_hz <= 0:
        raise SpirometryError(f"sample rate must be positive, not {rate_hz}")
    flow = [f * btps for f in flow_l_s]
    if len(flow) < 2:
        raise SpirometryError("no flow samples")
    start = next((i for i, f in enumerate(flow) if f > BLOW_START_FLOW_L_S), None)
    if start is None:
        raise SpirometryError("no forced expiration in the record (flow never rose above 0.2 L/s)")
    # volumes from the start of the blow; flow before it is zero-line noise
    flow = [0.0] * start + flow[start:]
    volume = integrate_volume(flow, rate_hz)
    peak_i = max(range(len(flow)), key=flow.__getitem__)
    pef = flow[peak_i]
    if pef < MIN_PEF_L_S:
        raise SpirometryError(f"peak flow {pef:.2f} L/s is too low for a forced expiration")
    t_peak = peak_i / rate_hz
    time_zero = t_peak - volume[peak_i] / pef
    bev = _volume_at(volume, rate_hz, time_zero)
    if time_zero + 1.0 > (len(volume) - 1) / rate_hz:
        raise SpirometryError("the record ends less than one second after the blow started")
    fev1 = _volume_at(volume, rate_hz, time_zero + 1.0)
    ended = end_of_test(volume, rate_hz, time_zero)
    end_t, plateau = ended if ended else ((len(volume) - 1) / rate_hz, False)
    end_i = min(len(volume) - 1, round(end_t * rate_hz))
    fvc = max(volume[: end_i + 1])
    if fvc <= 0:
        raise SpirometryError("no volume exhaled")
    step = max(1, round(rate_hz / 20))
    curve = tuple((round(volume[i], 3), round(flow[i], 3)) for i in range(start, end_i + 1, step))
    return Manoeuvre(
        fvc_l=fvc, fev1_l=min(fev1, fvc), pef_l_s=pef, time_zero_s=time_zero, back_extrapolated_volume_l=bev,
        forced_expiratory_time_s=end_t - time_zero, plateau_reached=plateau, btps_factor=btps,
        bev_acceptable=bev <= max(BEV_FRACTION * fvc, BEV_FLOOR_L), flow_volume_curve=curve)


class SessionGrade(enum.StrEnum):
    """ATS/ERS 2019 grading of a test session, for FEV1 and FVC separately."""

    A = "A"  # ≥ 3 acceptable, the two largest within 0.150 L
    B = "B"  # 2 acceptable within 0.150 L
    C = "C"  # ≥ 2 acceptable within 0.200 L
    D = "D"  # ≥ 2 acceptable within 0.250 L
    E = "E"  # ≥ 2 acceptable but > 0.250 L apart, or 1 acceptable
    U = "U"  # no acceptable, ≥ 1 usable
    F = "F"  # no acceptable or usable


def grade(acceptable: Sequence[float], usable_count: int) -> tuple[SessionGrade, float | None]:
    """Grade from the acceptable values of one quantity; returns (grade, spread of the two largest)."""
    values = sorted(acceptable, reverse=True)
    if not values:
        return (SessionGrade.U if usable_count else SessionGrade.F), None
    if len(values) == 1:
        return SessionGrade.E, None
    spread = values[0] - values[1]
    eps = 1e-9
    if spread <= REPEATABILITY_L + eps:
        return (SessionGrade.A if len(values) >= MIN_ACCEPTABLE else SessionGrade.B), spread
    if spread <= 0.200 + eps:
        return SessionGrade.C, spread
    if spread <= 0.250 + eps:
        return SessionGrade.D, spread
    return SessionGrade.E, spread


@dataclass(frozen=True)
class SessionQuality:
    """What a set of manoeuvres gives: the values to report, grades and whether to try again."""

    best_fvc_l: float | None
    best_fev1_l: float | None
    fvc_grade: SessionGrade
    fev1_grade: SessionGrade
    fvc_spread_l: float | None
    fev1_spread_l: float | None
    repeatable: bool
    more_manoeuvres_advised: bool


def session_quality(manoeuvres: Sequence[Manoeuvre]) -> SessionQuality:
    """Largest acceptable FVC and FEV1 (may come from different manoeuvres), grades and repeatability."""
    fvcs = [m.fvc_l for m in manoeuvres if m.fvc_acceptable]
    fev1s = [m.fev1_l for m in manoeuvres if m.fev1_acceptable]
    fvc_grade, fvc_spread = grade(fvcs, sum(m.fvc_usable for m in manoeuvres))
    fev1_grade, fev1_spread = grade(fev1s, sum(m.fev1_acceptable for m in manoeuvres))
    repeatable = (fvc_spread is not None and fvc_spread <= REPEATABILITY_L + 1e-9
                  and fev1_spread is not None and fev1_spread <= REPEATABILITY_L + 1e-9)
    enough = len(fvcs) >= MIN_ACCEPTABLE and repeatable
    return SessionQuality(
        best_fvc_l=max(fvcs, default=None), best_fev1_l=max(fev1s, default=None), fvc_grade=fvc_grade,
        fev1_grade=fev1_grade, fvc_spread_l=fvc_spread, fev1_spread_l=fev1_spread, repeatable=repeatable,
        more_manoeuvres_advised=not enough and len(manoeuvres) < MAX_MANOEUVRES)
