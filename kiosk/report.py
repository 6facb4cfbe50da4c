"""The graded report of one session as frozen values, and its JSON-able form (``Report.to_dict``).

A report holds every item with its trials, graded value, unit, score, level and the packs that graded
it; clinical classes and screening flags; urgent notices; the national standard's total and grade;
the exercise prescription; the trend against the previous session; and the packs used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.instruments.results import QuestionnaireResult
    from kiosk.not_measured import NotMeasuredResult


class PrescriptionPart(Protocol):
    """What the report needs of ``kiosk.prescription.Prescription`` (which is built from a report, so the
    report names it by this shape instead of importing it back)."""

    def to_dict(self) -> dict[str, Any]: ...

REPORT_FORMAT = "kiosk.report/1"


def json_number(value: Decimal | float | int | None) -> float | int | None:
    """A Decimal or float as the plain JSON number a person would write (integers stay integers)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


@dataclass(frozen=True)
class Trial:
    """One trial as measured (canonical unit), with the hand for grip and components for blood pressure."""

    trial: int
    value: float
    taken_at: str
    measurement_id: str
    method: str
    side: str | None = None
    components: tuple[tuple[str, float], ...] = ()
    quality_flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"trial": self.trial, "value": self.value}
        if self.side:
            d["hand"] = self.side
        if self.components:
            d["components"] = dict(self.components)
        d.update(taken_at=self.taken_at, method=self.method, measurement_id=self.measurement_id)
        if self.quality_flags:
            d["quality_flags"] = list(self.quality_flags)
        return d


@dataclass(frozen=True)
class PackScore:
    """What one points pack made of an item: points (None with a reason when it did not score it)."""

    pack: str
    edition: str
    points: int | None
    points_max: int
    table_value: Decimal | None = None  # the graded value at table precision, as looked up
    level_en: str = ""
    level_zh: str = ""
    reason: str = ""
    note_en: str = ""
    note_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"pack": self.pack, "edition": self.edition, "points": self.points,
                             "points_max": self.points_max, "table_value": json_number(self.table_value)}
        if self.points is not None:
            d["level"] = {"en": self.level_en, "zh": self.level_zh}
        if self.reason:
            d["reason"] = self.reason
        if self.note_en:
            d["note"] = {"en": self.note_en, "zh": self.note_zh}
        return d


@dataclass(frozen=True)
class RangeResult:
    """Where a value falls against the normal range of people of the same sex and age band (a ranges pack)."""

    pack: str
    edition: str
    band: str  # "below" | "within" | "above" (performance: worse than usual / usual / better than usual)
    table_value: Decimal
    low: Decimal
    high: Decimal
    direction: str
    sex: str
    age_group: str  # "75–79"
    label_en: str
    label_zh: str
    meaning_en: str
    meaning_zh: str
    percentile: str | None = None  # performance percentile met ("45", "<5"); None without a percentile table

    def to_dict(self) -> dict[str, Any]:
        return {"pack": self.pack, "edition": self.edition, "band": self.band, "percentile": self.percentile,
                "table_value": json_number(self.table_value), "low": json_number(self.low),
                "high": json_number(self.high), "direction": self.direction, "sex": self.sex,
                "age_group": self.age_group, "label": {"en": self.label_en, "zh": self.label_zh},
                "meaning": {"en": self.meaning_en, "zh": self.meaning_zh}}


@dataclass(frozen=True)
class BatteryPart:
    """One component of a battery (SPPB balance, walk, chair stands): points, or None with the reason."""

    name: str
    label_en: str
    label_zh: str
    points: int | None
    points_max: int
    measures: tuple[tuple[str, float | None, int], ...] = ()  # (station item, value at table precision, points)
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": {"en": self.label_en, "zh": self.label_zh}, "points": self.points,
                "points_max": self.points_max, "reason": self.reason,
                "measures": [{"item": i, "table_value": v, "points": p} for i, v, p in self.measures]}


@dataclass(frozen=True)
class BatteryResult:
    """A battery's parts and, when every part was done, its total and the categories the total falls in."""

    pack: str
    edition: str
    title_en: str
    title_zh: str
    parts: tuple[BatteryPart, ...]
    total: int | None
    total_max: int
    categories: tuple[tuple[str, str, str], ...] = ()  # (scheme, en, zh)
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"pack": self.pack, "edition": self.edition, "title": {"en": self.title_en, "zh": self.title_zh},
                "parts": [p.to_dict() for p in self.parts], "total": self.total, "total_max": self.total_max,
                "complete": self.total is not None,
                "categories": [{"scheme": s, "label": {"en": en, "zh": zh}} for s, en, zh in self.categories],
                "missing": list(self.missing)}


