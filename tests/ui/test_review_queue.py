"""The review queue as plain data: ordering by tier then newest, badges, masking, result rows, trends; and the
store query behind it (completed, reported, not signed off)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import SessionState
from kiosk.storage import open_store
from kiosk.storage.testing import sample_session, store_config
from ui.review_queue import (
    FLAGGED,
    REVIEW,
    ROUTINE,
    URGENT,
    QueueEntry,
    age_band,
    badges,
    format_value,
    mask_identity,
    order_for_review,
    result_rows,
    tier,
    trend_series,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
URGENT_NOTICE = {"code": "see_doctor_today", "message": {"en": "See a doctor today.", "zh": "请今天就医。"},
                 "basis": "x"}
FLAG = {"name": "fall_risk", "label": {"en": "Fall risk", "zh": "跌倒风险"}}


def report(*, urgent: bool = False, review: bool = False, flags: int = 0) -> dict[str, Any]:
    return {"urgent_notices": [URGENT_NOTICE] if urgent else [], "needs_doctor_review": review,
            "flags": [FLAG] * flags}


def entry(name: str, hours: int, r: dict[str, Any]) -> QueueEntry:
    return QueueEntry(name, T0 + timedelta(hours=hours), r, "••••0000")


def test_urgent_then_review_then_flagged_then_newest() -> None:
    entries = [entry("routine-new", 9, report()), entry("flag-old", 1, report(flags=1)),
               entry("review-old", 2, report(review=True)), entry("urgent-oldest", 0, report(urgent=True)),
               entry("flag-new", 5, report(flags=2)), entry("routine-old", 3, report()),
               entry("urgent-new", 4, report(urgent=True, review=True))]
    assert [e.session_id for e in order_for_review(entries)] == [
        "urgent-new", "urgent-oldest", "review-old", "flag-new", "flag-old", "routine-new", "routine-old"]


reports = st.builds(report, urgent=st.booleans(), review=st.booleans(), flags=st.integers(0, 2))


@given(st.lists(st.tuples(reports, st.integers(-1000, 1000)), max_size=12))
def test_order_never_puts_a_lower_tier_or_older_session_first(rows: list[tuple[dict[str, Any], int]]) -> None:
    ordered = order_for_review(entry(str(i), h, r) for i, (r, h) in enumerate(rows))
    assert len(ordered) == len(rows)
    for a, b in pairwise(ordered):
        assert tier(a.report) > tier(b.report) or (tier(a.report) == tier(b.report) and a.started_at >= b.started_at)


def test_tiers_and_damaged_reports() -> None:
    assert tier(report(urgent=True)) == URGENT and tier(report(review=True, flags=1)) == REVIEW
    assert tier(report(flags=1)) == FLAGGED and tier(report()) == ROUTINE
    assert tier({}) == ROUTINE and tier({"urgent_notices": "yes", "flags": None}) == ROUTINE
    assert badges({"flags": [None, 3, {"name": "x"}]}, "en") == [{"kind": "flag", "symbol": "▲", "text": "x"}]
    assert result_rows({"items": [None, {"item": "grip"}]}, "en")[0]["value"] == "—"


def test_badges_carry_a_symbol_and_words_most_serious_first() -> None:
    b = badges(report(urgent=True, review=True, flags=2), "zh")
    assert [x["kind"] for x in b] == ["urgent", "review", "flag"]  # the same flag twice shows once
    assert b[0] == {"kind": "urgent", "symbol": "⚠", "text": "请今天就医。"} and b[2]["text"] == "跌倒风险"
    assert all(x["symbol"] for x in b)


def test_identity_shows_the_last_four_only() -> None:
    assert mask_identity("11010119610302123X", "13800000000", "p-1", False) == "••••123X"
    assert mask_identity(None, "13912345678", "p-1", False) == "••••5678"
    assert mask_identity(None, None, "pseudo-abcd", False) == "••••abcd"  # personal data already purged
    assert mask_identity("11010119610302123X", None, "p", True) is None


@given(st.integers(0, 120))
def test_age_band_holds_the_age(age: int) -> None:
    lo, hi = map(int, age_band(age).split("–"))
    assert lo <= age <= hi and hi - lo == 4 and lo % 5 == 0


def test_age_band_unknown() -> None:
    assert age_band(None) == age_band(-3) == age_band("70") == ""


def test_values_as_written() -> None:
    assert [format_value(v) for v in (152.0, 0.58, 2650, 17.25, None, float("nan"), True)] == [
        "152", "0.58", "2650", "17.25", "—", "—", "—"]


def _item(name: str, value: float, **extra: Any) -> dict[str, Any]:
    return {"item": name, "label": {"en": name.title(), "zh": name}, "unit": "u", "graded_value": value, **extra}


def test_result_rows_in_words() -> None:
    r = {"items": [_item("blood_pressure", 184, components={"systolic": 184, "diastolic": 112},
                         classes=["grade_3_hypertension"], flags=["hypertension", "see_doctor_today"]),
                   _item("grip", 31.5, level={"en": "3 of 5 points", "zh": "3分"}),
                   _item("bmi", 22.0, classes=["normal"])],
         "classes": {"blood_pressure": {"class": "grade_3_hypertension",
                                        "label": {"en": "Grade 3 hypertension", "zh": "3级高血压"}},
                     "bmi": {"class": "normal", "label": {"en": "Normal weight", "zh": "正常体重"}},
                     "waist": {"class": "normal", "label": {"en": "Normal waist", "zh": "腰围正常"}}},
         "flags": [{"name": "hypertension", "label": {"en": "Grade 3 hypertension", "zh": "3级高血压"}},
                   {"name": "see_doctor_today", "label": {"en": "See a doctor today", "zh": "请今天就医"}}]}
    bp, grip, bmi = result_rows(r, "en")
    assert bmi["classes"] == "Normal weight"  # a class name shared by groups is read in the item's group
    assert bp["value"] == "184/112" and bp["classes"] == "Grade 3 hypertension"
    assert bp["flags"] == "See a doctor today" and bp["flagged"]  # a flag that repeats the class shows once
    assert grip["grade"] == "3 of 5 points" and not grip["flagged"] and grip["label"] == "Grip"
    assert result_rows(r, "zh")[1]["grade"] == "3分"


def test_trends_align_with_visits_and_need_two_values() -> None:
    visits = [{"test_date": "2026-01-01", "items": [_item("weight", 60), _item("grip", 20)]},
              {"test_date": "2026-03-01", "items": [_item("grip", 22),
                                                   _item("blood_pressure", 150, components={"systolic": 150,
                                                                                            "diastolic": 95})]},
              {"test_date": "2026-05-01", "items": [_item("weight", 62), _item("blood_pressure", 140,
                                                                               components={"systolic": 140,
                                                                                           "diastolic": 88})]}]
    series = {s["item"]: s for s in trend_series(visits, "en")}
    assert set(series) == {"blood_pressure", "weight", "grip"}
    assert series["weight"]["lines"][0]["values"] == [60.0, None, 62.0]
    assert [ln["values"] for ln in series["blood_pressure"]["lines"]] == [[None, 150.0, 140.0], [None, 95.0, 88.0]]
    assert series["grip"]["dates"] == ["2026-01-01", "2026-03-01", "2026-05-01"]
    assert trend_series(visits[:1], "en") == []


def test_store_lists_completed_reported_sessions_not_yet_signed_off(tmp_path: Path) -> None:
    cfg = store_config(tmp_path)
    with open_store(cfg) as store:
        ids = {}
        for i, key in enumerate(("open", "abandoned", "no_report", "reviewed", "unsigned", "waiting", "newest")):
            s = sample_session(pseudonym=f"p-{key}", started_at=T0 + timedelta(hours=i))
            store.create_session(s)
            ids[key] = s.id
            if key != "no_report":
                store.save_report(s.id, {"report_id": str(uuid.uuid4()), "n": 1})
            if key == "waiting":
                store.save_report(s.id, {"report_id": str(uuid.uuid4()), "n": 2})  # graded again: latest counts
            if key != "open":
                store.finish_session(s.id, SessionState.ABANDONED if key == "abandoned" else SessionState.COMPLETED)
        store.save_review(ids["reviewed"], {"review_id": str(uuid.uuid4()), "note": "ok"})
        store.save_review(ids["unsigned"], {"review_id": str(uuid.uuid4()), "note": "draft", "signed": False})
        found = store.sessions_awaiting_review()
        assert [s.id for s, _ in found] == [ids["newest"], ids["waiting"], ids["unsigned"]]
        assert found[1][1]["n"] == 2 and found[0][0].resident.national_id == "110101196103020000"
