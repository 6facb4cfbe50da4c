"""Staff sign-in: scrypt-hashed PINs, PIN rules, lockout after 5 wrong PINs for 5 minutes (injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.audit import AuditLog
from kiosk.errors import InputError
from kiosk.staff import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    LockedOut,
    ScryptParams,
    StaffRegistry,
    StaffRole,
    WrongPin,
    check_pin_rules,
)
from kiosk.storage import open_store
from kiosk.storage.testing import store_config

FAST = ScryptParams(n=2**10, r=8, p=1)  # cheap parameters keep the suite quick; the default is tested once


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = open_store(store_config(tmp_path), clock=clock)
    yield s
    s.close()


@pytest.fixture
def staff(store, clock):
    reg = StaffRegistry(store, clock=clock, params=FAST)
    reg.add("Dr Li", StaffRole.DOCTOR, "482915")
    return reg


@pytest.mark.parametrize("pin", ["48291", "123456789", "12a456", "４８２９１５", "111111", "123456", "987654",
                                 "890123"])
def test_pins_breaking_the_rules_are_refused(pin):
    with pytest.raises(InputError, match="pin"):
        check_pin_rules(pin)


@pytest.mark.parametrize("pin", ["482915", "1357924", "20261123"])
def test_pins_following_the_rules_are_accepted(pin):
    check_pin_rules(pin)


def test_the_pin_is_stored_only_as_a_salted_scrypt_hash_with_its_parameters(staff, store):
    staff.add("Tech Wu", "technician", "482915")
    rows = store.conn.execute("SELECT pin_hash, pin_salt, scrypt_n, scrypt_r, scrypt_p FROM staff").fetchall()
    assert all("482915" not in h for h, *_ in rows)
    assert rows[0][0] != rows[1][0] and rows[0][1] != rows[1][1], "the same PIN must hash differently per salt"
    assert (rows[0][2], rows[0][3], rows[0][4]) == (FAST.n, FAST.r, FAST.p)


def test_the_right_pin_signs_in_with_the_role(staff):
    member = staff.authenticate("Dr Li", "482915")
    assert member.role is StaffRole.DOCTOR and member.failed_attempts == 0


def test_a_wrong_pin_says_how_many_tries_remain(staff):
    with pytest.raises(WrongPin) as info:
        staff.authenticate("Dr Li", "000001")
    assert info.value.attempts_left == MAX_FAILED_ATTEMPTS - 1


def test_an_unknown_name_is_not_told_apart_from_a_wrong_pin(staff):
    with pytest.raises(WrongPin, match="name or PIN was not accepted"):
        staff.authenticate("Nobody", "482915")


def test_five_wrong_pins_lock_the_account_for_five_minutes_even_with_the_right_pin(staff, clock):
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(WrongPin):
            staff.authenticate("Dr Li", "000001")
    with pytest.raises(LockedOut) as info:
        staff.authenticate("Dr Li", "000001")
    assert info.value.until == clock.now + LOCKOUT
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(LockedOut):
        staff.authenticate("Dr Li", "482915")
    clock.advance(seconds=1)
    assert staff.authenticate("Dr Li", "482915").name == "Dr Li", "the lock ends exactly 5 minutes later"


def test_after_a_lock_expires_the_count_starts_afresh(staff, clock):
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises((WrongPin, LockedOut)):
            staff.authenticate("Dr Li", "000001")
    clock.advance(minutes=5)
    with pytest.raises(WrongPin) as info:
        staff.authenticate("Dr Li", "000001")
    assert info.value.attempts_left == MAX_FAILED_ATTEMPTS - 1


def test_a_right_pin_resets_the_count(staff):
    for _ in range(3):
        with pytest.raises(WrongPin):
            staff.authenticate("Dr Li", "000001")
    staff.authenticate("Dr Li", "482915")
    with pytest.raises(WrongPin) as info:
        staff.authenticate("Dr Li", "000001")
    assert info.value.attempts_left == MAX_FAILED_ATTEMPTS - 1


def test_the_lockout_survives_a_restart(tmp_path, clock):
    cfg = store_config(tmp_path)
    with open_store(cfg, clock=clock) as s:
        reg = StaffRegistry(s, params=FAST)
        reg.add("Dr Li", "doctor", "482915")
        for _ in range(MAX_FAILED_ATTEMPTS):
            with pytest.raises((WrongPin, LockedOut)):
                reg.authenticate("Dr Li", "000001")
    with open_store(cfg, clock=clock) as s, pytest.raises(LockedOut):
        StaffRegistry(s, params=FAST).authenticate("Dr Li", "482915")


def test_sign_ins_are_audited_and_the_chain_holds(staff, store):
    staff.authenticate("Dr Li", "482915")
    with pytest.raises(WrongPin):
        staff.authenticate("Dr Li", "000001")
    log = AuditLog(store)
    assert [e.action for e in log.entries()] == ["staff.add", "staff.signin", "staff.signin_failed"]
    assert log.verify().ok


def test_old_hash_parameters_are_raised_on_sign_in(store, clock):
    StaffRegistry(store, clock=clock, params=FAST).add("Tech Wu", "technician", "482915")
    default = StaffRegistry(store, clock=clock)
    default.authenticate("Tech Wu", "482915")
    n = store.conn.execute("SELECT scrypt_n FROM staff WHERE name = 'Tech Wu'").fetchone()[0]
    assert n == default.params.n == 2**14
    assert default.authenticate("Tech Wu", "482915").name == "Tech Wu"


def test_duplicate_names_and_unknown_roles_are_refused(staff):
    with pytest.raises(InputError, match="already exists"):
        staff.add("Dr Li", "doctor", "482915")
    with pytest.raises(InputError, match="unknown role"):
        staff.add("Nurse Ma", "nurse", "482915")


def test_staff_are_listed_by_role_then_name(staff):
    staff.add("Tech Wu", "technician", "482915")
    staff.add("Dr An", "doctor", "482915")
    assert [(m.role.value, m.name) for m in staff.list()] == [("doctor", "Dr An"), ("doctor", "Dr Li"),
                                                               ("technician", "Tech Wu")]
