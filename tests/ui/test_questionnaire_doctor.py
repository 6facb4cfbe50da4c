"""What the doctor's queue and session view say about questionnaires (plain data from graded reports)."""

from __future__ import annotations

from tests.kiosk.test_questionnaire_session import PHQ9_STOPPED_AT_9, graded, response, steadi
from ui.review_queue import URGENT, badges, result_rows, tier


def test_an_item9_answer_puts_the_session_at_the_top_of_the_queue_with_the_help_message():
    rep = graded(70, PHQ9_STOPPED_AT_9).to_dict()
    assert tier(rep) == URGENT
    b = badges(rep, "zh")
    assert b[0]["kind"] == "urgent" and "自杀风险" in b[0]["text"]
    row = next(r for r in result_rows(rep, "en") if r["item"] == "questionnaire:phq9")
    assert row["value"] == "Not scored" and row["notMeasured"] and "suicide risk" in row["flags"]
    assert "3 of 9 questions answered" in row["classes"]


def test_a_doctor_band_or_the_phq9_watch_range_shows_as_a_review_badge_with_the_score():
    eight = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3")
    phq9_8 = response("phq9", {f"/{c}": "LA6569-3" for c in eight} | {"/44260-8": "LA6568-5"})
    rep = graded(66, phq9_8, steadi(1, 2, 3, 4)).to_dict()
    texts = [x["text"] for x in badges(rep, "en") if x["kind"] == "review"]
    assert "PHQ-9: 8 / 27 · Mild" in texts, texts
    assert any(t.startswith("STEADI") or "fall" in t.lower() for t in texts + [x["text"] for x in badges(rep, "en")])
    rows = {r["item"]: r for r in result_rows(rep, "zh")}
    assert "关注：7-9分" in rows["questionnaire:phq9"]["classes"], "the doctor sees the Chinese community cut-off"
    assert rows["questionnaire:steadi_stay_independent"]["flagged"]


def test_old_or_damaged_reports_without_questionnaires_still_read():
    assert result_rows({"items": [], "questionnaires": [{"instrument": "x", "scored": True}]}, "en")[0]["value"] == "—"
    assert badges({"questionnaires": "nonsense"}, "en") == []
