"""A missing or empty database is never silently a new station (issue 16 item 1).

Before, truncating ``station.db`` to 0 bytes, or pointing ``--data-dir`` at a mistyped folder, gave an
empty station: `kiosk db check` said "integrity check: ok" with 0 rows, and the unsent results were
gone without a word. Now a data folder that shows the station has held data (the stamp the store writes,
a key file, the resident secret, a backup) refuses to open an empty or missing database, and the
station's own commands never create one: a new database is an explicit `kiosk db init`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import StorageEncryption
from kiosk.errors import StorageError
from kiosk.identity import resident_secret
from kiosk.storage import open_store
from kiosk.storage.connection import database_path
from kiosk.storage.testing import sample_grip, sample_session, store_config


def _station_with_data(tmp: Path, encryption: StorageEncryption = StorageEncryption.NONE) -> Path:
    with open_store(store_config(tmp, encryption)) as s:
        session = sample_session(started_at=datetime(2026, 1, 5, tzinfo=UTC))
        s.create_session(session)
        s.add_measurement(session.id, sample_grip())
    return database_path(store_config(tmp, encryption))


def _config_file(tmp: Path, encryption: StorageEncryption) -> Path:
    conf = tmp / "station.toml"
    conf.write_text(f'[station]\ndata_dir = "{tmp / "var"}"\n[storage]\nencryption = "{encryption.value}"\n',
                    encoding="utf-8")
    return conf


@pytest.mark.parametrize("encryption", list(StorageEncryption))
def test_a_truncated_database_of_a_station_that_held_data_is_refused(tmp_path, capsys, encryption):
    db = _station_with_data(tmp_path, encryption)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.truncate(db, 0)
    with pytest.raises(StorageError, match="has held data"):
        open_store(store_config(tmp_path, encryption))
    assert main(["--config", str(_config_file(tmp_path, encryption)), "db", "check"]) == 1
    err = capsys.readouterr().err
    assert "empty" in err and "kiosk db init --force" in err and "integrity check: ok" not in err
    assert db.stat().st_size == 0, "the empty file is left as found"


def test_a_deleted_database_beside_the_stamp_is_refused(tmp_path):
    db = _station_with_data(tmp_path)
    for p in db.parent.glob("station.db*"):
        if p.name in ("station.db", "station.db-wal", "station.db-shm"):
            p.unlink()
    with pytest.raises(StorageError, match="missing"):
        open_store(store_config(tmp_path))
    assert not db.exists()


def test_a_resident_secret_alone_shows_the_station_held_data(tmp_path):
    resident_secret(tmp_path / "var")
    with pytest.raises(StorageError, match=r"resident\.secret"):
        open_store(store_config(tmp_path))


def test_a_mistyped_data_dir_is_not_a_new_station(tmp_path, capsys):
    typo = tmp_path / "vra"
    assert main(["--data-dir", str(typo), "db", "check"]) == 1
    err = capsys.readouterr().err
    assert "no database" in err and "kiosk db init" in err
    assert not (typo / "station.db").exists()
    assert main(["--data-dir", str(typo), "audit", "verify"]) == 1
    assert not (typo / "station.db").exists()


def test_db_init_creates_a_database_once(tmp_path, capsys):
    var = tmp_path / "var"
    assert main(["--data-dir", str(var), "db", "init"]) == 0
    assert "created" in capsys.readouterr().out
    assert main(["--data-dir", str(var), "db", "check"]) == 0
    assert main(["--data-dir", str(var), "db", "init"]) == 0
    assert "already" in capsys.readouterr().out


def test_db_init_force_starts_again_over_an_empty_database(tmp_path, capsys):
    db = _station_with_data(tmp_path)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.truncate(db, 0)
    var = str(tmp_path / "var")
    assert main(["--data-dir", var, "db", "init"]) == 1
    assert main(["--data-dir", var, "db", "init", "--force"]) == 0
    assert main(["--data-dir", var, "db", "check"]) == 0


def test_a_new_folder_still_gets_a_database_and_its_stamp(tmp_path):
    with open_store(store_config(tmp_path)):
        pass
    assert (tmp_path / "var" / "station.db.stamp").exists()


def test_an_older_station_without_a_stamp_gets_one_on_open(tmp_path):
    _station_with_data(tmp_path)
    stamp = tmp_path / "var" / "station.db.stamp"
    stamp.unlink()
    with open_store(store_config(tmp_path)):
        pass
    assert stamp.exists()
