"""The older-adult packs against the shared data files they were copied from, at every band boundary.

``tests/kiosk/data/older-adults/`` holds unchanged copies of ``../shared/norms/older-adults/*.csv`` and
its ``checks/`` (numbers of published norms: Rikli & Jones SFT, CDC STEADI, SPPB, AWGS 2019, EWGSOP2;
sources in that folder's PROVENANCE.md). Expected results are worked out here from the rules in its
SEMANTICS.md, independently of the loader, then whole sessions are graded end to end.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from kiosk.report import Report
from tests.kiosk.grading_support import grade, meas, pack_csv

DATA = Path(__file__).with_name("data") / "older-adults"
SFT_ITEMS = ("chair_stand_30s", "arm_curl_30s", "two_minute_step", "eight_foot_up_and_go")
STEP = {"chair_stand_30s": Decimal(1), "arm_curl_30s": Decimal(1), "two_minute_step": Decimal(1),
        "eight_foot_up_and_go": Decimal("0.1")}


@cache
def shared(name: str) -> tuple[dict[str, str], ...]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def _band(direction: str, low: Decimal, high: Decimal, v: Decimal) -> str:
    """SEMANTICS §1.1: both ends inclusive; for lower_better a time under the fast end is above the range."""
    if low <= v <= high:
        return "within"
    if direction == "higher_better":
        return "below" if v < low else "above"
    return "below" if v > high else "above"


SFT_ROWS = [r for r in shared("sft_normal_range.csv") if r["item"] in SFT_ITEMS]


def test_the_normal_range_pack_holds_every_shared_cell_unchanged() -> None:
    pack = {(r["item"], r["sex"], r["age_min"], r["age_max"]): (r["direction"], r["low"], r["high"])
            for r in pack_csv("sft-normal-range", "ranges.csv")}
    want = {(r["item"], r["sex"], r["age_min"], r["age_max"]): (r["direction"], r["low"], r["high"]) for r in SFT_ROWS}
    assert len(want) == 4 * 2 * 7, "four SFT items x two sexes x seven 5-year bands (60-94)"
    assert pack == want


@pytest.mark.parametrize("row", SFT_ROWS, ids=lambda r: f"{r['item']}-{r['sex']}-{r['age_min']}")
def test_every_normal_range_edge_grades_at_and_either_side(row: dict[str, str]) -> None:
    item, step = row["item"], STEP[row["item"]]
    low, high = Decimal(row["low"]), Decimal(row["high"])
    failures = []
    for age in (int(row["age_min"]), int(row["age_max"])):
        for v in (low - step, low, low + step, high - step, high, high + step):
            result = grade(row["sex"], age, meas(item, float(v))).item(item)
            got = result.norm_range
            want = _band(row["direction"], low, high, v)
            if got is None or got.band != want or got.pack != "sft-normal-range":
                failures.append(f"{row['sex']} {age} {item}={v}: got {got and got.band}, want {want}")
            elif "sft-normal-range" not in result.graded_by:
                failures.append(f"{item}: graded_by {result.graded_by} does not name the pack")
    assert not failures, failures[:5]


def test_crosscheck_file_agrees_with_the_pack() -> None:
    """checks/sft_normal_range_crosscheck.csv: the agreed S1 range of every cell is the pack's range."""
    pack = {(r["item"], r["sex"], r["age_min"]): f"{r['low']}..{r['high']}"
            for r in pack_csv("sft-normal-range", "ranges.csv")}
    checked = 0
    for r in shared("checks/sft_normal_range_crosscheck.csv"):
        if r["item"] in SFT_ITEMS:
            assert pack[(r["item"], r["sex"], r["age_min"])] == r["S1_low_high"], r
            assert r["S3_agrees"] == "True" and r["S2_agrees"] == "True", r
            checked += 1
    assert checked == 56


