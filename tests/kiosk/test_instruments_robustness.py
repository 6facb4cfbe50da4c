"""Broken instrument files and arbitrary answers: a specific, named error, never a crash or a silent score."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.instruments.model import InstrumentError, load_instruments, parse_instrument
from kiosk.instruments.scoring import AnswerError, IncompleteAnswers, score

RAW = {iid: json.loads(json.dumps(dict(i.raw))) for iid, i in load_instruments().items()}
JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-10, 2000) | st.text(max_size=8),
                       lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                       max_leaves=6)


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_damaged_instrument_file_is_refused_with_an_instrument_error(data):
    iid = data.draw(st.sampled_from(sorted(RAW)))
    doc = copy.deepcopy(RAW[iid])
    path = data.draw(st.sampled_from(list(_paths(doc))))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSONISH)
    try:
        parse_instrument(doc, f"{iid}.json")
    except InstrumentError as e:
        assert f"{iid}.json" in str(e)


@pytest.mark.parametrize("iid", sorted(RAW))
def test_every_shipped_file_still_parses(iid):
    assert parse_instrument(RAW[iid], iid).id == iid


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_answers_score_or_get_a_named_answer_error(data):
    inst = data.draw(st.sampled_from(list(load_instruments().values())))
    keys = [i.link_id for i in inst.items] + ["nope"]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), JSONISH | st.sampled_from(
        [o.code for i in inst.items for o in i.options] or ["x"]), max_size=len(keys)))
    try:
        s = score(inst, answers)
    except IncompleteAnswers as e:
        assert e.missing
    except AnswerError as e:
        assert e.field in keys or e.field == "answers"
    else:
        assert s.total is not None or s.not_scored_reason or s.subscores
