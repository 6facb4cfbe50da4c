"""`kiosk audit show --last N` takes only a whole number of at least 1 (issue 16 item 8).

Before, 0 and -2 were read as "no limit" (and a negative LIMIT means none to SQLite): every entry printed.
"""

from __future__ import annotations

import pytest

from kiosk.audit import AuditLog
from kiosk.cli import main
from kiosk.storage import open_store
from kiosk.storage.testing import store_config


@pytest.fixture
def data(tmp_path):
    with open_store(store_config(tmp_path)) as s:
        for i in range(4):
            AuditLog(s).record(f"doctor-{i}", "doctor", "session.view", target=f"session-{i}")
    return tmp_path / "var"


@pytest.mark.parametrize("last", ["0", "-2", "x"])
def test_a_last_below_one_is_refused(data, capsys, last):
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(data), "audit", "show", "--last", last])
    captured = capsys.readouterr()
    assert exit_.value.code == 2 and "session.view" not in captured.out
    assert "--last" in captured.err and "at least 1" in captured.err


def test_last_two_prints_the_newest_two(data, capsys):
    assert main(["--data-dir", str(data), "audit", "show", "--last", "2"]) == 0
    out = capsys.readouterr().out
    assert "doctor-2" in out and "doctor-3" in out and "doctor-1" not in out
