"""Exercise prescription by FITT (frequency, intensity, time, type) from a graded session, and doctors' changes.

Each rule states its basis in one line; the prescription records which rules fired. Safety rules
come first: a "yes" in the safety screen or blood pressure at grade 2 or higher stops exertion tests
today and asks for a doctor before vigorous exercise. A doctor's change is kept beside the original.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.domain import Session
from kiosk.errors import InputError
from kiosk.prescription_vivifrail import SOURCE as VIVIFRAIL_SOURCE
from kiosk.prescription_vivifrail import VIVIFRAIL_MIN_AGE, VivifrailLevel, vivifrail_level
from kiosk.prescription_vivifrail import advice as vivifrail_advice
from kiosk.report import Report

FITT = ("frequency", "intensity", "time", "type")


@dataclass(frozen=True)
class Line:
    """One piece of advice for one FITT field, from one rule."""

    field: str
    en: str
    zh: str
    rule: str


@dataclass(frozen=True)
class Prescription:
    """The FITT prescription; each field joins the lines of the rules that fired, in rule order."""

    lines: tuple[Line, ...]
    rules_fired: tuple[tuple[str, str], ...]  # (rule id, basis)
    exertion_tests_allowed: bool
    see_doctor_before_vigorous: bool
    cautions: tuple[tuple[str, str], ...] = ()  # (en, zh)

    def text(self, fitt_field: str, lang: str = "en") -> str:
        return " ".join(getattr(ln, lang) for ln in self.lines if ln.field == fitt_field)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {f: {"en": self.text(f, "en"), "zh": self.text(f, "zh")} for f in FITT}
        d.update(lines=[{"field": ln.field, "en": ln.en, "zh": ln.zh, "rule": ln.rule} for ln in self.lines],
                 rules_fired=[{"rule": r, "basis": b} for r, b in self.rules_fired],
                 exertion_tests_allowed=self.exertion_tests_allowed,
                 see_doctor_before_vigorous=self.see_doctor_before_vigorous,
                 cautions=[{"en": en, "zh": zh} for en, zh in self.cautions])
        return d


@dataclass(frozen=True)
class Context:
    """What the rules look at: age, flags, class severities, national points and the safety answers."""

    age: int
    flags: frozenset[str]
    class_severity: Mapping[str, int]
    points: Mapping[str, int]  # station item -> national points (scored items only)
    safety_yes: tuple[str, ...]
    exertion_allowed: bool
    vivifrail: VivifrailLevel | None = None  # older adults: the programme level from SPPB / gait speed


@dataclass(frozen=True)
class Rule:
    id: str
    basis: str
    applies: Callable[[Context], bool]
    advice: Callable[[Context], list[tuple[str, str, str]]]  # (field or "caution", en, zh)
    stops_exertion: bool = False


def _hr_range(age: int) -> tuple[int, int]:
    hr_max = 220 - age
    return round(hr_max * 0.64), round(hr_max * 0.76)


def _moderate(c: Context) -> list[tuple[str, str, str]]:
    lo, hi = _hr_range(c.age)
    return [("intensity", f"Moderate: you can talk but not sing; heart rate about {lo}–{hi}/min "
                          f"(64–76 % of 220 − age).",
             f"中等强度：能说话但不能唱歌；心率约{lo}–{hi}次/分（(220−年龄)的64–76%）。")]


def _points_at_most(item: str, limit: int) -> Callable[[Context], bool]:
    return lambda c: item in c.points and c.points[item] <= limit


def _vivifrail(level: str) -> Rule:
    """Vivifrail programme ``level`` (its "+" variant included) for a resident aged 70+ cleared to exercise."""
    spans = {"A": "SPPB 0–3 or < 0.5 m/s", "B": "SPPB 4–6 or 0.5–0.8 m/s", "C": "SPPB 7–9 or 0.9–1.0 m/s",
             "D": "SPPB 10–12 or > 1.0 m/s"}
    plus = f"; {level}+ if TUG >= 20 s or < 0.8 m/s" if level in ("B", "C") else ""
    return Rule(f"vivifrail_{level}", f"{VIVIFRAIL_SOURCE}: {level} for {spans[level]}{plus}.",
                lambda c: c.exertion_allowed and c.vivifrail is not None and c.vivifrail.level == level,
                lambda c: vivifrail_advice(c.vivifrail) if c.vivifrail else [])


def _general_older_adult(c: Context) -> bool:
    """WHO multicomponent advice, unless a Vivifrail programme for frailty (A–C) replaces it."""
    return c.exertion_allowed and c.age >= 65 and (c.vivifrail is None or c.vivifrail.level == "D")


RULES: tuple[Rule, ...] = (
    Rule("safety_screen_yes",
         "PAR-Q+/ACSM pre-participation screening: a 'yes' needs medical clearance before vigorous exercise.",
         lambda c: bool(c.safety_yes),
         lambda c: [("caution", "You answered 'yes' in the safety questions: no exertion tests today; see a doctor "
                                "before vigorous exercise.",
                      "您在安全问卷中回答了“是”：今天不做运动测试；进行剧烈运动前请先看医生。")],
         stops_exertion=True),
    Rule("bp_grade_2_or_higher",
         "2018 Chinese hypertension guideline / ACSM: BP ≥ 160/100 mmHg must be controlled before exercise testing "
         "or vigorous exercise.",
         lambda c: c.class_severity.get("blood_pressure", 0) >= 3,
         lambda c: [("caution", "Your blood pressure is high (grade 2 or higher): no exertion tests today; see a "
                                "doctor before vigorous exercise.",
                      "您的血压较高（2级及以上）：今天不做运动测试；进行剧烈运动前请先看医生。")],
         stops_exertion=True),
    Rule("bp_grade_3_rest_today",
         "Station rule on grade-3 blood pressure (clinical-cutoffs): no exercise today; see a doctor first.",
         lambda c: c.class_severity.get("blood_pressure", 0) >= 4,
         lambda c: [("caution", "Your blood pressure is very high: do not exercise today; see a doctor first.",
                     "您的血压很高：今天不要运动，请先看医生。")],
         stops_exertion=True),
    Rule("light_activity_until_cleared",
         "ACSM 2021: until medically cleared, light-intensity activity only.",
         lambda c: not c.exertion_allowed,
         lambda c: [("frequency", "Daily.", "每天。"),
                    ("intensity", "Light only: breathing hardly changes.", "仅低强度：呼吸几乎不加快。"),
                    ("time", "10–20 minutes.", "10–20分钟。"),
                    ("type", "Easy walking; nothing strenuous until a doctor has seen you.",
                     "轻松散步；医生看过之前不做剧烈运动。")]),
    Rule("aerobic_adult",
         "WHO 2020 guidelines: adults 150–300 min/week moderate aerobic activity plus muscle-strengthening ≥ 2 days.",
         lambda c: c.exertion_allowed and c.age < 65,
         lambda c: [("frequency", "Aerobic exercise 5 days a week; muscle-strengthening on 2 of them.",
                     "有氧运动每周5天，其中2天加做肌肉力量练习。"), *_moderate(c),
                    ("time", "30–60 minutes a day (150–300 minutes a week).", "每天30–60分钟（每周150–300分钟）。"),
                    ("type", "Brisk walking, cycling, swimming or dancing; body-weight strength exercises.",
                     "快走、骑车、游泳或跳舞；自重力量练习。")]),
    Rule("multicomponent_older_adult",
         "WHO 2020 guidelines: older adults 150 min/week moderate aerobic, plus balance and strength ≥ 3 days/week.",
         _general_older_adult,
         lambda c: [("frequency", "Aerobic 5 days a week; balance and strength on 3 of them.",
                     "有氧运动每周5天，其中3天加做平衡和力量练习。"), *_moderate(c),
                    ("time", "30 minutes a day, in bouts of 10 minutes if easier.", "每天30分钟，可分成每次10分钟。"),
                    ("type", "Brisk walking, tai chi, square dancing.", "快走、太极拳、广场舞。")]),
    *(_vivifrail(level) for level in "ABCD"),
    Rule("resistance_for_low_strength",
         "AWGS 2019: possible sarcopenia or SARC-F ≥ 4 → resistance training; ICFSR 2019: resistance for frailty; "
         "ACSM: strength ≥ 2 days/week.",
         lambda c: bool(c.flags & {"possible_sarcopenia", "sarcopenia_risk", "frailty"})
         or _points_at_most("grip", 2)(c),
         lambda c: [("frequency", "Strength training 2–3 days a week (not on consecutive days).",
                     "力量训练每周2–3天（不连续两天）。"),
                    ("intensity", "Strength: 8–12 repetitions that feel somewhat hard, 1–3 sets.",
                     "力量练习：每组8–12次，感觉有点吃力，1–3组。"),
                    ("type", "Resistance training: sit-to-stand from a chair, wall push-ups, elastic bands, "
                             "squeezing a soft ball.", "抗阻训练：椅子坐站、推墙俯卧撑、弹力带、握软球。")]
         if c.exertion_allowed else
         [("caution", "Strength training is advised once a doctor has cleared you.",
           "医生同意后，建议进行力量训练。")]),
    Rule("balance_for_fall_risk",
         "WHO 2020 (older adults: balance ≥ 3 days/week); CDC STEADI: balance and strength lower fall risk (tests or "
         "the STEADI self-check).",
         lambda c: "fall_risk" in c.flags,
         lambda c: [("frequency", "Balance practice at least 3 days a week.", "平衡练习每周至少3天。"),
                    ("time", "Balance: 10–20 minutes a session.", "平衡练习：每次10–20分钟。"),
                    ("type", "Balance training next to a sturdy support: heel-to-toe stand, single-leg stand, "
                             "tai chi.", "在牢固支撑物旁做平衡练习：脚跟对脚尖站、单脚站、太极拳。")]),
    Rule("leg_strength_for_fall_risk_and_low_activity",
         "WHO 2020: inactive older adults at risk of falls need multicomponent balance and strength training; CDC "
         "STEADI: leg strength.",
         lambda c: {"fall_risk", "low_activity"} <= c.flags,
         lambda c: [("frequency", "Leg-strength practice 3 days a week, with the balance practice.",
                     "下肢力量练习每周3天，与平衡练习一起做。"),
                    ("type", "Leg strength: sit-to-stand from a chair, heel raises holding a support.",
                     "下肢力量：椅子坐站、扶着支撑物踮脚跟。")]
         if c.exertion_allowed else
         [("caution", "Leg-strength and balance practice is advised once a doctor has cleared you.",
           "医生同意后，建议进行下肢力量和平衡练习。")]),
    Rule("start_small_for_low_activity",
         "WHO 2020: some activity is better than none; start small and build up to 150 min/week (IPAQ-SF low).",
         lambda c: "low_activity" in c.flags and c.exertion_allowed,
         lambda c: [("time", "You are not very active now: start with 10 minutes at a time and add a little each "
                             "week.", "您目前活动较少：从每次10分钟开始，每周增加一点。")]),
    Rule("flexibility_for_low_reach",
         "ACSM: flexibility exercise ≥ 2–3 days/week, each stretch held 10–30 s.",
         _points_at_most("sit_and_reach", 2),
         lambda c: [("frequency", "Stretching on most days.", "多数日子做拉伸。"),
                    ("time", "Stretching: hold each stretch 10–30 seconds, 2–4 times.",
                     "拉伸：每个动作保持10–30秒，重复2–4次。"),
                    ("type", "Stretches for the back of the legs and the lower back.", "大腿后侧和腰背部拉伸。")]),
    Rule("gradual_aerobic_for_low_fitness",
         "ACSM progression: low cardiorespiratory fitness starts light-to-moderate and adds about 5 min a week.",
         lambda c: c.exertion_allowed and (_points_at_most("vital_capacity", 2)(c)
                                           or _points_at_most("step_index", 2)(c)),
         lambda c: [("time", "Start with 15–20 minutes and add about 5 minutes a week.",
                     "从15–20分钟开始，每周增加约5分钟。")]),
    Rule("weight_management",
         "WHO 2020: up to 300 min/week for more benefit; WS/T 428-2013 overweight/obesity/central obesity.",
         lambda c: bool(c.flags & {"overweight", "obesity", "central_obesity"}),
         lambda c: [("time", "Work up towards 300 minutes a week of aerobic activity; sit less.",
                     "逐步增加到每周300分钟有氧运动；减少久坐。")]),
    Rule("hypertension_grade_1_care",
         "2018 Chinese hypertension guideline: moderate aerobic exercise 30 min, 5–7 days/week; avoid breath-holding.",
         lambda c: c.class_severity.get("blood_pressure", 0) == 2,
         lambda c: [("caution", "Breathe out on effort and never hold your breath when lifting; check your blood "
                                "pressure regularly.", "用力时呼气，举重时不要憋气；定期测量血压。")]),
    Rule("glucose_follow_up",
         "WHO 1999: impaired fasting glucose or diabetes-range glucose needs follow-up; activity after meals helps.",
         lambda c: c.class_severity.get("glucose_fasting", 0) >= 1,
         lambda c: [("caution", "Your fasting glucose is raised: a 15-minute walk after meals helps; ask a doctor to "
                                "check it.", "您的空腹血糖偏高：饭后散步15分钟有帮助；请医生复查。")]),
)


def _context(report: Report, session: Session) -> Context:
    safety_yes = tuple(k for k, v in (session.safety.answers.items() if session.safety else ()) if v)
    points = {}
    for it in report.items:
        s = it.score
        if s is not None and s.points is not None:
            points[it.item] = s.points
    values = {it.item: it.graded_value for it in report.items}
    sppb = next((b.total for b in report.batteries if b.pack == "sppb" and b.total is not None), None)
    level = (vivifrail_level(sppb, values.get("gait_speed_4m"), values.get("timed_up_and_go"))
             if report.age_years >= VIVIFRAIL_MIN_AGE else None)
    return Context(report.age_years, frozenset(report.flag_names()),
                   {c.group: c.severity for c in report.classes}, points, safety_yes, report.exertion_tests_allowed,
                   level)


def prescribe(report: Report, session: Session) -> Prescription:
    """The prescription for a graded session: every rule whose condition holds, in the order of RULES."""
    c = _context(report, session)
    lines: list[Line] = []
    cautions: list[tuple[str, str]] = []
    fired = []
    for rule in RULES:
        if not rule.applies(c):
            continue
        fired.append((rule.id, rule.basis))
        for fitt_field, en, zh in rule.advice(c):
            if fitt_field == "caution":
                cautions.append((en, zh))
            else:
                lines.append(Line(fitt_field, en, zh, rule.id))
    stops = any(r.stops_exertion for r in RULES if r.id in dict(fired))
    return Prescription(tuple(lines), tuple(fired), report.exertion_tests_allowed and not stops,
                        stops, tuple(cautions))


@dataclass(frozen=True)
class Amendment:
    """A doctor's change: which FITT fields, by whom, when and why."""

    changes: Mapping[str, tuple[str, str]]  # field -> (en, zh)
    by: str
    at: datetime
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"changes": {k: {"en": en, "zh": zh} for k, (en, zh) in self.changes.items()}, "by": self.by,
                "at": self.at.isoformat(), "note": self.note}


