"""Retention purges personal data only after the cloud acknowledged everything and the period passed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.storage import open_store
from kiosk.storage.testing import sample_grip, sample_session, store_config

T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path, retention_days=30))
    yield s
    s.close()


def _session(store, started_at):
    session = sample_session(started_at=started_at)
    store.create_session(session)
    m = sample_grip()
    store.add_measurement(session.id, m)
    return session, m


def test_personal_data_of_an_old_fully_acknowledged_session_is_purged(store):
    session, m = _session(store, T0)
    store.outbox_mark_acked([str(m.id)], "b1")
    counts = store.purge_personal_data(T0 + timedelta(days=31))
    assert counts == {"purged": 1, "waiting_for_sync": 0, "stills_purged": 0}
    resident = store.load_session(session.id).resident
    assert (resident.name, resident.national_id, resident.phone, resident.birth_date) == (None, None, None, None)
    assert resident.pseudonym == "test-resident-1" and resident.sex is not None, "pseudonym and sex stay"
    assert store.load_session(session.id).measurements == (m,), "results are kept"


def test_a_session_with_anything_unacknowledged_keeps_its_personal_data(store):
    session, m = _session(store, T0)
    report_id = str(uuid.uuid4())
    store.save_report(session.id, {"report_id": report_id})
    store.outbox_mark_acked([str(m.id)], "b1")  # the report is still pending
    assert store.purge_personal_data(T0 + timedelta(days=365)) == {"purged": 0, "waiting_for_sync": 1,
                                                                   "stills_purged": 0}
    assert store.load_session(session.id).resident.national_id is not None
    store.outbox_quarantine([report_id], "bq", "422", 422, None)
    assert store.purge_personal_data(T0 + timedelta(days=365))["purged"] == 0, "quarantined is not acknowledged"


def test_a_session_younger_than_the_retention_period_is_kept(store):
    session, m = _session(store, T0)
    store.outbox_mark_acked([str(m.id)], "b1")
    assert store.purge_personal_data(T0 + timedelta(days=29))["purged"] == 0
    assert store.load_session(session.id).resident.name is not None


def test_purging_twice_purges_nothing_more(store):
    _, m = _session(store, T0)
    store.outbox_mark_acked([str(m.id)], "b1")
    assert store.purge_personal_data(T0 + timedelta(days=40))["purged"] == 1
    assert store.purge_personal_data(T0 + timedelta(days=40))["purged"] == 0
