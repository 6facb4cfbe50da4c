"""Change since the resident's previous session: previous graded value, delta, and better/worse/same.

"Better" follows the item's direction (larger is better, or smaller for times); for items judged by
a clinical class (blood pressure, waist, glucose, BMI) it follows the class severity; height and
weight alone have no better direction and get no assessment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.domain import ITEMS, Best
from kiosk.report import ClassResult, ItemResult, TrendEntry

CLASS_GROUP_OF_ITEM = {"blood_pressure": "blood_pressure", "waist": "waist", "glucose_fasting": "glucose_fasting",
                       "bmi": "bmi"}


def _severity(classes: Mapping[str, Any] | Sequence[ClassResult], group: str) -> int | None:
    if isinstance(classes, Mapping):
        c = classes.get(group)
        sev = c.get("severity") if isinstance(c, Mapping) else None
        return sev if isinstance(sev, int) and not isinstance(sev, bool) else None
    return next((c.severity for c in classes if c.group == group), None)


def _decimals(item: str) -> int:
    spec = ITEMS.get(item)
    return spec.decimals if spec else 1


def compute_trend(items: Sequence[ItemResult], classes: Sequence[ClassResult],
                  previous: Mapping[str, Any] | None) -> tuple[TrendEntry, ...]:
    """Trend entries for every item graded now and in ``previous`` (a previous report's ``to_dict()``)."""
    if not previous:
        return ()
    raw_items = previous.get("items")
    prev_items = {p["item"]: p for p in raw_items if isinstance(p, Mapping) and isinstance(p.get("item"), str)} \
        if isinstance(raw_items, list) else {}
    prev_classes = previous.get("classes")
    if not isinstance(prev_classes, Mapping):
        prev_classes = {}
    out = []
    for it in items:
        p = prev_items.get(it.item)
        prev_raw = p.get("graded_value") if p is not None else None
        if it.graded_value is None or isinstance(prev_raw, bool) or not isinstance(prev_raw, int | float) \
                or prev_raw != prev_raw or abs(prev_raw) == float("inf"):
            continue
        try:
            prev_v, cur_v = float(prev_raw), float(it.graded_value)
        except OverflowError:  # an integer of hundreds of digits: no trend rather than a crash
            continue
        delta = round(cur_v - prev_v, _decimals(it.item))
        change = "same" if delta == 0 else "up" if delta > 0 else "down"
        spec = ITEMS.get(it.item)
        assessment: str | None
        if spec is not None and spec.best is not Best.LAST:
            higher_better = spec.best is Best.LARGEST
            assessment = "same" if delta == 0 else "better" if (delta > 0) == higher_better else "worse"
            basis = "larger is better" if higher_better else "shorter is better"
        elif it.item in CLASS_GROUP_OF_ITEM:
            group = CLASS_GROUP_OF_ITEM[it.item]
            before, now = _severity(prev_classes, group), _severity(classes, group)
            if before is None or now is None:
                assessment, basis = None, "no class to compare"
            else:
                assessment = "same" if now == before else "better" if now < before else "worse"
                basis = f"{group} class severity {before} → {now}"
        else:
            assessment, basis = None, "no better direction for this item alone"
        out.append(TrendEntry(it.item, prev_v, cur_v, delta, change, assessment, basis))
    return tuple(out)
