"""A questionnaire response as the report shows it: score, band in plain words, what to do, flags, urgency.

``questionnaire_result`` turns a stored response into a frozen ``QuestionnaireResult`` (never a score for
a stopped one, which says so); ``score_record`` is the score JSON stored beside a completed response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.errors import InputError
from kiosk.instruments.model import Instrument, Text, instrument
from kiosk.instruments.scoring import Score, enabled_items, safety_hits, score

# Station flags an instrument may raise: (label en, label zh, advice en, advice zh).
FLAG_WORDS: Mapping[str, tuple[str, str, str, str]] = {
    "fall_risk": ("Higher fall risk", "跌倒风险较高",
                  "Balance and leg-strength training is advised; ask the doctor about fall prevention.",
                  "建议进行平衡和下肢力量训练，并向医生咨询防跌倒措施。"),
    "sarcopenia_risk": ("Sarcopenia risk (questionnaire)", "肌少症风险（问卷）",
                        "Have grip strength and the chair stand tested; strength training is advised.",
                        "建议测量握力和椅子坐站，并进行力量训练。"),
    "low_activity": ("Low physical activity", "体力活动不足",
                     "Build up slowly to 150 minutes a week of moderate activity.",
                     "逐步增加到每周150分钟中等强度活动。"),
    "frailty": ("Frailty (FRAIL scale)", "衰弱（FRAIL量表）",
                "Strength exercise and good nutrition help; the doctor will review this.",
                "力量练习和均衡营养会有帮助；医生会查看这个结果。"),
}
NOT_SCORED_STOPPED = Text("Not scored: the questionnaire was stopped before the end.",
                          "未计分：问卷没有做完就停止了。")


@dataclass(frozen=True)
class QuestionnaireResult:
    """One questionnaire in the report."""

    response_id: str
    instrument: Instrument
    status: str
    language: str
    answered: int
    asked: int
    score: Score | None  # None: stopped, or answers no longer valid
    urgent: tuple[tuple[str, Text, str], ...]  # (code, message, basis)
    urgent_doctor: tuple[Text | None, ...] = ()  # the doctor's words for each urgent entry
    not_scored: Text | None = None

    @property
    def doctor_flag(self) -> bool:
        s = self.score
        return bool(self.urgent) or bool(s and ((s.band and s.band.doctor_flag) or s.watch or s.review_reasons))

    def to_dict(self) -> dict[str, Any]:
        inst, s = self.instrument, self.score
        d: dict[str, Any] = {
            "response_id": self.response_id, "instrument": inst.id, "url": inst.url, "version": inst.version,
            "title": _t(inst.title), "short_title": _t(inst.short), "status": self.status, "language": self.language,
            "answered": self.answered, "asked": self.asked, "scored": s is not None and not s.not_scored_reason,
            "language_status": dict(inst.language_status), "doctor_flag": self.doctor_flag,
            "urgent": [{"code": c, "message": _t(m), "basis": b, **({"doctor_message": _t(doc)} if doc else {})}
                       for (c, m, b), doc in zip(self.urgent, self.urgent_doctor or [None] * len(self.urgent),
                                                 strict=True)],
        }
        if self.not_scored is not None:
            d["not_scored_reason"] = _t(self.not_scored)
        if s is not None:
            d.update(score_dict(inst, s))
        return d


def _t(t: Text) -> dict[str, str | None]:
    return {"en": t.en, "zh": t.zh}


def score_dict(inst: Instrument, s: Score) -> dict[str, Any]:
    """The JSON form of a score (stored with the response, and in the report)."""
    d: dict[str, Any] = {"total": s.total, "range": list(inst.scoring.get("range", [])),
                         "total_code": dict(inst.total_code) if inst.total_code else None}
    if s.band is not None:
        d["band"] = {"code": s.band.code, "label": _t(s.band.label), "advice": _t(s.band.advice),
                     "doctor_flag": s.band.doctor_flag}
    elif inst.method == "tcm_constitution":
        d["advice"] = inst.scoring["advice"]
    if s.not_scored_reason:
        d["not_scored_reason"] = {"en": s.not_scored_reason, "zh": "未计分：" + _ZH_REASONS.get(
            s.not_scored_reason.split(":")[0], "答案不符合计分规则")}
    if s.subscores:
        d["subscores"] = [{"code": x.code, "name": _t(x.name), "score": x.score, "result": x.result,
                           **({"result_text": _t(x.result_text)} if x.result_text else {})} for x in s.subscores]
    if s.details:
        d["details"] = dict(s.details)
    if s.watch:
        d["watch"] = _t(Text(inst.raw["watch"]["label"]["en"], inst.raw["watch"]["label"]["zh"]))
    d["flags"] = [{"name": f, "basis": b} for f, b in s.flags]
    d["review_reasons"] = list(s.review_reasons)
    d["basis"] = inst.scoring.get("basis", "")
    return d


_ZH_REASONS = {"a 'don't know' answer about activity": "有“不知道”的活动回答，按IPAQ规则不计分",
               "more than 960 minutes of activity a day in all": "每天活动时间合计超过960分钟，按IPAQ规则不计分"}


def score_record(resp: QuestionnaireResponse) -> dict[str, Any] | None:
    """The score to store with a response: None for a stopped one (never scored)."""
    if resp.status is not QuestionnaireStatus.COMPLETED:
        return None
    inst = instrument(resp.instrument)
    return score_dict(inst, score(inst, resp.answers))


def questionnaire_result(resp: QuestionnaireResponse) -> QuestionnaireResult:
    """The report's view of a response; safety rules act on a stopped one too."""
    inst = instrument(resp.instrument)
    hits = safety_hits(inst, resp.answers)
    urgent = tuple((r.code, r.message, r.basis) for r in hits)
    asked = len(enabled_items(inst, resp.answers))
    common = dict(response_id=str(resp.id), instrument=inst, status=resp.status.value, language=resp.language,
                  answered=len(resp.answers), asked=asked, urgent=urgent,
                  urgent_doctor=tuple(r.doctor_message for r in hits))
    if resp.status is not QuestionnaireStatus.COMPLETED:
        return QuestionnaireResult(score=None, not_scored=NOT_SCORED_STOPPED, **common)  # type: ignore[arg-type]
    try:
        s = score(inst, resp.answers)
    except InputError as e:  # answers stored against another version: shown, never guessed
        return QuestionnaireResult(score=None, not_scored=Text(f"Not scored: {e}", "未计分：答案与问卷版本不符。"),
                                   **common)  # type: ignore[arg-type]
    return QuestionnaireResult(score=s, **common)  # type: ignore[arg-type]
