"""The content of a norm pack as frozen values: thresholds, height-weight rows, grade bands, classes, screening rules.

Numbers are ``Decimal`` so that a boundary written ``36.9`` in a CSV is compared exactly; values are
rounded to the table's precision (also a ``Decimal``) before any lookup.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType


class PackKind(enum.StrEnum):
    POINTS = "points"  # a points standard: item scores, optional body-size table, total and grade
    CLASSES = "classes"  # clinical classes (blood pressure, BMI, waist, glucose)
    SCREENING = "screening"  # yes/no flags (sarcopenia, fall risk)
    RANGES = "ranges"  # normal ranges by sex and age band: below / within / above (Senior Fitness Test)
    BATTERY = "battery"  # a test battery scored in points per component with a total and categories (SPPB)


class Direction(enum.StrEnum):
    HIGHER_BETTER = "higher_better"  # s_k is the smallest value that earns the k-th points
    LOWER_BETTER = "lower_better"  # s_k is the largest value that still earns the k-th points


class Rounding(enum.StrEnum):
    HALF_UP = "half_up"
    DOWN = "down"  # toward zero: a held second counts only once completed


@dataclass(frozen=True)
class PackInfo:
    """What a report prints about a pack: name, edition, source, validity, licence and provenance."""

    name: str
    kind: PackKind
    title_en: str
    title_zh: str
    edition: str
    source: str
    validity: str
    licence: str
    provenance: str
    age_min: int
    age_max: int
    sexes: tuple[str, ...]
    notes: Mapping[str, str] = field(default_factory=dict)  # rounding_note, trial_rule, …

    def covers_age(self, age_years: int) -> bool:
        return self.age_min <= age_years <= self.age_max

    def ref(self) -> dict[str, str]:
        return {"name": self.name, "edition": self.edition, "title_en": self.title_en, "title_zh": self.title_zh}


@dataclass(frozen=True)
class MeasureSpec:
    """How a pack's measure or item is fed: the station item (and component), unit, precision and rounding."""

    name: str
    station_item: str  # "" when the station does not measure it
    unit: str
    precision: Decimal
    rounding: Rounding = Rounding.HALF_UP
    component: str | None = None  # blood pressure: "systolic" / "diastolic"
    derived: str | None = None  # "bmi"
    time_over_m: Decimal | None = None  # a speed (m/s) graded as the time over this course (s) = course / speed


@dataclass(frozen=True)
class ThresholdRow:
    """One row of a points table: item, sex, age band, direction and the thresholds for each points level."""

    item: str
    sex: str
    age_min: int
    age_max: int
    direction: Direction
    thresholds: tuple[Decimal, ...]
    line: int  # line number in the CSV file (header = 1)


@dataclass(frozen=True)
class BodySizeRow:
    """One 1-cm row of a height-standard-weight table, with the ordered weight cuts."""

    sex: str
    age_min: int
    age_max: int
    key_min: Decimal
    key_max: Decimal
    cuts: tuple[Decimal, ...]
    line: int


@dataclass(frozen=True)
class BodySizeTable:
    name: str
    label_en: str
    label_zh: str
    key_item: str
    key_unit: str
    key_precision: Decimal
    value_item: str
    value_unit: str
    value_precision: Decimal
    cut_kinds: tuple[str, ...]  # "min" | "max" per cut
    points: tuple[int, ...]  # one more than cuts
    band_labels_en: tuple[str, ...]
    band_labels_zh: tuple[str, ...]
    rows: tuple[BodySizeRow, ...]
    file: str = ""


@dataclass(frozen=True)
class GradeBand:
    age_min: int
    age_max: int
    level: int | None  # None: the "not rated" label row
    label_zh: str
    label_en: str
    total_min: Decimal | None
    total_max: Decimal | None
    n_items: int
    max_total: Decimal
    line: int


