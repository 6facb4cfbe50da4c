"""The uploader against a real store and the FHIR test double: acknowledgement, each fault, quarantine, resume."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import StationConfig
from kiosk.storage import open_store
from sync.errors import MappingError
from sync.fhir_map import batch_bundle
from sync.retry import RetryPolicy
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.pki import make_test_pki
from sync.testing.station import fill_store, station_config
from sync.upload_state import BACKOFF_KEY, INFLIGHT_KEY, BackoffState, InflightBatch
from sync.uploader import Uploader

POLICY = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_retry_after_s=120.0, quarantine_after_5xx=3)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def server() -> Iterator[FhirTestServer]:
    with FhirTestServer() as s:
        yield s


@pytest.fixture
def station(tmp_path: Path, server: FhirTestServer) -> StationConfig:
    return station_config(tmp_path / "var", server, batch_max_count=10, read_timeout_s=0.5)


@pytest.fixture
def store(station: StationConfig) -> Iterator[Any]:
    s = open_store(station)
    yield s
    s.close()


def uploader(station: StationConfig, store: Any, clock: Clock | None = None) -> Uploader:
    return Uploader(station, store=store, policy=POLICY, random=lambda: 0.5, clock=clock or Clock())


def stored_once(server: FhirTestServer, ids: list[str]) -> None:
    counts = server.memory.identifier_counts("Observation")
    wanted = {f"urn:ietf:rfc:3986|urn:uuid:{i}" for i in ids}
    missing = wanted - set(counts)
    dupes = {k: n for k, n in counts.items() if n != 1}
    assert not missing, f"{len(missing)} results never reached the server"
    assert not dupes, f"results stored more than once: {dupes}"


def test_every_queued_result_is_sent_once_and_marked_acknowledged(station, store, server) -> None:
    ids = fill_store(store, station.station_id, sessions=7, measurements=4)
    report = uploader(station, store).drain_once()
    assert (report.rows_acked, report.batches_acked) == (28, 3), report
    stored_once(server, ids)
    stats = store.outbox_stats()
    assert (stats["pending"], stats["acked"]) == (0, 28)
    assert server.log.requests and all(r[3] for r in server.log.requests), "every POST must carry an Idempotency-Key"


def test_batches_respect_the_configured_count_and_bytes(tmp_path, server) -> None:
    cfg = station_config(tmp_path / "var", server, batch_max_count=50, batch_max_bytes=6000)
    with open_store(cfg) as st:
        ids = fill_store(st, cfg.station_id, sessions=10, measurements=3)
        Uploader(cfg, store=st, policy=POLICY).drain_once()
    assert server.memory.transactions >= 5, "bundles over batch_max_bytes must be split"
    stored_once(server, ids)


def test_a_partial_batch_waits_for_its_age_unless_pushed(tmp_path, server) -> None:
    cfg = station_config(tmp_path / "var", server, batch_max_count=100, batch_max_age_s=30.0)
    clock = Clock()
    with open_store(cfg) as st:
        fill_store(st, cfg.station_id, sessions=1, measurements=2)
        created = st.outbox_pending(1)[0].created_at
        clock.now = created + timedelta(seconds=5)
        up = Uploader(cfg, store=st, policy=POLICY, clock=clock)
        report = up.drain_once()
        assert report.rows_acked == 0 and report.waiting_until == created + timedelta(seconds=30)
        clock.now = created + timedelta(seconds=31)
        assert up.drain_once().rows_acked == 2, "an old enough partial batch must go"
        fill_store(st, cfg.station_id, sessions=1, measurements=1, seed=9)
        assert up.drain_once(force=True).rows_acked == 1, "`kiosk sync push` sends at once"


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_statuses_back_off_keep_the_batch_and_then_deliver(station, store, server, status) -> None:
    ids = fill_store(store, station.station_id, sessions=2, measurements=3)
    clock = Clock()
    up = uploader(station, store, clock)
    server.inject("status", status=status)
    first = up.drain_once()
    assert first.rows_acked == 0 and first.retry_at == clock.now + timedelta(seconds=0.5), first
    assert store.outbox_stats()["pending"] == 6
    assert up.drain_once().rows_acked == 0, "no attempt before the backoff is over"
    clock.advance(1)
    assert up.drain_once().rows_acked == 6
    stored_once(server, ids)
    assert BackoffState.from_json(store.sync_state_get(BACKOFF_KEY)).failures == 0, "success resets the backoff"


def test_retry_after_seconds_is_honoured_and_persisted(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=2)
    clock = Clock()
    server.inject("status", status=503, retry_after="42")
    report = uploader(station, store, clock).drain_once()
    assert report.retry_at == clock.now + timedelta(seconds=42)
    restarted = uploader(station, store, clock)  # a new uploader must keep waiting
    clock.advance(41)
    assert restarted.drain_once().rows_acked == 0
    clock.advance(2)
    assert restarted.drain_once().rows_acked == 2


def test_retry_after_http_date_is_honoured(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=1)
    clock = Clock()
    server.inject("status", status=429, retry_after="Mon, 23 Nov 2026 08:01:30 GMT")
    assert uploader(station, store, clock).drain_once().retry_at == clock.now + timedelta(seconds=90)


def test_backoff_grows_between_consecutive_failures(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=1)
    clock = Clock()
    up = uploader(station, store, clock)
    server.inject("status", status=502, count=4)
    delays = []
    for _ in range(4):
        report = up.drain_once()
        delays.append((report.retry_at - clock.now).total_seconds())
        clock.now = report.retry_at
    assert delays == [0.5, 1.0, 2.0, 4.0], "full jitter with random()=0.5 over a doubling ceiling"


def test_repeated_500_quarantines_the_batch_with_the_outcome(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=3)
    clock = Clock()
    up = uploader(station, store, clock)
    server.inject("status", status=500, count=3)
    for _ in range(3):
        report = up.drain_once(force=True)
    assert report.batches_quarantined == 1, report
    (q,) = store.quarantine_list()
    assert q["http_status"] == 500 and q["count"] == 3
    assert q["outcome"]["resourceType"] == "OperationOutcome"
    assert store.outbox_stats()["pending"] == 0
    assert not store.sync_state_get(INFLIGHT_KEY)


def test_a_rejected_batch_is_quarantined_and_a_technician_can_requeue_it(station, store, server) -> None:
    ids = fill_store(store, station.station_id, sessions=1, measurements=3)
    up = uploader(station, store)
    server.inject("reject")
    report = up.drain_once()
    assert (report.batches_quarantined, report.rows_quarantined) == (1, 3)
    (q,) = store.quarantine_list()
    assert q["http_status"] == 400
    assert q["outcome"]["issue"][0]["diagnostics"] == "injected rejection of the batch"
    assert server.memory.counts() == {}
    assert store.quarantine_requeue(q["batch_id"]) == 3
    assert up.drain_once().rows_acked == 3
    stored_once(server, ids)


def test_an_entry_error_in_the_response_quarantines_that_entrys_record_with_its_outcome(station, store,
                                                                                         server) -> None:
    ids = fill_store(store, station.station_id, sessions=1, measurements=2)
    server.inject("entry_error", entry=1)  # entry 0 is the Patient, entry 1 the first measurement
    report = uploader(station, store).drain_once()
    assert (report.batches_quarantined, report.rows_quarantined) == (1, 1), report
    assert report.rows_acked == 1, "the batch's other record goes on in a new batch"
    (q,) = store.quarantine_list()
    assert q["ids"] == [ids[0]], q
    assert q["http_status"] == 400 and "entry 1" in q["reason"]
    assert q["outcome"]["issue"][0]["expression"] == ["Bundle.entry[1]"]


def test_refused_credentials_defer_the_batch_and_never_quarantine_it(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=2)
    server.inject("unauthorized", count=10)
    up = uploader(station, store)
    for _ in range(POLICY.quarantine_after_5xx + 2):
        report = up.drain_once(force=True)
        assert report.retry_at is not None and report.rows_quarantined == 0, report
    assert store.outbox_stats()["pending"] == 2 and store.quarantine_list() == []
    assert BackoffState.from_json(store.sync_state_get(BACKOFF_KEY)).last_status == 401


def test_a_200_that_is_not_a_transaction_response_is_resent_not_trusted(station, store, server) -> None:
    ids = fill_store(store, station.station_id, sessions=1, measurements=2)
    clock = Clock()
    up = uploader(station, store, clock)
    server.inject("not_fhir")
    report = up.drain_once()
    assert report.rows_acked == 0 and report.retry_at is not None, "an HTML page is no acknowledgement"
    assert store.outbox_stats()["pending"] == 2
    clock.advance(60)
    assert up.drain_once().rows_acked == 2
    stored_once(server, ids)


def test_a_server_that_keeps_answering_garbage_gets_the_batch_quarantined(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=2)
    server.inject("not_fhir", count=POLICY.quarantine_after_5xx)
    up = uploader(station, store)
    for _ in range(POLICY.quarantine_after_5xx):
        report = up.drain_once(force=True)
    assert report.batches_quarantined == 1, "repeated garbage counts like repeated 5xx"


@pytest.mark.parametrize("fault", [{"kind": "drop"}, {"kind": "slow", "delay_s": 1.2}])
def test_a_lost_answer_is_resent_with_the_same_key_and_stored_once(station, store, server, fault) -> None:
    ids = fill_store(store, station.station_id, sessions=1, measurements=3)
    clock = Clock()
    up = uploader(station, store, clock)
    server.inject(**fault)
    assert up.drain_once().rows_acked == 0
    assert server.memory.transactions == 1, "the server applied the batch before the answer was lost"
    assert store.outbox_stats()["pending"] == 3, "nothing is marked sent without an acknowledgement"
    clock.advance(60)
    assert up.drain_once().rows_acked == 3
    keys = [key for _path, key in server.log.received]
    assert len(keys) == 2 and keys[0] == keys[1], f"the resend must reuse the Idempotency-Key: {keys}"
    assert server.memory.replays == 1
    stored_once(server, ids)


def test_a_restarted_uploader_resends_the_saved_batch_byte_for_byte(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=2, measurements=2)
    server.inject("drop")
    uploader(station, store).drain_once()
    saved = InflightBatch.from_json(store.sync_state_get(INFLIGHT_KEY))
    fill_store(store, station.station_id, sessions=1, measurements=2, seed=5)  # newer rows must not join it
    with open_store(station) as reopened:
        report = Uploader(station, store=reopened, policy=POLICY).drain_once(force=True)
    assert report.rows_acked == 6
    first_two = [r[3] for r in server.log.requests[:2]]
    assert first_two == [saved.batch_id, saved.batch_id]
    assert server.memory.replays == 1


def test_an_inflight_batch_already_acknowledged_before_a_crash_is_not_resent(station, store, server) -> None:
    fill_store(store, station.station_id, sessions=1, measurements=2)
    up = uploader(station, store)
    up.drain_once()
    acked_ids = tuple(r[0] for r in store.conn.execute("SELECT id FROM outbox").fetchall())
    # the state a crash between "mark acknowledged" and "forget the in-flight batch" leaves behind:
    store.sync_state_set(INFLIGHT_KEY, InflightBatch("crashed-after-commit", acked_ids, acked_ids, b"x").to_json())
    before = len(server.log.requests)
    assert up.drain_once().rows_acked == 0
    assert len(server.log.requests) == before, "an acknowledged batch must not be sent again"
    assert not store.sync_state_get(INFLIGHT_KEY)


def test_a_mapping_bug_is_quarantined_loudly_and_the_rest_still_goes(station, store, server, caplog) -> None:
    ids = fill_store(store, station.station_id, sessions=2, measurements=2)
    bad = ids[1]

    def mapping_with_a_bug(st: Any, items: Any, cfg: StationConfig) -> Any:
        if any(i.id == bad for i in items):
            raise MappingError("Observation invalid", resource_type="Observation", record_id=bad)
        return batch_bundle(st, items, cfg)

    up = Uploader(station, store=store, policy=POLICY, build_batch=mapping_with_a_bug)
    report = up.drain_once()
    assert (report.rows_quarantined, report.rows_acked) == (1, 3), report
    (q,) = store.quarantine_list()
    assert q["ids"] == [bad] and "mapping bug" in q["reason"]
    assert any(r.levelname == "ERROR" and "BUG" in r.getMessage() for r in caplog.records)
    stored_once(server, [i for i in ids if i != bad])


async def test_run_forever_drains_in_its_own_thread_and_stops_on_request(station, server) -> None:
    with open_store(station) as st:
        ids = fill_store(st, station.station_id, sessions=3, measurements=3)
    up = Uploader(station, policy=POLICY)  # opens its own store in its worker thread
    task = asyncio.create_task(up.run_forever(idle_poll_s=0.05))
    for _ in range(200):
        if len(server.memory.identifier_counts("Observation")) == len(ids):
            break
        await asyncio.sleep(0.02)  # the event loop stays free while the uploader works
    up.stop()
    await asyncio.wait_for(task, timeout=5)
    stored_once(server, ids)


def test_uploads_over_https_with_mutual_tls_and_oauth2(tmp_path) -> None:
    pki = make_test_pki(tmp_path / "pki")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    with FhirTestServer(pki=pki, require_client_cert=True, clients={"station": "s3cret"}) as server:
        cfg = station_config(tmp_path / "var", server, pki=pki, client_id="station", secret_file=secret,
                             client_cert=str(pki.client_cert), client_key=str(pki.client_key))
        assert server.base_url.startswith("https://")
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=2, measurements=3)
            up = Uploader(cfg, store=st, policy=POLICY)
            try:
                assert up.drain_once().rows_acked == 6
            finally:
                up.close()
        stored_once(server, ids)
        assert server.tokens_issued == 1


def test_the_service_purges_personal_data_only_after_acknowledgement_and_at_most_hourly(station, store, server) -> None:
    from kiosk.storage.testing import sample_grip, sample_session

    clock = Clock()
    session = sample_session(started_at=clock.now - timedelta(days=station.storage.retention_days + 10))
    store.create_session(session)
    store.add_measurement(session.id, sample_grip())
    up = uploader(station, store, clock)
    expected = {"purged": 0, "waiting_for_sync": 1, "stills_purged": 0}
    assert up.purge_if_due() == expected, "nothing unacknowledged may be purged"
    up.drain_once(force=True)
    assert up.purge_if_due() is None, "the purge runs at most once an hour"
    clock.advance(3601)
    assert up.purge_if_due() == {"purged": 1, "waiting_for_sync": 0, "stills_purged": 0}
    resident = store.load_session(session.id).resident
    assert (resident.name, resident.national_id, resident.phone) == (None, None, None)
