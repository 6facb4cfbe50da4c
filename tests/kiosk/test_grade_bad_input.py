"""`kiosk grade` answers malformed input with a message naming the field, never a traceback (issue 16 item 7).

Each case goes through the command line's own entry point (kiosk.cli.main). Before: an item name that
is an object or a list in ``previous`` raised TypeError in kiosk/trend.py, a 400-digit ``graded_value``
OverflowError; a lone surrogate in ``station_id`` raised UnicodeEncodeError when the report was printed,
and in an item name it was blamed on ``session_id``; a ``previous.test_date`` object came back as a
Python repr; test dates and trial times in the future were accepted.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main

TODAY = date.today()
BASE = {"resident": {"sex": "F", "birth_date": "1954-07-19"}, "test_date": "2026-11-23",
        "measurements": [{"item": "grip", "unit": "kg", "trials": [{"hand": "right", "value": 17.4}]},
                         {"item": "chair_stand_30s", "unit": "count", "trials": [9]}]}


def _grade(tmp_path: Path, capsys, data: dict, *, raw: str | None = None) -> tuple[int, str, str]:
    path = tmp_path / "session.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=True), encoding="utf-8")
    code = main(["grade", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _with(**changes) -> dict:
    return {**BASE, **changes}


def _previous(item: object = "grip", graded: object = 15.0, **more) -> dict:
    return {"test_date": "2025-11-20", "items": [{"item": item, "graded_value": graded}], **more}


CASES = [
    ("item name an object", _with(previous=_previous(item={"x": 1})), "previous.items[0].item"),
    ("item name a list", _with(previous=_previous(item=["grip"])), "previous.items[0].item"),
    ("graded value of 400 digits", None, "previous.items[0].graded_value"),
    ("graded value text", _with(previous=_previous(graded="15")), "previous.items[0].graded_value"),
    ("an item that is not an object", _with(previous={"items": [7]}), "previous.items[0]"),
    ("previous test_date an object", _with(previous=_previous(test_date={"y": 2025})), "previous.test_date"),
    ("previous classes a list", _with(previous=_previous(classes=[1])), "previous.classes"),
    ("lone surrogate in station_id", _with(station_id="st\udc80"), "station_id"),
    ("lone surrogate in an item name", _with(measurements=[{"item": "gr\ud800ip", "unit": "kg", "trials": [1]}]),
     "measurements[0].item"),
    ("test date far in the future", _with(test_date=(TODAY + timedelta(days=3)).isoformat()), "test_date"),
    ("trial taken in the future", _with(measurements=[{"item": "chair_stand_30s", "unit": "count", "trials": [
        {"value": 9, "taken_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()}]}]),
     "measurements[0].trials[0].taken_at"),
    ("previous test date after this one", _with(previous=_previous(test_date="2026-12-01")), "previous.test_date"),
]


@pytest.mark.parametrize(("name", "data", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_message_naming_the_field(tmp_path: Path, capsys, name: str, data: dict | None,
                                                 field: str) -> None:
    raw = None
    if data is None:  # json.dumps cannot write a 400-digit number as a float: write it by hand
        raw = json.dumps(_with(previous=_previous(graded=0)))
        raw = raw.replace('"graded_value": 0', '"graded_value": ' + "9" * 400)
    code, out, err = _grade(tmp_path, capsys, data or {}, raw=raw)
    assert code == 1 and out == "", f"{name}: expected exit 1 and no report, got {code}: {out[:200]}"
    assert "Traceback" not in err and f": {field}: " in err, f"{name}: expected the field {field!r} named: {err!r}"


def test_a_test_date_of_tomorrow_is_allowed_for_clock_skew(tmp_path: Path, capsys) -> None:
    code, _, err = _grade(tmp_path, capsys, _with(test_date=(TODAY + timedelta(days=1)).isoformat()))
    assert code == 0, err


def test_a_good_previous_report_still_gives_a_trend(tmp_path: Path, capsys) -> None:
    code, out, err = _grade(tmp_path, capsys, _with(previous=_previous()))
    assert code == 0, err
    report = json.loads(out)
    assert report["trend"]["previous_test_date"] == "2025-11-20"
    assert [t["item"] for t in report["trend"]["items"]] == ["grip"]


def test_compute_trend_skips_what_it_cannot_read_in_a_previous_report() -> None:
    from kiosk.grade_input import parse_grade_request
    from kiosk.grading import grade_session
    from kiosk.norms import load_norm_set
    from kiosk.trend import compute_trend

    norms = load_norm_set(["cn-2003-adult", "clinical-cutoffs"])
    report = grade_session(parse_grade_request(BASE, norms).session, norms)
    malformed = {"items": [{"item": {"x": 1}, "graded_value": 1}, {"item": ["grip"]}, 7,
                           {"item": "grip", "graded_value": 10**400}], "classes": [1]}
    assert compute_trend(report.items, report.classes, malformed) == ()
