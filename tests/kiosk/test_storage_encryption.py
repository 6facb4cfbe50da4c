"""SQLCipher at rest: the file is unreadable without its key; the key file is guarded; mismatches are named."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from kiosk.config import StorageEncryption
from kiosk.storage import KeyFileError, WrongKey, open_store
from kiosk.storage.connection import database_path, key_file_path
from kiosk.storage.testing import sample_grip, sample_session, store_config

SQLCIPHER = StorageEncryption.SQLCIPHER


def _encrypted_store_with_a_session(tmp_path):
    cfg = store_config(tmp_path, SQLCIPHER)
    session = sample_session()
    with open_store(cfg) as s:
        s.create_session(session)
        s.add_measurement(session.id, sample_grip())
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return cfg, session


def test_the_key_file_is_created_outside_the_data_dir_with_mode_0600(tmp_path):
    cfg, _ = _encrypted_store_with_a_session(tmp_path)
    key = key_file_path(cfg)
    assert key == tmp_path / "station.key", "a relative key_file is relative to the data dir's parent"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_database_file_is_not_plain_sqlite_and_holds_no_readable_personal_data(tmp_path):
    cfg, session = _encrypted_store_with_a_session(tmp_path)
    path = database_path(cfg)
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3"), "an encrypted database must not have a plain header"
    assert session.resident.national_id.encode() not in raw and session.resident.phone.encode() not in raw
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()


def test_the_right_key_reads_the_data_back(tmp_path):
    cfg, session = _encrypted_store_with_a_session(tmp_path)
    with open_store(cfg) as s:
        assert s.load_session(session.id).resident == session.resident


def test_a_different_key_is_refused_as_a_wrong_key_naming_both_key_ids(tmp_path):
    cfg, _ = _encrypted_store_with_a_session(tmp_path)
    key = key_file_path(cfg)
    key.write_text(os.urandom(32).hex() + "\n")
    expected = r"key file does not open this database .*id is [0-9a-f]{16}.*key id [0-9a-f]{16}"
    with pytest.raises(WrongKey, match=expected):
        open_store(cfg)


def test_a_key_file_readable_by_others_is_refused(tmp_path):
    cfg, _ = _encrypted_store_with_a_session(tmp_path)
    key_file_path(cfg).chmod(0o644)
    with pytest.raises(KeyFileError, match=r"mode 0644.*must be 0600"):
        open_store(cfg)


def test_a_malformed_key_file_is_refused(tmp_path):
    cfg = store_config(tmp_path, SQLCIPHER)
    key = key_file_path(cfg)
    key.write_text("not-hex\n")
    key.chmod(0o600)
    with pytest.raises(KeyFileError, match="64 hexadecimal digits"):
        open_store(cfg)


def test_opening_an_encrypted_database_in_plain_mode_says_so(tmp_path):
    _encrypted_store_with_a_session(tmp_path)
    with pytest.raises(WrongKey, match=r"encrypted with SQLCipher but storage.encryption is 'none'"):
        open_store(store_config(tmp_path, StorageEncryption.NONE))


def test_opening_a_plain_database_in_sqlcipher_mode_says_so(tmp_path):
    open_store(store_config(tmp_path, StorageEncryption.NONE)).close()
    with pytest.raises(WrongKey, match="plain \\(unencrypted\\) SQLite database"):
        open_store(store_config(tmp_path, SQLCIPHER))


def test_a_missing_key_file_for_an_existing_database_is_not_silently_replaced(tmp_path):
    cfg, _ = _encrypted_store_with_a_session(tmp_path)
    key_file_path(cfg).unlink()
    with pytest.raises(KeyFileError, match=r"key file is missing.*restore the key file"):
        open_store(cfg)
    assert not key_file_path(cfg).exists(), "no new key may be made for an existing database"
