"""Questionnaires stored with the session (never a score for a stopped one), graded into flags, urgency,
the prescription and every form of the report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.errors import InputError
from kiosk.instruments.model import instrument
from kiosk.instruments.results import score_record
from kiosk.report_html import render_report_html
from kiosk.storage import open_store
from kiosk.storage.questionnaires import save_questionnaire
from kiosk.storage.testing import sample_session, store_config
from tests.kiosk.grading_support import grade_session, session, shipped_norms
from ui.report_view import report_sections

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def response(iid: str, answers: dict, status=QuestionnaireStatus.COMPLETED, lang: str = "en") -> QuestionnaireResponse:
    return QuestionnaireResponse(iid, instrument(iid).version, status, answers, lang, T0, T0)


def steadi(*yes: int, lang: str = "en") -> QuestionnaireResponse:
    return response("steadi_stay_independent", {f"steadi-{n}": "Y" if n in yes else "N" for n in range(1, 13)},
                    lang=lang)


def ipaq_low() -> QuestionnaireResponse:
    return response("ipaq_sf", {"ipaq-1": 0, "ipaq-3": 0, "ipaq-5": 2, "ipaq-6": 20, "ipaq-7": 480})


PHQ9_STOPPED_AT_9 = response("phq9", {f"/{c}": "LA6568-5" for c in ("44250-9", "44255-8")} | {"/44260-8": "LA6570-1"},
                             QuestionnaireStatus.STOPPED, "zh")


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path))
    yield s
    s.close()


def test_completed_and_stopped_questionnaires_round_trip_and_queue_for_sync(store):
    s = sample_session()
    store.create_session(s)
    done, stopped = steadi(1, 2), PHQ9_STOPPED_AT_9
    save_questionnaire(store, s.id, done, score_record(done))
    save_questionnaire(store, s.id, stopped, score_record(stopped))
    assert store.load_session(s.id).questionnaires == (done, stopped)
    queued = [i for i in store.outbox_pending(50) if i.kind == "questionnaire"]
    assert [i.id for i in queued] == [str(done.id), str(stopped.id)]
    rec_done, rec_stopped = (store.outbox_record(i) for i in queued)
    assert rec_done["score"]["total"] == 4 and rec_done["score"]["band"]["code"] == "at_risk"
    assert rec_stopped["score"] is None and rec_stopped["response"] == stopped


def test_a_stopped_questionnaire_is_never_stored_with_a_score(store):
    s = sample_session()
    store.create_session(s)
    with pytest.raises(InputError, match="never scored"):
        save_questionnaire(store, s.id, PHQ9_STOPPED_AT_9, {"total": 6})
    assert score_record(PHQ9_STOPPED_AT_9) is None
    assert store.load_session(s.id).questionnaires == ()


def graded(age: int, *responses: QuestionnaireResponse):
    return grade_session(replace(session("F", age, ()), questionnaires=responses), shipped_norms())


def test_fall_risk_and_low_activity_feed_the_flags_and_choose_balance_and_leg_strength():
    r = graded(66, steadi(1), ipaq_low())
    flags = {f.name: f for f in r.flags}
    assert {"fall_risk", "low_activity"} <= set(flags)
    assert any("fall in the past year" in b for b in flags["fall_risk"].basis), "the flag should say why"
    fired = dict(r.prescription.rules_fired)
    for rule in ("balance_for_fall_risk", "leg_strength_for_fall_risk_and_low_activity",
                 "start_small_for_low_activity"):
        assert fired.get(rule), f"{rule} should fire and state its basis"
    assert r.needs_doctor_review is False, "STEADI item 1 alone (1 point) is a flag, not a doctor band"


def test_a_positive_sarc_f_asks_for_strength_training_and_the_doctor():
    sarc = response("sarc_f", {"sarcf-S": "2", "sarcf-A": "1", "sarcf-R": "1", "sarcf-C": "0", "sarcf-F": "0"})
    r = graded(70, sarc)
    assert "sarcopenia_risk" in r.flag_names() and "possible_sarcopenia" not in r.flag_names()
    assert "resistance_for_low_strength" in dict(r.prescription.rules_fired) and r.needs_doctor_review


def test_phq9_item9_in_a_stopped_questionnaire_is_urgent_but_not_scored():
    r = graded(72, PHQ9_STOPPED_AT_9)
    assert [u.code for u in r.urgent_notices] == ["self_harm_thoughts"] and r.needs_doctor_review
    q = r.to_dict()["questionnaires"][0]
    assert q["scored"] is False and "total" not in q and q["answered"] == 3 and q["asked"] == 9
    assert "stopped" in q["not_scored_reason"]["en"]
    assert r.exertion_tests_allowed, "a mood answer does not stop the exercise tests"


def test_every_form_of_the_report_shows_score_band_advice_and_not_scored():
    r = graded(66, steadi(1, 2, 3, lang="zh"), PHQ9_STOPPED_AT_9).to_dict()
    for lang, words in (("en", ("5 / 14 · May be at risk for falling", "Talk to your doctor", "Not scored",
                                "project translation")),
                        ("zh", ("5 / 14 · 可能存在跌倒风险", "平衡和力量练习", "未计分", "已回答 3 / 9 题",
                                "项目翻译"))):
        rows = next(s for s in report_sections(r, lang) if s["key"] == "questionnaires")["rows"]
        text = " ".join(f"{x['value']} {x['detail']}" for x in rows)
        for w in words:
            assert w in text, f"{lang}: expected {w!r} in {text!r}"
        assert next(s for s in report_sections(r, lang) if s["key"] == "urgent")
    html = render_report_html(graded(66, steadi(1, 2, 3)))
    assert "可能存在跌倒风险" in html and "May be at risk for falling" in html


def test_the_tcm_result_names_the_types_judged():
    a = {f"tcm-{n}": "1" for n in range(1, 34)} | {"tcm-1": "5", "tcm-2": "3", "tcm-3": "3", "tcm-4": "3",
                                                   "tcm-14": "3"}
    r = graded(68, response("tcm_constitution_elderly_33", a, lang="zh")).to_dict()
    rows = next(s for s in report_sections(r, "zh") if s["key"] == "questionnaires")["rows"]
    assert rows[0]["value"] == "气虚质（是）"
    en = next(s for s in report_sections(r, "en") if s["key"] == "questionnaires")["rows"]
    assert en[0]["value"] == "Qi-deficiency (Yes)"
