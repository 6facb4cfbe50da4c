"""Scoring a session against one points standard (the 2003 national standard, or a 2023-shaped pack).

Per item: the graded value at table precision, its points and level; the height-standard-weight
score; the total (sum, or weighted) and the overall grade with the no-grade rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kiosk.norms import model as m
from kiosk.norms.scoring import PointsIndex, body_size_band, points_from_thresholds, to_table_precision
from kiosk.report import PackScore, StandardResult
from kiosk.trials import ItemTrials

SEX_EN = {"M": "men", "F": "women"}
SEX_ZH = {"M": "男性", "F": "女性"}


@dataclass
class PointsOutcome:
    """One points pack's results: per station item, the body-size score, and the standard's total/grade."""

    scores: dict[str, PackScore] = field(default_factory=dict)
    body_size: PackScore | None = None
    body_size_inputs: tuple[str, ...] = ()
    standard: StandardResult | None = None


def _level(index: PointsIndex, points: int) -> tuple[str, str]:
    s = index.scheme
    if points == s.below_first_points:
        return "no score", "无分"
    lv = index.level_of(points)
    if lv is not None:
        return lv.label_en, lv.label_zh
    return f"{points} of {s.points_max} points", f"{points}分（满分{s.points_max}分）"


def _uncovered(pack: m.NormPack, station_items: list[str], reason: str) -> PointsOutcome:
    s = pack.points
    assert s is not None
    return PointsOutcome(scores={it: PackScore(pack.info.name, pack.info.edition, None, s.points_max, reason=reason)
                                 for it in station_items})


def score_points_pack(pack: m.NormPack, index: PointsIndex, sex: str, age: int,
                      trials: dict[str, ItemTrials]) -> PointsOutcome:
    """Score every measured item this pack knows, the body-size table, and the total and grade."""
    s, info = pack.points, pack.info
    assert s is not None
    known = [it for it in trials if it in index.items_by_station]
    if not info.covers_age(age):
        return _uncovered(pack, known, f"{info.name} covers ages {info.age_min}–{info.age_max}, not {age}")
    if sex not in info.sexes:
        return _uncovered(pack, known, f"{info.name} has no tables for sex {sex}")
    out = PointsOutcome()
    counted: list[str] = []
    not_rated: list[str] = []
    total = Decimal(0)
    for name, spec in s.items.items():
        row = index.threshold_row(name, sex, age)
        measured = trials.get(spec.station_item)
        if row is None:
            if measured is not None:
                out.scores[spec.station_item] = PackScore(
                    info.name, info.edition, None, s.points_max,
                    reason=f"not part of {info.name} for {SEX_EN[sex]} aged {age} (not counted in the total)")
            continue
        counted.append(spec.station_item)
        if measured is None:
            if s.total.no_grade_if_item_missing:
                not_rated.append(f"{spec.station_item} was not measured")
            continue
        value = to_table_precision(measured.graded_value, spec.precision, spec.rounding)
        points = points_from_thresholds(row, value, s.points, s.below_first_points)
        en, zh = _level(index, points)
        suspect = next((x for x in s.suspect_rows if (x.item, x.sex, x.age_min) == (name, row.sex, row.age_min)), None)
        out.scores[spec.station_item] = PackScore(info.name, info.edition, points, s.points_max, value, en, zh,
                                                  note_en=suspect.note_en if suspect else "",
                                                  note_zh=suspect.note_zh if suspect else "")
        if s.total.no_grade_if_any_item_points is not None and points == s.total.no_grade_if_any_item_points:
            not_rated.append(f"{spec.station_item} scored {points} ({en})")
        total += _weighted(index, name, age, points)
    if s.body_size is not None:
        bs_points = _body_size(pack, index, sex, age, trials, out, not_rated, counted)
        if bs_points is not None:
            total += _weighted(index, s.body_size.name, age, bs_points)
    total = (total / s.total.precision).to_integral_value(ROUND_HALF_UP) * s.total.precision
    out.standard = _standard(pack, index, age, total, tuple(counted), not_rated)
    return out


def _weighted(index: PointsIndex, item: str, age: int, points: int) -> Decimal:
    if index.scheme.total.method == "sum":
        return Decimal(points)
    return (index.weight(item, age) or Decimal(0)) * points


def _body_size(pack: m.NormPack, index: PointsIndex, sex: str, age: int, trials: dict[str, ItemTrials],
               out: PointsOutcome, not_rated: list[str], counted: list[str]) -> int | None:
    s = pack.points
    assert s is not None and s.body_size is not None
    b, info = s.body_size, pack.info
    key_t, value_t = trials.get(b.key_item), trials.get(b.value_item)
    _, table_exists = index.body_size_row(sex, age, Decimal(0))
    if not table_exists:
        return None
    counted.append(b.name)
    out.body_size_inputs = (b.key_item, b.value_item)
    if key_t is None or value_t is None:
        missing = " and ".join(n for n, t in ((b.key_item, key_t), (b.value_item, value_t)) if t is None)
        out.body_size = PackScore(info.name, info.edition, None, max(b.points), reason=f"{missing} not measured")
        if s.total.no_grade_if_item_missing:
            not_rated.append(f"{b.name}: {missing} not measured")
        return None
    key = to_table_precision(key_t.graded_value, b.key_precision)
    value = to_table_precision(value_t.graded_value, b.value_precision)
    row, _ = index.body_size_row(sex, age, key)
    if row is None:
        lo, hi = _key_range(b, sex, age)
        reason = (f"{b.key_item} {key} {b.key_unit} is outside the {b.label_en.lower()} table "
                  f"({lo}–{hi} {b.key_unit} for {SEX_EN[sex]} aged {age}): no score")
        out.body_size = PackScore(info.name, info.edition, None, max(b.points), value, reason=reason)
        if s.total.no_grade_if_body_size_unscored:
            not_rated.append(reason)
        return None
    band = body_size_band(b, row, value)
    points = b.points[band]
    en = b.band_labels_en[band] if b.band_labels_en else f"{points} points"
    zh = b.band_labels_zh[band] if b.band_labels_zh else f"{points}分"
    out.body_size = PackScore(info.name, info.edition, points, max(b.points), value, f"{en} ({points} points)",
                              f"{zh}（{points}分）")
    return points


def _key_range(b: m.BodySizeTable, sex: str, age: int) -> tuple[Decimal, Decimal]:
    rows = [r for r in b.rows if r.sex == sex and r.age_min <= age <= r.age_max]
    return min(r.key_min for r in rows), max(r.key_max for r in rows)


def _standard(pack: m.NormPack, index: PointsIndex, age: int, total: Decimal, counted: tuple[str, ...],
              not_rated: list[str]) -> StandardResult:
    info, s = pack.info, pack.points
    assert s is not None
    graded = index.grade(total, age)
    bands = [g for g in s.total.grades if g.age_min <= age <= g.age_max]
    age_group = f"{bands[0].age_min}–{bands[0].age_max}" if bands else "—"
    max_total = bands[0].max_total if bands else Decimal(0)
    label = graded.not_rated_label
    if not_rated or graded.band is None:
        if graded.band is None and not not_rated:
            not_rated.append(f"total {total} falls in no grade band")
        return StandardResult(info.name, info.edition, info.title_en, info.title_zh, age_group, s.total.method,
                              total, max_total, counted, None, label.label_en if label else "not rated",
                              label.label_zh if label else "不评定", tuple(not_rated))
    g = graded.band
    return StandardResult(info.name, info.edition, info.title_en, info.title_zh, age_group, s.total.method, total,
                          max_total, counted, g.level, g.label_en, g.label_zh)
