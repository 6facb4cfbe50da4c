"""Consistency checks a norm pack must pass before it grades anyone.

Thresholds monotone in their direction, age/sex bands without gaps or overlaps, height rows
contiguous, grade bands contiguous, class intervals covering every value exactly once. The first
problem found raises NormPackError naming the file and line.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk.errors import NormPackError
from kiosk.norms import model as m


def validate_pack(pack: m.NormPack, folder: Path) -> None:
    """Raise NormPackError for the first inconsistency in ``pack`` (read from ``folder``)."""
    info = pack.info
    if pack.points is not None:
        _points(pack.points, info, folder)
    if pack.classes is not None:
        _classes(pack.classes, folder)
    if pack.screening is not None:
        _screening(pack.screening, info, folder)
    if pack.ranges is not None:
        _ranges(pack.ranges, info, folder)
    if pack.battery is not None:
        _battery(pack.battery, folder)


def _fail(folder: Path, file: str, line: int | None, message: str) -> NormPackError:
    return NormPackError(message, path=str(folder / file), row=line)


def _age_bands(rows: Iterable[Any], key: Callable[[Any], tuple], what: Callable[[tuple], str], folder: Path,
               file: str, info: m.PackInfo | None = None) -> None:
    """Within each key, age bands must be well-formed, inside the pack's ages, and neither overlap nor leave gaps."""
    groups: dict[tuple, list[Any]] = defaultdict(list)
    for r in rows:
        if r.age_min > r.age_max:
            raise _fail(folder, file, r.line, f"age band {r.age_min}–{r.age_max} is reversed")
        if info is not None and not (info.age_min <= r.age_min and r.age_max <= info.age_max):
            raise _fail(folder, file, r.line, f"age band {r.age_min}–{r.age_max} is outside the pack's ages "
                                              f"{info.age_min}–{info.age_max}")
        groups[key(r)].append(r)
    for k, band in groups.items():
        band.sort(key=lambda r: (r.age_min, r.line))
        for prev, cur in itertools.pairwise(band):
            if cur.age_min <= prev.age_max:
                raise _fail(folder, file, cur.line, f"{what(k)}: age band {cur.age_min}–{cur.age_max} overlaps "
                                                    f"{prev.age_min}–{prev.age_max} (line {prev.line})")
            if cur.age_min != prev.age_max + 1:
                raise _fail(folder, file, cur.line, f"{what(k)}: gap between ages {prev.age_max} and {cur.age_min}")


def _on_grid(value: Decimal, precision: Decimal) -> bool:
    return (value / precision) == (value / precision).to_integral_value()


def _points(s: m.PointsScheme, info: m.PackInfo, folder: Path) -> None:
    directions: dict[str, m.Direction] = {}
    for r in s.rows:
        if r.sex not in info.sexes:
            raise _fail(folder, s.file, r.line, f"sex {r.sex} is not among the pack's sexes")
        t = r.thresholds
        pairs = itertools.pairwise(t)
        ok = all(a < b for a, b in pairs) if r.direction is m.Direction.HIGHER_BETTER else all(a > b for a, b in pairs)
        if not ok:
            order = "rise" if r.direction is m.Direction.HIGHER_BETTER else "fall"
            raise _fail(folder, s.file, r.line, f"{r.item} thresholds {', '.join(map(str, t))} do not strictly "
                                                f"{order} ({r.direction.value})")
        if directions.setdefault(r.item, r.direction) is not r.direction:
            raise _fail(folder, s.file, r.line, f"{r.item} has rows with different directions")
        precision = s.items[r.item].precision
        for v in t:
            if not _on_grid(v, precision):
                raise _fail(folder, s.file, r.line, f"{r.item} threshold {v} is finer than the item's precision "
                                                    f"{precision} (check [items.{r.item}].precision)")
    _age_bands(s.rows, lambda r: (r.item, r.sex), lambda k: f"{k[0]} {k[1]}", folder, s.file, info)
    for sr in s.suspect_rows:
        if not any(r.item == sr.item and r.sex == sr.sex and r.age_min == sr.age_min for r in s.rows):
            raise _fail(folder, "pack.toml", None, f"suspect_rows names {sr.item} {sr.sex} {sr.age_min}, "
                                                   f"which {s.file} lacks")
    if s.body_size is not None:
        _body_size(s.body_size, info, folder)
    _total(s, info, folder)


