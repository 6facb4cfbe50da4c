"""The pack format carries a 2023-revision-shaped standard (100 points, 20 levels, weighted total, ages 20–79).

The pack in tests/kiosk/norm_packs/cn-2023-shape-test holds INVENTED numbers, labelled so; no code
knows about it: it is loaded by folder path like an operator would drop in the official tables.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from kiosk.norms import load_norm_set
from tests.kiosk.grading_support import grade, meas, repo_path

PACK_DIR = repo_path("tests", "kiosk", "norm_packs", "cn-2023-shape-test")
POINTS = [10, 20, 30, 40, 50, 60, 62, 64, 66, 68, 70, 72, 74, 76, 78, 80, 85, 90, 95, 100]
STATION = {"grip_kg": ("grip", Decimal("0.1")), "vital_capacity_ml": ("vital_capacity", Decimal(1)),
           "choice_reaction_s": ("choice_reaction_time", Decimal("0.01")), "chair_stand_30s": ("chair_stand_30s",
                                                                                                Decimal(1))}


@pytest.fixture(scope="module")
def norms():
    return load_norm_set([str(PACK_DIR), "clinical-cutoffs"])


def _rows() -> list[dict[str, str]]:
    with (PACK_DIR / "items.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _row(item: str, sex: str, age: int) -> dict[str, str]:
    return next(r for r in _rows() if r["item"] == item and r["sex"] == sex and
                int(r["age_min"]) <= age <= int(r["age_max"]))


def test_pack_is_labelled_as_invented_test_data(norms) -> None:
    info = norms.packs[0].info
    assert "TEST ONLY" in info.title_en and "invented" in info.edition.lower()
    assert (info.age_min, info.age_max) == (20, 79)


def test_every_level_boundary_of_the_test_pack_scores_its_points(norms) -> None:
    failures = []
    for r in _rows():
        station_item, step = STATION[r["item"]]
        higher = r["direction"] == "higher_better"
        s = [Decimal(r[f"p{p}"]) for p in POINTS]
        for k, t in enumerate(s):
            for v in (t - step, t, t + step):
                reached = [p for p, tk in zip(POINTS, s, strict=True) if (v >= tk if higher else v <= tk)]
                want = reached[-1] if reached else 0
                got = grade(r["sex"], int(r["age_min"]), meas(station_item, float(v)), norms=norms) \
                    .item(station_item).score
                if got is None or got.points != want:
                    failures.append(f"{r['item']} {r['sex']} {r['age_min']} level {POINTS[k]} v={v}: "
                                    f"got {got and got.points}, want {want}")
    assert not failures, f"{len(failures)} mismatches, first: {failures[:5]}"


def test_weighted_total_and_grade_for_a_30_year_old(norms) -> None:
    grip, vc, rt = (_row(i, "M", 30) for i in ("grip_kg", "vital_capacity_ml", "choice_reaction_s"))
    rep = grade("M", 30, meas("grip", float(grip["p90"])), meas("vital_capacity", float(vc["p80"])),
                meas("choice_reaction_time", float(rt["p100"])), norms=norms)
    std = rep.standards[0]
    expected = Decimal("0.4") * 90 + Decimal("0.3") * 80 + Decimal("0.3") * 100
    assert std.method == "weighted" and std.total == expected, f"weighted total should be {expected}, got {std.total}"
    assert std.grade_level == 1 and std.grade_en == "excellent"
    assert rep.item("grip").score.level_en == "excellent", "named levels come from the pack"
    assert rep.item("vital_capacity").score.level_zh == "良好"


def test_ages_60_to_79_are_graded_on_their_own_items_and_weights(norms) -> None:
    grip, chair = _row("grip_kg", "F", 72), _row("chair_stand_30s", "F", 72)
    rep = grade("F", 72, meas("grip", float(grip["p60"])), meas("chair_stand_30s", float(chair["p70"])), norms=norms)
    std = rep.standards[0]
    assert std.age_group == "60–79"
    assert std.total == Decimal("65.0") and std.grade_en == "pass", f"0.5·60 + 0.5·70 = 65.0, got {std.total}"
    assert set(std.items_counted) == {"grip", "chair_stand_30s"}


def test_a_missing_item_withholds_the_weighted_grade(norms) -> None:
    rep = grade("M", 30, meas("grip", 40.0), norms=norms)
    assert rep.standards[0].grade_level is None
    assert any("not measured" in r for r in rep.standards[0].not_rated_reasons)


def test_both_standards_can_grade_side_by_side() -> None:
    both = load_norm_set(["cn-2003-adult", str(PACK_DIR)])
    rep = grade("M", 30, meas("grip", 45.0), norms=both)
    assert [s.pack for s in rep.standards] == ["cn-2003-adult", "cn-2023-shape-test"]
    assert [s.pack for s in rep.item("grip").scores] == ["cn-2003-adult", "cn-2023-shape-test"]
    assert rep.item("grip").score.pack == "cn-2003-adult", "the first configured points pack is the national one"
