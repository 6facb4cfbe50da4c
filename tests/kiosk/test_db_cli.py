"""`kiosk db`, `kiosk staff` and `kiosk audit` from the command line: outputs, exit codes, personal-data rules."""

from __future__ import annotations

import io
import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from kiosk.cli import main
from kiosk.storage import LATEST_VERSION, open_store
from kiosk.storage.connection import database_path
from kiosk.storage.testing import sample_grip, sample_session, store_config


@pytest.fixture
def data(tmp_path):
    """A demo-mode (plain) station with one old, fully synced session and one fresh, unsynced one."""
    cfg = store_config(tmp_path)
    with open_store(cfg) as s:
        old = sample_session(started_at=datetime(2025, 1, 1, tzinfo=UTC))
        s.create_session(old)
        m = sample_grip()
        s.add_measurement(old.id, m)
        s.outbox_mark_acked([str(m.id)], "b1")
        new = sample_session(pseudonym="test-resident-2", started_at=datetime.now(UTC))
        s.create_session(new)
        s.add_measurement(new.id, sample_grip(25.0))
    return tmp_path


def kiosk(data, *args: str, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--data-dir", str(data / "var"), *args])


def test_db_check_reports_integrity_version_counts_and_mode(data, capsys):
    assert kiosk(data, "db", "check") == 0
    out = capsys.readouterr().out
    assert "integrity check: ok" in out and f"schema version:  {LATEST_VERSION}" in out
    assert "NOT ENCRYPTED" in out
    assert "measurements       2" in out and "sessions           2" in out


def test_db_check_on_an_encrypted_station_names_the_key_file(tmp_path, capsys):
    conf = tmp_path / "station.toml"
    conf.write_text(f'[station]\ndata_dir = "{tmp_path / "var"}"\n[storage]\nencryption = "sqlcipher"\n')
    assert main(["--config", str(conf), "db", "init"]) == 0  # only init creates a database
    assert main(["--config", str(conf), "db", "check"]) == 0
    out = capsys.readouterr().out
    assert f"sqlcipher (key file {tmp_path / 'station.key'}, key id " in out


def test_db_check_refuses_a_newer_schema_with_a_clear_error(data, capsys):
    with sqlite3.connect(database_path(store_config(data))) as raw:
        raw.execute("PRAGMA user_version = 99")
    assert kiosk(data, "db", "check") == 1
    assert f"schema version 99, but this station software supports up to version {LATEST_VERSION}" in \
        capsys.readouterr().err


def test_db_migrate_says_what_it_did_and_then_that_nothing_is_left(tmp_path, capsys):
    var = tmp_path / "var"
    var.mkdir()
    sqlite3.connect(var / "station.db").execute("CREATE TABLE placeholder (x)").connection.close()  # schema 0
    assert main(["--data-dir", str(var), "db", "migrate"]) == 0
    assert f"migrated schema version 0 -> {LATEST_VERSION}" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "var"), "db", "migrate"]) == 0
    assert "is current; nothing to do" in capsys.readouterr().out


def test_db_export_leaves_personal_data_out_without_the_flag(data, capsys):
    out_dir = data / "export"
    assert kiosk(data, "db", "export", "--format", "csv", "--out", str(out_dir)) == 0
    assert "(no personal data)" in capsys.readouterr().out
    files = {p.name for p in out_dir.iterdir()}
    assert {"sessions.csv", "measurements.csv", "outbox.csv", "manifest.json"} <= files
    assert "session_personal.csv" not in files
    everything = "".join(p.read_text(encoding="utf-8") for p in out_dir.iterdir())
    assert "110101196103020000" not in everything and "13800000000" not in everything
    assert "pin_hash" not in everything


def test_db_export_with_the_flag_includes_personal_data_in_private_files(data, capsys):
    out_dir = data / "export"
    assert kiosk(data, "db", "export", "--format", "json", "--out", str(out_dir), "--include-personal") == 0
    assert "INCLUDING PERSONAL DATA" in capsys.readouterr().out
    personal = out_dir / "session_personal.json"
    assert "110101196103020000" in personal.read_text(encoding="utf-8")
    assert stat.S_IMODE(personal.stat().st_mode) == 0o600
    assert kiosk(data, "audit", "show") == 0
    assert "db.export" in capsys.readouterr().out, "exporting personal data must be audited"


def test_db_purge_reports_purged_and_waiting_sessions(data, capsys):
    assert kiosk(data, "db", "purge") == 0
    out = capsys.readouterr().out
    assert "purged the personal data of 1 session(s) older than 30 days; 0 older session(s)" in out


def test_staff_add_reads_the_pin_from_stdin_and_list_shows_it(data, capsys, monkeypatch):
    assert kiosk(data, "staff", "add", "--role", "technician", "Tech Wu", stdin="482915\n",
                 monkeypatch=monkeypatch) == 0
    assert "added technician 'Tech Wu'" in capsys.readouterr().out
    assert kiosk(data, "staff", "list") == 0
    assert "technician  Tech Wu" in capsys.readouterr().out


def test_staff_add_with_a_bad_pin_fails_with_the_rule(data, capsys, monkeypatch):
    assert kiosk(data, "staff", "add", "--role", "doctor", "Dr Li", stdin="1234\n", monkeypatch=monkeypatch) == 1
    assert "6 to 8 digits" in capsys.readouterr().err


def test_audit_verify_passes_then_fails_on_an_edit(data, capsys, monkeypatch):
    kiosk(data, "staff", "add", "--role", "doctor", "Dr Li", stdin="482915\n", monkeypatch=monkeypatch)
    kiosk(data, "staff", "add", "--role", "doctor", "Dr An", stdin="482915\n", monkeypatch=monkeypatch)
    assert kiosk(data, "audit", "verify") == 0
    assert "audit log ok: 2 entries" in capsys.readouterr().out
    with sqlite3.connect(database_path(store_config(data))) as raw:
        raw.execute("UPDATE audit SET target = 'Dr Evil' WHERE seq = 1")
    assert kiosk(data, "audit", "verify") == 1
    assert "BROKEN at entry 1" in capsys.readouterr().out


def test_audit_show_last_prints_only_the_newest(data, capsys, monkeypatch):
    for name in ("A One", "B Two"):
        kiosk(data, "staff", "add", "--role", "doctor", name, stdin="482915\n", monkeypatch=monkeypatch)
    capsys.readouterr()
    assert kiosk(data, "audit", "show", "--last", "1") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "B Two" in lines[0] and "staff.add" in lines[0]

