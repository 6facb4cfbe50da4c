"""Scoring a questionnaire's answers: checking them, the sum rule with bands, safety rules and station flags.

Answers map linkId -> an option code (choice items), a whole number (integer items) or DONT_KNOW.
A questionnaire with a required, enabled item unanswered is not scored (IncompleteAnswers): a partial
questionnaire never gets a score. Safety rules look at whatever was answered, complete or not, so an
answer that needs help now is acted on even if the resident stops at the next question.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kiosk.errors import InputError
from kiosk.instruments.model import Band, Instrument, Item, SafetyRule
from kiosk.instruments.score_types import DONT_KNOW, Score

Answers = Mapping[str, str | int]


class AnswerError(InputError):
    """An answer that the instrument does not allow; ``field`` is the item's linkId."""


class IncompleteAnswers(InputError):
    """Required items are unanswered: the questionnaire is not scored."""

    def __init__(self, instrument: str, missing: list[str]) -> None:
        super().__init__(f"{instrument}: not scored, {len(missing)} required question(s) unanswered: "
                         f"{', '.join(missing)}", field="answers")
        self.missing = missing


def _enabled(item: Item, answers: Answers) -> bool:
    for e in item.enable_when:
        got = answers.get(e.question)
        if not isinstance(got, int) or isinstance(got, bool):
            return False
        if (e.operator == ">" and not got > e.answer) or (e.operator == "=" and got != e.answer):
            return False
    return True


def enabled_items(inst: Instrument, answers: Answers) -> list[Item]:
    """The items asked, given the answers so far (skip rules applied), in order."""
    return [i for i in inst.items if _enabled(i, answers)]


def check_answer(inst: Instrument, link_id: str, value: object) -> str | int:
    """One answer, checked against its item; AnswerError (naming the item and what it allows) otherwise."""
    item = inst.item(link_id)
    if item is None:
        raise AnswerError(f"{inst.id} has no question {link_id!r}", field=link_id)
    if item.type == "choice":
        if not isinstance(value, str) or item.option(value) is None:
            allowed = ", ".join(repr(o.code) for o in item.options)
            raise AnswerError(f"{value!r} is not an answer to question {item.number}; allowed codes: {allowed}",
                              field=link_id)
        return value
    if value == DONT_KNOW and item.dont_know:
        return DONT_KNOW
    if isinstance(value, bool) or not isinstance(value, int) or not item.minimum <= value <= item.maximum:
        unit = "days" if item.unit == "d" else "minutes"
        dk = ' or "dont_know"' if item.dont_know else ""
        raise AnswerError(f"{value!r} is not an answer to question {item.number}: a whole number of {unit} from "
                          f"{item.minimum} to {item.maximum}{dk}", field=link_id)
    return value


def check_answers(inst: Instrument, answers: Mapping[str, object]) -> dict[str, str | int]:
    """Every answer checked; answers to questions the skip rules leave out are refused (they would mislead)."""
    if not isinstance(answers, Mapping):
        raise AnswerError("answers must be an object of question linkId -> answer", field="answers")
    out = {k: check_answer(inst, k, v) for k, v in answers.items()}
    enabled = {i.link_id for i in enabled_items(inst, out)}
    for k in out:
        if k not in enabled:
            raise AnswerError(f"question {inst.item(k).number} is skipped by an earlier answer and must not be "  # type: ignore[union-attr]
                              "answered", field=k)
    return out


def missing(inst: Instrument, answers: Answers) -> list[str]:
    return [i.link_id for i in enabled_items(inst, answers) if i.required and i.link_id not in answers]


def item_score(inst: Instrument, link_id: str, answers: Answers) -> float | None:
    item, value = inst.item(link_id), answers.get(link_id)
    if item is None or item.type != "choice" or not isinstance(value, str):
        return None
    opt = item.option(value)
    return opt.score if opt else None


def safety_hits(inst: Instrument, answers: Answers) -> tuple[SafetyRule, ...]:
    """The safety rules the answers so far trigger (complete or not)."""
    return tuple(r for r in inst.safety_rules if (s := item_score(inst, r.item, answers)) is not None
                 and s >= r.min_score)


def _flags(inst: Instrument, total: float | None, band: Band | None, answers: Answers) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for r in inst.flag_rules:
        w = r.when
        hit = (("total_at_least" in w and total is not None and total >= w["total_at_least"])
               or ("item" in w and answers.get(w["item"]) == w["answer"])
               or ("band" in w and band is not None and band.code == w["band"]))
        if hit and (r.flag, r.basis) not in out:
            out.append((r.flag, r.basis))
    return tuple(out)


def score(inst: Instrument, answers: Mapping[str, object]) -> Score:
    """Score a complete set of answers (AnswerError for a bad answer, IncompleteAnswers for a partial set)."""
    checked = check_answers(inst, answers)
    gaps = missing(inst, checked)
    if gaps:
        raise IncompleteAnswers(inst.id, gaps)
    if inst.method == "ipaq_sf":
        from kiosk.instruments.ipaq import score_ipaq

        result = score_ipaq(inst, checked)
    elif inst.method == "tcm_constitution":
        from kiosk.instruments.tcm import score_tcm

        result = score_tcm(inst, checked)
    else:
        total = sum(item_score(inst, i.link_id, checked) or 0.0 for i in enabled_items(inst, checked))
        watch = inst.raw.get("watch") or {}
        result = Score(inst.id, total, inst.band_for(total),
                       watch=bool(watch) and watch["min"] <= total <= watch["max"])
    return Score(result.instrument, result.total, result.band, result.subscores, MappingProxyType(dict(result.details)),
                 _flags(inst, result.total, result.band, checked), result.watch, result.not_scored_reason,
                 result.review_reasons)
