"""Crash safety of a commit: a writer SIGKILLed at random moments never leaves half a result behind.

A child process saves sessions (each with its first trials) and measurements in a loop, and prints
each id only after the call that saved it has returned. The parent kills it at random points,
several times, then checks the database.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import StorageEncryption
from kiosk.storage import open_store
from kiosk.storage.testing import store_config

WRITER = r"""
import sys
from dataclasses import replace
from pathlib import Path
from kiosk.config import StorageEncryption
from kiosk.storage import open_store
from kiosk.storage.testing import sample_grip, sample_session, store_config

cfg = store_config(Path(sys.argv[1]), StorageEncryption(sys.argv[2]))
store = open_store(cfg)
print("ready", flush=True)
i = 0
while True:
    first = tuple(sample_grip(20 + t, trial=t) for t in (1, 2, 3))
    session = replace(sample_session(), measurements=first)
    store.create_session(session)  # a session and its first three trials, all or nothing
    for m in first:
        print(m.id, flush=True)
    for _ in range(5):
        i += 1
        m = sample_grip(20 + (i % 500) * 0.1, trial=i)
        store.add_measurement(session.id, m)
        print(m.id, flush=True)
"""

ROOT = Path(__file__).resolve().parents[2]


def _run_and_kill(tmp_path: Path, encryption: StorageEncryption, rng: random.Random) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), encryption.value], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", "the writer should start"
    time.sleep(rng.uniform(0.02, 0.3))  # a random moment, most likely inside a transaction or its fsync
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return [line for line in out.split() if line]


@pytest.mark.slow
@pytest.mark.parametrize("encryption", [StorageEncryption.NONE, StorageEncryption.SQLCIPHER])
def test_killed_writers_leave_every_reported_measurement_with_its_outbox_row(tmp_path, encryption):
    rng = random.Random(20261123)
    reported: list[str] = []
    for _ in range(6):
        reported += _run_and_kill(tmp_path, encryption, rng)
    assert len(reported) > 6, "the writers should have saved some measurements before being killed"
    with open_store(store_config(tmp_path, encryption)) as store:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        measured = {r[0] for r in conn.execute("SELECT id FROM measurements")}
        queued = {r[0] for r in conn.execute("SELECT id FROM outbox WHERE kind = 'measurement'")}
        missing = set(reported) - measured
        assert not missing, f"{len(missing)} measurement(s) reported saved are missing after the kill"
        assert measured == queued, "every measurement must have its outbox row and no outbox row its measurement"
        assert len(measured) - len(reported) <= 6 * 3, "only the last commit of each writer may be unreported"
        half = conn.execute("SELECT count(*) FROM sessions s WHERE (SELECT count(*) FROM measurements m "
                            "WHERE m.session_id = s.id) < 3").fetchone()[0]
        assert half == 0, f"{half} session(s) were saved without the trials they were created with"
