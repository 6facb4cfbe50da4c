"""中医体质辨识 (33-item elderly form): the nine type scores and 是 / 倾向是 / 基本是 / 否 by 附件2 体质判定标准表.

Each unbalanced type is the raw sum of its four items (4-20): >= 11 是, 9-10 倾向是, <= 8 否.
平和质 is item 1 plus items 2, 4, 5, 13 reversed (5-25): >= 17 with every other type <= 8 是; >= 17
with every other type <= 10 基本是; otherwise 否. The thresholds come from the instrument's data.
Contradictory results (阴虚质 and 阳虚质 both 是) or no type at all are marked for staff review.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.instruments.model import Instrument, Text
from kiosk.instruments.score_types import Score, SubScore

BALANCED = "pinghe"


def score_tcm(inst: Instrument, answers: Mapping[str, str | int]) -> Score:
    s = inst.scoring
    rule, rev, words = s["rule"], s["reverse_map"], s["results"]
    raw = {int(str(k).split("-")[1]): int(v) for k, v in answers.items()}
    scores: dict[str, int] = {}
    for t in s["types"]:
        scores[t["code"]] = sum(rev[str(raw[n])] if n in t["reverse_items"] else raw[n] for n in t["items"])
    others = [v for k, v in scores.items() if k != BALANCED]
    results: dict[str, str] = {}
    for code, v in scores.items():
        if code == BALANCED:
            if v >= rule["balanced_min"] and max(others) <= rule["balanced_others_max_yes"]:
                results[code] = "yes"
            elif v >= rule["balanced_min"] and max(others) <= rule["balanced_others_max_basic"]:
                results[code] = "basically"
            else:
                results[code] = "no"
        else:
            results[code] = ("yes" if v >= rule["yes_min"] else "tendency" if v >= rule["tendency_min"] else "no")
    subs = tuple(SubScore(t["code"], Text(t["name"]["en"], t["name"]["zh"]), scores[t["code"]], results[t["code"]],
                          Text(words[results[t["code"]]]["en"], words[results[t["code"]]]["zh"]))
                 for t in s["types"])
    review = []
    if results["yinxu"] == "yes" and results["yangxu"] == "yes":
        review.append("contradictory types: 阴虚质 and 阳虚质 both 是 - recheck the answers with the resident")
    if all(r == "no" for r in results.values()):
        review.append("no type judged - recheck the answers, or ask again in 2 weeks")
    judged = [x.code for x in subs if x.result in ("yes", "basically")]
    leaning = [x.code for x in subs if x.result == "tendency"]
    return Score(inst.id, None, None, subs, {"judged": judged, "tendency": leaning}, review_reasons=tuple(review))


# Items 9 and 28 are anchored to BMI and waist: the station can point at the matching answer from its own
# measurement (the form's note allows it); the resident still chooses. Waist bands have integer gaps
# (85/86, 90/91): a measured waist is rounded to the nearest centimetre first.
BMI_BANDS = ((24.0, "1"), (25.0, "2"), (26.0, "3"), (28.0, "4"))
WAIST_BANDS = ((79, "1"), (85, "2"), (90, "3"), (105, "4"))  # upper bounds (cm, inclusive) of options 1-4


def suggested_option(link_id: str, *, bmi: float | None = None, waist_cm: float | None = None) -> str | None:
    """The answer code of item 9 (BMI) or 28 (waist) that a measurement points to, or None."""
    if link_id == "tcm-9" and bmi is not None:
        return next((code for upper, code in BMI_BANDS if bmi < upper), "5")
    if link_id == "tcm-28" and waist_cm is not None:
        w = int(waist_cm + 0.5)
        return next((code for upper, code in WAIST_BANDS if w <= upper), "5")
    return None


def suggestion_from_measurements(link_id: str, measured: list[tuple[str, float]]) -> str | None:
    """``suggested_option`` from today's (item, value) list: the latest height, weight and waist; BMI at 0.1."""
    last = {item: value for item, value in measured}
    height, weight = last.get("height"), last.get("weight")
    bmi = round(weight / (height / 100) ** 2, 1) if height and weight else None  # as the report shows it
    return suggested_option(link_id, bmi=bmi, waist_cm=last.get("waist"))
