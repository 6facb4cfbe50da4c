"""Hypothesis: any physically possible session grades without error, within range, JSON-able and repeatable."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain import ITEMS
from tests.kiosk.grading_support import bp, grade, meas

SCALAR_ITEMS = sorted(n for n, s in ITEMS.items() if not s.components)


@st.composite
def measurements(draw):
    out = []
    for item in draw(st.lists(st.sampled_from(SCALAR_ITEMS), max_size=8, unique=True)):
        spec = ITEMS[item]
        for trial in range(1, draw(st.integers(1, 3)) + 1):
            v = draw(st.floats(spec.minimum, spec.maximum, allow_nan=False, allow_infinity=False))
            side = draw(st.sampled_from([None, "left", "right"])) if item == "grip" else None
            out.append(meas(item, v, trial, side=side))
    if draw(st.booleans()):
        sys_ = draw(st.floats(60, 300))
        out.append(bp(sys_, draw(st.floats(20, sys_ - 1))))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sex=st.sampled_from(["M", "F"]), age=st.integers(18, 120), ms=measurements())
def test_any_plausible_session_grades_consistently(sex, age, ms) -> None:
    rep = grade(sex, age, *ms)
    d = rep.to_dict()
    json.dumps(d, ensure_ascii=False, allow_nan=False)
    for it in rep.items:
        for s in it.scores:
            assert s.points is None or 0 <= s.points <= s.points_max, f"{it.item}: points {s.points} out of range"
    for std in rep.standards:
        assert 0 <= std.total <= std.max_total, f"total {std.total} outside 0–{std.max_total}"
        assert (std.grade_level is None) == bool(std.not_rated_reasons) or std.grade_level is None
    again = grade(sex, age, *ms).to_dict()
    for key in ("report_id", "session_id", "generated_at"):
        again[key] = d[key]
    assert again == d, "grading is deterministic"


JSON_JUNK = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                    max_size=3), max_leaves=12)


@settings(max_examples=80, deadline=None)
@given(items=JSON_JUNK, classes=JSON_JUNK, test_date=JSON_JUNK, value=JSON_JUNK)
def test_a_malformed_previous_report_never_breaks_grading(items, classes, test_date, value) -> None:
    previous = {"items": [items, {"item": "grip", "graded_value": value}, {"item": "blood_pressure",
                                                                             "graded_value": value}],
                "classes": classes, "test_date": test_date}
    rep = grade("M", 30, meas("grip", 40.0), bp(130, 85), previous=previous)
    json.dumps(rep.to_dict(), allow_nan=False)
