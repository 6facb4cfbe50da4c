"""Clinical classes (BP, BMI, waist, glucose), screening flags (sarcopenia, fall risk) and the grade-3 BP rule.

Values are taken from the graded trials, rounded to each measure's table precision, then classed
against the pack's intervals; where a group combines measures (blood pressure) the higher class wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from kiosk.domain import Measurement
from kiosk.norms import model as m
from kiosk.norms.scoring import to_table_precision
from kiosk.report import ClassResult, Flag, UrgentNotice
from kiosk.trials import ItemTrials


@dataclass
class ClinicalOutcome:
    classes: list[ClassResult] = field(default_factory=list)
    flags: dict[str, dict] = field(default_factory=dict)  # name -> {label, pack, basis[], items[], advice}
    urgent: list[UrgentNotice] = field(default_factory=list)
    item_classes: dict[str, list[str]] = field(default_factory=dict)
    item_flags: dict[str, list[str]] = field(default_factory=dict)
    graded_items: dict[str, list[str]] = field(default_factory=dict)  # station item -> packs that looked at it
    coverage: dict[str, list[str]] = field(default_factory=dict)
    needs_doctor_review: bool = False
    derived: dict[str, Decimal] = field(default_factory=dict)  # e.g. {"bmi": Decimal("25.3")}

    def add_flag(self, name: str, en: str, zh: str, pack: str, basis: str, items: list[str],
                 advice: tuple[str, str] = ("", "")) -> None:
        f = self.flags.setdefault(name, {"en": en, "zh": zh, "pack": pack, "basis": [], "items": [],
                                         "advice": advice})
        if basis not in f["basis"]:
            f["basis"].append(basis)
        for it in items:
            if it not in f["items"]:
                f["items"].append(it)
            self.item_flags.setdefault(it, [])
            if name not in self.item_flags[it]:
                self.item_flags[it].append(name)

    def touched(self, item: str, pack: str) -> None:
        packs = self.graded_items.setdefault(item, [])
        if pack not in packs:
            packs.append(pack)

    def flag_values(self) -> list[Flag]:
        return [Flag(n, f["en"], f["zh"], f["pack"], tuple(f["basis"]), tuple(f["items"]), *f["advice"])
                for n, f in self.flags.items()]


def bmi_kg_m2(height_cm: float, weight_kg: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def _value_reader(spec: m.MeasureSpec, trials: dict[str, ItemTrials]) -> Callable[[Measurement], float] | None:
    if spec.derived == "bmi":
        return None
    if spec.component:
        return lambda t: t.components.get(spec.component, t.value if spec.component == "systolic" else float("nan"))
    return lambda t: t.value


def measure_value(spec: m.MeasureSpec, trials: dict[str, ItemTrials]) -> tuple[Decimal, list[str]] | None:
    """The measure's value at table precision from the graded trials, and the station items it came from."""
    if spec.derived == "bmi":
        h, w = trials.get("height"), trials.get("weight")
        if h is None or w is None:
            return None
        return to_table_precision(bmi_kg_m2(h.graded_value, w.graded_value), spec.precision), ["height", "weight"]
    t = trials.get(spec.station_item) if spec.station_item else None
    if t is None:
        return None
    read = _value_reader(spec, trials)
    assert read is not None
    raw = read(t.graded)
    if raw != raw:  # a component the reading lacks
        return None
    return to_table_precision(raw, spec.precision, spec.rounding), [spec.station_item]


def _band(scheme: m.ClassScheme, measure: str, sex: str, value: Decimal) -> m.ClassBand | None:
    return next((b for b in scheme.bands if b.measure == measure and b.sex in (sex, "*") and b.contains(value)), None)


def apply_classes(pack: m.NormPack, sex: str, age: int, trials: dict[str, ItemTrials], out: ClinicalOutcome) -> None:
    """Class every group the session has values for; add flags, specials and the urgent rule."""
    c, info = pack.classes, pack.info
    assert c is not None
    relevant = {s.station_item for s in c.measures.values() if s.station_item} | {"height", "weight"}
    if not info.covers_age(age):
        for it in trials:
            if it in relevant:
                out.coverage.setdefault(it, []).append(f"{info.name} covers ages {info.age_min}–{info.age_max}")
        return
    values: dict[str, Decimal] = {}
    for name, spec in c.measures.items():
        got = measure_value(spec, trials)
        if got is not None:
            values[name] = got[0]
            if spec.derived:
                out.derived[spec.derived] = got[0]
    in_group = {(b.group, b.measure) for b in c.bands}
    for group in c.groups.values():
        bands = [(mname, _band(c, mname, sex, v)) for mname, v in values.items() if (group.name, mname) in in_group]
        bands = [(mname, b) for mname, b in bands if b is not None]
        if not bands:
            continue
        main = max(bands, key=lambda mb: mb[1].severity)[1]
        items = sorted({it for mname, _ in bands for it in _items_of(c.measures[mname])})
        also = []
        for sp in c.special:
            if sp.group == group.name and all(_holds(cond, values) for cond in sp.when):
                also.append((sp.name, sp.label_en, sp.label_zh))
                if sp.flag:
                    out.add_flag(sp.flag, sp.label_en, sp.label_zh, info.name, f"{group.source}: {sp.label_en}", items)
        out.classes.append(ClassResult(group.name, group.label_en, group.label_zh, main.name, main.label_en,
                                       main.label_zh, main.severity, info.name, info.edition, group.source,
                                       tuple((mn, float(values[mn])) for mn, _ in bands), tuple(also)))
        for it in items:
            out.touched(it, info.name)
            out.item_classes.setdefault(it, []).append(main.name)
        for mname, _ in bands:
            if c.measures[mname].derived == "bmi":
                out.touched("height", f"{info.name} (via bmi)")
                out.touched("weight", f"{info.name} (via bmi)")
        if main.flag:
            vals = ", ".join(f"{mn} {values[mn]}" for mn, _ in bands)
            out.add_flag(main.flag, main.label_en, main.label_zh, info.name,
                         f"{group.source}: {main.label_en} ({vals})", items)
    for rule in c.urgent:
        _urgent(rule, c, sex, trials, out, info.name)


