"""Vivifrail programme levels from the SPPB (or gait speed) and the '+' variant, checked against the shared tables.

``tests/kiosk/data/older-adults/vivifrail.csv`` and ``vivifrail_fall_risk.csv`` are unchanged copies of
``../shared/norms/older-adults/`` (source: VIVIFRAIL-COGN protocol, BMC Geriatr 2022, Table 2).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kiosk.prescription_vivifrail import vivifrail_level
from tests.kiosk.grading_support import grade, meas

DATA = Path(__file__).with_name("data") / "older-adults"
with (DATA / "vivifrail.csv").open(newline="", encoding="utf-8") as _fh:
    LEVEL_ROWS = list(csv.DictReader(_fh))


@pytest.mark.parametrize("row", LEVEL_ROWS, ids=lambda r: r["level"])
def test_every_sppb_total_of_a_level_gives_that_level(row: dict[str, str]) -> None:
    for total in range(int(row["sppb_min"]), int(row["sppb_max"]) + 1):
        v = vivifrail_level(total, None, None)
        assert v is not None and v.level == row["level"] and not v.plus, f"SPPB {total}"


@pytest.mark.parametrize(("speed", "want"), [(0.49, "A"), (0.5, "B"), (0.8, "B"), (0.85, None), (0.9, "C"),
                                             (1.0, "C"), (1.01, "D")])
def test_gait_speed_places_a_level_when_no_sppb_total(speed: float, want: str | None) -> None:
    v = vivifrail_level(None, speed, None)
    assert (v.level if v else None) == want, "the source leaves 0.8–0.9 m/s unassigned"


def test_the_plus_programme_follows_the_fall_risk_criteria_for_b_and_c_only() -> None:
    with (DATA / "vivifrail_fall_risk.csv").open(newline="", encoding="utf-8") as fh:
        criteria = [r["criterion"] for r in csv.DictReader(fh)]
    assert "timed_up_and_go >= 20 s" in criteria and "usual gait speed (6 m) < 0.8 m/s" in criteria
    assert vivifrail_level(5, None, 20.0).name == "B+"
    assert vivifrail_level(5, None, 19.9).name == "B"
    assert vivifrail_level(8, 0.79, None).name == "C+"
    assert vivifrail_level(8, 0.8, None).name == "C"
    assert vivifrail_level(2, 0.3, 25.0).name == "A", "A has no '+' variant"
    assert vivifrail_level(11, 0.79, None).name == "D", "D has no '+' variant"


def _sppb_session(age: int, *, tandem: float, walk_s: float, chair_s: float, tug: float | None = None):
    extra = [meas("timed_up_and_go", tug)] if tug is not None else []
    return grade("F", age, meas("balance_side_by_side", 10), meas("balance_semi_tandem", 10),
                 meas("balance_tandem", tandem), meas("gait_speed_4m", 4 / walk_s),
                 meas("five_times_sit_to_stand", chair_s), *extra)


def test_a_76_year_old_with_sppb_9_and_slow_gait_gets_programme_c_plus_with_its_basis() -> None:
    rep = _sppb_session(76, tandem=5.0, walk_s=5.13, chair_s=12.6)  # 3 + 3 + 3
    rx = rep.prescription
    fired = dict(rx.rules_fired)
    assert "vivifrail_C" in fired and "Vivifrail" in fired["vivifrail_C"] and "SPPB 7–9" in fired["vivifrail_C"]
    assert "multicomponent_older_adult" not in fired, "the frailty programme replaces the general advice"
    assert "Vivifrail programme C+ (pre-frailty), from your SPPB total 9" in rx.text("type")
    assert "Vivifrail运动方案C+（衰弱前期），依据您的SPPB总分 9" in rx.text("type", "zh")
    assert "Extra balance" in rx.text("frequency")


def test_robust_gets_d_beside_the_general_older_adult_advice() -> None:
    fired = dict(_sppb_session(80, tandem=10, walk_s=4.0, chair_s=10.0).prescription.rules_fired)
    assert "vivifrail_D" in fired and "multicomponent_older_adult" in fired


def test_no_vivifrail_under_70_or_when_exertion_is_not_allowed() -> None:
    assert not any(r.startswith("vivifrail") for r, _ in
                   _sppb_session(68, tandem=5.0, walk_s=5.13, chair_s=12.6).prescription.rules_fired)
    rep = grade("F", 76, meas("gait_speed_4m", 0.6), safety={"chest_pain": True})
    assert not any(r.startswith("vivifrail") for r, _ in rep.prescription.rules_fired)