def _body_size(b: m.BodySizeTable, info: m.PackInfo, folder: Path) -> None:
    tables: dict[tuple, list[m.BodySizeRow]] = defaultdict(list)
    for r in b.rows:
        if r.key_min > r.key_max:
            raise _fail(folder, b.file, r.line, f"height row {r.key_min}–{r.key_max} is reversed")
        off_grid = [(v, p) for v, p in ((r.key_min, b.key_precision), (r.key_max, b.key_precision),
                                         *((c, b.value_precision) for c in r.cuts)) if not _on_grid(v, p)]
        if off_grid:  # values are rounded to the precision before the lookup, so such a cut or row end is never met
            v, p = off_grid[0]
            raise _fail(folder, b.file, r.line, f"{v} is finer than the table precision {p}")
        for i, (a, c) in enumerate(zip(r.cuts, r.cuts[1:], strict=False)):
            # a band closed on both sides ("min" cut then "max" cut) may be a single value; all others need width
            closed = b.cut_kinds[i] == "min" and b.cut_kinds[i + 1] == "max"
            if a > c or (a == c and not closed):
                raise _fail(folder, b.file, r.line, f"weight cuts {', '.join(map(str, r.cuts))} are out of order")
        tables[(r.sex, r.age_min, r.age_max)].append(r)
    for (sex, lo, hi), rows in tables.items():
        rows.sort(key=lambda r: r.key_min)
        for prev, cur in itertools.pairwise(rows):
            if cur.key_min != prev.key_max + b.key_precision:
                problem = "overlaps" if cur.key_min <= prev.key_max else "leaves a gap after"
                raise _fail(folder, b.file, cur.line, f"{sex} {lo}–{hi}: height row {cur.key_min}–{cur.key_max} "
                                                      f"{problem} row {prev.key_min}–{prev.key_max}")
    firsts = [min(rows, key=lambda r: r.key_min) for rows in tables.values()]
    _age_bands(firsts, lambda r: (r.sex,), lambda k: f"{b.name} {k[0]}", folder, b.file, info)


def _total(s: m.PointsScheme, info: m.PackInfo, folder: Path) -> None:
    t = s.total
    by_age: dict[tuple[int, int], list[m.GradeBand]] = defaultdict(list)
    for g in t.grades:
        by_age[(g.age_min, g.age_max)].append(g)
    firsts = []
    for (lo, hi), bands in by_age.items():
        graded = sorted((g for g in bands if g.level is not None), key=lambda g: g.total_min)
        if not graded:
            raise _fail(folder, t.file, bands[0].line, f"ages {lo}–{hi} have no grade bands")
        levels = [g.level for g in graded]
        if sorted(levels, reverse=True) != levels or len(set(levels)) != len(levels):
            raise _fail(folder, t.file, graded[0].line, f"ages {lo}–{hi}: grade levels must fall as totals rise")
        for g in graded:
            if g.total_min > g.total_max:
                raise _fail(folder, t.file, g.line, f"total band {g.total_min}–{g.total_max} is reversed")
        for prev, cur in itertools.pairwise(graded):
            if cur.total_min != prev.total_max + t.precision:
                problem = "overlaps" if cur.total_min <= prev.total_max else "leaves a gap after"
                raise _fail(folder, t.file, cur.line, f"ages {lo}–{hi}: total band {cur.total_min}–{cur.total_max} "
                                                      f"{problem} {prev.total_min}–{prev.total_max}")
        if graded[-1].total_max != graded[-1].max_total:
            raise _fail(folder, t.file, graded[-1].line, f"ages {lo}–{hi}: the top band must end at max_total")
        _item_count(s, info, lo, hi, graded[0], folder)
        firsts.append(graded[0])
    _age_bands(firsts, lambda g: (), lambda k: "grade bands", folder, t.file, info)
    lo, hi = min(g.age_min for g in firsts), max(g.age_max for g in firsts)
    if (lo, hi) != (info.age_min, info.age_max):  # an age the pack claims but cannot grade would show as "not rated"
        raise _fail(folder, t.file, None, f"grade bands cover ages {lo}–{hi}, but pack.toml declares the pack for "
                                          f"ages {info.age_min}–{info.age_max}")
    if t.method == "weighted":
        sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for (item, lo, hi), w in t.weights.items():
            if item not in s.items:
                raise _fail(folder, t.weights_file, None, f"weight given for undeclared item {item!r}")
            sums[(lo, hi)] += w
        for (lo, hi), total in sums.items():
            if total != 1:
                raise _fail(folder, t.weights_file, None, f"weights for ages {lo}–{hi} sum to {total}, not 1")
        if not sums:
            raise _fail(folder, t.weights_file, None, "a weighted total needs weights")