@pytest.mark.parametrize("row", shared("checks/steadi_vs_sft_p25.csv"), ids=lambda r: f"{r['sex']}-{r['age_min']}")
def test_steadi_below_average_is_the_bottom_of_the_sft_range(row: dict[str, str]) -> None:
    """checks/steadi_vs_sft_p25.csv: one stand under the SFT P25 is both STEADI fall risk and below the range."""
    threshold = int(row["steadi_below_if_lt"])
    for age in (int(row["age_min"]), int(row["age_max"])):
        under = grade(row["sex"], age, meas("chair_stand_30s", threshold - 1))
        at = grade(row["sex"], age, meas("chair_stand_30s", threshold))
        assert "fall_risk" in under.flag_names() and under.item("chair_stand_30s").norm_range.band == "below"
        assert "fall_risk" not in at.flag_names() and at.item("chair_stand_30s").norm_range.band == "within"


def test_screening_packs_hold_the_shared_thresholds() -> None:
    steadi = {(r["sex"], r["age_min"]): r["threshold"] for r in shared("steadi.csv") if r["item"] == "chair_stand_30s"}
    ours = {(r["sex"], r["age_min"]): r["threshold"] for r in pack_csv("older-adult-screening", "screening.csv")
            if r["measure"] == "chair_stand_30s"}
    assert ours == steadi
    crit = {(r["measure"], r["sex"], r["age_min"]): r["threshold"] for r in pack_csv("sft-fitness-standards",
                                                                                     "screening.csv")}
    want = {(r["item"], r["sex"], r["age_min"]): r["threshold"] for r in shared("sft_criterion_standards.csv")
            if r["item"] in SFT_ITEMS}
    assert crit == want
    ew = {(r["measure"], r["sex"]): (r["op"], Decimal(r["threshold"])) for r in pack_csv("ewgsop2-sarcopenia",
                                                                                        "screening.csv")}
    src = {(r["item"], r["sex"]): r for r in shared("ewgsop2.csv")}
    assert ew[("grip", "M")] == ("<", Decimal(src[("handgrip", "M")]["threshold"]))
    assert ew[("grip", "F")] == ("<", Decimal(src[("handgrip", "F")]["threshold"]))
    assert ew[("five_times_sit_to_stand", "*")] == (">", Decimal(src[("chair_stand_5x", "all")]["threshold"]))
    assert ew[("gait_speed", "*")] == ("<=", Decimal(src[("gait_speed_usual", "all")]["threshold"]))
    assert ew[("timed_up_and_go", "*")] == (">=", Decimal(src[("timed_up_and_go", "all")]["threshold"]))
    awgs = {r["item"]: Decimal(r["threshold"]) for r in shared("awgs2019.csv") if r["sex"] in ("all", "F")}
    ours_awgs = {(r["flag"], r["measure"], r["sex"]): Decimal(r["threshold"])
                 for r in pack_csv("older-adult-screening", "screening.csv")}
    assert ours_awgs[("possible_sarcopenia", "grip", "F")] == awgs["handgrip"]
    assert ours_awgs[("possible_sarcopenia", "five_times_sit_to_stand", "*")] == awgs["chair_stand_5x"]
    assert ours_awgs[("low_physical_performance", "gait_speed", "*")] == awgs["gait_speed_6m_usual"]
    tug = next(r for r in shared("steadi.csv") if r["item"] == "timed_up_and_go")
    assert ours_awgs[("fall_risk", "timed_up_and_go", "*")] == Decimal(tug["threshold"])


def test_beyond_94_no_sft_norm_is_reused() -> None:
    item = grade("F", 95, meas("chair_stand_30s", 8)).item("chair_stand_30s")
    assert item.norm_range is None and "sft-normal-range" not in item.graded_by
    assert any("sft-normal-range has norms for ages 60–94, not 95" in n for n in item.coverage_notes)


# --- SPPB (SEMANTICS §3): points worked out here from the published bands -------------------------------

def _gait_points(t: Decimal) -> int:
    return 4 if t < Decimal("4.82") else 3 if t <= Decimal("6.20") else 2 if t <= Decimal("8.70") else 1


def _chair_points(t: Decimal) -> int:
    if t > 60:
        return 0
    return 4 if t <= Decimal("11.19") else 3 if t <= Decimal("13.69") else 2 if t <= Decimal("16.69") else 1


