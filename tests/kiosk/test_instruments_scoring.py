"""Every shipped instrument scores its worked examples and every cut-off boundary right — cases made from the data.

The worked examples come from the research files (IPAQ and TCM test vectors worked from the published
rules) or were worked by hand from each instrument's published scoring rule; the boundary cases are
generated from each file's own bands, so a changed cut-off changes the tests with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.instruments.model import Instrument, load_instruments
from kiosk.instruments.scoring import DONT_KNOW, AnswerError, IncompleteAnswers, safety_hits, score

INSTRUMENTS = load_instruments()
SUMS = [i for i in INSTRUMENTS.values() if i.method == "sum"]
SHIPPED = {"phq9", "phq2", "gad7", "gad2", "tcm_constitution_elderly_33", "elderly_self_care_adl",
           "steadi_stay_independent", "sarc_f", "frail", "ipaq_sf"}
EXAMPLES = [(i.id, ex) for i in INSTRUMENTS.values() for ex in i.raw["worked_examples"]]


def test_exactly_the_instruments_marked_free_to_use_are_shipped_with_licence_and_sources():
    assert set(INSTRUMENTS) == SHIPPED, "ad8, eq5d, icope and par-q+ must never ship (licences exclude it)"
    for i in INSTRUMENTS.values():
        assert i.licence["status"] and i.licence["summary"] and i.raw["sources"], i.id
        assert i.url.endswith("/Questionnaire/" + i.id) and i.copyright


def test_every_text_shown_in_a_language_without_an_official_wording_is_marked():
    for i in INSTRUMENTS.values():
        for lang in ("en", "zh"):
            official = i.language_status.get(lang, "").startswith("official")
            for it in i.items:
                if not official and not it.text_status.get(lang) and "reproduced" not in i.language_status[lang]:
                    assert "unvalidated" in i.language_status[lang] or "gloss" in i.language_status[lang], (i.id, lang)


@pytest.mark.parametrize(("iid", "example"), EXAMPLES, ids=[f"{i}-{e['name']}"[:60] for i, e in EXAMPLES])
def test_worked_example(iid: str, example: Mapping) -> None:
    inst = INSTRUMENTS[iid]
    answers = example["answers"]
    s = score(inst, answers)
    exp = example["expected"]
    if "total" in exp:
        assert s.total == pytest.approx(exp["total"]), f"{iid}: expected total {exp['total']}, got {s.total}"
    if "band" in exp:
        assert s.band is not None and s.band.code == exp["band"], f"{iid}: expected band {exp['band']}"
    for key in ("walking_met", "moderate_met", "vigorous_met"):
        if key in exp:
            assert s.details[key] == pytest.approx(exp[key]), key
    for code, (value, result) in exp.get("types", {}).items():
        sub = next(x for x in s.subscores if x.code == code)
        assert (sub.score, sub.result) == (value, result), f"{code}: expected {value} {result}, got {sub}"
    assert [r.id for r in safety_hits(inst, answers)] == exp.get("urgent", [])


def _reach(inst: Instrument, target: float) -> dict[str, str] | None:
    """Answers whose total is exactly ``target`` (subset-sum over the items' option scores), or None."""
    reachable: dict[float, dict[str, str]] = {0.0: {}}
    for it in inst.items:
        nxt: dict[float, dict[str, str]] = {}
        for total, chosen in reachable.items():
            for o in it.options:
                nxt.setdefault(total + o.score, {**chosen, it.link_id: o.code})
        reachable = nxt
    return reachable.get(float(target))


BOUNDARIES = [(i.id, b.code, v) for i in SUMS for b in i.bands for v in sorted({b.minimum, b.maximum})]


@pytest.mark.parametrize(("iid", "band", "total"), BOUNDARIES, ids=[f"{a}-{b}-{c:g}" for a, b, c in BOUNDARIES])
def test_every_band_boundary_scores_into_its_band(iid: str, band: str, total: float) -> None:
    inst = INSTRUMENTS[iid]
    answers = _reach(inst, total)
    assert answers is not None, f"{iid}: no set of answers totals {total:g}"
    s = score(inst, answers)
    assert (s.total, s.band.code if s.band else None) == (total, band)


def test_phq9_watch_range_and_doctor_flag_follow_the_decision_in_the_data():
    inst = INSTRUMENTS["phq9"]
    assert inst.raw["watch"]["min"] == 7 and next(b.minimum for b in inst.bands if b.doctor_flag) == 10
    for total, watch in ((6, False), (7, True), (9, True), (10, False)):
        assert score(inst, _reach(inst, total)).watch is watch, total


@pytest.mark.parametrize("code", ["LA6569-3", "LA6570-1", "LA6571-9"])
def test_phq9_item9_above_zero_is_urgent_even_alone_and_unfinished(code: str) -> None:
    inst = INSTRUMENTS["phq9"]
    assert [r.code for r in safety_hits(inst, {"/44260-8": code})] == ["self_harm_thoughts"]
    assert safety_hits(inst, {"/44260-8": "LA6568-5"}) == ()


def test_a_partial_questionnaire_is_not_scored_and_says_which_questions_are_missing():
    inst = INSTRUMENTS["phq9"]
    with pytest.raises(IncompleteAnswers) as e:
        score(inst, {"/44250-9": "LA6569-3"})
    assert e.value.missing == [i.link_id for i in inst.items[1:]] and "not scored" in str(e.value)


@pytest.mark.parametrize(("iid", "answers", "field", "words"), [
    ("phq9", {"/44250-9": "3"}, "/44250-9", "allowed codes"),
    ("phq9", {"/nope": "LA6568-5"}, "/nope", "no question"),
    ("ipaq_sf", {"ipaq-1": 8}, "ipaq-1", "from 0 to 7"),
    ("ipaq_sf", {"ipaq-1": "3"}, "ipaq-1", "whole number"),
    ("ipaq_sf", {"ipaq-1": 0, "ipaq-2": 30}, "ipaq-2", "skipped"),
    ("ipaq_sf", {"ipaq-1": DONT_KNOW}, "ipaq-1", "whole number"),
])
def test_a_bad_answer_names_the_question_and_what_it_allows(iid, answers, field, words):
    with pytest.raises(AnswerError) as e:
        score(INSTRUMENTS[iid], answers)
    assert e.value.field == field and words in str(e.value)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_complete_answers_to_a_sum_instrument_score_in_range_with_a_band(data):
    inst = data.draw(st.sampled_from(SUMS))
    answers = {it.link_id: data.draw(st.sampled_from([o.code for o in it.options])) for it in inst.items}
    s = score(inst, answers)
    lo, hi = inst.scoring["range"]
    assert lo <= s.total <= hi and s.band is not None and s.band.minimum <= s.total <= s.band.maximum
    assert s.total == sum(it.option(answers[it.link_id]).score for it in inst.items)


# ---- IPAQ-SF: each rule's boundary, numbers from the data --------------------------------------

IPAQ = INSTRUMENTS["ipaq_sf"]
RULES = IPAQ.scoring


def ipaq(vig=(0, 0), mod=(0, 0), walk=(0, 0), sit=300):
    a = {"ipaq-1": vig[0], "ipaq-3": mod[0], "ipaq-5": walk[0], "ipaq-7": sit}
    for link, (d, m) in (("ipaq-2", vig), ("ipaq-4", mod), ("ipaq-6", walk)):
        if d:
            a[link] = m
    return score(IPAQ, a)


def test_ipaq_numbers_are_the_2005_guidelines():
    assert (RULES["met"], RULES["min_bout_min"], RULES["truncate_min"], RULES["exclude_over_min"]) == (
        {"walking": 3.3, "moderate": 4.0, "vigorous": 8.0}, 10, 180, 960)


def test_ipaq_bout_under_the_minimum_counts_as_nothing():
    b = RULES["min_bout_min"]
    assert ipaq(walk=(3, b - 1)).total == 0 and ipaq(walk=(3, b - 1)).details["walking_days"] == 0
    assert ipaq(walk=(3, b)).total == pytest.approx(3.3 * b * 3)


def test_ipaq_minutes_above_the_cap_are_truncated_and_above_the_day_limit_excluded():
    cap, limit = RULES["truncate_min"], RULES["exclude_over_min"]
    assert ipaq(mod=(2, cap + 1)).details["moderate_min_per_day"] == cap
    assert ipaq(mod=(2, cap)).total == ipaq(mod=(2, cap + 100)).total == 4.0 * cap * 2
    ok = ipaq(vig=(1, limit - 200), mod=(1, 100), walk=(1, 100))
    assert ok.total is not None
    out = ipaq(vig=(1, limit - 199), mod=(1, 100), walk=(1, 100))
    assert out.total is None and out.band is None and "excludes" in out.not_scored_reason


def test_ipaq_dont_know_excludes_the_case_but_is_stored_as_an_answer():
    s = score(IPAQ, {"ipaq-1": 2, "ipaq-2": DONT_KNOW, "ipaq-3": 0, "ipaq-5": 0, "ipaq-7": 60})
    assert s.total is None and "don't know" in s.not_scored_reason


@pytest.mark.parametrize(("kwargs", "category"), [
    # high (a): vigorous >= 3 days and >= 1500 MET-min
    ({"vig": (3, 63)}, "high"), ({"vig": (3, 62)}, "moderate"), ({"vig": (2, 180)}, "low"),
    # high (b): 7 days of any combination and >= 3000 MET-min
    ({"walk": (7, 130)}, "high"), ({"walk": (7, 129)}, "moderate"), ({"walk": (6, 180)}, "moderate"),
    # moderate (a): vigorous >= 3 days of >= 20 min
    ({"vig": (3, 20)}, "moderate"), ({"vig": (3, 19)}, "low"),
    # moderate (b): >= 5 days of moderate and/or walking of >= 30 min
    ({"mod": (2, 30), "walk": (3, 30)}, "moderate"), ({"mod": (2, 30), "walk": (2, 30)}, "low"),
    ({"walk": (5, 29)}, "low"),
    # moderate (c): >= 5 days of any combination and >= 600 MET-min
    ({"vig": (2, 25), "walk": (3, 21)}, "moderate"), ({"vig": (2, 25), "walk": (3, 20)}, "low"),
])
def test_ipaq_category_boundaries(kwargs, category):
    assert ipaq(**kwargs).band.code == category, ipaq(**kwargs).details


# ---- 中医体质: judged / tendency / not at every threshold --------------------------------------

TCM = INSTRUMENTS["tcm_constitution_elderly_33"]
TYPES = {t["code"]: t for t in TCM.scoring["types"]}


def test_tcm_thresholds_are_the_published_standard():
    assert TCM.scoring["rule"] == {"yes_min": 11, "tendency_min": 9, "balanced_min": 17,
                                   "balanced_others_max_yes": 8, "balanced_others_max_basic": 10}
    assert TYPES["pinghe"]["reverse_items"] == [2, 4, 5, 13]


def _fill(items: list[int], target: int) -> dict[int, int]:
    vals = {n: 1 for n in items}
    left = target - len(items)
    for n in items:
        add = min(4, left)
        vals[n] += add
        left -= add
    assert left == 0
    return vals


UNBALANCED = [c for c in TYPES if c != "pinghe"]


@pytest.mark.parametrize(("code", "total", "result"), [
    (c, v, r) for c in UNBALANCED for v, r in ((8, "no"), (9, "tendency"), (10, "tendency"), (11, "yes"))])
def test_tcm_unbalanced_type_boundaries(code, total, result):
    raw = {n: 1 for n in range(1, 34)} | _fill(TYPES[code]["items"], total)
    s = score(TCM, {f"tcm-{n}": str(v) for n, v in raw.items()})
    sub = next(x for x in s.subscores if x.code == code)
    assert (sub.score, sub.result) == (total, result)


def _balanced_case(pinghe: int, max_other: int) -> dict[int, int] | None:
    """Answers with 平和质 = ``pinghe`` and the highest other type exactly ``max_other`` (search, small)."""
    rev = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
    for i1, r2, r4, r5, r13 in itertools.product(range(1, 6), repeat=5):
        if i1 + rev[r2] + rev[r4] + rev[r5] + rev[r13] != pinghe:
            continue
        raw = {n: 1 for n in range(1, 34)} | {1: i1, 2: r2, 4: r4, 5: r5, 13: r13}
        shared = {"qixu": r2 + r4 + 2, "qiyu": r5 + 3, "yangxu": r13 + 3}
        if max(shared.values()) > max_other:
            continue
        raw |= _fill(TYPES["tebing"]["items"], max_other)  # no shared items: sets the maximum exactly
        return raw
    return None


@pytest.mark.parametrize(("pinghe", "max_other", "result"), [
    (17, 8, "yes"), (16, 8, "no"), (17, 9, "basically"), (17, 10, "basically"), (17, 11, "no"), (25, 4, "yes"),
    (16, 10, "no")])
def test_tcm_balanced_type_boundaries(pinghe, max_other, result):
    raw = _balanced_case(pinghe, max_other)
    assert raw is not None
    s = score(TCM, {f"tcm-{n}": str(v) for n, v in raw.items()})
    sub = next(x for x in s.subscores if x.code == "pinghe")
    assert (sub.score, sub.result) == (pinghe, result)
    assert max(x.score for x in s.subscores if x.code != "pinghe") == max_other


def test_tcm_contradictory_yin_and_yang_deficiency_is_marked_for_review():
    raw = {n: 1 for n in range(1, 34)} | {n: 3 for n in TYPES["yinxu"]["items"] + TYPES["yangxu"]["items"]}
    s = score(TCM, {f"tcm-{n}": str(v) for n, v in raw.items()})
    assert any("contradictory" in r for r in s.review_reasons)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"bmi": 23.99}, "1"), ({"bmi": 24.0}, "2"), ({"bmi": 24.99}, "2"), ({"bmi": 25.0}, "3"), ({"bmi": 26.0}, "4"),
    ({"bmi": 27.99}, "4"), ({"bmi": 28.0}, "5"),
    ({"waist_cm": 79.4}, "1"), ({"waist_cm": 79.5}, "2"), ({"waist_cm": 85.4}, "2"), ({"waist_cm": 85.5}, "3"),
    ({"waist_cm": 90.4}, "3"), ({"waist_cm": 90.6}, "4"), ({"waist_cm": 105.0}, "4"), ({"waist_cm": 105.5}, "5"),
])
def test_tcm_items_9_and_28_point_to_the_band_of_the_measurement(kwargs, code):
    from kiosk.instruments.tcm import suggested_option

    link = "tcm-9" if "bmi" in kwargs else "tcm-28"
    assert suggested_option(link, **kwargs) == code
    opt = TCM.item(link).option(code)
    assert opt is not None, "the suggestion is one of the form's own answers"


def test_tcm_suggestion_uses_the_latest_measurements_and_bmi_at_report_precision():
    from kiosk.instruments.tcm import suggestion_from_measurements

    measured = [("height", 150.0), ("height", 160.0), ("weight", 64.0), ("waist", 88.2)]
    assert suggestion_from_measurements("tcm-9", measured) == "3", "64 / 1.6² is 25.0 (floating point: 24.99…)"
    assert suggestion_from_measurements("tcm-28", measured) == "3"
    assert suggestion_from_measurements("tcm-9", [("weight", 64.0)]) is None
    assert suggestion_from_measurements("tcm-1", measured) is None
