"""Opening the station database: key file, SQLCipher or plain SQLite, durability pragmas, diagnosis.

The key lives in a file outside the database (mode 0600, created if absent). Beside an encrypted
database sits ``<db>.keyid``, a one-way fingerprint of its key, so that a wrong key is told apart
from a corrupt file. Plain SQLite is only for the demo and tests, and the log says so loudly.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from pathlib import Path

import sqlcipher3

from kiosk.config import StationConfig, StorageEncryption
from kiosk.logs import log_event
from kiosk.secret_files import SecretFileError, fsync_folder, read_private
from kiosk.storage.errors import (
    SPACE_ERRNOS,
    SQLITE_ERRORS,
    SQLITE_NOTADB,
    DatabaseCorrupt,
    KeyFileError,
    StorageIOError,
    WrongKey,
    error_code,
    os_error,
    translate,
)

log = logging.getLogger("kiosk.storage")

DB_FILE_NAME = "station.db"
SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32

Connection = sqlite3.Connection  # sqlcipher3 connections have the same interface


def make_data_dir(folder: Path) -> None:
    """Create the data directory, or say why it cannot be (a file in the way, no permission, no such mount)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        if e.errno in SPACE_ERRNOS:
            raise os_error(e, folder, "creating the data directory") from None
        raise StorageIOError(f"{folder}: cannot use this as the data directory: {e.strerror}") from None


def database_path(cfg: StationConfig) -> Path:
    return cfg.data_path / DB_FILE_NAME


def key_file_path(cfg: StationConfig) -> Path:
    """``storage.key_file``, relative to the data directory's parent unless absolute."""
    p = Path(cfg.storage.key_file)
    return p if p.is_absolute() else cfg.data_path.parent / p


