"""Grading for older adults: normal ranges (Senior Fitness Test) and batteries scored in points (SPPB).

Pure functions over the graded trials. A range pack says where a value falls against people of the
same sex and 5-year age band (below / within / above the middle half). A battery pack gives each
component its points and, only when every component was done, the total and its categories; a part
that was not done is never scored as 0 (the protocol's "unable" rows need an assessor's judgement).
"""

from __future__ import annotations

from decimal import Decimal

from kiosk.grading_clinical import ClinicalOutcome
from kiosk.norms import model as m
from kiosk.norms.scoring import to_table_precision
from kiosk.report import BatteryPart, BatteryResult, RangeResult
from kiosk.trials import ItemTrials

GROUP_WORDS = {"M": ("{lo}–{hi}岁男性", "men aged {lo}–{hi}"), "F": ("{lo}–{hi}岁女性", "women aged {lo}–{hi}")}


def table_value(spec: m.MeasureSpec, value: float) -> Decimal:
    """The value as the pack's table reads it: a speed becomes the time over the course, then rounding."""
    if spec.time_over_m is not None:
        return to_table_precision(spec.time_over_m / Decimal(repr(float(value))), spec.precision, spec.rounding)
    return to_table_precision(value, spec.precision, spec.rounding)


def apply_ranges(pack: m.NormPack, sex: str, age: int, trials: dict[str, ItemTrials],
                 out: ClinicalOutcome) -> dict[str, RangeResult]:
    """Each measured item's place against the normal range of its sex and age band (station item -> result)."""
    s, info = pack.ranges, pack.info
    assert s is not None
    results: dict[str, RangeResult] = {}
    for name, spec in s.measures.items():
        t = trials.get(spec.station_item)
        if t is None:
            continue
        if not info.covers_age(age) or sex not in info.sexes:
            out.coverage.setdefault(spec.station_item, []).append(
                f"{info.name} has norms for ages {info.age_min}–{info.age_max}, not {age}")
            continue
        row = next((r for r in s.rows if r.item == name and r.sex == sex and r.age_min <= age <= r.age_max), None)
        if row is None:
            out.coverage.setdefault(spec.station_item, []).append(f"{info.name} has no {name} norm at age {age}")
            continue
        value = table_value(spec, t.graded_value)
        band = row.band(value)
        text = s.bands[band]
        ability_en, ability_zh = s.abilities[name]
        zh, en = (w.format(lo=row.age_min, hi=row.age_max) for w in GROUP_WORDS[sex])
        results[spec.station_item] = RangeResult(
            info.name, info.edition, band, value, row.low, row.high, row.direction.value, sex,
            f"{row.age_min}–{row.age_max}", text.label_en, text.label_zh,
            text.meaning_en.format(ability=ability_en, group=en), text.meaning_zh.format(ability=ability_zh, group=zh),
            s.percentile_of(row, value))
        out.touched(spec.station_item, info.name)
    return results


def _points(b: m.BatteryScheme, measure: str, value: Decimal) -> int:
    return next(x.points for x in b.bands if x.measure == measure and x.contains(value))


def _part(b: m.BatteryScheme, comp: m.BatteryComponent, trials: dict[str, ItemTrials]) -> BatteryPart:
    scored: list[tuple[str, float | None, int]] = []
    for name in comp.measures:
        spec = b.measures[name]
        t = trials.get(spec.station_item)
        if t is None:
            return BatteryPart(comp.name, comp.label_en, comp.label_zh, None, comp.points_max, tuple(scored),
                               f"{spec.station_item} not done")
        value = table_value(spec, t.graded_value)
        points = _points(b, name, value)
        scored.append((spec.station_item, float(value), points))
        held_fully = points == max(x.points for x in b.bands if x.measure == name)
        if comp.sequential and not held_fully:
            later = comp.measures[comp.measures.index(name) + 1:]
            reason = (f"{spec.station_item} not held fully: the part ends here, later stages score 0 "
                      f"({', '.join(later)})") if later else ""
            return BatteryPart(comp.name, comp.label_en, comp.label_zh, sum(p for *_, p in scored),
                               comp.points_max, tuple(scored), reason)
    return BatteryPart(comp.name, comp.label_en, comp.label_zh, sum(p for *_, p in scored), comp.points_max,
                       tuple(scored))


def score_battery(pack: m.NormPack, sex: str, age: int, trials: dict[str, ItemTrials],
                  out: ClinicalOutcome) -> BatteryResult | None:
    """The battery's parts, total and categories (flags raised from categories that carry one); None when none
    of its items were measured."""
    b, info = pack.battery, pack.info
    assert b is not None
    measured = [s.station_item for s in b.measures.values() if s.station_item in trials]
    if not measured:
        return None
    if not info.covers_age(age) or sex not in info.sexes:
        for it in measured:
            out.coverage.setdefault(it, []).append(f"{info.name} covers ages {info.age_min}–{info.age_max}, not {age}")
        return None
    parts = tuple(_part(b, c, trials) for c in b.components)
    for p in parts:
        for item, _, _ in p.measures:
            out.touched(item, info.name)
    missing = tuple(f"{p.label_en}: {p.reason}" for p in parts if p.points is None)
    if missing:
        return BatteryResult(info.name, info.edition, info.title_en, info.title_zh, parts, None, b.total_max,
                             missing=missing)
    total = sum(p.points or 0 for p in parts)
    cats = [c for c in b.categories if c.total_min <= total <= c.total_max]
    items = [item for p in parts for item, _, _ in p.measures]
    for c in cats:
        if c.flag:
            f = b.flags[c.flag]
            out.add_flag(c.flag, f.label_en, f.label_zh, info.name, f"{c.basis} (total {total})", items,
                         (f.advice_en, f.advice_zh))
    return BatteryResult(info.name, info.edition, info.title_en, info.title_zh, parts, total, b.total_max,
                         tuple((c.scheme, c.label_en, c.label_zh) for c in cats))
