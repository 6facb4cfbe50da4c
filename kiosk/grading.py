"""Grading a session: best trials, national-standard points, clinical classes, screening flags, report.

``grade_session(session, norms, previous=None) -> Report`` is pure: no I/O, the same session and
packs give the same content (only ``report_id`` and ``generated_at`` differ unless passed in).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from kiosk.domain import ITEMS, Session, completed_years, utcnow
from kiosk.errors import InputError
from kiosk.grading_clinical import ClinicalOutcome, apply_classes, apply_screening
from kiosk.grading_older import apply_ranges, score_battery
from kiosk.grading_points import PointsOutcome, score_points_pack
from kiosk.instruments.results import FLAG_WORDS, QuestionnaireResult, questionnaire_result
from kiosk.logs import log_event
from kiosk.norms import model as m
from kiosk.norms.scoring import PointsIndex
from kiosk.not_measured import not_measured_results
from kiosk.prescription import prescribe
from kiosk.report import ItemResult, PackScore, RangeResult, Report, Trial, UrgentNotice
from kiosk.trend import compute_trend
from kiosk.trials import ItemTrials, group_trials

log = logging.getLogger("kiosk.grading")

_INDEXES: dict[int, tuple[m.NormPack, PointsIndex]] = {}
ITEM_ORDER = {name: i for i, name in enumerate(ITEMS)}
DERIVED_BMI = ("bmi", "Body mass index", "体重指数", "kg/m2")


def _index(pack: m.NormPack) -> PointsIndex:
    hit = _INDEXES.get(id(pack))
    if hit is None or hit[0] is not pack:
        assert pack.points is not None
        hit = (pack, PointsIndex(pack.points))
        _INDEXES[id(pack)] = hit
    return hit[1]


def resident_age(session: Session, norms: m.NormSet) -> tuple[str, int]:
    """Sex and completed years on the test date, or an InputError naming the field."""
    r = session.resident
    if r.sex is None:
        raise InputError("the resident's sex is needed to grade (M or F)", field="resident.sex")
    if r.birth_date is None:
        raise InputError("the resident's birth date is needed to grade", field="resident.birth_date")
    if r.birth_date > session.test_date:
        raise InputError(f"birth date {r.birth_date} is after the test date {session.test_date}",
                         field="resident.birth_date")
    age = completed_years(r.birth_date, session.test_date)
    if not norms.covers_age(age):
        spans = "; ".join(f"{p.info.name} {p.info.age_min}–{p.info.age_max}" for p in norms.packs)
        raise InputError(f"age {age} on {session.test_date} is outside every norm pack ({spans})",
                         field="resident.birth_date")
    return r.sex.value, age


def _trial_view(t: Any) -> Trial:
    spec = ITEMS[t.item]
    comps = tuple((k, float(v)) for k, v in t.components.items())
    return Trial(t.trial, round(t.value, spec.decimals), t.taken_at.isoformat(), str(t.id), t.method.value,
                 t.side.value if t.side else None, comps, tuple(sorted(t.quality_flags)))


def _item_result(name: str, tr: ItemTrials, outcomes: list[PointsOutcome], clin: ClinicalOutcome,
                 age: int, norm_range: RangeResult | None = None) -> ItemResult:
    spec = ITEMS[name]
    scores = tuple(o.scores[name] for o in outcomes if name in o.scores)
    graded_by = [s.pack for s in scores if s.points is not None]
    graded_by += [f"{o.body_size.pack} (via height_standard_weight)" for o in outcomes
                  if name in o.body_size_inputs and o.body_size is not None and o.body_size.points is not None]
    graded_by += clin.graded_items.get(name, [])
    notes = [s.reason for s in scores if s.points is None and s.reason] + clin.coverage.get(name, [])
    if not graded_by:
        notes.append(f"no loaded norm pack grades {name} at age {age}")
    g = tr.graded
    return ItemResult(
        name, spec.label_en, spec.label_zh, spec.unit.symbol, spec.best.value, tuple(_trial_view(t) for t in tr.trials),
        round(g.value, spec.decimals), g.trial, g.side.value if g.side else None,
        tuple(sorted(tr.best_by_hand().items())), tuple((k, float(v)) for k, v in g.components.items()), (),
        scores, tuple(clin.item_classes.get(name, [])), tuple(clin.item_flags.get(name, [])),
        tuple(dict.fromkeys(graded_by)), tuple(dict.fromkeys(notes)), norm_range)


def _derived_items(outcomes: list[PointsOutcome], packs: list[m.NormPack], clin: ClinicalOutcome,
                   trials: dict[str, ItemTrials]) -> list[ItemResult]:
    out = []
    body = [(o, p) for o, p in zip(outcomes, packs, strict=True) if o.body_size is not None]
    if body:
        p = body[0][1]
        assert p.points is not None and p.points.body_size is not None
        b = p.points.body_size
        w = trials.get(b.value_item)
        scores: tuple[PackScore, ...] = tuple(x.body_size for x, _ in body if x.body_size is not None)
        out.append(ItemResult(b.name, b.label_en, b.label_zh, b.value_unit, "derived", (),
                              round(w.graded_value, 1) if w else None, derived_from=(b.key_item, b.value_item),
                              scores=scores, graded_by=tuple(s.pack for s in scores if s.points is not None),
                              coverage_notes=tuple(s.reason for s in scores if s.reason)))
    if "bmi" in clin.derived:
        name, en, zh, unit = DERIVED_BMI
        out.append(ItemResult(name, en, zh, unit, "derived", (), float(clin.derived["bmi"]),
                              derived_from=("height", "weight"), classes=tuple(clin.item_classes.get("bmi", [])),
                              flags=tuple(clin.item_flags.get("bmi", [])), graded_by=tuple(clin.graded_items["bmi"])))
    return out


# A fever or a resting SpO2 in the hypoxaemia range stops the exertion tests for the day (ACSM's Guidelines for
# Exercise Testing and Prescription: an acute febrile illness is a contraindication to exercise testing; SpO2
# below 90 % at rest is, by the WHO pulse-oximetry manual, a clinical emergency).
VITAL_STOP_FLAGS = frozenset({"hypoxaemia", "fever", "high_fever"})


def vitals_stop_exertion(session: Session, norms: m.NormSet) -> frozenset[str]:
    """The flags among ``VITAL_STOP_FLAGS`` that the session's measurements so far raise (empty: go on)."""
    return VITAL_STOP_FLAGS & frozenset(grade_session(session, norms).flag_names())