@dataclass(frozen=True)
class TotalRule:
    method: str  # "sum" | "weighted"
    precision: Decimal
    grades: tuple[GradeBand, ...]
    weights: Mapping[tuple[str, int, int], Decimal]  # (item, age_min, age_max) -> weight; empty for "sum"
    no_grade_if_any_item_points: int | None
    no_grade_if_item_missing: bool
    no_grade_if_body_size_unscored: bool
    file: str = ""
    weights_file: str = ""


@dataclass(frozen=True)
class Level:
    """A named level for an item's points (2023-style tables name them; the 2003 tables do not)."""

    min_points: int
    label_en: str
    label_zh: str


@dataclass(frozen=True)
class SuspectRow:
    item: str
    sex: str
    age_min: int
    note_en: str
    note_zh: str


@dataclass(frozen=True)
class PointsScheme:
    """A points standard: items scored from thresholds, an optional body-size table, a total and a grade."""

    items: Mapping[str, MeasureSpec]  # pack item name -> how it is fed
    rows: tuple[ThresholdRow, ...]
    points: tuple[int, ...]
    below_first_points: int
    points_max: int
    body_size: BodySizeTable | None
    total: TotalRule
    levels: tuple[Level, ...] = ()
    suspect_rows: tuple[SuspectRow, ...] = ()
    file: str = ""


@dataclass(frozen=True)
class ClassBand:
    """One class of a measure: the half-open interval [min, max) (None = unbounded) for a sex ("*" = both)."""

    group: str
    measure: str
    sex: str
    name: str
    label_en: str
    label_zh: str
    severity: int
    low: Decimal | None
    high: Decimal | None
    flag: str
    line: int

    def contains(self, value: Decimal) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


@dataclass(frozen=True)
class Condition:
    measure: str
    low: Decimal | None  # inclusive
    high: Decimal | None  # exclusive


@dataclass(frozen=True)
class SpecialClass:
    group: str
    name: str
    label_en: str
    label_zh: str
    flag: str
    when: tuple[Condition, ...]


@dataclass(frozen=True)
class ClassGroup:
    name: str
    label_en: str
    label_zh: str
    combine: str  # "highest" (higher severity wins) or "single"
    source: str


@dataclass(frozen=True)
class UrgentRule:
    group: str
    class_name: str
    remeasure_after_min: int
    basis: str


@dataclass(frozen=True)
class ClassScheme:
    measures: Mapping[str, MeasureSpec]
    groups: Mapping[str, ClassGroup]
    bands: tuple[ClassBand, ...]
    special: tuple[SpecialClass, ...]
    urgent: tuple[UrgentRule, ...]
    file: str = ""


@dataclass(frozen=True)
class ScreeningRule:
    flag: str
    measure: str
    sex: str
    age_min: int
    age_max: int
    op: str  # "<", "<=", ">=", ">"
    threshold: Decimal
    basis: str
    line: int

    def fires(self, value: Decimal) -> bool:
        return {"<": value < self.threshold, "<=": value <= self.threshold,
                ">=": value >= self.threshold, ">": value > self.threshold}[self.op]


@dataclass(frozen=True)
class FlagInfo:
    name: str
    label_en: str
    label_zh: str
    advice_en: str = ""
    advice_zh: str = ""


@dataclass(frozen=True)
class ScreeningScheme:
    measures: Mapping[str, MeasureSpec]
    rules: tuple[ScreeningRule, ...]
    flags: Mapping[str, FlagInfo]
    file: str = ""


RANGE_BANDS = ("below", "within", "above")


@dataclass(frozen=True)
class RangeRow:
    """A normal range (both ends inclusive) of one item for one sex and age band.

    ``low`` <= ``high`` numerically; for lower_better items ``low`` is the fast end, so a value under
    ``low`` is *above* the normal range (better than most) and one over ``high`` is *below* it.
    """

    item: str
    sex: str
    age_min: int
    age_max: int
    direction: Direction
    low: Decimal
    high: Decimal
    line: int

    def band(self, value: Decimal) -> str:
        """"below", "within" or "above" the normal range, in the sense of performance (worse / usual / better)."""
        if self.low <= value <= self.high:
            return "within"
        better = value > self.high if self.direction is Direction.HIGHER_BETTER else value < self.low
        return "above" if better else "below"


