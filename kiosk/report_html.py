"""A self-contained HTML page of a report (bilingual zh/en, inline CSS, no scripts); every value is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from kiosk import report_older
from kiosk.instruments.report_text import questionnaire_rows
from kiosk.report import Report
from kiosk.report_text import (
    FITT_FIELDS,
    HAND_WORDS,
    SEX_WORDS,
    TREND_WORDS,
    graded_text,
    item_labels,
    main_score,
    trial_text,
)

CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;font-size:18pt;margin:1em;color:#111;background:#fff}
h1{font-size:26pt;margin:.2em 0} h2{font-size:21pt;margin:1em 0 .3em;border-bottom:2px solid #333}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #555;padding:.25em .4em;text-align:left;
vertical-align:top} th{background:#e8e8e8} .en{color:#333;font-size:.8em;display:block}
.urgent{border:4px solid #a00000;background:#fff0f0;padding:.5em;margin:.5em 0;font-weight:bold}
.flag{border-left:6px solid #7a4b00;padding:.2em .5em;margin:.3em 0;background:#fff8e6}
.muted{color:#444;font-size:.8em;display:block} .grade{font-size:22pt;font-weight:bold}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _bi(zh: Any, en: Any) -> str:
    return f"{_e(zh)}<span class=\"en\">{_e(en)}</span>"


def _rows(rows: Iterable[Iterable[str]]) -> str:
    return "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)


def _table(head: Iterable[tuple[str, str]], rows: Iterable[Iterable[str]]) -> str:
    th = "".join(f"<th>{_bi(zh, en)}</th>" for zh, en in head)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{_rows(rows)}</tbody></table>"


def _trials(item: dict[str, Any]) -> str:
    parts = []
    for t in item["trials"]:
        text = trial_text(t)
        if t.get("hand"):
            text += f" ({HAND_WORDS[t['hand']][0]} {t['hand']})"
        parts.append(_e(text))
    return "<br>".join(parts)


def _graded(item: dict[str, Any]) -> str:
    text = graded_text(item)
    if item.get("graded_hand"):
        text += f" ({item['graded_hand']})"
    return _e(text)


def _score(item: dict[str, Any]) -> str:
    if item["score"] is not None:
        lv = item.get("level") or {}
        note = main_score(item).get("note")
        out = (f"{_e(item['score'])} — {_bi(lv.get('zh'), lv.get('en'))}"
               f"<span class=\"muted\">{_e(item['score_pack'])}</span>")
        if note:
            out += f"<span class=\"muted\">⚠ {_bi(note['zh'], note['en'])}</span>"
        return out
    nr = item.get("norm_range")
    if nr:
        return f"{_bi(nr['label']['zh'], nr['label']['en'])}<span class=\"muted\">{_e(nr['pack'])}</span>"
    return f"<span class=\"muted\">{_e(item.get('score_reason', ''))}</span>"


def _older_sections(d: dict[str, Any]) -> list[str]:
    """For residents of 60 and over: the functional-fitness summary, screening results and the SPPB panel."""
    out = []
    for key, build in (("fitness", report_older.fitness_rows), ("screening", report_older.screening_rows),
                       ("sppb", report_older.sppb_rows)):
        rows = build(d)
        if rows:
            out.append(f"<h2>{_bi(*report_older.TITLES[key])}</h2>")
            out.append(_table([("项目", "Item"), ("结果", "Result"), ("说明", "What it means")],
                              [[_bi(*r["label"]), _bi(*r["value"]), _bi(*r["detail"])] for r in rows]))
    return out


def _labels(item: dict[str, Any], d: dict[str, Any]) -> str:
    """An item's classes and flags as bilingual labels, each once."""
    return "<br>".join(_bi(zh, en) for zh, en in item_labels(item, d))


