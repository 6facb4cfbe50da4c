"""`kiosk sync status|push|quarantine|bundle` against a real store and the FHIR test double."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.storage import open_store
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.station import config_toml, fill_store, station_config


@pytest.fixture
def server() -> Iterator[FhirTestServer]:
    with FhirTestServer() as s:
        yield s


@pytest.fixture
def station(tmp_path: Path, server: FhirTestServer) -> tuple[Path, list[str]]:
    cfg = station_config(tmp_path / "var", server, batch_max_count=5, retry_base_delay_s=30.0,
                         retry_max_delay_s=60.0)
    path = tmp_path / "station.toml"
    path.write_text(config_toml(cfg))
    with open_store(cfg) as st:
        ids = fill_store(st, cfg.station_id, sessions=3, measurements=3)
    return path, ids


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_status_shows_queue_depth_and_oldest_unsent(station, capsys) -> None:
    config, _ = station
    code, out = run(capsys, "--config", str(config), "sync", "status", "--json")
    fig = json.loads(out)
    assert code == 0
    assert fig["queue_depth"] == 9 and fig["oldest_unsent_at"] and fig["last_success_at"] == "never"
    assert fig["quarantined_batches"] == 0 and fig["backoff"]["failures"] == 0


def test_push_sends_everything_and_reports_counts(station, server, capsys) -> None:
    config, ids = station
    code, out = run(capsys, "--config", str(config), "sync", "push")
    assert code == 0, out
    assert "sent 9 rows in 2 batch(es)" in out and "0 still queued" in out
    assert len(server.memory.identifier_counts("Observation")) == len(ids)
    _, status = run(capsys, "--config", str(config), "sync", "status")
    assert "queue depth         0 rows" in status and "last success        never" not in status


def test_push_during_an_outage_reports_the_backoff_and_status_shows_it(station, server, capsys) -> None:
    config, _ = station
    server.inject("status", status=503, retry_after="120")
    code, out = run(capsys, "--config", str(config), "sync", "push")
    assert code == 1 and "HTTP 503" in out and "next attempt after" in out
    _, status = run(capsys, "--config", str(config), "sync", "status")
    assert "1 failure(s) in a row" in status and "in flight" in status


def test_a_wrong_endpoint_path_is_reported_for_the_technician_and_nothing_is_quarantined(tmp_path, server,
                                                                                       capsys) -> None:
    wrong_url = server.origin + "/wrong/fhir"
    cfg = station_config(tmp_path / "var", server, batch_max_count=5, endpoint=wrong_url)
    config = tmp_path / "station.toml"
    config.write_text(config_toml(cfg))
    with open_store(cfg) as st:
        fill_store(st, cfg.station_id, sessions=3, measurements=3)
    code, out = run(capsys, "--config", str(config), "sync", "push")
    assert code == 1 and "quarantined 0 rows" in out and "9 still queued" in out, out
    _, status = run(capsys, "--config", str(config), "sync", "status")
    expected = f"last error          the server answered 404 Not Found for {wrong_url}: check sync.endpoint"
    assert expected in status, status
    assert "quarantine          0 batch(es), 0 rows" in status, status


def test_quarantine_list_show_and_retry(station, server, capsys) -> None:
    config, ids = station
    server.inject("reject")
    code, out = run(capsys, "--config", str(config), "sync", "push", "--max-batches", "1")
    assert code == 1 and "quarantined 5 rows in 1 batch(es)" in out
    _, listing = run(capsys, "--config", str(config), "sync", "quarantine", "list")
    batch = listing.splitlines()[1].split()[0]
    assert " 400  " in listing.splitlines()[1], f"the HTTP status must be listed: {listing}"
    _, shown = run(capsys, "--config", str(config), "sync", "quarantine", "show", batch)
    detail = json.loads(shown)
    assert detail["outcome"]["resourceType"] == "OperationOutcome" and detail["count"] == 5
    code, out = run(capsys, "--config", str(config), "sync", "quarantine", "retry", batch)
    assert code == 0 and "requeued 5 rows" in out
    _, audit = run(capsys, "--config", str(config), "audit", "show")
    assert "sync.quarantine_retry" in audit and batch in audit, f"a re-queue must be audited: {audit}"
    assert run(capsys, "--config", str(config), "sync", "push")[0] == 0
    assert len(server.memory.identifier_counts("Observation")) == len(ids)
    assert "quarantine is empty" in run(capsys, "--config", str(config), "sync", "quarantine", "list")[1]


def test_unknown_quarantine_batch_is_a_clear_error(station, capsys) -> None:
    config, _ = station
    code, out = run(capsys, "--config", str(config), "sync", "quarantine", "show", "no-such-batch")
    assert code == 1 and "no quarantined batch 'no-such-batch'" in out
    code = main(["--config", str(config), "sync", "quarantine", "retry", "no-such-batch"])
    assert code == 1 and "no-such-batch" in capsys.readouterr().err


def test_bundle_prints_the_sessions_transaction_bundle(station, capsys) -> None:
    config, ids = station
    from kiosk.config import load_config

    with open_store(load_config(config)) as st:
        session_id = st.outbox_pending(1)[0].session_id
    code, out = run(capsys, "--config", str(config), "sync", "bundle", session_id)
    bundle = json.loads(out)
    assert code == 0 and bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    observed = {e["resource"]["identifier"][0]["value"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Observation"}
    assert {f"urn:uuid:{i}" for i in ids[:3]} <= observed


def test_bundle_of_a_bad_session_id_is_a_clear_error(station, capsys) -> None:
    config, _ = station
    assert main(["--config", str(config), "sync", "bundle", "not-a-uuid"]) == 1
    assert "not a session id" in capsys.readouterr().err


def test_push_with_sync_off_says_so(tmp_path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path / "var"), "db", "init"]) == 0  # only init creates a database
    capsys.readouterr()
    code, out = run(capsys, "--data-dir", str(tmp_path / "var"), "sync", "push")
    assert code == 1 and "sync is off" in out


def test_run_serves_until_interrupted_and_exits_cleanly(station, server) -> None:
    config, ids = station
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config), "sync", "run", "--idle-poll",
                             "0.1"], cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while len(server.memory.identifier_counts("Observation")) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=15)
    assert len(server.memory.identifier_counts("Observation")) == len(ids), err.decode()[-2000:]
    assert proc.returncode == 0, f"expected a clean exit after SIGINT, got {proc.returncode}: {err.decode()[-2000:]}"


def test_resend_after_a_push_requeues_and_a_second_push_duplicates_nothing(station, server, capsys):
    path, ids = station
    assert run(capsys, "--config", str(path), "sync", "push")[0] == 0
    code, out = run(capsys, "--config", str(path), "sync", "resend", "--since", "2000-01-01")
    assert code == 0 and f"re-queued {len(ids)} acknowledged rows" in out, out
    assert run(capsys, "--config", str(path), "sync", "push")[0] == 0
    counts = server.memory.identifier_counts("Observation")
    assert sorted(counts.values()) == [1] * len(ids), "a resend must be matched by identifier, not stored again"
    with pytest.raises(SystemExit):
        main(["--config", str(path), "sync", "resend"])  # one of --since, --session, --all is required


def test_check_reads_the_doubles_capability_statement(station, capsys):
    path, _ = station
    code, out = run(capsys, "--config", str(path), "sync", "check")
    assert code == 0 and "transactions: yes; conditional create: yes" in out, out
    code, out = run(capsys, "--config", str(path), "sync", "status")
    assert "FHIR version 4.0.1" in out, out