def _item_count(s: m.PointsScheme, info: m.PackInfo, lo: int, hi: int, band: m.GradeBand, folder: Path) -> None:
    """Every sex and age of a grade group must have exactly ``n_items`` applicable items (body size included)."""
    for sex in info.sexes:
        for age in range(lo, hi + 1):
            n = len({r.item for r in s.rows if r.sex == sex and r.age_min <= age <= r.age_max})
            if s.body_size is not None and any(b.sex == sex and b.age_min <= age <= b.age_max
                                               for b in s.body_size.rows):
                n += 1
            if n != band.n_items:
                raise _fail(folder, s.total.file, band.line, f"ages {lo}–{hi} expect n_items={band.n_items}, but "
                                                             f"{sex} aged {age} have {n} applicable items")


def _classes(c: m.ClassScheme, folder: Path) -> None:
    by: dict[tuple[str, str], list[m.ClassBand]] = defaultdict(list)
    for b in c.bands:
        if b.low is not None and b.high is not None and b.low >= b.high:
            raise _fail(folder, c.file, b.line, f"{b.measure} class {b.name}: min {b.low} is not below max {b.high}")
        by[(b.measure, b.sex)].append(b)
    for (measure, sex), bands in by.items():
        if sex != "*" and (measure, "*") in by:
            raise _fail(folder, c.file, bands[0].line, f"{measure}: rows for sex {sex} overlap the rows for '*'")
        bands.sort(key=lambda b: (b.low is not None, b.low or 0))
        if bands[0].low is not None or bands[-1].high is not None:
            raise _fail(folder, c.file, bands[0].line if bands[0].low is not None else bands[-1].line,
                        f"{measure} {sex}: the classes must cover every value (first open below, last open above)")
        for prev, cur in itertools.pairwise(bands):
            if cur.low != prev.high:
                problem = "overlaps" if cur.low is None or prev.high is None or cur.low < prev.high else "leaves a gap"
                raise _fail(folder, c.file, cur.line, f"{measure} {sex}: class {cur.name} from {cur.low} {problem} "
                                                      f"after {prev.name} (ends at {prev.high})")
        if c.groups[bands[0].group].combine == "highest":
            sev = [b.severity for b in bands]
            if sev != sorted(sev):
                raise _fail(folder, c.file, bands[0].line, f"{measure} {sex}: severity must rise with the value "
                                                           "when the higher class wins")


def _screening(s: m.ScreeningScheme, info: m.PackInfo, folder: Path) -> None:
    rules = list(s.rules)
    for r in rules:
        if r.sex != "*" and any(o.sex == "*" and o.flag == r.flag and o.measure == r.measure for o in rules):
            raise _fail(folder, s.file, r.line, f"{r.flag}/{r.measure}: rows for sex {r.sex} overlap rows for '*'")
        if not _on_grid(r.threshold, s.measures[r.measure].precision):
            raise _fail(folder, s.file, r.line, f"threshold {r.threshold} is finer than {r.measure}'s precision")
    _age_bands(rules, lambda r: (r.flag, r.measure, r.sex), lambda k: "/".join(k), folder, s.file, info)


def _ranges(s: m.RangeScheme, info: m.PackInfo, folder: Path) -> None:
    directions: dict[str, m.Direction] = {}
    for r in s.rows:
        if r.sex not in info.sexes:
            raise _fail(folder, s.file, r.line, f"sex {r.sex} is not among the pack's sexes")
        if r.low > r.high:
            raise _fail(folder, s.file, r.line, f"{r.item}: low {r.low} is above high {r.high} (write the range "
                                                "low..high numerically, whatever the direction)")
        if directions.setdefault(r.item, r.direction) is not r.direction:
            raise _fail(folder, s.file, r.line, f"{r.item} has rows with different directions")
        precision = s.measures[r.item].precision
        if not (_on_grid(r.low, precision) and _on_grid(r.high, precision)):
            raise _fail(folder, s.file, r.line, f"{r.item} range {r.low}..{r.high} is finer than the item's "
                                                f"precision {precision}")
    _age_bands(s.rows, lambda r: (r.item, r.sex), lambda k: f"{k[0]} {k[1]}", folder, s.file, info)
    if s.percentiles:
        _percentiles(s, folder)