def _items_of(spec: m.MeasureSpec) -> list[str]:
    """Report items a measure's class and flags belong to (a derived measure is its own report item)."""
    return [spec.derived] if spec.derived else [spec.station_item]


def _holds(cond: m.Condition, values: dict[str, Decimal]) -> bool:
    v = values.get(cond.measure)
    return v is not None and (cond.low is None or v >= cond.low) and (cond.high is None or v < cond.high)


def _reading_class(c: m.ClassScheme, group: str, sex: str, reading: Measurement) -> m.ClassBand | None:
    worst = None
    for name, spec in c.measures.items():
        if spec.station_item != reading.item or not any(b.group == group and b.measure == name for b in c.bands):
            continue
        raw = reading.components.get(spec.component, reading.value) if spec.component else reading.value
        band = _band(c, name, sex, to_table_precision(raw, spec.precision, spec.rounding))
        if band is not None and (worst is None or band.severity > worst.severity):
            worst = band
    return worst


def _urgent(rule: m.UrgentRule, c: m.ClassScheme, sex: str, trials: dict[str, ItemTrials], out: ClinicalOutcome,
            pack: str) -> None:
    """Station rule: one reading in the urgent class → re-measure after rest; two in a row → see a doctor today."""
    station_items = {s.station_item for n, s in c.measures.items()
                     if s.station_item and any(b.group == rule.group and b.measure == n for b in c.bands)}
    for item in station_items:
        t = trials.get(item)
        if t is None:
            continue
        run = 0
        for reading in reversed(t.trials):
            band = _reading_class(c, rule.group, sex, reading)
            if band is None or band.name != rule.class_name:
                break
            run += 1
        if run >= 2:
            out.urgent.append(UrgentNotice(
                "see_doctor_today",
                f"Your blood pressure is very high ({rule.class_name.replace('_', ' ')}) on {run} readings. "
                "Please see a doctor today. Do not exercise today.",
                "您的血压多次测量均很高（3级高血压），请今天就医，今天不要运动。", rule.basis))
            out.needs_doctor_review = True
            out.add_flag("see_doctor_today", "See a doctor today", "请今天就医", pack, rule.basis, [item])
        elif run == 1:
            out.urgent.append(UrgentNotice(
                "remeasure_after_rest",
                f"Your blood pressure reading is very high. Please sit quietly for {rule.remeasure_after_min} "
                "minutes and measure again.",
                f"您的血压读数很高。请安静坐{rule.remeasure_after_min}分钟后再测一次。", rule.basis))
            out.add_flag("remeasure_required", "Re-measure required", "需要复测", pack, rule.basis, [item])


def apply_screening(pack: m.NormPack, sex: str, age: int, trials: dict[str, ItemTrials], out: ClinicalOutcome) -> None:
    """Raise the screening flags whose rule covers this sex and age and whose condition holds."""
    s, info = pack.screening, pack.info
    assert s is not None
    for mname, spec in s.measures.items():
        t = trials.get(spec.station_item)
        if t is None:
            continue
        if not info.covers_age(age):
            out.coverage.setdefault(spec.station_item, []).append(
                f"{info.name} covers ages {info.age_min}–{info.age_max}, not {age}")
            continue
        rules = [r for r in s.rules if r.measure == mname and r.sex in (sex, "*") and r.age_min <= age <= r.age_max]
        uncovered = {r.flag for r in s.rules if r.measure == mname} - {r.flag for r in rules}
        for flag in sorted(uncovered):
            out.coverage.setdefault(spec.station_item, []).append(
                f"{info.name} has no {flag} rule for {spec.station_item} at age {age}")
        if not rules:
            continue
        out.touched(spec.station_item, info.name)
        value = to_table_precision(t.graded_value, spec.precision, spec.rounding)
        for r in rules:
            if r.fires(value):
                f = s.flags[r.flag]
                out.add_flag(r.flag, f.label_en, f.label_zh, info.name,
                             f"{r.basis} (value {value} {spec.unit})", [spec.station_item], (f.advice_en, f.advice_zh))