@dataclass(frozen=True)
class BandText:
    """How a band is said: a short label and a plain-words meaning with {ability} and {group} to fill in."""

    label_en: str
    label_zh: str
    meaning_en: str
    meaning_zh: str


@dataclass(frozen=True)
class RangeScheme:
    measures: Mapping[str, MeasureSpec]
    abilities: Mapping[str, tuple[str, str]]  # measure -> (en, zh) of what it shows ("leg strength")
    rows: tuple[RangeRow, ...]
    bands: Mapping[str, BandText]  # "below" | "within" | "above"
    file: str = ""
    # (item, sex, age_min) -> ((performance percentile, value), …) from the best percentile down; may be empty
    percentiles: Mapping[tuple[str, str, int], tuple[tuple[int, Decimal], ...]] = field(default_factory=dict)
    percentiles_file: str = ""

    def percentile_of(self, row: RangeRow, value: Decimal) -> str | None:
        """The highest performance percentile whose value ``value`` meets or beats ("<5" below the lowest);
        None when the pack has no percentile table for the row. Ties report the highest tied percentile."""
        table = self.percentiles.get((row.item, row.sex, row.age_min))
        if not table:
            return None
        for pct, v in table:
            if (value >= v) if row.direction is Direction.HIGHER_BETTER else (value <= v):
                return str(pct)
        return f"<{table[-1][0]}"


@dataclass(frozen=True)
class PointsBand:
    """A battery measure's points for values in an interval (None bound = unbounded; inclusivity explicit)."""

    component: str
    measure: str
    points: int
    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool
    basis: str
    line: int

    def contains(self, value: Decimal) -> bool:
        above_low = self.low is None or (value >= self.low if self.low_inclusive else value > self.low)
        below_high = self.high is None or (value <= self.high if self.high_inclusive else value < self.high)
        return above_low and below_high


@dataclass(frozen=True)
class BatteryComponent:
    """A part of a battery: its measures in protocol order; ``sequential``: stop at the first one not held fully."""

    name: str
    label_en: str
    label_zh: str
    measures: tuple[str, ...]
    sequential: bool
    points_max: int


@dataclass(frozen=True)
class TotalCategory:
    """A category of the battery total under one named scheme (both ends inclusive)."""

    scheme: str
    total_min: int
    total_max: int
    label_en: str
    label_zh: str
    flag: str
    basis: str
    line: int


@dataclass(frozen=True)
class BatteryScheme:
    measures: Mapping[str, MeasureSpec]
    components: tuple[BatteryComponent, ...]
    bands: tuple[PointsBand, ...]
    total_max: int
    categories: tuple[TotalCategory, ...]
    flags: Mapping[str, FlagInfo]
    file: str = ""
    categories_file: str = ""


@dataclass(frozen=True)
class NormPack:
    """One validated pack: its info and exactly one scheme matching its kind."""

    info: PackInfo
    points: PointsScheme | None = None
    classes: ClassScheme | None = None
    screening: ScreeningScheme | None = None
    ranges: RangeScheme | None = None
    battery: BatteryScheme | None = None
    errata: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class NormSet:
    """The packs a station grades with, in the configured order (the first points pack is the 'national' one)."""

    packs: tuple[NormPack, ...]

    def of_kind(self, kind: PackKind) -> tuple[NormPack, ...]:
        return tuple(p for p in self.packs if p.info.kind is kind)

    def covers_age(self, age_years: int) -> bool:
        return any(p.info.covers_age(age_years) for p in self.packs)

    def age_span(self) -> tuple[int, int]:
        return min(p.info.age_min for p in self.packs), max(p.info.age_max for p in self.packs)

    def names(self) -> tuple[str, ...]:
        return tuple(p.info.name for p in self.packs)


def frozen_map(d: Mapping) -> Mapping:
    return MappingProxyType(dict(d))