def _percentiles(s: m.RangeScheme, folder: Path) -> None:
    """Each range row has a percentile table that runs the right way and whose P25/P75 are the range's ends."""
    rows = {(r.item, r.sex, r.age_min): r for r in s.rows}
    extra = set(s.percentiles) - set(rows)
    if extra:
        raise _fail(folder, s.percentiles_file, None, f"percentiles for {sorted(extra)[0]}, which has no range row")
    for key, r in rows.items():
        table = s.percentiles.get(key)
        if not table:
            raise _fail(folder, s.percentiles_file, None,
                        f"{r.item} {r.sex} {r.age_min}–{r.age_max} has no percentiles")
        values = [v for _, v in table]  # from the best percentile down
        worse = all(a >= b for a, b in itertools.pairwise(values)) if r.direction is m.Direction.HIGHER_BETTER \
            else all(a <= b for a, b in itertools.pairwise(values))
        if not worse:
            raise _fail(folder, s.percentiles_file, None, f"{r.item} {r.sex} {r.age_min}: values do not get worse "
                                                          "as the percentile falls")
        pct = dict(table)
        p25, p75 = pct.get(25), pct.get(75)
        want = (r.low, r.high) if r.direction is m.Direction.HIGHER_BETTER else (r.high, r.low)
        if (p25, p75) != want:
            raise _fail(folder, s.percentiles_file, None, f"{r.item} {r.sex} {r.age_min}: P25/P75 {p25}/{p75} are "
                                                          f"not the normal range's ends {want[0]}/{want[1]}")


def _battery(b: m.BatteryScheme, folder: Path) -> None:
    """Each measure's bands cover every value from 0 up exactly once; maxima add up; categories neither overlap
    nor leave gaps within a scheme."""
    for comp in b.components:
        maxima = []
        for measure in comp.measures:
            bands = sorted((x for x in b.bands if x.measure == measure), key=lambda x: (x.low is not None, x.low or 0))
            if not bands:
                raise _fail(folder, b.file, None, f"measure {measure} of component {comp.name} has no bands")
            precision = b.measures[measure].precision
            for x in bands:
                if not 0 <= x.points <= comp.points_max:
                    raise _fail(folder, b.file, x.line, f"{measure}: {x.points} points is outside 0–{comp.points_max}")
                if any(v is not None and not _on_grid(v, precision) for v in (x.low, x.high)):
                    raise _fail(folder, b.file, x.line, f"{measure}: a bound is finer than the precision {precision}")
            if bands[0].low not in (None, Decimal(0)) or bands[-1].high is not None:
                raise _fail(folder, b.file, bands[0].line, f"{measure}: the bands must start at 0 and be open above")
            for prev, cur in itertools.pairwise(bands):
                if cur.low != prev.high or prev.high_inclusive == cur.low_inclusive:
                    raise _fail(folder, b.file, cur.line, f"{measure}: the band from {cur.low} does not join the band "
                                                          f"ending at {prev.high} exactly once (check the inclusive "
                                                          "flags)")
            pts = [x.points for x in bands]
            if pts != sorted(pts) and pts != sorted(pts, reverse=True):
                raise _fail(folder, b.file, bands[0].line, f"{measure}: points must rise or fall with the value")
            maxima.append(max(pts))
        if sum(maxima) != comp.points_max:
            raise _fail(folder, b.file, None, f"component {comp.name}: its measures' maxima add up to {sum(maxima)}, "
                                              f"not points_max {comp.points_max}")
    if sum(c.points_max for c in b.components) != b.total_max:
        raise _fail(folder, "pack.toml", None, f"total.points_max {b.total_max} is not the sum of the components'")
    schemes: dict[str, list[m.TotalCategory]] = defaultdict(list)
    for c in b.categories:
        if not 0 <= c.total_min <= c.total_max <= b.total_max:
            raise _fail(folder, b.categories_file, c.line, f"category {c.total_min}–{c.total_max} is not inside "
                                                           f"0–{b.total_max}")
        schemes[c.scheme].append(c)
    for name, cats in schemes.items():
        cats.sort(key=lambda c: c.total_min)
        for prev, cur in itertools.pairwise(cats):
            if cur.total_min != prev.total_max + 1:
                raise _fail(folder, b.categories_file, cur.line, f"scheme {name}: {cur.total_min}–{cur.total_max} "
                                                                 f"does not follow {prev.total_min}–{prev.total_max}")
