"""Whether a station database may be created here: an empty or missing one is never silently a new station.

A database that is missing, 0 bytes, or holds no tables is "empty". Opening an empty database creates
a new one only when the data folder shows no sign of a station that has held data: no stamp (written
beside the database when it is created, or first opened by this version), no key file or key id, no
resident secret, no migration backup, no write-ahead log. Otherwise the station refuses to start, so a
truncated file or a lost database is noticed instead of its unsent results vanishing. The station's
commands never create a database at all (``Create.NEVER``); ``kiosk db init`` does, on purpose.
"""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path

from kiosk.config import StationConfig
from kiosk.domain import utcnow
from kiosk.secret_files import fsync_folder
from kiosk.storage.connection import make_data_dir
from kiosk.storage.errors import SPACE_ERRNOS, DatabaseMissing, StorageIOError, os_error

STAMP_SUFFIX = ".stamp"
RESIDENT_SECRET = "resident.secret"


class Create(enum.StrEnum):
    NEVER = "never"  # the station's commands: a missing database is an error (a typo in --data-dir?)
    IF_FRESH = "if-fresh"  # first run, tests, demo: only in a folder with no sign of earlier data
    FORCE = "force"  # `kiosk db init --force`: a technician starts an empty database on purpose


def stamp_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + STAMP_SUFFIX)


def file_is_empty(db_path: Path) -> bool:
    """Missing or 0 bytes (SQLite would make either a new, empty database)."""
    try:
        return db_path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except NotADirectoryError:  # a file where the data folder should be: say that, not "missing"
        make_data_dir(db_path.parent)
        raise


def prior_data_evidence(db_path: Path, key_file: Path) -> list[str]:
    """The files that show a station has held data in this folder (names, for the message)."""
    folder = db_path.parent
    found = [p for p in (stamp_path(db_path), db_path.with_name(db_path.name + ".keyid"), key_file,
                         folder / RESIDENT_SECRET) if p.exists()]
    found += sorted(folder.glob(f"{db_path.stem}.v*.bak"))
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        found.append(wal)
    return [str(p) for p in found]


def check_may_create(cfg: StationConfig, db_path: Path, key_file: Path, create: Create, state: str) -> None:
    """Raise DatabaseMissing unless an empty database (``state``: "missing", "empty", "without tables")
    may be made into a new one under ``create``."""
    if create is Create.FORCE:
        return
    evidence = prior_data_evidence(db_path, key_file)
    if evidence:
        raise DatabaseMissing(
            f"{db_path}: the database is {state}, but this data folder shows the station has held data before "
            f"({', '.join(evidence)}); the station does not start empty, which would lose its unsent results "
            "without a word. Restore station.db from a backup (or correct the data folder's path); to start an "
            "empty database here on purpose, run `kiosk db init --force`")
    if create is Create.NEVER:
        raise DatabaseMissing(
            f"{db_path}: no database here (the file is {state}); check --data-dir / data_dir in {cfg.source} for "
            "a typo, restore the station's database, or create the database of a new station with `kiosk db init`")


def ensure_stamp(db_path: Path, station_id: str) -> None:
    """Write the stamp beside a database that has none (durably: it is what proves the database existed)."""
    path = stamp_path(db_path)
    if path.exists():
        return
    body = json.dumps({"database": db_path.name, "station_id": station_id, "stamped_at": utcnow().isoformat()})
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return
    except OSError as e:
        raise (os_error(e, path, "writing the database stamp") if e.errno in SPACE_ERRNOS else
               StorageIOError(f"{path}: cannot write the database stamp: {e.strerror}")) from None
    try:
        os.write(fd, body.encode("utf-8") + b"\n")
        os.fsync(fd)
    except OSError as e:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise os_error(e, path, "writing the database stamp") from None
    os.close(fd)
    fsync_folder(path.parent)