@dataclass(frozen=True)
class ItemResult:
    """One item of the report (measured, or derived such as height-standard weight and BMI)."""

    item: str
    label_en: str
    label_zh: str
    unit: str
    best_rule: str
    trials: tuple[Trial, ...]
    graded_value: float | None
    graded_trial: int | None = None
    graded_side: str | None = None
    hand_best: tuple[tuple[str, float], ...] = ()
    components: tuple[tuple[str, float], ...] = ()
    derived_from: tuple[str, ...] = ()
    scores: tuple[PackScore, ...] = ()
    classes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    graded_by: tuple[str, ...] = ()
    coverage_notes: tuple[str, ...] = ()
    norm_range: RangeResult | None = None  # older adults: below / within / above the normal range

    @property
    def score(self) -> PackScore | None:
        """The national standard's result: the first points pack that scored the item, else the first that tried."""
        return next((s for s in self.scores if s.points is not None), self.scores[0] if self.scores else None)

    def to_dict(self) -> dict[str, Any]:
        main = self.score
        d: dict[str, Any] = {
            "item": self.item, "label": {"en": self.label_en, "zh": self.label_zh}, "unit": self.unit,
            "best_rule": self.best_rule, "trials": [t.to_dict() for t in self.trials],
            "graded_value": self.graded_value, "graded_trial": self.graded_trial,
        }
        if self.graded_side:
            d["graded_hand"] = self.graded_side
        if self.hand_best:
            d["best_by_hand"] = dict(self.hand_best)
        if self.components:
            d["components"] = dict(self.components)
        if self.derived_from:
            d["derived_from"] = list(self.derived_from)
        d["score"] = main.points if main else None
        d["score_pack"] = main.pack if main and main.points is not None else None
        d["level"] = {"en": main.level_en, "zh": main.level_zh} if main and main.points is not None else None
        if main is None or main.points is None:
            d["score_reason"] = main.reason if main else "no points standard grades this item"
        d.update(scores=[s.to_dict() for s in self.scores], classes=list(self.classes), flags=list(self.flags),
                 graded_by=list(self.graded_by), coverage=list(self.coverage_notes))
        if self.norm_range is not None:
            d["norm_range"] = self.norm_range.to_dict()
        return d


@dataclass(frozen=True)
class ClassResult:
    """A clinical class of a group (blood pressure, BMI, waist, glucose) and the values that gave it."""

    group: str
    label_en: str
    label_zh: str
    class_name: str
    class_en: str
    class_zh: str
    severity: int
    pack: str
    edition: str
    source: str
    values: tuple[tuple[str, float], ...]
    also: tuple[tuple[str, str, str], ...] = ()  # (class, en, zh) classes holding beside the main one

    def to_dict(self) -> dict[str, Any]:
        return {"class": self.class_name, "label": {"en": self.class_en, "zh": self.class_zh},
                "group_label": {"en": self.label_en, "zh": self.label_zh}, "severity": self.severity,
                "values": dict(self.values), "also": [{"class": c, "label": {"en": en, "zh": zh}}
                                                      for c, en, zh in self.also],
                "pack": self.pack, "edition": self.edition, "source": self.source}


@dataclass(frozen=True)
class Flag:
    """A named flag (hypertension, possible_sarcopenia, fall_risk, …) with every reason it was raised."""

    name: str
    label_en: str
    label_zh: str
    pack: str
    basis: tuple[str, ...]
    items: tuple[str, ...]
    advice_en: str = ""
    advice_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "label": {"en": self.label_en, "zh": self.label_zh},
                             "pack": self.pack, "basis": list(self.basis), "items": list(self.items)}
        if self.advice_en:
            d["advice"] = {"en": self.advice_en, "zh": self.advice_zh}
        return d


@dataclass(frozen=True)
class UrgentNotice:
    code: str
    en: str
    zh: str
    basis: str
    doctor_en: str = ""  # the doctor's words, where they differ from the resident's
    doctor_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": {"en": self.en, "zh": self.zh}, "basis": self.basis}
        if self.doctor_en:
            d["doctor_message"] = {"en": self.doctor_en, "zh": self.doctor_zh}
        return d


