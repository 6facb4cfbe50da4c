"""The doctor's prescription choices: big buttons, not typing, for each FITT field (plain data, no Qt).

Each choice carries both languages because the amended prescription is printed and synced in both
(``kiosk.prescription.amend_prescription`` takes ``{"en", "zh"}`` per field). The wording follows
the rules in ``kiosk.prescription`` (WHO 2020, ACSM) so an amended line reads like a generated one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.prescription import FITT


@dataclass(frozen=True)
class Choice:
    id: str
    en: str
    zh: str


CHOICES: Mapping[str, tuple[Choice, ...]] = {
    "frequency": (
        Choice("f2", "2–3 days a week.", "每周2–3天。"),
        Choice("f5", "5 days a week.", "每周5天。"),
        Choice("f7", "Daily.", "每天。"),
        Choice("f0", "No exercise until the follow-up visit.", "复诊前暂不运动。"),
    ),
    "intensity": (
        Choice("light", "Light only: breathing hardly changes.", "仅低强度：呼吸几乎不加快。"),
        Choice("moderate", "Moderate: you can talk but not sing.", "中等强度：能说话但不能唱歌。"),
        Choice("vigorous", "Vigorous: you can say only a few words without a pause.",
               "较大强度：不停顿只能说几个字。"),
    ),
    "time": (
        Choice("t10", "10–20 minutes.", "10–20分钟。"),
        Choice("t30", "30 minutes a day, in bouts of 10 minutes if easier.", "每天30分钟，可分成每次10分钟。"),
        Choice("t60", "30–60 minutes a day.", "每天30–60分钟。"),
    ),
    "type": (
        Choice("walk", "Easy walking.", "轻松散步。"),
        Choice("balance", "Balance and strength next to a sturdy support: tai chi, sit-to-stand.",
               "在牢固支撑物旁做平衡和力量练习：太极拳、坐站练习。"),
        Choice("aerobic", "Brisk walking, cycling, swimming or dancing.", "快走、骑车、游泳或跳舞。"),
        Choice("strength", "Resistance training: elastic bands, wall push-ups.", "抗阻训练：弹力带、推墙俯卧撑。"),
    ),
}
assert tuple(CHOICES) == FITT


def choice(field: str, choice_id: str) -> Choice:
    """The choice ``choice_id`` of ``field``; KeyError names both when either is unknown."""
    for c in CHOICES[field]:
        if c.id == choice_id:
            return c
    raise KeyError(f"no choice {choice_id!r} for {field!r}")
