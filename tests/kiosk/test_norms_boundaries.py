"""Every threshold boundary of the shipped packs, generated from their CSV files and graded end to end.

Expected points are worked out here from the rules in SEMANTICS.md / clinical-cutoffs.md (not from
the loader), then a session is graded: at each boundary, and one table-precision step either side.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from decimal import Decimal

import pytest

from kiosk.norms import SHIPPED_PACKS
from kiosk.norms.scoring import PointsIndex
from tests.kiosk.grading_support import bp, grade, meas, pack_csv, shipped_norms

CN = "cn-2003-adult"
MANIFEST = tomllib.loads((SHIPPED_PACKS / CN / "pack.toml").read_text(encoding="utf-8"))
ITEM_ROWS = pack_csv(CN, "items.csv")
HW_ROWS = pack_csv(CN, "height_weight.csv")


def _expected_higher(s: list[Decimal], v: Decimal) -> int:
    return sum(1 for t in s if v >= t)  # s_k is the lower end of the k-point band; below s1 = 0 (no score)


def _expected_lower(s: list[Decimal], v: Decimal) -> int:
    return sum(1 for t in s if v <= t)  # s_k is the upper end of the k-point band (reaction time)


def _by_item() -> dict[str, list[dict[str, str]]]:
    out = defaultdict(list)
    for r in ITEM_ROWS:
        out[r["item"]].append(r)
    return out


@pytest.mark.parametrize("pack_item", sorted(_by_item()))
def test_every_item_threshold_scores_at_and_either_side_of_the_boundary(pack_item: str) -> None:
    spec = MANIFEST["items"][pack_item]
    station_item, step = spec["station_item"], Decimal(spec["precision"])
    failures = []
    for row in _by_item()[pack_item]:
        s = [Decimal(row[f"s{k}"]) for k in range(1, 6)]
        expected = _expected_higher if row["direction"] == "higher_better" else _expected_lower
        for age in (int(row["age_min"]), int(row["age_max"])):
            for t in s:
                for v in (t - step, t, t + step):
                    if station_item == "single_leg_stand_eyes_closed" and v < 0:
                        continue
                    got = grade(row["sex"], age, meas(station_item, float(v))).item(station_item).score
                    want = expected(s, v)
                    if got is None or got.points != want:
                        failures.append(f"{row['sex']} {age} {pack_item}={v}: got {got and got.points}, want {want}")
    assert not failures, f"{len(failures)} boundary mismatches, first: {failures[:5]}"


def _expected_hw(r: dict[str, str], w: Decimal) -> int:
    w1, w3, w5, w3h = (Decimal(r[c]) for c in ("w1_light_below", "w3_light_below", "w5_max", "w3_heavy_max"))
    if w < w1:
        return 1
    if w < w3:
        return 3
    if w <= w5:
        return 5
    return 3 if w <= w3h else 1


@pytest.mark.parametrize("table", sorted({(r["sex"], r["age_min"], r["age_max"]) for r in HW_ROWS}))
def test_every_height_weight_cut_scores_1_3_5_at_and_either_side(table: tuple[str, str, str]) -> None:
    sex, age_min, age_max = table
    rows = [r for r in HW_ROWS if (r["sex"], r["age_min"], r["age_max"]) == table]
    failures = []
    step = Decimal("0.1")
    for i, r in enumerate(rows):
        age = int(age_min) if i % 2 else int(age_max)
        for height in (Decimal(r["height_min_cm"]), Decimal(r["height_max_cm"])):
            for c in ("w1_light_below", "w3_light_below", "w5_max", "w3_heavy_max"):
                for w in (Decimal(r[c]) - step, Decimal(r[c]), Decimal(r[c]) + step):
                    rep = grade(sex, age, meas("height", float(height)), meas("weight", float(w)))
                    got = rep.item("height_standard_weight").score
                    if got is None or got.points != _expected_hw(r, w):
                        failures.append(f"{sex} {age} h={height} w={w}: got {got and got.points}, "
                                        f"want {_expected_hw(r, w)}")
    assert not failures, f"{len(failures)} height-weight mismatches, first: {failures[:5]}"


@pytest.mark.parametrize("table", sorted({(r["sex"], r["age_min"], r["age_max"]) for r in HW_ROWS}))
def test_height_just_outside_the_table_gives_no_score_and_no_grade(table: tuple[str, str, str]) -> None:
    sex, age_min, _ = table
    rows = [r for r in HW_ROWS if (r["sex"], r["age_min"], r["age_max"]) == table]
    low = min(Decimal(r["height_min_cm"]) for r in rows) - Decimal("0.1")
    high = max(Decimal(r["height_max_cm"]) for r in rows) + Decimal("0.1")
    for h in (low, high):
        rep = grade(sex, int(age_min), meas("height", float(h)), meas("weight", 60.0))
        hw = rep.item("height_standard_weight").score
        assert hw is not None and hw.points is None and "outside" in hw.reason, f"height {h}: expected no score"
        assert rep.standards[0].grade_level is None, f"height {h}: the overall grade must be withheld"
        assert any("outside" in reason for reason in rep.standards[0].not_rated_reasons)


@pytest.mark.parametrize("row", [r for r in pack_csv(CN, "grades.csv") if r["grade_level"]],
                         ids=lambda r: f"{r['age_min']}-{r['grade_en']}")
def test_grade_bands_from_grades_csv(row: dict[str, str]) -> None:
    pack = shipped_norms().packs[0]
    index = PointsIndex(pack.points)
    for age in (int(row["age_min"]), int(row["age_max"])):
        for total in (Decimal(row["total_min"]), Decimal(row["total_max"])):
            band = index.grade(total, age).band
            assert band is not None and band.level == int(row["grade_level"]), \
                f"total {total} at age {age} should be grade {row['grade_level']} ({row['grade_en']})"
        below = index.grade(Decimal(row["total_min"]) - 1, age).band
        expected_below = int(row["grade_level"]) + 1
        assert (below.level if below else 5) == expected_below or (below is None and expected_below == 5), \
            f"total one below {row['total_min']} at age {age} should fall to the next grade"


CLASS_ROWS = pack_csv("clinical-cutoffs", "classes.csv")


def _class_session(measure: str, sex: str, v: Decimal):
    if measure == "systolic":
        return grade(sex, 45, bp(float(v), 60.0)), "blood_pressure"
    if measure == "diastolic":
        return grade(sex, 45, bp(115.0, float(v))), "blood_pressure"
    if measure == "bmi":  # height 200 cm: BMI = weight / 4 exactly
        return grade(sex, 45, meas("height", 200.0), meas("weight", float(v * 4))), "bmi"
    return grade(sex, 45, meas(measure, float(v))), measure


def _expected_class(measure: str, sex: str, v: Decimal) -> str:
    for r in CLASS_ROWS:
        if r["measure"] == measure and r["sex"] in (sex, "*"):
            lo = Decimal(r["min"]) if r["min"] else None
            hi = Decimal(r["max"]) if r["max"] else None
            if (lo is None or v >= lo) and (hi is None or v < hi):
                return r["class"]
    raise AssertionError(f"no class row for {measure} {sex} {v}")


@pytest.mark.parametrize("row", [r for r in CLASS_ROWS if r["min"] and r["measure"] != "glucose_2h"],
                         ids=lambda r: f"{r['measure']}-{r['sex']}-{r['class']}")
def test_every_clinical_boundary_classes_at_and_either_side(row: dict[str, str]) -> None:
    step = Decimal("1") if row["measure"] in ("systolic", "diastolic", "spo2", "pulse_rate") else Decimal("0.1")
    sexes = ("M", "F") if row["sex"] == "*" else (row["sex"],)
    for sex in sexes:
        for v in (Decimal(row["min"]) - step, Decimal(row["min"]), Decimal(row["min"]) + step):
            rep, group = _class_session(row["measure"], sex, v)
            got, want = rep.class_of(group), _expected_class(row["measure"], sex, v)
            assert got is not None and got.class_name == want, \
                f"{row['measure']}={v} ({sex}): got {got and got.class_name}, want {want}"


SCREEN_PACKS = ("older-adult-screening", "sft-fitness-standards", "ewgsop2-sarcopenia")
SCREEN_ROWS = [{**r, "pack": p} for p in SCREEN_PACKS for r in pack_csv(p, "screening.csv")]
OPS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b}


def _screen_measure(pack: str, measure: str) -> tuple[str, Decimal]:
    spec = tomllib.loads((SHIPPED_PACKS / pack / "pack.toml").read_text(encoding="utf-8"))["measures"][measure]
    return spec["station_item"], Decimal(spec["precision"])


@pytest.mark.parametrize("row", SCREEN_ROWS,
                         ids=lambda r: f"{r['pack']}-{r['flag']}-{r['measure']}-{r['sex']}-{r['age_min']}")
def test_every_screening_threshold_flags_at_and_either_side(row: dict[str, str]) -> None:
    item, step = _screen_measure(row["pack"], row["measure"])
    sexes = ("M", "F") if row["sex"] == "*" else (row["sex"],)
    for sex in sexes:
        for age in (int(row["age_min"]), min(int(row["age_max"]), 120)):
            for v in (Decimal(row["threshold"]) - step, Decimal(row["threshold"]), Decimal(row["threshold"]) + step):
                rep = grade(sex, age, meas(item, float(v)))
                want = OPS[row["op"]](v, Decimal(row["threshold"]))
                got = row["flag"] in rep.flag_names()
                assert got == want, f"{item}={v} {sex} age {age}: flag {row['flag']} expected {want}"
