"""Storage failures, one class per thing a technician must do differently about it.

Each carries a technician message (``str(error)``) naming the file and what to do; the resident
only ever sees StorageError.resident_message. ``translate`` maps a raw SQLite error to one of these.
"""

from __future__ import annotations

import errno
import resource
import shutil
import sqlite3
from pathlib import Path

import sqlcipher3

from kiosk.errors import StorageError

SQLITE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, sqlcipher3.Error)

# primary SQLite result codes (the low byte of an extended code)
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_IOERR = 10
SQLITE_CANTOPEN = 14
SQLITE_READONLY = 8
SQLITE_CONSTRAINT = 19
SQLITE_NOTADB = 26


class DatabaseCorrupt(StorageError):
    """The file is not a database this station can read, or its integrity check failed."""


class DatabaseLocked(StorageError):
    """Another process held the write lock for longer than the busy timeout."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version of the station software; it is never downgraded."""

    def __init__(self, message: str, *, found: int, supported: int) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


class DatabaseMissing(StorageError):
    """The database is missing or empty where it must exist (a station that held data, or no `kiosk db init`)."""


class DiskFull(StorageError):
    """SQLite could not grow the database (SQLITE_FULL): the disk or the page limit is full."""


class WrongKey(StorageError):
    """The key file does not open this database (or the database is in the other encryption mode)."""


class KeyFileError(StorageError):
    """The key file is missing where it must exist, unreadable, malformed or readable by others."""


class StorageIOError(StorageError):
    """The operating system refused to read or write the database file."""


class RecordConflict(StorageError):
    """A record with this id already exists; a caller bug, not a storage failure."""

    resident_message = "This result was already saved."


class UnknownRecord(StorageError):
    """The session, report or batch asked for is not in the database."""


class NotAcceptingSessions(StorageError):
    """The store refuses new sessions after a failed write, until a technician has checked it."""


def error_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of ``exc``, if the driver reported one."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


SPACE_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
LOW_SPACE_BYTES = 1024 * 1024


def _space_problem(path: Path) -> str | None:
    """Why writing beside ``path`` fails for lack of space (a file-size limit reached, a full disk), or None.

    SQLite reports EFBIG, and ENOSPC outside a plain write, as a generic I/O error; this looks at the limit
    and the free space instead.
    """
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY:
        sizes = []
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                sizes.append(path.with_name(path.name + suffix).stat().st_size)
            except OSError:
                continue
        if max(sizes, default=0) + 65536 >= limit:
            return f"the process's file-size limit (ulimit -f: {limit} bytes) is reached"
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free < LOW_SPACE_BYTES:
        return f"only {free // 1024} KiB are free on the disk"
    return None


def _disk_full(where: str, why: str) -> DiskFull:
    return DiskFull(f"{where}: disk full — {why}; free space (or raise the limit), then run `kiosk db check` before "
                    "taking sessions again")


def os_error(exc: OSError, path: Path, doing: str) -> StorageError:
    """The StorageError for an operating-system error met while ``doing`` something to ``path``:
    DiskFull for ENOSPC / EFBIG / EDQUOT, StorageIOError otherwise."""
    where = f"{path}: {doing} failed"
    if exc.errno in SPACE_ERRNOS:
        why = {errno.ENOSPC: "no space left on the device", errno.EFBIG: "the file-size limit is reached",
               errno.EDQUOT: "the disk quota is used up"}[exc.errno]
        return _disk_full(where, why)
    return StorageIOError(f"{where}: {exc.strerror or exc}")


def translate(exc: BaseException, path: Path, doing: str, *, busy_timeout_s: float = 0.0) -> StorageError:
    """The specific StorageError for a raw SQLite error met while ``doing`` something to ``path``."""
    code = error_code(exc)
    text = str(exc)
    where = f"{path}: {doing} failed"
    if code == SQLITE_FULL or "disk is full" in text:
        return DiskFull(f"{where}: the disk (or the database's page limit) is full ({text}); free space, then run "
                        "`kiosk db check` before taking sessions again")
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return DatabaseLocked(f"{where}: another process held the write lock for more than {busy_timeout_s:g} s "
                              f"({text}); stop the other process (another kiosk or a `kiosk db` command) and retry")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return DatabaseCorrupt(f"{where}: the database is corrupt or not a database ({text}); keep the file for "
                               "inspection and restore from the cloud copy or a backup")
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN) and (why := _space_problem(path)):
        return _disk_full(where, f"{why} ({text})")
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY):
        return StorageIOError(f"{where}: the operating system refused the file ({text}); check the disk, "
                              "its permissions and its mount")
    if code == SQLITE_CONSTRAINT or isinstance(exc, sqlite3.IntegrityError | sqlcipher3.IntegrityError):
        return RecordConflict(f"{where}: {text}")
    return StorageError(f"{where}: {text}")
