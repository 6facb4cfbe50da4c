"""IPAQ short form: MET-minutes a week and the activity category, by the November 2005 Guidelines.

Steps (numbers from the instrument's data file): a "don't know" on an activity question excludes the
case; walking + moderate + vigorous minutes a day above 960 (before truncation) excludes it; a bout
under 10 minutes a day counts as no activity (minutes and days 0); minutes a day above 180 count as
180; MET-minutes = MET x minutes x days (walking 3.3, moderate 4.0, vigorous 8.0). Sitting is reported
apart and is in neither the total nor the category.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.instruments.model import Instrument, Text
from kiosk.instruments.score_types import DONT_KNOW, Score, SubScore

# domain -> (days item, minutes item)
DOMAINS = {"vigorous": ("ipaq-1", "ipaq-2"), "moderate": ("ipaq-3", "ipaq-4"), "walking": ("ipaq-5", "ipaq-6")}
NAMES = {"vigorous": Text("Vigorous activity", "剧烈活动"), "moderate": Text("Moderate activity", "中等强度活动"),
         "walking": Text("Walking", "步行")}


def _excluded(inst: Instrument, reason: str, details: Mapping[str, Any]) -> Score:
    return Score(inst.id, None, None, details=dict(details), not_scored_reason=reason)


def score_ipaq(inst: Instrument, answers: Mapping[str, str | int]) -> Score:
    s = inst.scoring
    met, bout, cap, limit = s["met"], s["min_bout_min"], s["truncate_min"], s["exclude_over_min"]
    days: dict[str, int] = {}
    minutes: dict[str, int] = {}
    for dom, (d_item, m_item) in DOMAINS.items():
        d = answers.get(d_item)
        m = answers.get(m_item, 0) if isinstance(d, int) and d > 0 else 0
        if d == DONT_KNOW or m == DONT_KNOW:
            return _excluded(inst, "a 'don't know' answer about activity: IPAQ excludes the case", {})
        days[dom], minutes[dom] = int(d or 0), int(m)
    sitting = answers.get("ipaq-7")
    details: dict[str, Any] = {"sitting_min_per_weekday": None if sitting == DONT_KNOW else sitting}
    if sum(minutes.values()) > limit:
        return _excluded(inst, f"more than {limit} minutes of activity a day in all: IPAQ treats the answers as "
                               "unreliable and excludes the case", details)
    for dom in DOMAINS:
        if minutes[dom] < bout:
            minutes[dom], days[dom] = 0, 0
        minutes[dom] = min(minutes[dom], cap)
    mets = {dom: round(met[dom] * minutes[dom] * days[dom], 1) for dom in DOMAINS}
    total = round(sum(mets.values()), 1)
    category = _category(s["categories"], days, minutes, total)
    details.update({f"{dom}_met": mets[dom] for dom in DOMAINS})
    details.update({f"{dom}_days": days[dom] for dom in DOMAINS})
    details.update({f"{dom}_min_per_day": minutes[dom] for dom in DOMAINS})
    details["category"] = category
    band = next(b for b in inst.bands if b.code == category)
    subs = tuple(SubScore(dom, NAMES[dom], mets[dom]) for dom in DOMAINS)
    return Score(inst.id, total, band, subs, details)


def _category(rules: Mapping[str, Mapping[str, float]], days: Mapping[str, int], minutes: Mapping[str, int],
              total: float) -> str:
    any_days = sum(days.values())
    h = rules["high"]
    if (days["vigorous"] >= h["vigorous_days"] and total >= h["vigorous_total_met"]) or (
            any_days >= h["any_days"] and total >= h["any_total_met"]):
        return "high"
    m = rules["moderate"]
    long_days = sum(days[d] for d in ("moderate", "walking") if minutes[d] >= m["moderate_walk_min"])
    if ((days["vigorous"] >= m["vigorous_days"] and minutes["vigorous"] >= m["vigorous_min"])
            or long_days >= m["moderate_walk_days"]
            or (any_days >= m["any_days"] and total >= m["any_total_met"])):
        return "moderate"
    return "low"
