"""A test that did not run validly gives no score: stored as not measured, shown with why, never graded."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlite_utils import Database

from kiosk.domain import Method, NotMeasured, NotMeasuredReason
from kiosk.grading import grade_session
from kiosk.report_html import render_report_html
from kiosk.storage import LATEST_VERSION, open_store
from kiosk.storage import migrations as mig
from kiosk.storage.connection import database_path
from kiosk.storage.testing import sample_grip, sample_session, store_config
from tests.kiosk.grading_support import meas, session, shipped_norms

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _chair_not_measured(reason: NotMeasuredReason = NotMeasuredReason.NO_START_POSTURE) -> NotMeasured:
    return NotMeasured("chair_stand_30s", reason, taken_at=AT, device_id="camera", method=Method.CAMERA)


def test_a_zero_chair_stand_would_flag_fall_risk_so_the_check_below_means_something():
    graded = grade_session(session("F", 72, [meas("grip", 25), meas("chair_stand_30s", 0)]), shipped_norms())
    assert "fall_risk" in graded.flag_names(), "a measured 0 stands at 72 is below the fall-risk cut-off"


def test_a_not_measured_chair_stand_is_never_graded_flagged_or_prescribed_for():
    base = session("F", 72, [meas("grip", 25)])
    with_try = replace(base, not_measured=(_chair_not_measured(),))
    report = grade_session(with_try, shipped_norms(), report_id="r", generated_at=AT)
    without = grade_session(base, shipped_norms(), report_id="r", generated_at=AT)
    assert report.item("chair_stand_30s") is None, "a not-measured test must not become a graded item"
    assert "fall_risk" not in report.flag_names(), "a test with no valid result must not raise fall risk"
    assert report.flag_names() == without.flag_names() and report.prescription == without.prescription, \
        "flags and the prescription must be exactly those of the session without the failed try"
    (nm,) = report.to_dict()["not_measured"]
    assert nm["item"] == "chair_stand_30s" and nm["reason"] == "no_start_posture" and nm["method"] == "camera"
    assert nm["device_id"] == "camera" and "value" not in nm
    assert nm["text"]["en"] == "not measured — never seen in the test's starting position"
    assert nm["text"]["zh"].startswith("未测 — ")


def test_an_item_with_a_valid_trial_as_well_is_not_listed_as_not_measured():
    s = replace(session("F", 72, [meas("grip", 25), meas("chair_stand_30s", 12)]),
                not_measured=(_chair_not_measured(NotMeasuredReason.OUT_OF_VIEW),))
    d = grade_session(s, shipped_norms()).to_dict()
    assert d["not_measured"] == [], "the retry's value stands; the failed try is not reported beside it"
    assert next(i for i in d["items"] if i["item"] == "chair_stand_30s")["graded_value"] == 12


def test_the_printed_report_says_not_measured_and_why():
    s = replace(session("F", 72, [meas("grip", 25)]), not_measured=(_chair_not_measured(),))
    html = render_report_html(grade_session(s, shipped_norms()))
    assert "not measured — never seen in the test&#x27;s starting position" in html or \
        "not measured — never seen in the test's starting position" in html
    assert "未测" in html


def test_a_not_measured_result_is_stored_with_its_reason_method_and_device_and_queued(tmp_path):
    with open_store(store_config(tmp_path)) as store:
        s = sample_session()
        store.create_session(s)
        nm = _chair_not_measured(NotMeasuredReason.NEVER_SEEN)
        store.add_not_measured(s.id, nm)
        loaded = store.load_session(s.id)
        assert loaded.measurements == () and loaded.not_measured == (nm,), "kept apart from the values"
        (row,) = store.outbox_pending(10)
        assert (row.kind, row.id) == ("not_measured", str(nm.id))
        assert store.outbox_record(row) == nm


def test_a_session_created_with_a_not_measured_try_keeps_it(tmp_path):
    with open_store(store_config(tmp_path)) as store:
        s = replace(sample_session(), measurements=(sample_grip(),), not_measured=(_chair_not_measured(),))
        store.create_session(s)
        assert store.load_session(s.id).not_measured == s.not_measured


def test_a_v4_database_migrates_and_can_store_not_measured_results(tmp_path):
    cfg = store_config(tmp_path)
    path = database_path(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(sqlite3.connect(path, isolation_level=None), execute_plugins=False)
    assert mig.migrate(db, path, target=4) == (0, 4)
    assert "not_measured" not in db.table_names()
    db.close()
    with open_store(cfg) as store:
        assert store.migrated == (4, LATEST_VERSION) and LATEST_VERSION >= 5
        s = sample_session()
        store.create_session(s)
        store.add_not_measured(s.id, _chair_not_measured())
        assert store.load_session(s.id).not_measured[0].reason is NotMeasuredReason.NO_START_POSTURE
        columns = {c.name for c in store.db["not_measured"].columns}
        assert "value" not in columns, "a not-measured record has no value column that could be read as 0"


def test_an_unknown_reason_cannot_be_stored(tmp_path):
    with open_store(store_config(tmp_path)) as store:
        s = sample_session()
        store.create_session(s)
        bad = NotMeasured("chair_stand_30s", "paused", id=uuid.uuid4())  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            store.add_not_measured(s.id, bad)