@dataclass(frozen=True)
class PrescriptionRecord:
    """The original prescription and every doctor's amendment, in order; ``current`` applies them all."""

    original: Prescription
    amendments: tuple[Amendment, ...] = field(default=())

    @property
    def current(self) -> Prescription:
        p = self.original
        for a in self.amendments:
            kept = [ln for ln in p.lines if ln.field not in a.changes]
            new = [Line(f, en, zh, f"amended_by:{a.by}") for f, (en, zh) in a.changes.items()]
            p = replace(p, lines=tuple(sorted(kept + new, key=lambda ln: FITT.index(ln.field))))
        return p

    def to_dict(self) -> dict[str, Any]:
        return {"original": self.original.to_dict(), "current": self.current.to_dict(),
                "amendments": [a.to_dict() for a in self.amendments]}


def amend_prescription(original: Prescription | PrescriptionRecord, changes: Mapping[str, Any], by: str,
                       at: datetime, note: str) -> PrescriptionRecord:
    """A record keeping ``original`` untouched beside the doctor's ``changes`` (FITT field -> text or {en, zh})."""
    if not by:
        raise InputError("an amendment needs the doctor's id", field="by")
    if not changes:
        raise InputError("an amendment needs at least one change", field="changes")
    parsed: dict[str, tuple[str, str]] = {}
    for key, value in changes.items():
        if key not in FITT:
            raise InputError(f"{key!r} is not a FITT field ({', '.join(FITT)})", field=f"changes.{key}")
        if isinstance(value, str) and value.strip():
            parsed[key] = (value, value)
        elif isinstance(value, Mapping) and all(isinstance(value.get(k), str) for k in ("en", "zh")):
            parsed[key] = (value["en"], value["zh"])
        else:
            raise InputError("a change is a non-empty text or {\"en\": …, \"zh\": …}", field=f"changes.{key}")
    record = original if isinstance(original, PrescriptionRecord) else PrescriptionRecord(original)
    return replace(record, amendments=(*record.amendments, Amendment(parsed, by, at, note)))
