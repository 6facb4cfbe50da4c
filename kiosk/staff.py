"""Staff accounts (doctors, technicians): PINs hashed with scrypt, sign-in with lockout, all audited.

PINs are 6 to 8 digits. Why not 4: with 5 tries per 5-minute lockout an attacker gets 1,440 guesses
a day, which finds a random 4-digit PIN (10,000) in about a week but needs ~2 years for 6 digits;
staff type PINs on a large touch keypad, so 6 digits cost them little. PINs of one repeated digit or
a straight run (123456, 987654) are refused, being the first guesses anyone tries.

Each PIN is stored as scrypt(pin, 16-byte random salt, n, r, p) with the parameters beside it, so they
can be raised later (a sign-in re-hashes with the current ones). Comparison is constant-time, and an
unknown name costs the same scrypt work as a wrong PIN. After 5 wrong PINs in a row the account is
locked for 5 minutes; the count and the lock are in the database, so a restart does not reset them.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.audit import AuditLog
from kiosk.errors import AuthError, InputError
from kiosk.storage import Store
from kiosk.storage.rows import from_iso, iso

PIN_MIN_DIGITS, PIN_MAX_DIGITS = 6, 8
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)


class StaffRole(enum.StrEnum):
    DOCTOR = "doctor"
    TECHNICIAN = "technician"


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**14
    r: int = 8
    p: int = 1
    dklen: int = 32


CURRENT_PARAMS = ScryptParams()


@dataclass(frozen=True)
class StaffMember:
    name: str
    role: StaffRole
    active: bool
    created_at: datetime
    failed_attempts: int = 0
    locked_until: datetime | None = None


class WrongPin(AuthError):
    """The name is unknown or the PIN is wrong (the two are not told apart)."""

    def __init__(self, message: str, *, attempts_left: int | None = None) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class LockedOut(AuthError):
    """Too many wrong PINs: the account is locked until ``until``."""

    resident_message = "Too many wrong PINs. Please wait five minutes."

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until


def check_pin_rules(pin: str) -> None:
    """Raise InputError naming the rule a new PIN breaks."""
    if not pin.isascii() or not pin.isdigit():
        raise InputError("a PIN is digits only", field="pin")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise InputError(f"a PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits, this one has {len(pin)}",
                         field="pin")
    if len(set(pin)) == 1:
        raise InputError("a PIN of one repeated digit is too easy to guess", field="pin")
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        raise InputError("a PIN that counts up or down is too easy to guess", field="pin")


def hash_pin(pin: str, salt: bytes, params: ScryptParams = CURRENT_PARAMS) -> bytes:
    return hashlib.scrypt(pin.encode("ascii", "replace"), salt=salt, n=params.n, r=params.r, p=params.p,
                          dklen=params.dklen, maxmem=256 * 1024 * 1024)


_DUMMY_SALT = secrets.token_bytes(16)


def _member(row: tuple) -> StaffMember:
    name, role, active, created_at, failed, locked_until = row
    return StaffMember(name, StaffRole(role), bool(active), from_iso(created_at), failed, from_iso(locked_until))


_MEMBER_COLUMNS = "name, role, active, created_at, failed_attempts, locked_until"


class StaffRegistry:
    """Staff accounts in one store; ``clock`` (default: the store's) is injectable for lockout tests."""

    def __init__(self, store: Store, *, clock: Callable[[], datetime] | None = None,
                 params: ScryptParams = CURRENT_PARAMS) -> None:
        self.store = store
        self.clock = clock or store.clock
        self.params = params
        self.audit = AuditLog(store)

    def add(self, name: str, role: StaffRole | str, pin: str, *, added_by: str = "console") -> StaffMember:
        """Create an account; the PIN must follow the rules. The audit entry records who added it."""
        name = name.strip()
        if not name or len(name) > 64:
            raise InputError("a staff name has 1 to 64 characters", field="name")
        try:
            role = StaffRole(role)
        except ValueError:
            raise InputError(f"unknown role {role!r}; expected doctor or technician", field="role") from None
        check_pin_rules(pin)
        if self.get(name) is not None:
            raise InputError(f"a staff member named {name!r} already exists", field="name")
        salt = secrets.token_bytes(16)
        now = self.clock()
        with self.store.write("adding a staff account") as conn:
            conn.execute("INSERT INTO staff (name, role, pin_hash, pin_salt, scrypt_n, scrypt_r, scrypt_p, "
                         "failed_attempts, locked_until, created_at, active) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, 1)",
                         (name, role.value, hash_pin(pin, salt, self.params).hex(), salt.hex(), self.params.n,
                          self.params.r, self.params.p, iso(now)))
            self.audit.append(conn, added_by, "system", "staff.add", target=name, details={"role": role.value})
        return StaffMember(name, role, True, now)

    def get(self, name: str) -> StaffMember | None:
        row = self.store.conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM staff WHERE name = ?", (name,)).fetchone()
        return _member(row) if row else None

    def list(self) -> list[StaffMember]:
        rows = self.store.conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM staff ORDER BY role, name").fetchall()
        return [_member(r) for r in rows]

    def authenticate(self, name: str, pin: str) -> StaffMember:
        """The signed-in member, or WrongPin / LockedOut. Every outcome is audited.

        Reading the count, checking the PIN and recording the outcome are one write transaction (BEGIN
        IMMEDIATE): attempts from several processes at once are checked one after another, so no more than
        MAX_FAILED_ATTEMPTS wrong PINs are ever checked before the lock.
        """
        with self.store.write("checking a staff PIN") as conn:
            refusal = self._check(conn, name, pin)
        if refusal is not None:
            raise refusal
        return self.get(name)  # type: ignore[return-value]

    def _check(self, conn: Any, name: str, pin: str) -> AuthError | None:
        """Inside the write transaction: check one PIN and record the outcome; the refusal to raise, or None."""
        now = self.clock()
        row = conn.execute(
            "SELECT role, pin_hash, pin_salt, scrypt_n, scrypt_r, scrypt_p, failed_attempts, locked_until, active "
            "FROM staff WHERE name = ?", (name,)).fetchone()
        if row is None or not row[8]:
            hmac.compare_digest(hash_pin(pin, _DUMMY_SALT, self.params), bytes(self.params.dklen))
            self.audit.append(conn, name[:64] or "?", "system", "staff.signin_unknown")
            return WrongPin("that name or PIN was not accepted")
        role, stored, salt, n, r, p, failed, locked_until_text, _ = row
        locked_until = from_iso(locked_until_text)
        if locked_until is not None and now < locked_until:
            self.audit.append(conn, name, role, "staff.signin_locked", details={"locked_until": iso(locked_until)})
            return LockedOut(f"{name} is locked out until {iso(locked_until)} after {MAX_FAILED_ATTEMPTS} wrong PINs",
                             until=locked_until)
        if locked_until is not None:  # an expired lock: start counting afresh
            failed = 0
        params = ScryptParams(n, r, p, len(bytes.fromhex(stored)))
        if hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt), params), bytes.fromhex(stored)):
            self._signed_in(conn, name, role, pin, params)
            return None
        failed += 1
        lock = now + LOCKOUT if failed >= MAX_FAILED_ATTEMPTS else None
        conn.execute("UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE name = ?",
                     (failed, iso(lock) if lock else None, name))
        details: dict[str, Any] = {"failed_attempts": failed}
        if lock:
            details["locked_until"] = iso(lock)
        self.audit.append(conn, name, role, "staff.locked" if lock else "staff.signin_failed", details=details)
        if lock:
            return LockedOut(f"{name}: {MAX_FAILED_ATTEMPTS} wrong PINs; locked out until {iso(lock)}", until=lock)
        return WrongPin("that name or PIN was not accepted", attempts_left=MAX_FAILED_ATTEMPTS - failed)

    def _signed_in(self, conn: Any, name: str, role: str, pin: str, params: ScryptParams) -> None:
        conn.execute("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE name = ?", (name,))
        if params != self.params:  # raise old hashes to the current cost while we hold the PIN
            salt = secrets.token_bytes(16)
            conn.execute("UPDATE staff SET pin_hash = ?, pin_salt = ?, scrypt_n = ?, scrypt_r = ?, scrypt_p = ? "
                         "WHERE name = ?", (hash_pin(pin, salt, self.params).hex(), salt.hex(), self.params.n,
                                            self.params.r, self.params.p, name))
        self.audit.append(conn, name, role, "staff.signin")
