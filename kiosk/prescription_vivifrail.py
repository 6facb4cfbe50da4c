"""Vivifrail exercise programme levels (A–D, and the "+" variant for a high fall risk) and what each advises.

The level comes from the SPPB total (0–3 A, 4–6 B, 7–9 C, 10–12 D) or, without a complete SPPB, from the
usual gait speed (< 0.5 A, 0.5–0.8 B, 0.9–1.0 C, > 1.0 m/s D; the source leaves 0.8–0.9 m/s unassigned
and so does the station). A high fall risk (TUG >= 20 s or gait speed < 0.8 m/s; dementia and past falls are
not asked at the station) gives B+ / C+ with extra balance work. Source: the VIVIFRAIL-COGN trial protocol
(BMC Geriatr 2022, Table 2), as copied in ../shared/norms/older-adults/vivifrail*.csv. Vivifrail is written for
people aged 70 or over; the "+" names B+/C+ were not verified against the passports.
"""

from __future__ import annotations

from dataclasses import dataclass

VIVIFRAIL_MIN_AGE = 70
SOURCE = "Vivifrail (Izquierdo 2017, ages 70+; levels: VIVIFRAIL-COGN, BMC Geriatr 2022 Table 2)"
# (level, SPPB min, SPPB max, gait speed min m/s or None, gait speed max m/s or None, whether a "+" variant exists)
LEVELS: tuple[tuple[str, int, int, float | None, float | None, bool], ...] = (
    ("A", 0, 3, None, 0.5, False),  # < 0.5 m/s
    ("B", 4, 6, 0.5, 0.8, True),  # 0.5–0.8 m/s
    ("C", 7, 9, 0.9, 1.0, True),  # 0.9–1.0 m/s
    ("D", 10, 12, 1.0, None, False),  # > 1.0 m/s
)
LABELS = {"A": ("disability", "失能"), "B": ("frailty", "衰弱"), "C": ("pre-frailty", "衰弱前期"),
          "D": ("robust", "健壮")}
TUG_HIGH_FALL_RISK_S = 20.0
GAIT_HIGH_FALL_RISK_MPS = 0.8


@dataclass(frozen=True)
class VivifrailLevel:
    level: str  # "A" | "B" | "C" | "D"
    plus: bool  # the "+" programme: extra balance work for a high fall risk
    chosen_by: str  # "SPPB total 9" / "gait speed 0.78 m/s"
    fall_risk_criteria: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.level + ("+" if self.plus else "")


def _by_gait(speed: float) -> str | None:
    if speed < 0.5:
        return "A"
    if speed <= 0.8:
        return "B"
    if 0.9 <= speed <= 1.0:
        return "C"
    if speed > 1.0:
        return "D"
    return None  # 0.8 < speed < 0.9: unassigned in the source


def vivifrail_level(sppb_total: int | None, gait_speed_mps: float | None,
                    tug_s: float | None) -> VivifrailLevel | None:
    """The programme level from a complete SPPB total, else from the gait speed; None when neither places it."""
    if sppb_total is not None:
        level = next(lv for lv, lo, hi, *_ in LEVELS if lo <= sppb_total <= hi)
        chosen = f"SPPB total {sppb_total}"
    elif gait_speed_mps is not None:
        found = _by_gait(gait_speed_mps)
        if found is None:
            return None
        level, chosen = found, f"gait speed {gait_speed_mps:g} m/s"
    else:
        return None
    criteria = []
    if tug_s is not None and tug_s >= TUG_HIGH_FALL_RISK_S:
        criteria.append(f"Timed Up-and-Go {tug_s:g} s >= {TUG_HIGH_FALL_RISK_S:g} s")
    if gait_speed_mps is not None and gait_speed_mps < GAIT_HIGH_FALL_RISK_MPS:
        criteria.append(f"gait speed {gait_speed_mps:g} m/s < {GAIT_HIGH_FALL_RISK_MPS:g} m/s")
    has_plus = next(p for lv, *_, p in LEVELS if lv == level)
    return VivifrailLevel(level, bool(criteria) and has_plus, chosen, tuple(criteria))


