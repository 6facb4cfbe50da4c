"""Sessions, measurements, reports and calibration records round-trip through the store unchanged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.domain import CalibrationRecord, CalibrationResult, SessionState, Side
from kiosk.errors import InputError
from kiosk.storage import RecordConflict, UnknownRecord, open_store
from kiosk.storage.testing import sample_blood_pressure, sample_grip, sample_session, store_config


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path))
    yield s
    s.close()


def test_session_with_resident_and_measurements_round_trips_exactly(store):
    session = sample_session()
    store.create_session(session)
    bp, grip_r, grip_l = sample_blood_pressure(), sample_grip(31.5), sample_grip(29.0, Side.LEFT, trial=2)
    for m in (bp, grip_r, grip_l):
        store.add_measurement(session.id, m)
    loaded = store.load_session(session.id)
    assert loaded.resident == session.resident, "resident (with personal fields) should come back unchanged"
    assert loaded.consent == session.consent and loaded.safety == session.safety
    assert loaded.started_at == session.started_at and loaded.test_date == session.test_date
    assert loaded.measurements == (bp, grip_r, grip_l), "every Measurement field should round-trip, in saving order"


def test_measurements_given_with_the_session_are_saved_with_it(store):
    from dataclasses import replace

    session = replace(sample_session(), measurements=(sample_grip(),))
    store.create_session(session)
    assert store.load_session(session.id).measurements == session.measurements
    assert [i.id for i in store.outbox_pending(5)] == [str(session.measurements[0].id)]


def test_guest_sessions_store_no_personal_row(store):
    session = sample_session(guest=True)
    store.create_session(session)
    assert store.db["session_personal"].count == 0
    assert store.load_session(session.id).resident.is_guest


def test_finish_session_records_the_state(store):
    session = sample_session()
    store.create_session(session)
    store.finish_session(session.id, SessionState.COMPLETED)
    assert store.load_session(session.id).state is SessionState.COMPLETED


def test_sessions_of_a_resident_come_oldest_first(store):
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    later, earlier = sample_session(started_at=t0 + timedelta(days=30)), sample_session(started_at=t0)
    store.create_session(later)
    store.create_session(earlier)
    store.create_session(sample_session(pseudonym="someone-else"))
    assert [s.id for s in store.sessions_of("test-resident-1")] == [earlier.id, later.id]


def test_latest_report_is_loaded_and_reviews_are_kept_beside_it(store):
    session = sample_session()
    store.create_session(session)
    assert store.load_report(session.id) is None
    store.save_report(session.id, {"report_id": str(uuid.uuid4()), "n": 1})
    second = {"report_id": str(uuid.uuid4()), "n": 2}
    store.save_report(session.id, second)
    store.save_review(session.id, {"review_id": str(uuid.uuid4()), "note": "add balance work"})
    assert store.load_report(session.id) == second
    assert [r["note"] for r in store.load_reviews(session.id)] == ["add balance work"]


def test_a_report_without_a_uuid_id_is_an_input_error(store):
    session = sample_session()
    store.create_session(session)
    with pytest.raises(InputError, match=r"report\.report_id"):
        store.save_report(session.id, {"report_id": "seven"})


def test_writing_to_an_unknown_session_is_refused_by_name(store):
    missing = uuid.uuid4()
    with pytest.raises(UnknownRecord, match=str(missing)):
        store.add_measurement(missing, sample_grip())
    with pytest.raises(UnknownRecord):
        store.load_session(missing)


def test_saving_the_same_measurement_twice_is_a_conflict_not_a_storage_failure(store):
    session = sample_session()
    store.create_session(session)
    m = sample_grip()
    store.add_measurement(session.id, m)
    with pytest.raises(RecordConflict):
        store.add_measurement(session.id, m)
    assert store.accepting_sessions, "a caller's duplicate must not stop the station"
    assert len(store.load_session(session.id).measurements) == 1


def test_latest_calibration_is_the_most_recent_for_that_device(store):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)

    def rec(device: str, days: int, result=CalibrationResult.PASSED) -> CalibrationRecord:
        return CalibrationRecord(device_id=device, procedure="known-masses", performed_by="tech-1",
                                 performed_at=t0 + timedelta(days=days), result=result,
                                 valid_until=t0 + timedelta(days=days + 30), references=(5.0, 10.0),
                                 readings=(5.02, 9.98), correction={"gain": 1.002, "offset": -0.1}, notes="ok")

    assert store.latest_calibration("grip") is None
    old, new = rec("grip", 0), rec("grip", 5, CalibrationResult.FAILED)
    for r in (new, old, rec("bp", 9)):
        store.save_calibration(r)
    assert store.latest_calibration("grip") == new


@pytest.mark.parametrize("encryption", ["none", "sqlcipher"])
def test_the_store_runs_in_wal_with_synchronous_full(tmp_path, encryption):
    from kiosk.config import StorageEncryption

    with open_store(store_config(tmp_path, StorageEncryption(encryption))) as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2, "synchronous must be FULL (2)"
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
