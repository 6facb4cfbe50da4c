"""Reviewer's storage checks: exports without the flag hold no personal data, bad export folders are clear
errors, and retention never purges a session the cloud has not fully acknowledged.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.grading import grade_session
from kiosk.storage import open_store
from kiosk.storage.testing import sample_blood_pressure, sample_grip, sample_session, store_config
from tests.kiosk.grading_support import shipped_norms

OLD = datetime(2025, 1, 1, 9, tzinfo=UTC)
# Every identifying value of the invented resident in kiosk.storage.testing.sample_session.
PERSONAL = ("测试 居民", "110101196103020000", "13800000000", "1961-03-02")


def error_lines(err: str) -> list[str]:
    """The command's own error lines (the demo station also logs its 'NOT ENCRYPTED' warning to stderr)."""
    return [line for line in err.splitlines() if line.startswith("kiosk")]


@pytest.fixture
def station(tmp_path: Path) -> Path:
    """A station with one graded, reviewed session of a resident with full personal data (nothing acked)."""
    with open_store(store_config(tmp_path)) as s:
        session = sample_session(started_at=OLD)
        s.create_session(session)
        for m in (sample_grip(), sample_blood_pressure()):
            s.add_measurement(session.id, m)
        report = grade_session(s.load_session(session.id), shipped_norms())
        s.save_report(session.id, report.to_dict())
        s.save_review(session.id, {"review_id": str(uuid.uuid4()), "by": "doctor-1", "note": "reviewed"})
    return tmp_path


def kiosk(station: Path, *args: str) -> int:
    return main(["--data-dir", str(station / "var"), *args])


def personal_values_in(folder: Path) -> dict[str, list[str]]:
    found = {}
    for p in folder.iterdir():
        text = p.read_text(encoding="utf-8")
        hits = [v for v in PERSONAL if v in text]
        if hits:
            found[p.name] = hits
    return found


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_without_the_flag_holds_no_name_id_phone_or_birth_date(station: Path, capsys, fmt: str) -> None:
    out = station / f"export-{fmt}"
    assert kiosk(station, "db", "export", "--format", fmt, "--out", str(out)) == 0
    assert personal_values_in(out) == {}, "no file of a plain export may hold the resident's identifying data"


def test_a_plain_export_into_a_folder_holding_an_earlier_personal_export_is_refused(station: Path, capsys) -> None:
    out = station / "usb"
    assert kiosk(station, "db", "export", "--out", str(out), "--include-personal") == 0
    capsys.readouterr()
    code = kiosk(station, "db", "export", "--out", str(out))
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and len(error_lines(err)) == 1, err
    assert "session_personal.csv" in error_lines(err)[0], err
    # whatever the outcome, the folder must not present personal data under a "no personal data" manifest
    assert '"include_personal": true' in (out / "manifest.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("make_out", [
    lambda tmp: (tmp / "a-file").write_text("x") and tmp / "a-file",
    lambda tmp: tmp / "no" / "such" / "parent" / "\0bad",
    lambda tmp: (tmp / "f").write_text("x") and tmp / "f" / "sub",
])
def test_an_unusable_export_folder_is_one_clear_error(station: Path, capsys, make_out) -> None:
    out = make_out(station)
    code = kiosk(station, "db", "export", "--out", str(out))
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err, err
    assert len(error_lines(err)) == 1 and error_lines(err)[0].startswith("kiosk: error:"), err


def test_retention_keeps_a_session_until_every_row_is_acknowledged_then_purges_it(tmp_path: Path) -> None:
    with open_store(store_config(tmp_path, retention_days=30)) as s:
        session = sample_session(started_at=OLD)
        s.create_session(session)
        grip, bp = sample_grip(), sample_blood_pressure()
        s.add_measurement(session.id, grip)
        s.add_measurement(session.id, bp)
        later = OLD + timedelta(days=400)
        s.outbox_mark_acked([str(grip.id)], "b1")
        expected = {"purged": 0, "waiting_for_sync": 1, "stills_purged": 0}
        assert s.purge_personal_data(later) == expected, "one row still pending"
        s.outbox_quarantine([str(bp.id)], "bq", "rejected", 422, None)
        assert s.purge_personal_data(later)["purged"] == 0, "a quarantined row is not acknowledged"
        s.quarantine_requeue("bq")
        assert s.purge_personal_data(later)["purged"] == 0, "requeued is pending again"
        s.outbox_mark_acked([str(bp.id)], "b2")
        assert s.purge_personal_data(later) == {"purged": 1, "waiting_for_sync": 0, "stills_purged": 0}
        assert s.load_session(session.id).resident.national_id is None


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_a_non_finite_value_is_refused_before_it_reaches_the_database(tmp_path: Path, value: float) -> None:
    from kiosk.domain import Measurement
    from kiosk.errors import InputError

    with open_store(store_config(tmp_path)) as s:
        session = sample_session()
        s.create_session(session)
        with pytest.raises(InputError, match="not a finite number"):
            s.add_measurement(session.id, Measurement("grip", value, "kg"))
        assert s.load_session(session.id).measurements == (), "nothing stored"
        assert s.outbox_stats()["pending"] == 0, "nothing queued for the cloud"
        assert s.accepting_sessions, "a bad value is the caller's error, not a storage failure"


def test_a_key_file_that_cannot_be_written_is_a_key_error_and_leaves_no_empty_file(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    import errno
    import os

    from kiosk.storage.connection import load_or_create_key
    from kiosk.storage.errors import KeyFileError

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("kiosk.storage.connection.os.write", full_disk)
    key = tmp_path / "station.key"
    with pytest.raises(KeyFileError, match="cannot write"):
        load_or_create_key(key)
    assert not key.exists(), "an empty key file would make every later start fail as 'malformed'"
    monkeypatch.undo()
    assert len(load_or_create_key(key)) == 32, "the next start creates the key normally"


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_data_directory_that_cannot_be_created_is_one_clear_error(tmp_path: Path, capsys, encrypted: bool) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    conf = tmp_path / "station.toml"
    conf.write_text(f'[station]\ndata_dir = "{blocker / "var"}"\n[storage]\nencryption = '
                    f'"{"sqlcipher" if encrypted else "none"}"\nkey_file = "{tmp_path / "k.key"}"\n')
    code = main(["--config", str(conf), "db", "check"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err, err
    assert any("cannot use this as the data directory" in line for line in error_lines(err)), err


def test_a_key_id_file_that_cannot_be_written_is_a_storage_error(tmp_path: Path, monkeypatch) -> None:
    from kiosk.config import StorageEncryption
    from kiosk.errors import StorageError

    real_write_text = Path.write_text

    def refuse_keyid(self: Path, *args, **kwargs):
        if self.name.endswith(".keyid"):
            raise PermissionError(13, "Permission denied")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", refuse_keyid)
    with pytest.raises(StorageError, match=r"\.keyid: cannot record"):
        open_store(store_config(tmp_path, StorageEncryption.SQLCIPHER))