# What each programme advises: (FITT field, en, zh). A summary of the programme's components (strength and
# power, balance and walking, flexibility, endurance); the passports' own exercise lists were not checked here.
ADVICE: dict[str, list[tuple[str, str, str]]] = {
    "A": [("frequency", "Every day, in short sessions, with someone nearby.", "每天，分几次短时间练习，身边要有人。"),
          ("intensity", "Light: a pace you can keep up; stop if you feel dizzy or pain.",
           "低强度：以能坚持的速度进行；头晕或疼痛时停止。"),
          ("time", "Start with 5–10 minutes; short walks several times a day.", "从5–10分钟开始；每天多次短距离步行。"),
          ("type", "Seated strength exercises for arms and legs, balance holding a support, gentle stretching, and "
                   "walking with help or your walking aid.",
           "坐姿上下肢力量练习、扶着支撑物的平衡练习、轻柔拉伸，在他人帮助下或用助行器步行。")],
    "B": [("frequency", "Strength and balance 3 days a week; walk every day.", "力量和平衡练习每周3天；每天步行。"),
          ("intensity", "Strength: 2–3 sets of 8–10 repetitions at light-to-moderate effort.",
           "力量练习：每组8–10次，2–3组，轻到中等用力。"),
          ("time", "About 20–30 minutes a session; walks of 10–15 minutes.", "每次约20–30分钟；每次步行10–15分钟。"),
          ("type", "Rising from a chair, wall push-ups, heel raises holding a support; balance next to a support; "
                   "stretching; walking.", "椅子坐站、推墙俯卧撑、扶着支撑物提踵；在支撑物旁做平衡练习；拉伸；步行。")],
    "C": [("frequency", "Strength and balance 3 days a week; walk most days.", "力量和平衡练习每周3天；多数日子步行。"),
          ("intensity", "Strength: 2–3 sets of 8–12 repetitions, rising quickly and lowering slowly.",
           "力量练习：每组8–12次，2–3组，快起慢落。"),
          ("time", "About 30–45 minutes a session; walks of 20–30 minutes.", "每次约30–45分钟；每次步行20–30分钟。"),
          ("type", "Chair stands, step-ups, arm exercises with a light weight; balance with less support; "
                   "stretching; brisk walking.",
           "椅子坐站、上台阶、持轻器械上肢练习；逐步减少扶持的平衡练习；拉伸；快走。")],
    "D": [("frequency", "Strength and power 2–3 days a week; balance and aerobic activity on most days.",
           "力量和爆发力练习每周2–3天；多数日子做平衡和有氧运动。"),
          ("intensity", "Strength: 2–3 sets of 8–12 repetitions at moderate effort, moving up quickly.",
           "力量练习：每组8–12次，2–3组，中等用力，向上时快速发力。"),
          ("time", "45–60 minutes a session; 150 minutes of aerobic activity a week.",
           "每次45–60分钟；每周150分钟有氧运动。"),
          ("type", "Squats, step-ups, arm exercises with weights; balance without support; stretching; brisk "
                   "walking or dancing.", "深蹲、上台阶、持器械上肢练习；无扶持平衡练习；拉伸；快走或跳舞。")],
}
PLUS_ADVICE = [("frequency", "Extra balance exercises every day.", "每天增加平衡练习。"),
               ("type", "Extra balance work next to a sturdy support: heel-to-toe stand and walk, standing on one leg.",
                "在牢固支撑物旁增加平衡练习：脚跟对脚尖站立和行走、单脚站立。")]


def advice(v: VivifrailLevel) -> list[tuple[str, str, str]]:
    """The programme's FITT lines, named by level (the first "type" line says which programme and why)."""
    en_label, zh_label = LABELS[v.level]
    chosen_zh = v.chosen_by.replace("SPPB total", "SPPB总分").replace("gait speed", "步速")
    head = ("type", f"Vivifrail programme {v.name} ({en_label}), from your {v.chosen_by}.",
            f"Vivifrail运动方案{v.name}（{zh_label}），依据您的{chosen_zh}。")
    lines = [head, *ADVICE[v.level]]
    return lines + PLUS_ADVICE if v.plus else lines