@dataclass(frozen=True)
class StandardResult:
    """A points standard's total and overall grade (``grade_level`` None = not rated, with the reasons)."""

    pack: str
    edition: str
    title_en: str
    title_zh: str
    age_group: str
    method: str
    total: Decimal
    max_total: Decimal
    items_counted: tuple[str, ...]
    grade_level: int | None
    grade_en: str
    grade_zh: str
    not_rated_reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"pack": self.pack, "edition": self.edition, "title": {"en": self.title_en, "zh": self.title_zh},
                "age_group": self.age_group, "method": self.method, "total": json_number(self.total),
                "max_total": json_number(self.max_total), "items_counted": list(self.items_counted),
                "rated": self.grade_level is not None, "grade_level": self.grade_level,
                "grade": {"en": self.grade_en, "zh": self.grade_zh}, "not_rated_reasons": list(self.not_rated_reasons)}


@dataclass(frozen=True)
class TrendEntry:
    """Change of one item since the previous session; ``assessment`` follows the item's direction or class."""

    item: str
    previous_value: float
    current_value: float
    delta: float
    change: str  # "up" | "down" | "same"
    assessment: str | None  # "better" | "worse" | "same" | None when the item has no better direction
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "previous": self.previous_value, "current": self.current_value,
                "delta": self.delta, "change": self.change, "assessment": self.assessment, "basis": self.basis}


@dataclass(frozen=True)
class Report:
    """The graded report of one session (frozen; ``to_dict`` gives the JSON form documented in docs/grade-format.md)."""

    report_id: str
    session_id: str
    station_id: str
    test_date: str
    generated_at: str
    age_years: int
    sex: str
    items: tuple[ItemResult, ...]
    classes: tuple[ClassResult, ...]
    flags: tuple[Flag, ...]
    urgent_notices: tuple[UrgentNotice, ...]
    standards: tuple[StandardResult, ...]
    packs: tuple[Mapping[str, str], ...]
    exertion_tests_allowed: bool
    needs_doctor_review: bool
    prescription: PrescriptionPart | None = None
    trend: tuple[TrendEntry, ...] = ()
    previous_test_date: str | None = None
    notes: tuple[str, ...] = field(default=())
    not_measured: tuple[NotMeasuredResult, ...] = ()  # tried, no valid result: shown, never graded
    batteries: tuple[BatteryResult, ...] = ()  # SPPB: parts, and the total when every part was done
    questionnaires: tuple[QuestionnaireResult, ...] = ()  # self-assessment questionnaires (stopped ones unscored)

    def item(self, name: str) -> ItemResult | None:
        return next((i for i in self.items if i.item == name), None)

    def flag_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.flags)

    def class_of(self, group: str) -> ClassResult | None:
        return next((c for c in self.classes if c.group == group), None)

    def to_dict(self) -> dict[str, Any]:
        national = self.standards[0] if self.standards else None
        return {
            "format": REPORT_FORMAT,
            "report_id": self.report_id, "session_id": self.session_id, "station_id": self.station_id,
            "test_date": self.test_date, "generated_at": self.generated_at,
            "age_years": self.age_years, "sex": self.sex,
            "items": [i.to_dict() for i in self.items],
            "not_measured": [n.to_dict() for n in self.not_measured],
            "classes": {c.group: c.to_dict() for c in self.classes},
            "flags": [f.to_dict() for f in self.flags],
            "urgent_notices": [u.to_dict() for u in self.urgent_notices],
            "national_total": json_number(national.total) if national else None,
            "national_grade": ({"level": national.grade_level, "en": national.grade_en, "zh": national.grade_zh}
                               if national else None),
            "standards": [s.to_dict() for s in self.standards],
            "exertion_tests_allowed": self.exertion_tests_allowed,
            "needs_doctor_review": self.needs_doctor_review,
            "prescription": self.prescription.to_dict() if self.prescription else None,
            "trend": {"previous_test_date": self.previous_test_date, "items": [t.to_dict() for t in self.trend]},
            "packs": [dict(p) for p in self.packs],
            "notes": list(self.notes),
            "batteries": [b.to_dict() for b in self.batteries],
            "questionnaires": [q.to_dict() for q in self.questionnaires],
        }
