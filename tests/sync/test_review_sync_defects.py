"""Defects found in review of the sync wing, each pinned by a test that failed before its fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kiosk.storage import open_store
from sync.retry import RetryPolicy
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.station import fill_store, station_config
from sync.uploader import Uploader

POLICY = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_retry_after_s=120.0, quarantine_after_5xx=3)


def test_a_misconfigured_token_endpoint_defers_every_batch_and_never_quarantines_data(tmp_path: Path) -> None:
    """A token URL that answers 404 (or 500) is a station set-up problem: nothing the FHIR server refused."""
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    with FhirTestServer(clients={"station": "s3cret"}) as server:
        cfg = station_config(tmp_path / "var", server, client_id="station", secret_file=secret, batch_max_count=2)
        cfg = replace(cfg, sync=replace(cfg.sync, token_url=server.origin + "/no/such/token"))
        with open_store(cfg) as st:
            fill_store(st, cfg.station_id, sessions=2, measurements=2)
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5)
            try:
                for _ in range(POLICY.quarantine_after_5xx + 2):
                    report = up.drain_once(force=True)
                    assert report.rows_quarantined == 0, f"token endpoint trouble quarantined data: {report}"
                    assert report.retry_at is not None, "a failing token endpoint must back off"
            finally:
                up.close()
            stats = st.outbox_stats()
            assert (stats["pending"], stats["quarantined"]) == (4, 0), stats
