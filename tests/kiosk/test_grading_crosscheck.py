"""Whole sessions graded by ``grade_session`` agree with a short independent re-implementation of the norms.

The expected points, total, grade, clinical classes and screening flags are worked out here straight from
the pack CSVs and the written rules (SEMANTICS.md §1–5 of the 2003 standard, clinical-cutoffs.md), for
random residents whose values cluster on the table boundaries. Nothing here uses the loader or the scorer.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kiosk.domain import ITEMS, Measurement, Resident, Session, Sex, Side
from kiosk.errors import InputError
from kiosk.grading import grade_session
from tests.kiosk.grading_support import pack_csv, shipped_norms

ITEM_ROWS = pack_csv("cn-2003-adult", "items.csv")
HW_ROWS = pack_csv("cn-2003-adult", "height_weight.csv")
GRADE_ROWS = [r for r in pack_csv("cn-2003-adult", "grades.csv") if r["grade_level"]]
# SEMANTICS §2: table item -> station item, table precision (single-leg stand: completed whole seconds).
TABLE = {"vital_capacity_ml": ("vital_capacity", "1"), "step_index": ("step_index", "0.1"),
         "grip_kg": ("grip", "0.1"), "push_ups": ("push_ups", "1"), "sit_ups_1min": ("sit_ups_1min", "1"),
         "vertical_jump_cm": ("vertical_jump", "0.1"), "sit_and_reach_cm": ("sit_and_reach", "0.1"),
         "choice_reaction_s": ("choice_reaction_time", "0.01"), "single_leg_stand_eyes_closed_s":
         ("single_leg_stand_eyes_closed", "1")}
BP_SYS, BP_DIA = (120, 140, 160, 180), (80, 90, 100, 110)  # lower ends of high-normal … grade 3
BP_CLASSES = ("normal", "high_normal", "grade_1_hypertension", "grade_2_hypertension", "grade_3_hypertension")
STEADI = {"M": (14, 12, 12, 11, 10, 8, 7), "F": (12, 11, 10, 10, 9, 8, 4)}  # 60–64 … 90–94


def age_on(birth: date, day: date) -> int:
    """Completed years, counted by stepping whole years (a 29 February birthday falls on 1 March)."""
    n = 0
    while True:
        y = birth.year + n + 1
        anniversary = date(y, 3, 1) if (birth.month, birth.day) == (2, 29) and y % 4 else birth.replace(year=y)
        if anniversary > day:
            return n
        n += 1


def rnd(v: float, step: str, down: bool = False) -> Decimal:
    return Decimal(str(v)).quantize(Decimal(step), ROUND_DOWN if down else ROUND_HALF_UP)


def rows_for(sex: str, age: int) -> dict[str, dict[str, str]]:
    return {r["item"]: r for r in ITEM_ROWS if r["sex"] == sex and int(r["age_min"]) <= age <= int(r["age_max"])}


def hw_rows(sex: str, age: int) -> list[dict[str, str]]:
    return [r for r in HW_ROWS if r["sex"] == sex and int(r["age_min"]) <= age <= int(r["age_max"])]


def expected_points(row: dict[str, str], v: Decimal) -> int:
    s = [Decimal(row[f"s{k}"]) for k in range(1, 6)]
    return sum(1 for t in s if (v >= t if row["direction"] == "higher_better" else v <= t))


def expected_hw(rows: list[dict[str, str]], h: float, w: float) -> int | None:
    hh, ww = rnd(h, "0.1"), rnd(w, "0.1")
    row = next((r for r in rows if Decimal(r["height_min_cm"]) <= hh <= Decimal(r["height_max_cm"])), None)
    if row is None:
        return None
    w1, w3, w5, wh = (Decimal(row[c]) for c in ("w1_light_below", "w3_light_below", "w5_max", "w3_heavy_max"))
    return 1 if ww < w1 else 3 if ww < w3 else 5 if ww <= w5 else 3 if ww <= wh else 1


def near(draw, cuts: list[Decimal], step: Decimal, lo: float, hi: float, whole: bool = False) -> float:
    """A value on a cut, a step or half a step either side, or anywhere around the cuts; kept within lo–hi."""
    cut = draw(st.sampled_from(cuts))
    off = draw(st.sampled_from(("-1", "0", "1", "any") if whole else ("-1", "-0.5", "0", "0.5", "1", "-0.1", "0.9",
                                                                         "any")))
    if off == "any":
        v = draw(st.integers(int((min(cuts) - 8 * step) / step), int((max(cuts) + 8 * step) / step))) * step
    else:
        v = cut + Decimal(off) * step
    return min(max(float(v), lo), hi)


@st.composite
def resident_sessions(draw):
    sex = draw(st.sampled_from("MF"))
    test = draw(st.dates(date(2021, 1, 1), date(2030, 12, 31)))
    age = draw(st.one_of(st.sampled_from((18, 19, 20, 24, 25, 29, 30, 39, 40, 44, 59, 60, 64, 65, 94, 95)),
                         st.integers(18, 100)))
    shift = draw(st.sampled_from((-1, 0, 1, 2, 100, -200)))  # 0: the birthday is on the test date
    anchor = date(test.year - age, test.month, 28 if (test.month, test.day) == (2, 29) else test.day)
    birth = anchor + timedelta(days=shift)
    age = age_on(birth, test)
    assume(age >= 18)  # younger residents are outside every pack: see the last test
    ms: list[Measurement] = []
    at = datetime.combine(test, datetime.min.time(), UTC)

    def add(item: str, value: float, side: Side | None = None, **comps: float) -> None:
        n = 1 + sum(1 for m in ms if m.item == item)
        ms.append(Measurement(item, value, ITEMS[item].unit.symbol, n, at + timedelta(minutes=len(ms)), comps, side))

    for table_item, row in rows_for(sex, age).items():
        if draw(st.integers(0, 19)) == 0:
            continue  # an applicable item not measured
        station, step = TABLE[table_item]
        spec = ITEMS[station]
        cuts = [Decimal(row[f"s{k}"]) for k in range(1, 6)]
        leg = station == "single_leg_stand_eyes_closed"  # thresholds in whole seconds, times to 0.1 s
        for _ in range(draw(st.integers(1, 3))):
            side = draw(st.sampled_from((Side.LEFT, Side.RIGHT))) if station == "grip" else None
            add(station, near(draw, cuts, Decimal("0.1") if leg else Decimal(step), spec.minimum, spec.maximum,
                              whole=spec.unit.symbol == "count"), side)
    for table_item in sorted(set(TABLE) - set(rows_for(sex, age))):
        if draw(st.integers(0, 3)) == 0:  # measured although the standard has no row for this sex and age
            station = TABLE[table_item][0]
            add(station, 0.0 if ITEMS[station].minimum <= 0 else ITEMS[station].minimum,
                Side.LEFT if station == "grip" else None)
    if draw(st.integers(0, 9)):
        rows = hw_rows(sex, age) or hw_rows(sex, 40)
        heights = [Decimal(rows[0]["height_min_cm"]), Decimal(rows[-1]["height_max_cm"])]
        add("height", near(draw, heights + [Decimal(r["height_min_cm"]) for r in rows[::7]], Decimal("0.1"),
                           50, 250))
        hrow = draw(st.sampled_from(rows))
        add("weight", near(draw, [Decimal(hrow[c]) for c in ("w1_light_below", "w3_light_below", "w5_max",
                                                             "w3_heavy_max")], Decimal("0.1"), 10, 300))
    if draw(st.booleans()):
        s = draw(st.sampled_from(BP_SYS)) + draw(st.sampled_from((-1, 0, 1)))
        add("blood_pressure", s, systolic=s, diastolic=draw(st.sampled_from(BP_DIA)) + draw(st.sampled_from((-1, 0))))
    if draw(st.booleans()):
        add("waist", near(draw, [Decimal(x) for x in (80, 85, 90)], Decimal("0.1"), 30, 250))
    if draw(st.booleans()):
        add("glucose_fasting", near(draw, [Decimal("6.1"), Decimal("7.0")], Decimal("0.1"), 0.5, 40))
    if age >= 60:
        add("grip", near(draw, [Decimal(18), Decimal(28)], Decimal("0.1"), 0, 120), Side.RIGHT)
        add("five_times_sit_to_stand", near(draw, [Decimal(12)], Decimal("0.1"), 2, 120))
        add("chair_stand_30s", near(draw, [Decimal(x) for x in (4, 7, 8, 10, 12, 14)], Decimal(1), 0, 60, True))
        add("single_leg_stand_eyes_closed", near(draw, [Decimal(5)], Decimal("0.1"), 0, 600))
    resident = Resident("crosscheck", Sex(sex), birth)
    return Session(uuid.uuid4(), "crosscheck", resident, at, test, measurements=tuple(ms)), sex, age


def best(ms: list[Measurement], item: str) -> Measurement | None:
    trials = [m for m in ms if m.item == item]
    if not trials:
        return None
    if item in ("choice_reaction_time", "five_times_sit_to_stand"):
        return min(trials, key=lambda m: m.value)
    if ITEMS[item].best.value == "last":
        return trials[-1]
    return max(trials, key=lambda m: m.value)


def check_national(rep, ms: list[Measurement], sex: str, age: int) -> None:
    if not 20 <= age <= 59:
        assert not rep.standards, f"age {age}: the 2003 standard must not grade"
        return
    total, rated = 0, True
    for table_item, row in rows_for(sex, age).items():
        station, step = TABLE[table_item]
        b = best(ms, station)
        if b is None:
            rated = False
            continue
        want = expected_points(row, rnd(b.value, step, down=station == "single_leg_stand_eyes_closed"))
        got = rep.item(station).score
        assert got.points == want, f"{sex} {age} {station}={b.value}: got {got.points}, want {want}"
        total += want
        rated &= want > 0
    h, w = best(ms, "height"), best(ms, "weight")
    hw = expected_hw(hw_rows(sex, age), h.value, w.value) if h and w else None
    got_hw = rep.item("height_standard_weight").score.points if rep.item("height_standard_weight") else None
    assert got_hw == hw, f"{sex} {age} height {h and h.value} weight {w and w.value}: got {got_hw}, want {hw}"
    total += hw or 0
    rated &= hw is not None
    std = rep.standards[0]
    assert std.total == total, f"{sex} {age}: total {std.total}, want {total}"
    group = (20, 39) if age <= 39 else (40, 59)
    level = next((int(g["grade_level"]) for g in GRADE_ROWS if (int(g["age_min"]), int(g["age_max"])) == group
                  and int(g["total_min"]) <= total <= int(g["total_max"])), None) if rated else None
    assert std.grade_level == level, f"{sex} {age} total {total}: grade {std.grade_level}, want {level}"


def check_clinical(rep, ms: list[Measurement], sex: str, age: int) -> None:
    flags = set(rep.flag_names())
    bp = best(ms, "blood_pressure")
    if bp is not None:
        s, d = bp.components["systolic"], bp.components["diastolic"]
        cls = max(sum(s >= c for c in BP_SYS), sum(d >= c for c in BP_DIA))
        assert rep.class_of("blood_pressure").class_name == BP_CLASSES[cls], f"{s}/{d}"
        assert ("isolated_systolic_hypertension" in flags) == (s >= 140 and d < 90), f"ISH at {s}/{d}"
    for item, cuts, names in (("waist", (85, 90) if sex == "M" else (80, 85), ("normal", "pre_central_obesity",
                                                                                 "central_obesity")),
                              ("glucose_fasting", (6.1, 7.0), ("normal", "impaired_fasting_glucose",
                                                               "diabetes_range"))):
        b = best(ms, item)
        if b is not None:
            v = rnd(b.value, "0.1")
            assert rep.class_of(item).class_name == names[sum(v >= Decimal(str(c)) for c in cuts)], f"{item} {v}"
    if age < 60:
        assert not {"possible_sarcopenia", "fall_risk"} & flags, f"age {age}: no older-adult screening"
        return
    grip, five = best(ms, "grip").value, best(ms, "five_times_sit_to_stand").value
    sarcopenia = rnd(grip, "0.1") < (28 if sex == "M" else 18) or rnd(five, "0.1") >= 12
    assert ("possible_sarcopenia" in flags) == sarcopenia, f"{sex} grip {grip} five-times {five}"
    chair, leg = best(ms, "chair_stand_30s").value, best(ms, "single_leg_stand_eyes_closed").value
    band = (age - 60) // 5
    fall = (band < 7 and chair < STEADI[sex][band]) or rnd(leg, "0.1") < 5
    assert ("fall_risk" in flags) == fall, f"{sex} {age} chair {chair} single-leg {leg}"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resident_sessions())
def test_graded_session_matches_an_independent_reading_of_the_tables(case) -> None:
    session, sex, age = case
    rep = grade_session(session, shipped_norms())
    assert rep.age_years == age, f"birth {session.resident.birth_date} on {session.test_date}: age {rep.age_years}"
    ms = list(session.measurements)
    check_national(rep, ms, sex, age)
    check_clinical(rep, ms, sex, age)


@pytest.mark.parametrize("birth, test", [(date(2009, 11, 24), date(2026, 11, 23)), (date(2026, 11, 23),
                                                                                     date(2026, 11, 23))])
def test_an_age_outside_every_pack_is_an_input_error(birth: date, test: date) -> None:
    s = Session(uuid.uuid4(), "x", Resident("x", Sex.MALE, birth), datetime(2026, 1, 1, tzinfo=UTC), test,
                measurements=(Measurement("grip", 30.0, "kg"),))
    with pytest.raises(InputError, match=r"resident\.birth_date"):
        grade_session(s, shipped_norms())


@pytest.mark.parametrize("birth, age, group, n_counted", [
    (date(2006, 11, 23), 20, "20–39", 9), (date(2006, 11, 24), 19, None, 0),
    (date(1986, 11, 23), 40, "40–59", 7), (date(1986, 11, 24), 39, "20–39", 9),
    (date(1966, 11, 23), 60, None, 0), (date(1966, 11, 24), 59, "40–59", 7),
])
def test_the_bands_switch_on_the_birthday_itself(birth: date, age: int, group: str | None, n_counted: int) -> None:
    """On the test date of a birthday the resident is already the new age (9 items, 7 from 40, with height-weight)."""
    test = date(2026, 11, 23)
    s = Session(uuid.uuid4(), "x", Resident("x", Sex.MALE, birth), datetime(2026, 11, 23, tzinfo=UTC), test,
                measurements=(Measurement("grip", 40.0, "kg", side=Side.LEFT),))
    rep = grade_session(s, shipped_norms())
    assert rep.age_years == age, f"born {birth}, tested {test}: age {rep.age_years}, want {age}"
    if group is None:
        assert not rep.standards, f"age {age} is outside the 2003 standard"
    else:
        std = rep.standards[0]
        assert (std.age_group, len(std.items_counted)) == (group, n_counted), f"age {age}: {std.items_counted}"
