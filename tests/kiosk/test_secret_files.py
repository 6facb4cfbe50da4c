"""Every secret file is held to the database key file's rules (issue 16 item 5).

The database key, the resident secret, the pseudonym key and the OAuth client secret must be owned by
the station's user, readable by no one else (mode 0600 or stricter), and not a symlink to a file that
breaks either rule. A new secret is fsynced; an empty or damaged one is a specific error, not a bare
ValueError. Before, the pseudonym key and the client secret were used at 0644, the key file's owner was
not checked, and an empty resident.secret raised ValueError.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import StationConfig, SyncConfig
from kiosk.errors import KioskError
from kiosk.identity import local_pseudonym, resident_secret
from kiosk.storage.connection import load_or_create_key
from sync.auth import read_client_secret
from sync.fhir_map import load_pseudonym_key

KEY_HEX = (b"ab" * 32) + b"\n"


def _db_key(path: Path) -> object:
    return load_or_create_key(path)


def _resident(path: Path) -> object:
    return resident_secret(path.parent)


def _pseudonym(path: Path) -> object:
    cfg = StationConfig(data_dir=str(path.parent / "var"), sync=replace(SyncConfig(), pseudonym_key_file=str(path)))
    return load_pseudonym_key(cfg)


def _client_secret(path: Path) -> object:
    return read_client_secret(str(path))


READERS = {"station.key": (_db_key, KEY_HEX), "resident.secret": (_resident, os.urandom(32)),
           "pseudonym.key": (_pseudonym, b"p" * 32), "client.secret": (_client_secret, b"s3cr3t-value\n")}


def _write(path: Path, data: bytes, mode: int) -> Path:
    path.write_bytes(data)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_private_secret_is_read(tmp_path: Path, name: str) -> None:
    reader, data = READERS[name]
    reader(_write(tmp_path / name, data, 0o600))


@pytest.mark.parametrize("name", sorted(READERS))
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_secret_others_can_read_is_refused(tmp_path: Path, name: str, mode: int) -> None:
    reader, data = READERS[name]
    with pytest.raises(KioskError, match=f"mode {mode:04o}"):
        reader(_write(tmp_path / name, data, mode))


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_symlink_to_a_wider_file_is_refused(tmp_path: Path, name: str) -> None:
    reader, data = READERS[name]
    target = _write(tmp_path / "elsewhere", data, 0o644)
    (tmp_path / name).symlink_to(target)
    with pytest.raises(KioskError, match="mode 0644"):
        reader(tmp_path / name)


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_symlink_to_a_private_file_is_read(tmp_path: Path, name: str) -> None:
    reader, data = READERS[name]
    target = _write(tmp_path / "elsewhere", data, 0o600)
    (tmp_path / name).symlink_to(target)
    reader(tmp_path / name)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
@pytest.mark.parametrize("name", sorted(READERS))
def test_a_secret_owned_by_another_user_is_refused(tmp_path: Path, name: str) -> None:
    reader, data = READERS[name]
    path = _write(tmp_path / name, data, 0o600)
    os.chown(path, 65534, 65534)
    with pytest.raises(KioskError, match="owned by user 65534"):
        reader(path)


@pytest.mark.parametrize("content", [b"", b"short"])
def test_an_empty_or_short_resident_secret_is_a_specific_error(tmp_path: Path, content: bytes) -> None:
    _write(tmp_path / "resident.secret", content, 0o600)
    with pytest.raises(KioskError, match=r"resident\.secret") as caught:
        resident_secret(tmp_path)
    assert "damaged" in str(caught.value) and not isinstance(caught.value, ValueError)


def test_a_new_resident_secret_is_private_and_fsynced(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    secret = resident_secret(tmp_path / "var")
    path = tmp_path / "var" / "resident.secret"
    assert (path.stat().st_mode & 0o777) == 0o600 and path.read_bytes() == secret
    assert str(path) in synced and str(path.parent) in synced, synced
    assert resident_secret(tmp_path / "var") == secret
    assert local_pseudonym(secret, "110101196103020000").startswith("r-")


def test_a_new_database_key_is_fsynced_with_its_folder(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    load_or_create_key(tmp_path / "station.key")
    assert str(tmp_path / "station.key") in synced and str(tmp_path) in synced, synced
