"""The audit chain: appends verify; an edit, a deletion or a reordering is found at the first bad entry."""

from __future__ import annotations

import itertools

import pytest

from kiosk.audit import GENESIS_HASH, AuditLog, chain_hash
from kiosk.errors import InputError
from kiosk.storage import open_store
from kiosk.storage.testing import store_config


@pytest.fixture
def store(tmp_path):
    s = open_store(store_config(tmp_path))
    yield s
    s.close()


@pytest.fixture
def log5(store):
    log = AuditLog(store)
    for i in range(5):
        log.record(f"doctor-{i}", "doctor", "session.view", target=f"session-{i}", details={"screen": "review"})
    return log


def test_an_empty_log_verifies(store):
    result = AuditLog(store).verify()
    assert result.ok and result.checked == 0


def test_entries_are_chained_from_the_genesis_hash(log5):
    entries = list(log5.entries())
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert all(chain_hash(e.prev_hash, e.content()) == e.hash for e in entries)
    assert log5.verify().ok and log5.verify().checked == 5


def test_every_entry_is_queued_for_sync(log5, store):
    queued = [(i.kind, i.id) for i in store.outbox_pending(10)]
    assert queued == [("audit", e.id) for e in log5.entries()]
    assert log5.get(queued[0][1]).action == "session.view"


def test_an_edited_entry_is_found(log5, store):
    store.conn.execute("UPDATE audit SET details_json = '{\"screen\":\"export\"}' WHERE seq = 3")
    result = log5.verify()
    assert not result.ok and result.first_bad_seq == 3 and "edited" in result.problem


def test_an_edited_entry_with_a_recomputed_hash_breaks_the_next_link(log5, store):
    e3 = next(e for e in log5.entries() if e.seq == 3)
    forged = {**e3.content(), "actor": "someone-else"}
    store.conn.execute("UPDATE audit SET actor = 'someone-else', hash = ? WHERE seq = 3",
                       (chain_hash(e3.prev_hash, forged),))
    result = log5.verify()
    assert not result.ok and result.first_bad_seq == 4, "re-hashing one entry must break its successor's link"


def test_a_deleted_entry_is_found(log5, store):
    store.conn.execute("DELETE FROM audit WHERE seq = 2")
    result = log5.verify()
    assert not result.ok and result.first_bad_seq == 3 and "deleted" in result.problem


def test_a_deleted_last_entry_is_found_against_the_recorded_head(log5, store):
    store.conn.execute("DELETE FROM audit WHERE seq = 5")
    result = log5.verify()
    assert not result.ok and result.first_bad_seq == 5 and "end" in result.problem


def test_reordered_entries_are_found(log5, store):
    conn = store.conn
    conn.execute("UPDATE audit SET seq = 100 WHERE seq = 2")
    conn.execute("UPDATE audit SET seq = 2 WHERE seq = 3")
    conn.execute("UPDATE audit SET seq = 3 WHERE seq = 100")
    result = log5.verify()
    assert not result.ok and result.first_bad_seq == 2


def test_last_gives_the_newest_entries_oldest_first(log5):
    assert [e.seq for e in log5.last(2)] == [4, 5]


def test_personal_data_in_details_is_refused(store):
    with pytest.raises(InputError, match=r"details\.resident\.national_id"):
        AuditLog(store).record("dr", "doctor", "session.view", details={"resident": {"national_id": "x"}})
    assert AuditLog(store).verify().checked == 0, "a refused entry must not be written"


def test_an_unknown_role_is_refused(store):
    with pytest.raises(InputError, match="unknown role"):
        AuditLog(store).record("dr", "janitor", "x")


def test_roles_of_staff_are_audit_roles():
    from kiosk.audit import ACTOR_ROLES
    from kiosk.staff import StaffRole

    assert {r.value for r in StaffRole} <= set(ACTOR_ROLES)


def test_the_store_gives_an_audit_entry_by_its_outbox_id(log5, store):
    first = next(log5.entries())
    loaded = store.load_audit_entry(first.id)
    assert loaded["hash"] == first.hash and loaded["actor"] == "doctor-0" and loaded["at"] == first.to_dict()["at"]
    assert all(store.load_audit_entry(e.id) == e.to_dict() for e in log5.entries())  # storage reads what audit wrote
    assert store.load_audit_entry("no-such-id") is None