def _needs_review(clin: ClinicalOutcome, bp: Any, safety_yes: bool) -> bool:
    """Flag for the doctor: BP grade 3 twice or grade 2+, a safety "yes", diabetes-range glucose, possible sarcopenia,
    SpO2 in the hypoxaemia range, a fever.

    AWGS 2019 advises a doctor's review for possible sarcopenia; the others are safety or diagnostic follow-ups.
    """
    return (clin.needs_doctor_review or safety_yes or (bp is not None and bp.severity >= 3)
            or bool({"diabetes_range_glucose", "possible_sarcopenia", "hypoxaemia", "fever", "high_fever"}
                    & set(clin.flags)))


def _questionnaires(session: Session, clin: ClinicalOutcome) -> tuple[tuple[QuestionnaireResult, ...],
                                                                       list[UrgentNotice]]:
    """Score the session's questionnaires; their station flags join the screening flags, each with its basis."""
    results = tuple(questionnaire_result(r) for r in session.questionnaires)
    urgent = []
    for q in results:
        for (code, msg, basis), doc in zip(q.urgent, q.urgent_doctor or [None] * len(q.urgent), strict=True):
            urgent.append(UrgentNotice(code, msg.en or "", msg.zh or "", basis, doc.en or "" if doc else "",
                                       doc.zh or "" if doc else ""))
        for flag, basis in (q.score.flags if q.score else ()):
            en, zh, adv_en, adv_zh = FLAG_WORDS[flag]
            source = f"questionnaire:{q.instrument.id}"
            clin.add_flag(flag, en, zh, source, f"{basis} ({q.instrument.title.en})", [source], (adv_en, adv_zh))
    return results, urgent


