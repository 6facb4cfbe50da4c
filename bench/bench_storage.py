"""Latency of a durable result write: add_measurement (measurement + outbox row, fsynced) in both storage modes."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.config import StorageEncryption
from kiosk.storage import open_store
from kiosk.storage.testing import sample_grip, sample_session, store_config

WRITES = 2000


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


def _measure(root: Path, encryption: StorageEncryption, writes: int) -> dict[str, float]:
    with open_store(store_config(root, encryption)) as store:
        session = sample_session()
        store.create_session(session)
        latencies: list[float] = []
        for i in range(writes):
            m = sample_grip(20 + (i % 500) * 0.1, trial=i + 1)
            t0 = time.perf_counter()
            store.add_measurement(session.id, m)
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {"p50_ms": round(_percentile(latencies, 0.50), 3), "p99_ms": round(_percentile(latencies, 0.99), 3),
            "max_ms": round(latencies[-1], 3), "mean_ms": round(statistics.fmean(latencies), 3),
            "writes_per_s": round(writes / (sum(latencies) / 1000), 1)}


def run(out_dir: Path, writes: int = WRITES) -> dict:
    """p50/p99 of add_measurement over ``writes`` durable writes, plain SQLite and SQLCipher, on out_dir's disk."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, float | int | str] = {"writes_per_mode": writes, "synchronous": "FULL", "journal": "WAL"}
    for encryption in (StorageEncryption.NONE, StorageEncryption.SQLCIPHER):
        root = Path(tempfile.mkdtemp(prefix="bench-storage-", dir=out_dir))
        try:
            for k, v in _measure(root, encryption, writes).items():
                figures[f"add_measurement_{encryption.value}_{k}"] = v
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return figures


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(Path(sys.argv[1] if len(sys.argv) > 1 else "out/bench")), indent=2))
