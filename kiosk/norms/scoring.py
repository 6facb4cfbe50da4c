"""Pure lookups in a loaded pack: round to table precision, points from thresholds, body-size points, grades.

These functions carry the scoring semantics (SEMANTICS.md of the 2003 standard, generalised): for
higher_better, ``s_k`` is the smallest value earning the k-th points level; for lower_better it is
the largest; a value worse than the first threshold earns ``below_first_points`` (0 = no score).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from kiosk.norms import model as m


def to_table_precision(value: float | Decimal, precision: Decimal,
                       rounding: m.Rounding = m.Rounding.HALF_UP) -> Decimal:
    """``value`` rounded to a multiple of ``precision``, half-up (or toward zero) on its decimal representation.

    The decimal representation matters: 36.95 must round to 37.0, which binary float arithmetic would not.
    """
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    mode = ROUND_HALF_UP if rounding is m.Rounding.HALF_UP else ROUND_DOWN
    steps = (d / precision).to_integral_value(rounding=mode)
    return (steps * precision).quantize(precision) if precision.as_tuple().exponent < 0 else steps * precision


def points_from_thresholds(row: m.ThresholdRow, value: Decimal, points: Sequence[int], below_first: int) -> int:
    """The points ``value`` earns in ``row`` (value already at table precision); thresholds are inclusive."""
    earned = below_first
    for s_k, p in zip(row.thresholds, points, strict=True):
        reached = value >= s_k if row.direction is m.Direction.HIGHER_BETTER else value <= s_k
        if not reached:
            break
        earned = p
    return earned


def body_size_band(table: m.BodySizeTable, row: m.BodySizeRow, value: Decimal) -> int:
    """Index of the band ``value`` falls in: a 'min' cut equal to the value puts it above, a 'max' cut below."""
    band = 0
    for cut, kind in zip(row.cuts, table.cut_kinds, strict=True):
        above = value >= cut if kind == "min" else value > cut
        if not above:
            break
        band += 1
    return band


@dataclass(frozen=True)
class Graded:
    """A grade band found for a total (``band`` None when the total falls in no band)."""

    band: m.GradeBand | None
    not_rated_label: m.GradeBand | None


class PointsIndex:
    """Row lookups for one points scheme, built once (grading 10,000 sessions must not scan tables each time)."""

    def __init__(self, scheme: m.PointsScheme) -> None:
        self.scheme = scheme
        self._rows: dict[tuple[str, str], list[m.ThresholdRow]] = defaultdict(list)
        for r in scheme.rows:
            self._rows[(r.item, r.sex)].append(r)
        self._body: dict[str, list[tuple[int, int, dict[Decimal, m.BodySizeRow]]]] = defaultdict(list)
        if scheme.body_size is not None:
            tables: dict[tuple[str, int, int], dict[Decimal, m.BodySizeRow]] = defaultdict(dict)
            for b in scheme.body_size.rows:
                tables[(b.sex, b.age_min, b.age_max)][b.key_min] = b
            for (sex, lo, hi), rows in tables.items():
                self._body[sex].append((lo, hi, rows))
        self.items_by_station: dict[str, str] = {spec.station_item: name for name, spec in scheme.items.items()}

    def threshold_row(self, item: str, sex: str, age: int) -> m.ThresholdRow | None:
        for r in self._rows.get((item, sex), ()):
            if r.age_min <= age <= r.age_max:
                return r
        return None

    def applicable_items(self, sex: str, age: int) -> list[str]:
        """Pack items with a row for this sex and age, in pack order (the items that count in the total)."""
        return [name for name in self.scheme.items if self.threshold_row(name, sex, age) is not None]

    def body_size_row(self, sex: str, age: int, key: Decimal) -> tuple[m.BodySizeRow | None, bool]:
        """The 1-cm row for ``key`` (at key precision), and whether any table covers this sex and age."""
        b = self.scheme.body_size
        if b is None:
            return None, False
        for lo, hi, rows in self._body.get(sex, ()):
            if lo <= age <= hi:
                row_key = to_table_precision(key, Decimal(1), m.Rounding.DOWN) if b.key_precision < 1 else key
                row = rows.get(row_key)
                if row is None or not row.key_min <= key <= row.key_max:
                    row = next((r for r in rows.values() if r.key_min <= key <= r.key_max), None)
                return row, True
        return None, False

    def grade(self, total: Decimal, age: int) -> Graded:
        bands = [g for g in self.scheme.total.grades if g.age_min <= age <= g.age_max]
        label = next((g for g in bands if g.level is None), None)
        for g in bands:
            if g.level is not None and g.total_min <= total <= g.total_max:
                return Graded(g, label)
        return Graded(None, label)

    def weight(self, item: str, age: int) -> Decimal | None:
        for (name, lo, hi), w in self.scheme.total.weights.items():
            if name == item and lo <= age <= hi:
                return w
        return None

    def level_of(self, points: int) -> m.Level | None:
        chosen = None
        for lv in sorted(self.scheme.levels, key=lambda lv: lv.min_points):
            if points >= lv.min_points:
                chosen = lv
        return chosen
