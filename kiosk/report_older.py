"""The older-adult parts of a report dict in plain bilingual words: fitness summary, screening results, SPPB panel.

Pure (no markup): the HTML page, the station's screen and the PDF all build on these rows, so they say the
same thing. A row is ``{"label", "value", "detail": (zh, en), "tone"}`` with ``(zh, en)`` pairs, as in
``kiosk.report_text``; ``tone`` is ``warn`` | ``good`` | ``normal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Pair = tuple[str, str]
Row = dict[str, Any]

OLDER_ADULT_AGE = 60
TITLES: Mapping[str, Pair] = {
    "fitness": ("功能性体适能小结（与同性别同龄人比较）",
                "Functional fitness summary (against people of your sex and age)"),
    "screening": ("跌倒风险与肌少症筛查", "Fall-risk and sarcopenia screening"),
    "sppb": ("简易体能状况量表（SPPB）", "Short Physical Performance Battery (SPPB)"),
}
# Which flags answer which screening question, and the items that can raise them.
SCREENS: tuple[tuple[str, Pair, tuple[str, ...], tuple[str, ...]], ...] = (
    ("fall_risk", ("跌倒风险", "Fall risk"), ("fall_risk",),
     ("chair_stand_30s", "timed_up_and_go", "balance_tandem", "single_leg_stand_eyes_open",
      "single_leg_stand_eyes_closed")),
    ("sarcopenia", ("肌少症筛查", "Sarcopenia screening"),
     ("possible_sarcopenia", "low_physical_performance", "ewgsop2_probable_sarcopenia",
      "ewgsop2_low_physical_performance"), ("grip", "five_times_sit_to_stand", "gait_speed_4m")),
    ("independence", ("独立生活能力", "Fitness for staying independent"), ("below_fitness_standard",),
     ("chair_stand_30s", "arm_curl_30s", "two_minute_step", "eight_foot_up_and_go")),
)
UNIT_PAIRS = {"count": ("次", "times"), "s": ("秒", "s"), "m/s": ("米/秒", "m/s"), "kg": ("千克", "kg")}
BAND_TONE = {"below": "warn", "within": "normal", "above": "good"}
SCREENING_PACKS = ("older-adult-screening", "ewgsop2-sarcopenia", "sft-fitness-standards", "sppb")


def is_older_adult(report: Mapping[str, Any]) -> bool:
    return int(report["age_years"]) >= OLDER_ADULT_AGE


def _unit(unit: str) -> Pair:
    return UNIT_PAIRS.get(unit, (unit, unit))


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, int | float) else str(v)


def value_pair(item: Mapping[str, Any]) -> Pair:
    """The graded value with its unit in both languages ("9 次", "9 times")."""
    zh, en = _unit(item["unit"])
    v = _num(item["graded_value"])
    return f"{v} {zh}", f"{v} {en}"


def fitness_rows(report: Mapping[str, Any]) -> list[Row]:
    """One row per item placed against a normal range: value, where it falls, what it means, which pack."""
    rows = []
    for it in report["items"]:
        nr = it.get("norm_range")
        if not nr:
            continue
        zh_u, en_u = _unit(it["unit"])
        rng = f"{_num(nr['low'])}–{_num(nr['high'])}"
        people_zh = "女性" if nr["sex"] == "F" else "男性"
        where = (f"{nr['age_group']}岁{people_zh}：{nr['label']['zh']}（常见范围 {rng} {zh_u}）",
                 f"Against {'women' if nr['sex'] == 'F' else 'men'} aged {nr['age_group']}: {nr['label']['en']} "
                 f"(usual range {rng} {en_u})")
        pct_zh, pct_en = percentile_words(nr)
        detail = (f"{where[0]}。{pct_zh}{nr['meaning']['zh']} 〔{nr['pack']}〕",
                  f"{where[1]}. {pct_en}{nr['meaning']['en']} [{nr['pack']}]")
        rows.append({"label": (it["label"]["zh"], it["label"]["en"]), "value": value_pair(it), "detail": detail,
                     "tone": BAND_TONE[nr["band"]]})
    return rows


def percentile_words(nr: Mapping[str, Any]) -> Pair:
    """The performance percentile in plain words ("" when the pack has none), ending with a space."""
    pct = nr.get("percentile")
    if not pct:
        return "", ""
    if pct.startswith("<"):
        n = pct[1:]
        return f"您的成绩在其中处于最低的{n}%。", f"Your result is in their lowest {n} in 100. "
    return (f"您的成绩不低于其中约{pct}%的人（第{pct}百分位）。",
            f"You did as well as or better than about {pct} in 100 of them (percentile {pct}). ")


def screening_rows(report: Mapping[str, Any]) -> list[Row]:
    """Each screening question: the flags raised with their reasons, or that the tests done showed no sign."""
    items = {it["item"]: it for it in report["items"]}
    flags = {f["name"]: f for f in report["flags"]}
    rows = []
    for _key, title, names, screen_items in SCREENS:
        raised = [flags[n] for n in names if n in flags]
        checked = [i for i in screen_items if i in items
                   and any(p.split(" ")[0] in SCREENING_PACKS for p in items[i]["graded_by"])]
        if raised:
            for f in raised:
                basis = "; ".join(f["basis"])
                rows.append({"label": title, "value": (f["label"]["zh"], f["label"]["en"]),
                             "detail": (f"{(f.get('advice') or {}).get('zh', '')} 依据：{basis}".strip(),
                                        f"{(f.get('advice') or {}).get('en', '')} Basis: {basis}".strip()),
                             "tone": "warn"})
        elif checked:
            labels = [items[i]["label"] for i in checked]
            rows.append({"label": title, "value": ("未发现风险", "No sign found"),
                         "detail": ("已查：" + "、".join(lb["zh"] for lb in labels),
                                    "Checked: " + ", ".join(lb["en"] for lb in labels)), "tone": "good"})
    return rows


def screened_flags(report: Mapping[str, Any]) -> set[str]:
    """The flags the screening section shows (a view that has it need not list them again)."""
    return {n for _key, _title, names, _items in SCREENS for n in names} & {f["name"] for f in report["flags"]} \
        if screening_rows(report) else set()


def sppb_rows(report: Mapping[str, Any]) -> list[Row]:
    """The SPPB panel: each part's points (or that it was not done) and the total with its categories."""
    rows = []
    for b in report.get("batteries") or []:
        for p in b["parts"]:
            if p["points"] is None:
                value, tone = ("未完成", "not done"), "normal"
            else:
                value, tone = (f"{p['points']} / {p['points_max']} 分", f"{p['points']} / {p['points_max']} points"), \
                    "normal"
            rows.append({"label": (p["label"]["zh"], p["label"]["en"]), "value": value,
                         "detail": (p["reason"], p["reason"]), "tone": tone})
        if b["total"] is not None:
            cats = {c["scheme"]: c["label"] for c in b["categories"]}
            main = cats.get("four_level") or next(iter(cats.values()), {"zh": "", "en": ""})
            rows.append({"label": ("总分", "Total"),
                         "value": (f"{b['total']} / {b['total_max']} 分", f"{b['total']} / {b['total_max']} points"),
                         "detail": (f"{main['zh']}（四级分类） 〔{b['pack']}〕",
                                    f"{main['en']} (four-level) [{b['pack']}]"),
                         "tone": "good" if b["total"] >= 10 else "warn"})
        else:
            rows.append({"label": ("总分", "Total"), "value": ("—", "—"),
                         "detail": ("三部分都完成后才给总分。", "The total is given when all three parts are done."),
                         "tone": "normal"})
    return rows


def graded_by_pair(item: Mapping[str, Any]) -> Pair:
    """Which packs graded the item, or that none covers it at this age."""
    packs = ", ".join(item["graded_by"])
    if packs:
        return f"评定依据：{packs}", f"Graded by: {packs}"
    return "没有适用于您年龄的标准评价此项", "No standard covers this item at your age"
