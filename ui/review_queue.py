"""The doctor's review queue and session view as plain data (no Qt): ordering, badges, result rows, trends.

A stored report (``Report.to_dict()``, docs/grade-format.md) says what needs a doctor: urgent notices
(grade-3 blood pressure: re-measure, then "see a doctor today"), ``needs_doctor_review`` (BP grade 2+,
a safety "yes", diabetes-range glucose, possible sarcopenia) and the screening/clinical flags. The
queue puts those first, in that order, and the newest session first within each tier. Reports come
from the store and may be older or damaged: every reader here tolerates missing or odd keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain import DEVIATION_FLAG_PREFIX
from kiosk.instruments.report_text import detail_text, value_text
from kiosk.trend import CLASS_GROUP_OF_ITEM

# Tiers, highest first: what puts a session at the top of the queue.
URGENT, REVIEW, FLAGGED, ROUTINE = 3, 2, 1, 0

# Symbols beside the words (never colour alone): urgent, doctor review advised, a flag.
SYMBOLS = {"urgent": "⚠", "review": "✚", "flag": "▲"}

# Items whose trend across visits the doctor sees, in this order (those the resident has at least twice).
TREND_ITEMS = ("blood_pressure", "bmi", "weight", "waist", "glucose_fasting", "grip", "vital_capacity",
               "chair_stand_30s", "five_times_sit_to_stand", "single_leg_stand_eyes_closed", "sit_and_reach",
               "choice_reaction_time")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def words(value: Any, lang: str) -> str:
    """A bilingual fragment ({en, zh}) in ``lang``, else English, else the text itself."""
    if isinstance(value, str):
        return value
    m = _map(value)
    for key in (lang, "en"):
        if isinstance(m.get(key), str):
            return m[key]
    return ""


def tier(report: Mapping[str, Any]) -> int:
    """URGENT (an urgent notice), REVIEW (needs_doctor_review), FLAGGED (any flag) or ROUTINE."""
    if _list(report.get("urgent_notices")):
        return URGENT
    if report.get("needs_doctor_review") is True:
        return REVIEW
    if _list(report.get("flags")):
        return FLAGGED
    return ROUTINE


@dataclass(frozen=True)
class QueueEntry:
    """One completed, not yet reviewed session with its report (what the store returns, reduced)."""

    session_id: str
    started_at: datetime
    report: Mapping[str, Any]
    masked_identity: str | None  # "••••1234"; None for a guest
    pseudonym: str = ""


def order_for_review(entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    """Urgent first, then doctor review advised, then flagged, then the rest; newest first within each."""
    return sorted(entries, key=lambda e: (-tier(e.report), -e.started_at.timestamp(), e.session_id))


def mask_identity(national_id: str | None, phone: str | None, pseudonym: str, is_guest: bool) -> str | None:
    """The last four characters of the ID number (else the phone, else the pseudonym); None for a guest."""
    if is_guest:
        return None
    basis = national_id or phone or pseudonym
    return "••••" + basis[-4:] if basis else "••••"


def age_band(age: Any) -> str:
    """Five-year band such as "70–74" (the queue shows no exact age); "" when unknown."""
    a = _number(age)
    if a is None or a < 0:
        return ""
    lo = int(a) // 5 * 5
    return f"{lo}–{lo + 4}"


def badges(report: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """What the doctor must notice, most serious first: {kind, symbol, text}. Review words come from the caller."""
    out = []
    for notice in _list(report.get("urgent_notices")):
        n = _map(notice)
        text = words(n.get("doctor_message") or n.get("message"), lang) or str(n.get("code") or "")
        out.append({"kind": "urgent", "symbol": SYMBOLS["urgent"], "text": text})
    if report.get("needs_doctor_review") is True:
        out.append({"kind": "review", "symbol": SYMBOLS["review"], "text": ""})
    for q in map(_map, _list(report.get("questionnaires"))):  # a questionnaire the doctor should see
        if q.get("doctor_flag") is True and not q.get("urgent"):
            out.append({"kind": "review", "symbol": SYMBOLS["review"], "text": _questionnaire_line(q, lang)})
    seen = set()
    for flag in _list(report.get("flags")):
        f = _map(flag)
        text = words(f.get("label"), lang) or str(f.get("name") or "")
        if text and text not in seen:
            seen.add(text)
            out.append({"kind": "flag", "symbol": SYMBOLS["flag"], "text": text})
    return out


def format_value(value: Any) -> str:
    """A number as a person writes it: no trailing zeros, at most two decimals."""
    v = _number(value)
    if v is None:
        return "—"
    return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def item_value(item: Mapping[str, Any]) -> str:
    """The graded value; blood pressure as systolic/diastolic."""
    comps = _map(item.get("components"))
    if item.get("item") == "blood_pressure" and "systolic" in comps and "diastolic" in comps:
        return f"{format_value(comps['systolic'])}/{format_value(comps['diastolic'])}"
    return format_value(item.get("graded_value"))


def _class_labels(report: Mapping[str, Any], lang: str) -> dict[tuple[str, str], str]:
    """(group, class name) -> words: class names repeat across groups ("normal" BP, "normal" BMI)."""
    labels = {}
    for group, c in _map(report.get("classes")).items():
        c = _map(c)
        if isinstance(c.get("class"), str):
            labels[(group, c["class"])] = words(c.get("label"), lang)
        for also in _list(c.get("also")):
            a = _map(also)
            if isinstance(a.get("class"), str):
                labels[(group, a["class"])] = words(a.get("label"), lang)
    return labels


def _flag_labels(report: Mapping[str, Any], lang: str) -> dict[str, str]:
    return {f["name"]: words(f.get("label"), lang) for f in map(_map, _list(report.get("flags")))
            if isinstance(f.get("name"), str)}


def result_rows(report: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """One row per graded item: label, value, unit, grade (the standard's level), classes, flags (in words)."""
    classes, flags = _class_labels(report, lang), _flag_labels(report, lang)
    rows = []
    for it in map(_map, _list(report.get("items"))):
        level = words(it.get("level"), lang) if it.get("level") else ""
        group = CLASS_GROUP_OF_ITEM.get(str(it.get("item")), str(it.get("item")))
        cls = [classes.get((group, str(c)), str(c).replace("_", " ")) for c in _list(it.get("classes"))]
        fl = [flags.get(f, str(f).replace("_", " ")) for f in _list(it.get("flags"))]
        fl = [f for f in dict.fromkeys(fl) if f not in cls]
        if isinstance(cc := it.get("count_correction"), Mapping):  # a doctor's count: say so, and the camera's
            fl.insert(0, words({"en": f"corrected by doctor {cc.get('corrected_by')}; camera counted "
                                      f"{cc.get('camera_count')}",
                                "zh": f"已由医生{cc.get('corrected_by')}更正；摄像头计数"
                                      f"{cc.get('camera_count')}"}, lang))
        rows.append({"item": str(it.get("item") or ""), "label": words(it.get("label"), lang) or str(it.get("item")),
                     "value": item_value(it), "unit": str(it.get("unit") or ""), "grade": level,
                     "classes": ", ".join(cls), "flags": ", ".join(fl), "flagged": bool(fl or it.get("flags")),
                     "deviations": _deviation_text(deviations_of(it), lang), "notMeasured": False})
    rows += questionnaire_rows(report, lang)
    for nm in map(_map, _list(report.get("not_measured"))):  # tried, no valid result: never a value or a grade
        rows.append({"item": str(nm.get("item") or ""), "label": words(nm.get("label"), lang) or str(nm.get("item")),
                     "value": "未测" if lang == "zh" else "not measured", "unit": "", "grade": "",
                     "classes": "— " + words(nm.get("reason_text"), lang), "flags": "", "flagged": False,
                     "deviations": "", "notMeasured": True})
    return rows


def short_title(q: Mapping[str, Any], lang: str) -> str:
    """"PHQ-9" from "Patient Health Questionnaire-9 (PHQ-9)"; the whole title when it has no short name."""
    title = words(q.get("short_title") or q.get("title"), lang) or str(q.get("instrument") or "")
    return title[title.rfind("(") + 1:-1] if title.endswith(")") and "(" in title else title


def _questionnaire_line(q: Mapping[str, Any], lang: str) -> str:
    try:
        return f"{short_title(q, lang)}: {value_text(q, lang)}"
    except (KeyError, TypeError, IndexError):  # an older or damaged report: the name alone
        return short_title(q, lang)


def questionnaire_rows(report: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """One result row per questionnaire: the score and band, what to do, and any urgent answer."""
    rows = []
    for q in map(_map, _list(report.get("questionnaires"))):
        try:
            value, detail = value_text(q, lang), detail_text(q, lang)
        except (KeyError, TypeError, IndexError):
            value, detail = "—", ""
        urgent = [words(u.get("doctor_message") or u.get("message"), lang) for u in map(_map, _list(q.get("urgent")))]
        rows.append({"item": f"questionnaire:{q.get('instrument')}", "label": short_title(q, lang), "value": value,
                     "unit": "", "grade": "", "classes": detail, "flags": " ".join(urgent),
                     "flagged": q.get("doctor_flag") is True, "deviations": "", "notMeasured": not q.get("scored")})
    return rows


def _deviation_text(found: list[str], lang: str) -> str:
    return (("偏离测试规程：" if lang == "zh" else "Protocol deviation: ") + ", ".join(found)) if found else ""


def deviations_of(item: Mapping[str, Any]) -> list[str]:
    """The protocol deviations recorded on an item's trials ("standing arm curl"), for the doctor to see."""
    found = [str(f).removeprefix(DEVIATION_FLAG_PREFIX).replace("_", " ")
             for t in map(_map, _list(item.get("trials"))) for f in _list(t.get("quality_flags"))
             if str(f).startswith(DEVIATION_FLAG_PREFIX)]
    return list(dict.fromkeys(found))


def _item_of(report: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    return next((i for i in map(_map, _list(report.get("items"))) if i.get("item") == name), None)


def trend_series(reports: Sequence[Mapping[str, Any]], lang: str, *, min_points: int = 2) -> list[dict[str, Any]]:
    """Key items across the resident's reports (oldest first): {item, label, unit, dates, lines: [{name, values}]}.

    Blood pressure has two lines (systolic, diastolic). An item shows when it has ``min_points`` values;
    a visit without it gives ``None`` at its place, so every line stays aligned with ``dates``.
    """
    dates = [str(r.get("test_date") or "") for r in reports]
    out = []
    for name in TREND_ITEMS:
        found = [_item_of(r, name) for r in reports]
        if name == "blood_pressure":
            parts = ("systolic", "diastolic")
            lines = [{"name": p, "values": [_number(_map(f.get("components")).get(p)) if f else None for f in found]}
                     for p in parts]
        else:
            lines = [{"name": name, "values": [_number(f.get("graded_value")) if f else None for f in found]}]
        if sum(v is not None for v in lines[0]["values"]) < min_points:
            continue
        label_src = next((f for f in reversed(found) if f), {})
        out.append({"item": name, "label": words(label_src.get("label"), lang) or name,
                    "unit": str(label_src.get("unit") or ""), "dates": dates, "lines": lines})
    return out