def load_or_create_key(path: Path) -> bytes:
    """The 32-byte database key from ``path``; a new random key (mode 0600) if the file is absent."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    except OSError as e:
        raise KeyFileError(f"{path}: cannot create the database key file: {e.strerror}") from None
    key = secrets.token_bytes(KEY_BYTES)
    try:
        os.write(fd, key.hex().encode("ascii") + b"\n")
        os.fsync(fd)
    except OSError as e:  # e.g. a full disk: leave no empty key file that would block every later start
        os.close(fd)
        path.unlink(missing_ok=True)
        full = " (disk full)" if e.errno in SPACE_ERRNOS else ""
        raise KeyFileError(f"{path}: cannot write the new database key file{full}: {e.strerror}") from None
    os.close(fd)
    fsync_folder(path.parent)  # the new name is durable too, not only the bytes
    log_event(log, logging.INFO, "created a new database key file", key_file=str(path))
    return key


def _read_key(path: Path) -> bytes:
    try:
        raw = read_private(path, "the database key file")
    except SecretFileError as e:
        raise KeyFileError(str(e)) from None
    except OSError as e:
        raise KeyFileError(f"{path}: cannot read the database key file: {e.strerror}") from None
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path}: expected {KEY_BYTES * 2} hexadecimal digits (a {KEY_BYTES}-byte key) "
                           "on one line; the file is malformed (empty or damaged)")
    return key


def key_id(key: bytes) -> str:
    """A fingerprint that names a key without revealing it."""
    return hmac.new(key, b"kiosk-storage-key-id", hashlib.sha256).hexdigest()[:16]


def _keyid_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keyid")


_WARNED_PLAIN: set[str] = set()


def connect(db_path: Path, encryption: StorageEncryption, key: bytes | None, *,
            busy_timeout_s: float) -> Connection:
    """An open, keyed, verified connection in WAL mode with synchronous=FULL; raises a StorageError subclass."""
    make_data_dir(db_path.parent)
    is_new = not db_path.exists() or db_path.stat().st_size == 0
    if encryption is StorageEncryption.NONE and str(db_path) not in _WARNED_PLAIN:
        _WARNED_PLAIN.add(str(db_path))  # once per process and file: the station opens a store per thread
        log_event(log, logging.WARNING, "DATABASE IS NOT ENCRYPTED: storage.encryption = 'none' is for the demo "
                  "and tests only; personal data is stored in plain text", path=str(db_path))
    try:
        if encryption is StorageEncryption.SQLCIPHER:
            assert key is not None
            conn = sqlcipher3.connect(str(db_path), isolation_level=None, timeout=busy_timeout_s,
                                      check_same_thread=True)
            conn.execute("PRAGMA cipher_log_level = NONE")  # our own error below says what is wrong, once
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        else:
            conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=busy_timeout_s)
    except SQLITE_ERRORS as e:
        raise translate(e, db_path, "opening the database", busy_timeout_s=busy_timeout_s) from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except SQLITE_ERRORS as e:
        conn.close()
        if error_code(e) == SQLITE_NOTADB or "not a database" in str(e):
            raise _diagnose_unreadable(db_path, encryption, key) from None
        raise translate(e, db_path, "opening the database", busy_timeout_s=busy_timeout_s) from None
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
    except SQLITE_ERRORS as e:
        conn.close()
        raise translate(e, db_path, "setting up the database", busy_timeout_s=busy_timeout_s) from None
    if str(mode).lower() != "wal":
        conn.close()
        raise DatabaseCorrupt(f"{db_path}: could not switch the journal to WAL (got {mode!r})")
    if encryption is StorageEncryption.SQLCIPHER and key is not None:
        kid = _keyid_path(db_path)
        if is_new or not kid.exists():
            try:
                kid.write_text(f"sqlcipher {key_id(key)}\n", encoding="ascii")
            except OSError as e:
                conn.close()
                if e.errno in SPACE_ERRNOS:
                    raise os_error(e, kid, "recording the database's key id") from None
                raise StorageIOError(f"{kid}: cannot record the database's key id: {e.strerror}") from None
    return conn


def _diagnose_unreadable(db_path: Path, encryption: StorageEncryption, key: bytes | None) -> Exception:
    """Tell a wrong key or the wrong mode apart from a corrupt file, for a file SQLite calls 'not a database'."""
    try:
        with db_path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError:
        header = b""
    kid = _keyid_path(db_path)
    recorded = kid.read_text(encoding="ascii").split()[-1] if kid.exists() else None
    if encryption is StorageEncryption.SQLCIPHER:
        if header == SQLITE_HEADER:
            return WrongKey(f"{db_path}: this is a plain (unencrypted) SQLite database but storage.encryption is "
                            "'sqlcipher'; set storage.encryption = 'none' for a demo database, or export and "
                            "re-import it into an encrypted one")
        if recorded is not None and key is not None and recorded != key_id(key):
            return WrongKey(f"{db_path}: the key file does not open this database (the key file's id is "
                            f"{key_id(key)}, the database was created with key id {recorded}); restore the "
                            "station's original key file")
    elif header != SQLITE_HEADER and recorded is not None:
        return WrongKey(f"{db_path}: this database is encrypted with SQLCipher but storage.encryption is 'none'; "
                        "set storage.encryption = 'sqlcipher' and point storage.key_file at its key")
    if encryption is StorageEncryption.SQLCIPHER and recorded is None:
        return DatabaseCorrupt(f"{db_path}: the key file does not decrypt this file, and no record of the "
                               "database's key id is beside it: either the key file is not this database's, or "
                               "the file is corrupt (file is not a database); keep both files for inspection")
    return DatabaseCorrupt(f"{db_path}: the file is not a database (SQLite: file is not a database) — it is "
                           "corrupt, truncated or was overwritten; keep it for inspection and restore a backup")


def quick_check(conn: Connection, db_path: Path, *, full: bool = False) -> list[str]:
    """The problems SQLite's integrity (or quick) check reports; [] when the database is sound."""
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    except SQLITE_ERRORS as e:
        raise translate(e, db_path, pragma) from None
    return [] if rows == ["ok"] else rows
