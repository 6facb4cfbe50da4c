"""A personal-data export is audited before any file is written, and a failed one leaves no files (issue 16 item 3).

Before, `kiosk db export --include-personal` wrote the files first and audited afterwards: with the
database write-locked by another process, it exited 1 but left the national IDs on disk and no audit entry.
The lock here is real: a second process holds BEGIN IMMEDIATE on the same database file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.cli import main
from kiosk.storage import open_store
from kiosk.storage.connection import database_path
from kiosk.storage.testing import sample_grip, sample_session, store_config

NATIONAL_ID = "110101196103020000"  # the invented ID of kiosk.storage.testing.sample_session


@pytest.fixture
def data(tmp_path: Path) -> Path:
    with open_store(store_config(tmp_path)) as s:
        session = sample_session(started_at=datetime(2026, 1, 5, tzinfo=UTC))
        s.create_session(session)
        s.add_measurement(session.id, sample_grip())
    return tmp_path


def _audit_actions(data: Path) -> list[str]:
    with open_store(store_config(data)) as s:
        return [e.action for e in AuditLog(s).entries()]


def _files_with_personal_data(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and NATIONAL_ID in p.read_text(errors="replace"))


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def test_export_with_the_database_locked_writes_nothing_and_says_why(data: Path, capsys) -> None:
    out_dir = data / "export"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(database_path(store_config(data))), "30"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code = main(["--data-dir", str(data / "var"), "db", "export", "--include-personal", "--out", str(out_dir)])
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert "lock" in capsys.readouterr().err
    assert _files_with_personal_data(out_dir) == [], "no personal data may be left without an audit entry"
    assert "db.export" not in _audit_actions(data)


def test_an_export_failing_half_way_removes_its_files_and_is_audited(data: Path, capsys) -> None:
    out_dir = data / "export"
    out_dir.mkdir()
    (out_dir / "reviews.csv").mkdir()  # something in the way of a later table's file: writing fails there
    code = main(["--data-dir", str(data / "var"), "db", "export", "--include-personal", "--out", str(out_dir)])
    assert code == 1
    assert _files_with_personal_data(out_dir) == []
    assert sorted(p.name for p in out_dir.iterdir()) == ["reviews.csv"], "only what was there before stays"
    actions = _audit_actions(data)
    assert actions[-2:] == ["db.export", "db.export_failed"], actions


def test_a_successful_export_is_audited_before_its_files(data: Path, capsys) -> None:
    out_dir = data / "export"
    assert main(["--data-dir", str(data / "var"), "db", "export", "--include-personal", "--out", str(out_dir)]) == 0
    with open_store(store_config(data)) as s:
        entry = [e for e in AuditLog(s).entries() if e.action == "db.export"][-1]
    first_file = min(p.stat().st_mtime_ns for p in out_dir.iterdir())
    assert entry.details["include_personal"] is True and entry.details["rows"]["session_personal"] == 1
    assert entry.at.timestamp() * 1e9 <= first_file + 1e6