def grade_session(session: Session, norms: m.NormSet, previous: Mapping[str, Any] | None = None, *,
                  report_id: str | None = None, generated_at: datetime | None = None) -> Report:
    """Grade ``session`` against ``norms``; ``previous`` (a previous report's ``to_dict()``) gives the trend.

    Raises InputError (naming the field) when the resident's sex, birth date or age cannot be graded.
    """
    sex, age = resident_age(session, norms)
    for i, meas in enumerate(session.measurements):
        if meas.item not in ITEMS:
            raise InputError(f"unknown item {meas.item!r}", field=f"measurements[{i}].item")
    trials = dict(sorted(group_trials(session.measurements).items(), key=lambda kv: ITEM_ORDER[kv[0]]))
    points_packs = list(norms.of_kind(m.PackKind.POINTS))
    outcomes = [score_points_pack(p, _index(p), sex, age, trials) for p in points_packs]
    clin = ClinicalOutcome()
    for p in norms.of_kind(m.PackKind.CLASSES):
        apply_classes(p, sex, age, trials, clin)
    for p in norms.of_kind(m.PackKind.SCREENING):
        apply_screening(p, sex, age, trials, clin)
    ranges: dict[str, RangeResult] = {}
    for p in norms.of_kind(m.PackKind.RANGES):
        for item, result in apply_ranges(p, sex, age, trials, clin).items():
            ranges.setdefault(item, result)
    batteries = tuple(b for p in norms.of_kind(m.PackKind.BATTERY)
                      if (b := score_battery(p, sex, age, trials, clin)) is not None)
    questionnaires, q_urgent = _questionnaires(session, clin)
    items = [_item_result(n, tr, outcomes, clin, age, ranges.get(n)) for n, tr in trials.items()]
    items += _derived_items(outcomes, points_packs, clin, trials)
    bp = next((c for c in clin.classes if c.group == "blood_pressure"), None)
    safety_yes = bool(session.safety and not session.safety.exertion_allowed)
    exertion_ok = not safety_yes and not (bp is not None and bp.severity >= 3) and not clin.urgent \
        and not (VITAL_STOP_FLAGS & set(clin.flags))
    standards = tuple(o.standard for o in outcomes if o.standard is not None)
    notes = []
    if not standards:
        notes.append(f"No points standard covers age {age}: items are graded by the clinical, screening and "
                     "older-adult packs only, and no overall grade is given.")
    prev_date = str(previous["test_date"]) if previous and previous.get("test_date") is not None else None
    report = Report(
        report_id=report_id or str(uuid.uuid4()), session_id=str(session.id), station_id=session.station_id,
        test_date=session.test_date.isoformat(), generated_at=(generated_at or utcnow()).isoformat(),
        age_years=age, sex=sex, items=tuple(items), classes=tuple(clin.classes), flags=tuple(clin.flag_values()),
        urgent_notices=(*clin.urgent, *q_urgent), standards=standards,
        packs=tuple(MappingProxyType({**p.info.ref(), "source": p.info.source, "validity": p.info.validity})
                    for p in norms.packs),
        exertion_tests_allowed=exertion_ok,
        needs_doctor_review=_needs_review(clin, bp, safety_yes) or any(q.doctor_flag for q in questionnaires),
        trend=compute_trend(items, clin.classes, previous), previous_test_date=prev_date, notes=tuple(notes),
        not_measured=not_measured_results(session), batteries=batteries, questionnaires=questionnaires)
    report = replace(report, prescription=prescribe(report, session))
    log_event(log, logging.DEBUG, "session graded", session_id=str(session.id), items=len(items),
              flags=",".join(report.flag_names()), urgent=len(report.urgent_notices))
    return report
