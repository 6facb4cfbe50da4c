"""Report trend against the previous session, and the self-contained, escaped, bilingual HTML page."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace

from kiosk.grading import grade_session
from kiosk.report_html import render_report_html
from tests.kiosk.grading_support import bp, grade, meas, session, shipped_norms


def _previous(**values) -> dict:
    return grade("F", 45, *values.pop("ms")).to_dict()


def test_trend_uses_each_items_direction() -> None:
    prev = _previous(ms=[meas("grip", 24.0), meas("choice_reaction_time", 0.60), meas("sit_and_reach", 5.0),
                         meas("weight", 64.0)])
    rep = grade("F", 45, meas("grip", 25.5), meas("choice_reaction_time", 0.64), meas("sit_and_reach", 5.0),
                meas("weight", 62.5), previous=prev)
    t = {e.item: e for e in rep.trend}
    assert (t["grip"].delta, t["grip"].change, t["grip"].assessment) == (1.5, "up", "better")
    assert (t["choice_reaction_time"].change, t["choice_reaction_time"].assessment) == ("up", "worse"), \
        "a longer reaction time is worse"
    assert t["sit_and_reach"].assessment == "same" and t["sit_and_reach"].delta == 0
    assert t["weight"].assessment is None, "weight alone has no better direction"
    assert rep.to_dict()["trend"]["previous_test_date"] == prev["test_date"]


def test_blood_pressure_trend_follows_the_class() -> None:
    prev = _previous(ms=[bp(150, 92)])
    rep = grade("F", 45, bp(128, 82), previous=prev)
    entry = rep.trend[0]
    assert entry.item == "blood_pressure" and entry.assessment == "better" and "2 → 1" in entry.basis


def test_no_previous_report_gives_an_empty_trend() -> None:
    assert grade("M", 30, meas("grip", 40.0)).trend == ()


def test_html_is_self_contained_bilingual_and_names_the_packs() -> None:
    rep = grade("F", 66, bp(184, 100), meas("grip", 15.0), meas("height", 155.0), meas("weight", 60.0))
    page = render_report_html(rep)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in page.split("<body>")[0]
    for text in ("握力", "Grip strength", "kg", "运动处方", "Exercise prescription", "possible sarcopenia".capitalize(),
                 "clinical-cutoffs", "BP 2018 / WS/T 428-2013 / WHO 1999 / WHO pulse oximetry 2011", "5 minutes",
                 "role=\"alert\""):
        assert text in page, f"the page should show {text!r}"


def test_html_escapes_everything() -> None:
    s = session("M", 30, [meas("grip", 40.0)])
    s = replace(s, station_id="<script>alert(1)</script>", id=uuid.uuid4())
    rep = grade_session(s, shipped_norms(), report_id="\"><img src=x onerror=alert(1)>")
    page = render_report_html(rep)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "&quot;&gt;&lt;img" in page
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|h1|h2|p|span|div|table|thead|tbody|tr|th|td|ul|li|br)"
                         r"[\s>/])", page.replace("<!DOCTYPE html>", "")), "only the page's own tags appear"


def test_html_shows_a_non_blood_pressure_trial_with_components_as_its_value() -> None:
    rep = grade("M", 52, meas("fvc", 3.52, fev1_fvc=0.79), bp(128, 82))
    page = render_report_html(rep)
    assert "3.52" in page, "the FVC trial value should be shown"
    assert "0/0 mmHg" not in page, "an FVC trial must not be drawn as a blood-pressure reading"
    assert "128/82 mmHg" in page