def _tandem_points(t: Decimal) -> int:
    return 2 if t >= 10 else 1 if t >= 3 else 0


def _sppb(*, side: float = 10, semi: float = 10, tandem: float = 10, walk_s: float = 4.0,
          chair_s: float = 10.0, age: int = 76, sex: str = "F") -> Report:
    return grade(sex, age, meas("balance_side_by_side", side), meas("balance_semi_tandem", semi),
                 meas("balance_tandem", tandem), meas("gait_speed_4m", 4 / walk_s),
                 meas("five_times_sit_to_stand", chair_s))


BANDS = pack_csv("sppb", "bands.csv")
GAIT_EDGES = sorted({Decimal(r[k]) for r in BANDS if r["measure"] == "gait_4m" for k in ("low", "high") if r[k]} - {0})
CHAIR_EDGES = sorted({Decimal(r[k]) for r in BANDS if r["measure"] == "chair_stand_5x"
                      for k in ("low", "high") if r[k]} - {0})


def test_sppb_bands_are_the_shared_4m_rows() -> None:
    src = [(r["item"], r["points"], r["low"], r["low_inclusive"], r["high"], r["high_inclusive"])
           for r in shared("sppb.csv") if r["variant"] in ("", "4m") and (r["low"] or r["high"])]
    names = {"side_by_side": "balance_side_by_side", "semi_tandem": "balance_semi_tandem", "tandem": "balance_tandem",
             "gait_4m": "gait_speed", "chair_stand_5x": "chair_stand_5x"}
    ours = [(names[r["measure"]], r["points"], r["low"], r["low_inclusive"], r["high"], r["high_inclusive"])
            for r in BANDS]
    assert ours == src
    assert [Decimal("4.82"), Decimal("6.20"), Decimal("8.70")] == GAIT_EDGES
    assert [Decimal("11.19"), Decimal("13.69"), Decimal("16.69"), Decimal(60)] == CHAIR_EDGES


@pytest.mark.parametrize("edge", GAIT_EDGES)
def test_sppb_walk_points_either_side_of_each_edge(edge: Decimal) -> None:
    for t in (edge - Decimal("0.01"), edge, edge + Decimal("0.01")):
        part = _sppb(walk_s=float(t)).batteries[0].parts[1]
        assert part.name == "gait" and part.points == _gait_points(t), f"4 m in {t} s: {part}"


@pytest.mark.parametrize("edge", CHAIR_EDGES)
def test_sppb_chair_points_either_side_of_each_edge(edge: Decimal) -> None:
    for t in (edge - Decimal("0.1"), edge, edge + Decimal("0.1")):
        if t > 120:
            continue
        part = _sppb(chair_s=float(t)).batteries[0].parts[2]
        assert part.points == _chair_points(t), f"five stands in {t} s: {part}"


@pytest.mark.parametrize("held", [0.0, 2.9, 3.0, 9.9, 10.0, 12.0])
def test_sppb_tandem_points(held: float) -> None:
    part = _sppb(tandem=held).batteries[0].parts[0]
    assert part.points == 2 + _tandem_points(Decimal(str(held)))


def test_sppb_balance_stops_at_the_first_stance_not_held() -> None:
    part = _sppb(side=10, semi=8.0, tandem=10).batteries[0].parts[0]
    assert part.points == 1, "semi-tandem not held: the tandem does not count (NIA protocol)"
    assert "balance_semi_tandem not held fully" in part.reason
    assert _sppb(side=6.0, semi=10, tandem=10).batteries[0].parts[0].points == 0


def test_sppb_total_categories_and_flags() -> None:
    best = _sppb()
    b = best.batteries[0]
    assert b.total == 12 and b.total_max == 12 and b.pack == "sppb"
    assert ("four_level", "high / minimal limitation", "高/受限轻微") in b.categories
    assert "low_physical_performance" not in best.flag_names()
    nine = _sppb(tandem=5.0, walk_s=4.9, chair_s=12.0)  # 3 + 3 + 3; 0.82 m/s is not slow by EWGSOP2
    assert nine.batteries[0].total == 9
    assert "low_physical_performance" in nine.flag_names(), "AWGS 2019: SPPB <= 9"
    assert "ewgsop2_low_physical_performance" not in nine.flag_names(), "EWGSOP2 needs SPPB <= 8"
    eight = _sppb(tandem=5.0, walk_s=4.9, chair_s=14.0)  # 3 + 3 + 2
    assert eight.batteries[0].total == 8 and "ewgsop2_low_physical_performance" in eight.flag_names()
    assert {s for s, *_ in eight.batteries[0].categories} == {
        "four_level", "three_level", "AWGS2019_low_physical_performance", "EWGSOP2_low_physical_performance"}


