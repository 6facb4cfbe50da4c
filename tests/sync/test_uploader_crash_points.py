"""The uploader "killed" at every single store write of a drain, before or after it commits, then restarted.

A deterministic complement to the chaos test: a proxy of the real store raises at the n-th write
(the process dies there), a fresh uploader on the same database finishes the job, and the server
must hold every result exactly once with nothing marked sent that it does not hold.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage import open_store
from sync.retry import RetryPolicy
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.station import fill_store, station_config
from sync.uploader import Uploader

WRITES = frozenset({"outbox_mark_acked", "outbox_record_attempt", "outbox_quarantine", "sync_state_set"})
POLICY = RetryPolicy(base_delay_s=0.001, max_delay_s=0.002, quarantine_after_5xx=3)


class Killed(BaseException):
    """The process died here (BaseException: nothing in the uploader may catch it)."""


class DyingStore:
    """The real store, except that the ``die_at``-th write raises Killed before or after committing."""

    def __init__(self, store: Any, die_at: int, after_commit: bool) -> None:
        self._store = store
        self._die_at = die_at
        self._after = after_commit
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name not in WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            if self.writes == self._die_at and not self._after:
                raise Killed(name)
            result = attr(*args, **kwargs)
            if self.writes == self._die_at and self._after:
                raise Killed(name)
            return result

        return write


def run_case(tmp_path: Path, die_at: int, after_commit: bool, faults: Callable[[FhirTestServer], None]) -> int:
    """Drain until killed at write ``die_at``, restart, drain to the end; returns writes of the first run."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / f"var-{die_at}-{after_commit}", server, batch_max_count=4,
                             read_timeout_s=0.3)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=2, measurements=4, seed=die_at)
            faults(server)
            dying = DyingStore(st, die_at, after_commit)
            first = Uploader(cfg, store=dying, policy=POLICY)  # type: ignore[arg-type]
            try:
                for _ in range(10):
                    first.drain_once(force=True)
            except Killed:
                pass
            finally:
                first.close()  # its HTTP client; the store belongs to the test
            with open_store(cfg) as restarted_store:
                again = Uploader(cfg, store=restarted_store, policy=POLICY)
                for _ in range(10):
                    again.drain_once(force=True)
                again.close()
            stats = st.outbox_stats()
            quarantined = {i for q in st.quarantine_list() for i in q["ids"]}
            acked = {r[0] for r in st.conn.execute("SELECT id FROM outbox WHERE state = 'acked'").fetchall()}
        counts = server.memory.identifier_counts("Observation")
    on_server = {k.removeprefix("urn:ietf:rfc:3986|urn:uuid:"): n for k, n in counts.items()}
    where = f"killed at write {die_at} ({'after' if after_commit else 'before'} commit)"
    assert stats["pending"] == 0, f"{where}: {stats['pending']} rows left pending"
    assert set(ids) == acked | quarantined, f"{where}: rows lost"
    assert all(n == 1 for n in on_server.values()), f"{where}: duplicates {on_server}"
    assert acked <= set(on_server), f"{where}: rows marked sent that the server does not hold"
    return dying.writes


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """Databases on tmpfs when there is one: this test is about write order, not about fsync latency."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="crash-points-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("after_commit", [False, True], ids=["before-commit", "after-commit"])
@pytest.mark.parametrize("scenario", ["clean", "lost-answer", "refused"])
def test_a_kill_at_any_store_write_loses_nothing_and_duplicates_nothing(fast_dir: Path, after_commit: bool,
                                                                       scenario: str) -> None:
    faults: dict[str, Callable[[FhirTestServer], None]] = {
        "clean": lambda s: None,
        "lost-answer": lambda s: s.inject("drop"),
        "refused": lambda s: (s.inject("status", status=503, retry_after="0"), s.inject("reject")),
    }
    die_at = 1
    while True:
        writes = run_case(fast_dir, die_at, after_commit, faults[scenario])
        if writes < die_at:  # the run finished without reaching this write: every point was covered
            break
        die_at += 1
    assert die_at > 4, f"expected several write points in a drain, saw {die_at - 1}"