def render_report_html(report: Report) -> str:
    """The report as one HTML document; contains no script and loads nothing."""
    d = report.to_dict()
    sex = SEX_WORDS[d["sex"]]
    body = [f"<h1>{_bi('健康检测报告', 'Health station report')}</h1>",
            f"<p>{_e(d['test_date'])} · {_e(d['age_years'])}岁 / {_e(d['age_years'])} years · {_e(sex[0])} / "
            f"{_e(sex[1])} · <span class=\"muted\">{_e(d['station_id'])} · report {_e(d['report_id'])}</span></p>"]
    for u in d["urgent_notices"]:
        body.append(f"<div class=\"urgent\" role=\"alert\">⚠ {_bi(u['message']['zh'], u['message']['en'])}"
                    f"<span class=\"muted\">{_e(u['basis'])}</span></div>")
    if not d["exertion_tests_allowed"]:
        body.append(f"<div class=\"urgent\">{_bi('今天不做运动测试。', 'No exertion tests today.')}</div>")
    body += _older_sections(d)
    body.append(f"<h2>{_bi('国民体质测定综合评级', 'National fitness standard: overall grade')}</h2>")
    if not d["standards"] and report_older.is_older_adult(d):
        note = _bi("国民体质测定标准（2003）只覆盖20–59岁，不给综合评级；各项按上方老年人常模和筛查标准评价。",
                   "The national standard (2003) covers ages 20–59: no overall grade; items are graded by the "
                   "older-adult norms and screening standards above.")
        body.append(f"<p>{note}</p>")
    elif not d["standards"]:
        body.append(f"<p>{_bi('没有适用于该年龄的评分标准。', 'No points standard covers this age.')}</p>")
    for s in d["standards"]:
        grade = _bi(s["grade"]["zh"], s["grade"]["en"])
        body.append(f"<p class=\"grade\">{grade} — {_e(s['total'])} / {_e(s['max_total'])}</p>"
                    f"<p class=\"muted\">{_bi(s['title']['zh'], s['title']['en'])} ({_e(s['age_group'])})</p>")
        if s["not_rated_reasons"]:
            body.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in s["not_rated_reasons"]) + "</ul>")
    rows = []
    for it in d["items"]:
        rows.append([_bi(it["label"]["zh"], it["label"]["en"]), _trials(it), _graded(it),
                     _score(it), _labels(it, d),
                     _e(", ".join(it["graded_by"])) + "".join(f"<span class=\"muted\">{_e(n)}</span>"
                                                             for n in it["coverage"])])
    body.append(f"<h2>{_bi('各项结果', 'Results by item')}</h2>")
    body.append(_table([("项目", "Item"), ("各次测试", "Trials"), ("成绩", "Graded value"), ("得分", "Score"),
                        ("分类/提示", "Classes / flags"), ("评定标准", "Graded by")], rows))
    if d.get("not_measured"):
        body.append(f"<h2>{_bi('未测项目', 'Not measured')}</h2>")
        body.append(_table([("项目", "Item"), ("结果", "Result")],
                           [[_bi(n["label"]["zh"], n["label"]["en"]), _bi(n["text"]["zh"], n["text"]["en"])]
                            for n in d["not_measured"]]))
    if d.get("questionnaires"):
        zh_rows, en_rows = questionnaire_rows(d, "zh"), questionnaire_rows(d, "en")
        body.append(f"<h2>{_bi('自评问卷', 'Questionnaires')}</h2>")
        body.append(_table([("问卷", "Questionnaire"), ("结果", "Result"), ("建议", "What to do")],
                           [[_bi(z["label"], e["label"]), _bi(z["value"], e["value"]), _bi(z["detail"], e["detail"])]
                            for z, e in zip(zh_rows, en_rows, strict=True)]))
    body.append(f"<h2>{_bi('临床分类', 'Clinical classes')}</h2>")
    body.append(_table([("类别", "Group"), ("结果", "Class"), ("数值", "Values"), ("依据", "Source")],
                       [[_bi(c["group_label"]["zh"], c["group_label"]["en"]),
                         _bi(c["label"]["zh"], c["label"]["en"]) + "".join(
                             f"<br>{_bi(a['label']['zh'], a['label']['en'])}" for a in c["also"]),
                         _e(", ".join(f"{k} {v}" for k, v in c["values"].items())),
                         _e(f"{c['source']} ({c['pack']} {c['edition']})")] for c in d["classes"].values()]))
    if d["flags"]:
        body.append(f"<h2>{_bi('提示', 'Flags')}</h2>")
        for f in d["flags"]:
            advice = f"<br>{_bi(f['advice']['zh'], f['advice']['en'])}" if "advice" in f else ""
            body.append(f"<div class=\"flag\">{_bi(f['label']['zh'], f['label']['en'])}{advice}"
                        + "".join(f"<span class=\"muted\">{_e(b)}</span>" for b in f["basis"]) + "</div>")
    rx = d["prescription"]
    if rx:
        body.append(f"<h2>{_bi('运动处方', 'Exercise prescription (FITT)')}</h2>")
        for c in rx["cautions"]:
            body.append(f"<div class=\"flag\">{_bi(c['zh'], c['en'])}</div>")
        body.append(_table([("要素", "Element"), ("建议", "Advice")],
                           [[_bi(zh, en), _bi(rx[k]["zh"], rx[k]["en"])] for k, zh, en in FITT_FIELDS]))
        body.append("<p class=\"muted\">" + "<br>".join(f"{_e(r['rule'])}: {_e(r['basis'])}"
                                                        for r in rx["rules_fired"]) + "</p>")
    if d["trend"]["items"]:
        since = _e(d["trend"]["previous_test_date"])
        body.append(f"<h2>{_bi('与上次比较', 'Change since the last visit')} ({since})</h2>")
        body.append(_table([("项目", "Item"), ("上次", "Previous"), ("本次", "Now"), ("变化", "Change"),
                            ("评价", "Assessment")],
                           [[_e(t["item"]), _e(t["previous"]), _e(t["current"]), _e(f"{t['delta']:+g}"),
                             _bi(*TREND_WORDS[t["assessment"]])] for t in d["trend"]["items"]]))
    body.append(f"<h2>{_bi('所用标准', 'Standards used')}</h2><ul>"
                + "".join(f"<li>{_bi(p['title_zh'], p['title_en'])}<span class=\"muted\">{_e(p['name'])}, "
                          f"edition {_e(p['edition'])} — {_e(p['source'])}</span></li>" for p in d["packs"]) + "</ul>")
    for n in d["notes"]:
        body.append(f"<p class=\"muted\">{_e(n)}</p>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{_e('健康检测报告 / Health station report')} {_e(d['test_date'])}</title>"
            f"<style>{CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n")