def test_sppb_total_only_when_all_three_parts_were_done() -> None:
    rep = grade("F", 76, meas("balance_side_by_side", 10), meas("balance_semi_tandem", 10),
                meas("balance_tandem", 10), meas("five_times_sit_to_stand", 10.0))
    b = rep.batteries[0]
    assert b.total is None and b.parts[0].points == 4 and b.parts[2].points == 4 and b.parts[1].points is None
    assert any("gait_speed_4m not done" in m for m in b.missing)
    assert "low_physical_performance" not in rep.flag_names()
    assert grade("F", 76, meas("grip", 20)).batteries == (), "no SPPB item measured: no SPPB panel"


def test_every_older_adult_item_names_the_pack_that_graded_it() -> None:
    rep = grade("F", 76, meas("chair_stand_30s", 9), meas("arm_curl_30s", 14), meas("two_minute_step", 85),
                meas("eight_foot_up_and_go", 7.0), meas("timed_up_and_go", 11.2), meas("gait_speed_4m", 0.74),
                meas("balance_side_by_side", 10), meas("balance_semi_tandem", 10), meas("balance_tandem", 6.2),
                meas("single_leg_stand_eyes_open", 4.0), meas("five_times_sit_to_stand", 13.8), meas("grip", 17.4))
    for it in rep.items:
        assert it.graded_by, f"{it.item} is graded by no pack: {it.coverage_notes}"
        assert not any("no loaded norm pack grades" in n for n in it.coverage_notes), it


# --- SFT percentiles (SEMANTICS §1.2): the highest percentile whose value is met or beaten; "<5" below P5 ---

PCT_ROWS = [r for r in shared("sft_percentiles.csv") if r["item"] in SFT_ITEMS]


def _tables() -> dict[tuple[str, str, str], list[tuple[int, Decimal, str]]]:
    out: dict[tuple[str, str, str], list[tuple[int, Decimal, str]]] = {}
    for r in PCT_ROWS:
        out.setdefault((r["item"], r["sex"], r["age_min"]), []).append(
            (int(r["percentile"]), Decimal(r["value"]), r["direction"]))
    return out


def _expected_percentile(table: list[tuple[int, Decimal, str]], v: Decimal) -> str:
    met = [p for p, value, direction in table if (v >= value if direction == "higher_better" else v <= value)]
    return str(max(met)) if met else "<5"


def test_the_percentile_table_holds_every_shared_cell_unchanged() -> None:
    ours = {(r["item"], r["sex"], r["age_min"], r["percentile"]): r["value"]
            for r in pack_csv("sft-normal-range", "percentiles.csv")}
    want = {(r["item"], r["sex"], r["age_min"], r["percentile"]): r["value"] for r in PCT_ROWS}
    assert len(want) == 4 * 2 * 7 * 19 and ours == want


@pytest.mark.parametrize("key", sorted(_tables()), ids=lambda k: "-".join(k))
def test_every_percentile_value_and_one_step_worse_grade_to_the_expected_percentile(key) -> None:
    item, sex, age_min = key
    table = _tables()[key]
    step = STEP[item]
    worse = -step if table[0][2] == "higher_better" else step
    failures = []
    for v in sorted({value for _, value, _ in table} | {value + worse for _, value, _ in table}):
        if v < 0:
            continue
        got = grade(sex, int(age_min), meas(item, float(v))).item(item).norm_range.percentile
        want = _expected_percentile(table, v)
        if got != want:
            failures.append(f"{item}={v}: got {got}, want {want}")
    assert not failures, failures[:5]
