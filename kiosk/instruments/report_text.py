"""The questionnaires of a report dict as plain-text rows (label, value, detail, tone), in one language.

Shared by the HTML report, the report screen and the PDF, so all say the same: each score with its
range, the band in plain words, what to do, and that a stopped questionnaire was not scored. Where the
words the resident read were not a validated wording (a project translation, an English gloss), the
row says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pick(pair: Mapping[str, Any] | None, lang: str) -> str:
    if not pair:
        return ""
    return str(pair.get(lang) or pair.get("en") or pair.get("zh") or "")


def _w(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _num(x: float) -> str:
    return f"{x:g}"


def value_text(q: Mapping[str, Any], lang: str) -> str:
    """The result in a few words: "9 / 27 · Mild", "1733 MET-min/week · High", "平和质（是）", "Not scored"."""
    if not q.get("scored"):
        return _w("未计分", "Not scored", lang)
    if q["instrument"] == "ipaq_sf":
        unit = _w("梅脱·分钟/周", "MET-min/week", lang)
        return f"{_num(q['total'])} {unit} · {_pick(q['band']['label'], lang)}"
    if q.get("subscores") and q.get("total") is None:  # TCM constitution: the types judged, then tendencies
        sep = "、" if lang == "zh" else ", "
        judged = [f"{_pick(s['name'], lang)}（{_pick(s['result_text'], lang)}）" if lang == "zh"
                  else f"{_pick(s['name'], lang)} ({_pick(s['result_text'], lang)})"
                  for s in q["subscores"] if s["result"] in ("yes", "basically", "tendency")]
        return sep.join(judged) or _w("未判定体质类型", "No type judged", lang)
    hi = q["range"][1]
    return f"{_num(q['total'])} / {_num(hi)} · {_pick(q['band']['label'], lang)}"


def detail_text(q: Mapping[str, Any], lang: str) -> str:
    """What to do, and anything the reader must know about how the result came about."""
    bits = []
    if not q.get("scored"):
        reason = q.get("not_scored_reason") or {}
        bits.append(_pick(reason, lang))
        bits.append(_w(f"已回答 {q['answered']} / {q['asked']} 题",
                       f"{q['answered']} of {q['asked']} questions answered", lang))
    elif "band" in q:
        bits.append(_pick(q["band"]["advice"], lang))
    elif "advice" in q:
        bits.append(_pick(q["advice"], lang))
    if q.get("watch"):
        bits.append(_pick(q["watch"], lang))
    if q["instrument"] == "phq2":
        bits.append(_w("本问卷不包括自我伤害的问题。", "This questionnaire does not ask about self-harm.", lang))
    status = q.get("language_status", {}).get(q.get("language", lang), "")
    if "unvalidated" in status:
        bits.append(_w("所显示的问题为项目翻译，尚未经过验证。",
                       "The wording shown was a project translation, not yet validated.", lang))
    elif "gloss" in status:
        bits.append(_w("英文只是简短说明，不是正式译文。",
                       "The English words were a short gloss, not a translation.", lang))
    return " ".join(b for b in bits if b)


def tone(q: Mapping[str, Any]) -> str:
    if q.get("urgent"):
        return "urgent"
    return "warn" if q.get("doctor_flag") else "normal"


def questionnaire_rows(report: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """One row per questionnaire in the report, in the order answered."""
    return [{"label": _pick(q["title"], lang), "value": value_text(q, lang), "detail": detail_text(q, lang),
             "tone": tone(q)} for q in report.get("questionnaires") or []]
