"""What the resident's report says, in one language: a report dict (``Report.to_dict()``) → sections of rows.

Pure (no Qt): the report screen and the PDF both draw these sections, so they always say the same thing.
Each section is ``{"key", "title", "tone", "rows"}``; each row is ``{"label", "value", "detail", "tone"}``
(tone: ``urgent`` | ``warn`` | ``good`` | ``normal``). The urgent section, when there is one, comes first.
Labels come from the report's own bilingual labels; the station's words here are ``(zh, en)`` pairs
like those of ``kiosk.report_html``, whose plain-text pieces (``kiosk.report_text``) this reuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kiosk import report_older
from kiosk.instruments.report_text import questionnaire_rows
from kiosk.report_text import FITT_FIELDS, HAND_WORDS, SEX_WORDS, TREND_WORDS, graded_text, item_labels

Row = dict[str, str]
Section = dict[str, Any]

# Units as a resident reads them (codes not listed are shown as they are: kg, cm, mmHg, mL …).
UNIT_WORDS = {"count": ("次", "times"), "s": ("秒", "s"), "index": ("", ""), "kg/m2": ("kg/m²", "kg/m²"),
              "/min": ("次/分", "/min")}
TITLES = {
    "urgent": ("请注意", "Please note"),
    "grade": ("国民体质测定综合评级", "Overall fitness grade (national standard)"),
    "items": ("各项结果", "Your results"),
    "questionnaires": ("自评问卷", "Your questionnaires"),
    "classes": ("健康指标分级", "Health measures graded"),  # BP, SpO2, pulse, temperature, BMI, waist, glucose
    "flags": ("健康提示", "Health flags"),
    "prescription": ("运动处方", "Your exercise prescription"),
    "trend": ("与上次比较", "Change since your last visit"),
    "standards": ("所用标准", "Standards used"),
    **report_older.TITLES,
}
SCREENING_FLAGS = ("fall_risk", "possible_sarcopenia")  # shown as flags with advice; the rest show as classes


def pick(pair: Mapping[str, Any] | tuple[str, str] | None, lang: str) -> str:
    """The ``lang`` side of a ``{"zh", "en"}`` label or a ``(zh, en)`` pair ("" for None)."""
    if pair is None:
        return ""
    if isinstance(pair, tuple):
        return pair[0] if lang == "zh" else pair[1]
    return str(pair.get(lang) or pair.get("en") or "")


def unit_word(unit: str, lang: str) -> str:
    return pick(UNIT_WORDS[unit], lang) if unit in UNIT_WORDS else unit


def header_line(report: Mapping[str, Any], lang: str) -> str:
    """Date, age and sex: everything the report says about who it is for (it holds no name or number)."""
    age = report["age_years"]
    age_text = f"{age}岁" if lang == "zh" else f"{age} years"
    return " · ".join([str(report["test_date"]), age_text, pick(SEX_WORDS.get(report["sex"], ("", "")), lang)])


def _row(label: str, value: str = "", detail: str = "", tone: str = "normal") -> Row:
    return {"label": label, "value": value, "detail": detail, "tone": tone}


def _urgent(d: Mapping[str, Any], lang: str) -> list[Row]:
    rows = [_row(pick(u["message"], lang), tone="urgent") for u in d["urgent_notices"]]
    if not d["exertion_tests_allowed"]:
        rows.append(_row(pick(("今天不做运动测试。", "No exertion tests today."), lang), tone="urgent"))
    if d["needs_doctor_review"]:
        rows.append(_row(pick(("请把这份报告给医生看。", "Please show this report to the doctor."), lang),
                         tone="urgent"))
    return rows


def _grade(d: Mapping[str, Any], lang: str) -> list[Row]:
    if not d["standards"] and report_older.is_older_adult(d):
        return [_row(pick(("国民体质测定标准（2003）只覆盖20–59岁，不给综合评级；"
                           "您的结果按上方的老年人常模和筛查标准评价。",
                           "The national fitness standard (2003) covers ages 20–59, so there is no overall grade; "
                           "your results are compared with the older-adult norms and screening standards above."),
                          lang))]
    if not d["standards"]:
        return [_row(pick(("国民体质测定标准不覆盖您的年龄；各项结果按健康指南评价。",
                           "The national fitness standard does not cover your age; your results are judged "
                           "by health guidelines."), lang))]
    rows = []
    for s in d["standards"]:
        total = f"{s['total']:g} / {s['max_total']:g}"
        if s["rated"]:
            grade = pick(("等级：", "Grade: "), lang) + pick(s["grade"], lang)
            rows.append(_row(grade, pick(("总分 ", "Total "), lang) + total, pick(s["title"], lang),
                             "good" if s["grade_level"] and s["grade_level"] <= 3 else "warn"))
        else:
            why = pick(("有项目未测或得0分时不评定等级。", "No grade is given when an item is missing or scores 0."),
                       lang)
            rows.append(_row(pick(("不评定", "Not rated"), lang), pick(("总分 ", "Total "), lang) + total,
                             why + ("" if lang == "zh" else " " + "; ".join(s["not_rated_reasons"])), "warn"))
    return rows


def item_value(item: Mapping[str, Any], lang: str) -> str:
    """The graded value with its unit, and the hand for grip (``17.4 kg (右手)``)."""
    text = graded_text(dict(item), unit_word(item["unit"], lang))
    hand = item.get("graded_hand")
    if hand in HAND_WORDS:
        text += f" ({HAND_WORDS[hand][0]}手)" if lang == "zh" else f" ({hand} hand)"
    return text


def _trend_text(t: Mapping[str, Any], unit: str, lang: str) -> str:
    arrow = {"up": "↑", "down": "↓"}.get(t["change"], "=")
    delta = f"{t['delta']:+g} {unit}".rstrip()
    words = "" if t["assessment"] is None else ", " + pick(TREND_WORDS[t["assessment"]], lang)
    return pick(("上次 ", "last time "), lang) + f"{t['previous']:g} {arrow} {delta}{words}"


def _items(d: Mapping[str, Any], lang: str) -> list[Row]:
    trend = {t["item"]: t for t in d["trend"]["items"]}
    rows = []
    for it in d["items"]:
        bits = []
        if it["score"] is not None:
            bits.append(pick(("得分：", "Score: "), lang) + pick(it["level"], lang))
        elif it.get("norm_range"):
            bits.append(pick(it["norm_range"]["label"], lang))
        bits.append(pick(report_older.graded_by_pair(it), lang))
        labels = item_labels(dict(it), dict(d))
        bits += [pick(lb, lang) for lb in labels]
        if it["item"] in trend:
            bits.append(_trend_text(trend[it["item"]], unit_word(it["unit"], lang), lang))
        tone = "warn" if it["flags"] else "normal"
        rows.append(_row(pick(it["label"], lang), item_value(it, lang), " · ".join(bits), tone))
    for nm in d.get("not_measured") or []:  # tried without a valid result: no value, no score, the reason
        rows.append(_row(pick(nm["label"], lang), pick(("未测", "Not measured"), lang), pick(nm["reason_text"], lang)))
    return rows


def _classes(d: Mapping[str, Any], lang: str) -> list[Row]:
    units = {it["item"]: unit_word(it["unit"], lang) for it in d["items"]}
    rows = []
    for group, c in d["classes"].items():
        label = pick(c["label"], lang) + "".join(" · " + pick(a["label"], lang) for a in c["also"])
        values = "/".join(f"{v:g}" for v in c["values"].values()) + f" {units.get(group, '')}".rstrip()
        rows.append(_row(pick(c["group_label"], lang), label, values, "warn" if c["severity"] >= 1 else "good"))
    return rows


def _flags(d: Mapping[str, Any], lang: str) -> list[Row]:
    shown = report_older.screened_flags(d)  # already in the older-adult screening section
    rows = []
    for f in d["flags"]:
        if f["name"] in shown:
            continue
        if f["name"] in SCREENING_FLAGS or "advice" in f:
            rows.append(_row(pick(f["label"], lang), "", pick(f.get("advice"), lang), "warn"))
    return rows


def _prescription(d: Mapping[str, Any], lang: str) -> list[Row]:
    rx = d["prescription"]
    if not rx:
        return []
    rows = [_row(pick((zh, en), lang), "", pick(rx[key], lang)) for key, zh, en in FITT_FIELDS]
    rows += [_row(pick(("注意", "Take care"), lang), "", pick(c, lang), "warn") for c in rx["cautions"]]
    return rows


def _trend(d: Mapping[str, Any], lang: str) -> list[Row]:
    items = {it["item"]: it for it in d["items"]}
    rows = []
    for t in d["trend"]["items"]:
        it = items.get(t["item"], {"label": {"en": t["item"], "zh": t["item"]}, "unit": ""})
        unit = unit_word(it["unit"], lang)
        tone = {"better": "good", "worse": "warn"}.get(t["assessment"] or "", "normal")
        rows.append(_row(pick(it["label"], lang), f"{t['previous']:g} → {t['current']:g} {unit}".rstrip(),
                         f"{t['delta']:+g} {unit}".rstrip() + ("" if t["assessment"] is None else
                                                             " · " + pick(TREND_WORDS[t["assessment"]], lang)), tone))
    return rows


def _standards(d: Mapping[str, Any], lang: str) -> list[Row]:
    return [_row(pick((p["title_zh"], p["title_en"]), lang), "", f"{p['name']} · {p['edition']}") for p in d["packs"]]


def _older(build: Any) -> Any:
    """An older-adult section builder as a view builder: its bilingual rows in one language."""
    def rows(d: Mapping[str, Any], lang: str) -> list[Row]:
        return [_row(pick(r["label"], lang), pick(r["value"], lang), pick(r["detail"], lang), r["tone"])
                for r in build(d)]
    return rows


def report_sections(report: Mapping[str, Any], lang: str) -> list[Section]:
    """Every section with rows, urgent first; for residents of 60 and over the functional-fitness summary, the
    screening results and the SPPB panel come next; empty sections are left out."""
    builders = (("urgent", _urgent, "urgent"), ("fitness", _older(report_older.fitness_rows), "normal"),
                ("screening", _older(report_older.screening_rows), "normal"),
                ("sppb", _older(report_older.sppb_rows), "normal"), ("grade", _grade, "normal"),
                ("items", _items, "normal"), ("questionnaires", questionnaire_rows, "normal"),
                ("classes", _classes, "normal"), ("flags", _flags, "warn"), ("prescription", _prescription, "normal"),
                ("trend", _trend, "normal"), ("standards", _standards, "normal"))
    out = []
    for key, build, tone in builders:
        rows = build(report, lang)
        if rows:
            title = pick(TITLES[key], lang)
            if key == "trend" and report["trend"]["previous_test_date"]:
                title += f" ({report['trend']['previous_test_date']})"
            out.append({"key": key, "title": title, "tone": tone, "rows": rows})
    return out


def spoken_summary(report: Mapping[str, Any], lang: str) -> str:
    """What the voice says when the report opens: urgent notices, the overall grade, where the advice is."""
    parts = [r["label"] for r in _urgent(report, lang)]
    nat = report.get("national_grade")
    if nat and nat.get("level") is not None:
        parts.append(pick(("您的综合评级是：", "Your overall grade is: "), lang) + pick(nat, lang))
    parts.append(pick(("您的结果和运动建议在屏幕上。可以打印报告。",
                       "Your results and exercise advice are on the screen. You can print your report."), lang))
    return " ".join(parts)


def trend_series(report: Mapping[str, Any], previous: Sequence[Mapping[str, Any]],
                 item: str) -> list[tuple[str, float]]:
    """(test date, graded value) of ``item``, one point per report, oldest first (this report last)."""
    ordered = sorted(previous, key=lambda r: (str(r.get("test_date")), str(r.get("generated_at"))))
    points = []
    for r in [*ordered, report]:
        for it in r.get("items") or []:
            v = it.get("graded_value") if isinstance(it, Mapping) and it.get("item") == item else None
            if isinstance(v, int | float) and not isinstance(v, bool) and v == v and abs(v) != float("inf"):
                points.append((str(r.get("test_date")), float(v)))
    return points


def trend_items(report: Mapping[str, Any], previous: Sequence[Mapping[str, Any]]) -> list[str]:
    """Items with at least two visits to draw, in the report's order."""
    return [it["item"] for it in report["items"] if len(trend_series(report, previous, it["item"])) >= 2]
