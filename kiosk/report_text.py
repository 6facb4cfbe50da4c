"""Plain-text pieces of a report dict (``Report.to_dict()``), shared by the HTML page and the station's screen/PDF.

Pure functions, no markup and no escaping: each caller escapes for its own medium. Bilingual words are
``(zh, en)`` pairs, as the report dict itself carries them.
"""

from __future__ import annotations

from typing import Any

from kiosk.trend import CLASS_GROUP_OF_ITEM

SEX_WORDS = {"M": ("男", "male"), "F": ("女", "female")}
HAND_WORDS = {"right": ("右", "right"), "left": ("左", "left")}
TREND_WORDS: dict[str | None, tuple[str, str]] = {"better": ("进步", "better"), "worse": ("退步", "worse"),
                                                  "same": ("持平", "same"), None: ("—", "—")}
FITT_FIELDS = (("frequency", "频率", "Frequency"), ("intensity", "强度", "Intensity"), ("time", "时间", "Time"),
               ("type", "方式", "Type"))


def trial_text(trial: dict[str, Any]) -> str:
    """One trial's value: ``142/91 mmHg, 72/min`` for blood pressure, else the number (the hand is separate)."""
    c = trial.get("components") or {}
    if "systolic" in c and "diastolic" in c:  # blood pressure; other components (FEV1/FVC …) stay in the JSON
        text = f"{c['systolic']:g}/{c['diastolic']:g} mmHg"
        if "pulse" in c:
            text += f", {c['pulse']:g}/min"
        return text
    return f"{trial['value']:g}"


def graded_text(item: dict[str, Any], unit: str | None = None) -> str:
    """The graded value with its unit (``142/86 mmHg``, ``17.4 kg``), or ``—`` when nothing was graded.

    ``unit`` replaces the item's unit code in the text (e.g. "times" for ``count``).
    """
    shown = item["unit"] if unit is None else unit
    c = item.get("components")
    if c and "diastolic" in c:
        return f"{c['systolic']:g}/{c['diastolic']:g} {shown}"
    if item.get("graded_value") is None:
        return "—"
    return f"{item['graded_value']:g} {shown}".rstrip()


def main_score(item: dict[str, Any]) -> dict[str, Any]:
    """The points pack entry that scored the item ({} when none did)."""
    return next((s for s in item.get("scores", []) if s.get("points") is not None), {})


def item_labels(item: dict[str, Any], report: dict[str, Any]) -> list[tuple[str, str]]:
    """An item's clinical classes and flags as ``(zh, en)`` labels, each once, the class first."""
    labels: dict[tuple[str, str], None] = {}
    group = report["classes"].get(CLASS_GROUP_OF_ITEM.get(item["item"], ""))
    if group is not None and item["classes"]:
        labels[(group["label"]["zh"], group["label"]["en"])] = None
        for also in group["also"]:
            labels[(also["label"]["zh"], also["label"]["en"])] = None
    for f in report["flags"]:
        if f["name"] in item["flags"]:
            labels.setdefault((f["label"]["zh"], f["label"]["en"]), None)
    return list(labels)
