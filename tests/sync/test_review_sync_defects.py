"""Defects found in review of the sync wing, each pinned by a test that failed before its fix."""

from __future__ import annotations

import fcntl
import logging
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from kiosk.config import SyncAuth, SyncConfig
from kiosk.errors import ConfigError
from kiosk.storage import open_store
from sync import upload_answers
from sync.auth import MAX_TOKEN_LIFETIME_S, ClientCredentialsToken
from sync.cli import status_figures
from sync.fhir_map import batch_bundle
from sync.http import FhirClient, SendResult
from sync.retry import RetryPolicy, Verdict, classify, parse_retry_after, retry_delay_s
from sync.testing.fhir_memory import operation_outcome
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.station import fill_store, station_config
from sync.upload_answers import entry_status_code, named_entry_owner
from sync.upload_lock import LOCK_NAME
from sync.upload_state import BACKOFF_KEY, INFLIGHT_KEY, BackoffState, DrainReport
from sync.uploader import Uploader

POLICY = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_retry_after_s=120.0, quarantine_after_5xx=3)
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_a_misconfigured_token_endpoint_defers_every_batch_and_never_quarantines_data(tmp_path: Path) -> None:
    """A token URL that answers 404 (or 500) is a station set-up problem: nothing the FHIR server refused."""
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
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


@pytest.mark.parametrize("digits", [20, 400, 5000])
def test_an_absurdly_large_retry_after_is_capped_not_a_crash(digits: int) -> None:
    """float(int("9" * 400)) overflows and int() refuses more than 4300 digits: both once escaped the policy."""
    huge = "9" * digits
    assert parse_retry_after(huge, NOW) is not None, "a huge delta-seconds is still a (huge) Retry-After"
    assert retry_delay_s(1, huge, POLICY, lambda: 0.5, NOW) == POLICY.max_retry_after_s


def test_a_server_sending_a_huge_retry_after_gets_the_capped_wait_persisted(tmp_path: Path) -> None:
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server)
        with open_store(cfg) as st:
            fill_store(st, cfg.station_id, sessions=1, measurements=2)
            server.inject("status", status=503, retry_after="9" * 400)
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.retry_at == NOW + timedelta(seconds=POLICY.max_retry_after_s), report
            assert BackoffState.from_json(st.sync_state_get(BACKOFF_KEY)).next_attempt_at == report.retry_at
            assert st.outbox_stats()["pending"] == 2


@pytest.mark.parametrize(("kind", "extra"), [("review", {"report_id": "R-12"}),  # ValueError deep in the mapping
                                            ("report", {"urgent_notices": 5})])  # TypeError
def test_a_row_whose_mapping_crashes_is_quarantined_and_does_not_block_the_queue(tmp_path: Path, kind: str,
                                                                                  extra: dict) -> None:
    """Only MappingError used to be quarantined: any other exception of one row's mapping escaped
    drain_once, and the service retried that same oldest row for ever while nothing else was sent."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=3)
        with open_store(cfg) as st:
            first = fill_store(st, cfg.station_id, sessions=1, measurements=2)
            session_id = uuid.UUID(st.outbox_pending(1)[0].session_id)
            doc_id = str(uuid.uuid4())
            if kind == "review":
                st.save_review(session_id, {"review_id": doc_id, "note": "ok", **extra})
            else:
                st.save_report(session_id, {"report_id": doc_id, **extra})
            later = fill_store(st, cfg.station_id, sessions=2, measurements=2, seed=5)
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once(force=True)
            finally:
                up.close()
            stats = st.outbox_stats()
            assert stats["pending"] == 0, f"rows left blocked behind the poisoned one: {stats}, {report}"
            assert report.rows_acked == len(first) + len(later), report
            (q,) = st.quarantine_list()
            assert q["ids"] == [doc_id] and "mapping bug" in q["reason"], q


@pytest.mark.parametrize(("endpoint", "token_url", "key"), [
    ("http://localhost.evil.example/fhir", "", "sync.endpoint"),  # passed the config's prefix check
    ("http://127.0.0.1.nip.io/fhir", "", "sync.endpoint"),
    ("http://cloud.example/fhir", "", "sync.endpoint"),
    ("ftp://cloud.example/fhir", "", "sync.endpoint"),
    ("https://cloud.example/fhir", "http://auth.example/token", "sync.token_url"),  # the secret in clear
])
def test_data_and_the_client_secret_never_travel_in_plain_http_off_this_machine(tmp_path: Path, endpoint: str,
                                                                               token_url: str, key: str) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    auth = SyncAuth.OAUTH2 if token_url else SyncAuth.NONE
    cfg = SyncConfig(endpoint=endpoint, auth=auth, token_url=token_url, client_id="station" if token_url else "",
                     client_secret_file=str(secret))
    with pytest.raises(ConfigError, match="https") as e:
        FhirClient(cfg)
    assert key in str(e.value), f"the error must name {key}: {e.value}"


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:8080/fhir", "http://localhost/fhir", "http://[::1]:81/fhir"])
def test_plain_http_to_this_machine_stays_allowed_for_the_test_double(endpoint: str) -> None:
    FhirClient(SyncConfig(endpoint=endpoint, auth=SyncAuth.NONE)).close()


def test_a_backoff_saved_under_a_clock_far_ahead_does_not_stop_uploads_for_years(tmp_path: Path) -> None:
    """A kiosk whose clock was years ahead (RTC drift, fixed later by NTP) saved a backoff 'until 2031':
    no policy can ask for more than its caps, so a longer wait is a clock jump and is not honoured."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=1, measurements=2)
            skewed = BackoffState(3, NOW + timedelta(days=5 * 365), "HTTP 503", 503)
            st.sync_state_set(BACKOFF_KEY, skewed.to_json())
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.rows_acked == len(ids), f"a backoff beyond every cap stopped the uploader: {report}"


def test_a_backoff_within_the_caps_is_still_honoured(tmp_path: Path) -> None:
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server)
        with open_store(cfg) as st:
            fill_store(st, cfg.station_id, sessions=1, measurements=2)
            wait = NOW + timedelta(seconds=POLICY.max_retry_after_s)
            st.sync_state_set(BACKOFF_KEY, BackoffState(1, wait, "HTTP 503", 503).to_json())
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.rows_acked == 0 and report.retry_at == wait, report


def test_a_partial_batch_queued_under_a_clock_far_ahead_is_not_held_until_that_date(tmp_path: Path) -> None:
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=100, batch_max_age_s=30.0)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=1, measurements=2)
            created = st.outbox_pending(1)[0].created_at
            back_in_time = created - timedelta(days=400)  # NTP put the clock right after the rows were queued
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: back_in_time)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.rows_acked == len(ids), f"rows dated in the future waited for that date: {report}"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_the_servers_verdict_and_never_quarantines(status: int) -> None:
    """A captive portal or a moved endpoint answers 302/301: the FHIR server never saw the batch."""
    for seen in range(POLICY.quarantine_after_5xx + 2):
        assert classify(status, consecutive_5xx=seen, policy=POLICY).verdict is Verdict.RETRY, status


def test_a_captive_portal_redirect_defers_the_outbox_instead_of_quarantining_it(tmp_path: Path) -> None:
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=2)
        with open_store(cfg) as st:
            fill_store(st, cfg.station_id, sessions=2, measurements=2)
            server.inject("status", status=302, count=10)
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.rows_quarantined == 0 and report.retry_at is not None, report
            assert st.outbox_stats()["pending"] == 4


def test_only_one_uploader_sends_from_a_station_at_a_time(tmp_path: Path) -> None:
    """`kiosk sync push` while the service drains used to resend the service's in-flight batch concurrently
    and send the same rows again in parallel batches (a server's conditional create can race)."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=1, measurements=2)
            with open(cfg.data_path / LOCK_NAME, "a+b") as other:  # the other uploader, as another process holds it
                fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
                try:
                    report = up.drain_once(force=True)
                    assert report.busy and report.rows_acked == 0, report
                    assert not server.log.received, "nothing may be sent while another uploader holds the lock"
                    assert st.outbox_stats()["pending"] == len(ids)
                    fcntl.flock(other.fileno(), fcntl.LOCK_UN)
                    after = up.drain_once(force=True)
                finally:
                    up.close()
            assert not after.busy and after.rows_acked == len(ids), after


@pytest.mark.parametrize("expires_in", ["Infinity", "NaN", "1e300", "-5", "0"])
def test_a_token_with_a_nonsense_lifetime_is_still_refreshed_in_good_time(expires_in: str) -> None:
    """expires_in Infinity/NaN (Python's JSON reads both) or 1e300 meant "never refresh before expiry"."""
    issued = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        issued.append(f"t{len(issued)}")
        body = f'{{"access_token": "{issued[-1]}", "token_type": "Bearer", "expires_in": {expires_in}}}'
        return httpx.Response(200, content=body.encode(), headers={"Content-Type": "application/json"})

    clock = [1000.0]
    with httpx.Client(transport=httpx.MockTransport(token_endpoint)) as http:
        tokens = ClientCredentialsToken("https://auth.example/token", "c", "s", http=http, clock=lambda: clock[0])
        first = tokens.bearer()
        clock[0] += MAX_TOKEN_LIFETIME_S + 1
        assert tokens.bearer() != first, f"expires_in={expires_in}: the token was never refreshed"


def _first_observation_owner(server_entries: list[dict]) -> int:
    return next(i for i, e in enumerate(server_entries) if e["resource"]["resourceType"] == "Observation")


@pytest.mark.parametrize("fault", ["entry_error", "reject_naming_entry"])
def test_a_refused_record_is_quarantined_alone_and_the_rest_of_its_batch_still_goes(tmp_path: Path,
                                                                                    fault: str) -> None:
    """The whole batch used to be quarantined; requeued, its rows were batched together again, so one
    refused record kept every innocent row of its batch out of the cloud."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=4)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=1, measurements=4)
            built = batch_bundle(st, st.outbox_pending(4), cfg)
            index = _first_observation_owner(built.bundle["entry"])
            refused = built.entry_owner[index]
            if fault == "entry_error":
                server.inject("entry_error", entry=index)
            else:
                up0 = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
                outcome = {"resourceType": "OperationOutcome", "issue": [
                    {"severity": "error", "code": "business-rule", "expression": [f"Bundle.entry[{index}]"]}]}
                up0._ensure()
                batch = up0._next_batch(st, True, DrainReport())  # as drain_once builds and saves it
                st.sync_state_set(INFLIGHT_KEY, batch.to_json())
                up0._settle(st, batch, SendResult(422, outcome, None, 0.0), None, DrainReport())
                up0.close()
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                up.drain_once(force=True)
            finally:
                up.close()
            (q,) = st.quarantine_list()
            assert q["ids"] == [refused], f"only the refused record belongs in quarantine: {q['ids']}"
            stats = st.outbox_stats()
            assert (stats["acked"], stats["pending"]) == (len(ids) - 1, 0), stats


@pytest.mark.parametrize(("outcome", "expected"), [
    ({"issue": [{"expression": ["Bundle.entry[1].resource.valueQuantity"]}]}, "b"),
    ({"issue": [{"expression": ["Bundle.entry[1]"]}, {"expression": ["Bundle.entry[2]"]}]}, None),  # two named
    ({"issue": [{"expression": ["Bundle.entry[0]"]}]}, None),  # the shared Patient: the batch as a whole
    ({"issue": [{"expression": ["Bundle.entry[9]"]}]}, None),  # not an entry of this batch
    ({"issue": [{"expression": ["Bundle.meta"]}, {"expression": ["Bundle.entry[1]"]}]}, None),
    ({"issue": 5}, None), ({"issue": [{"expression": "Bundle.entry[1]"}]}, None), ({}, None), (None, None),
])
def test_the_refused_record_is_read_from_the_outcome_only_when_it_is_unambiguous(outcome, expected) -> None:
    assert named_entry_owner([None, "b", "c"], outcome) == expected


@pytest.mark.parametrize(("text", "code"), [("201 Created", 201), ("200", 200), ("²01 OK", None), ("", None)])
def test_entry_status_codes_are_read_from_ascii_digits_only(text: str, code: int | None) -> None:
    assert entry_status_code(text) == code


class _AnsweringClient:
    """A FHIR client whose every POST gets the given 200 body (a broken proxy or server), for the settle logic."""

    def __init__(self, body: dict) -> None:
        self.body = body

    def post_transaction(self, body_gzip: bytes, idempotency_key: str) -> SendResult:
        return SendResult(200, self.body, None, 0.0)

    def close(self) -> None:
        pass


@pytest.mark.parametrize("entries", [["201 Created"] * 3, [{"response": "201 Created"}] * 3,
                                     [{"response": {"status": None}}] * 3])
def test_a_transaction_response_with_unreadable_entries_is_resent_not_a_crash(tmp_path: Path, entries) -> None:
    """An entry that is not an object, or a response that is a string, raised AttributeError out of
    drain_once: no backoff was saved and the service resent the batch every few seconds for ever."""
    with FhirTestServer() as server:  # only for the config: the client below answers every POST
        cfg = station_config(tmp_path / "var", server)
    with open_store(cfg) as st:
        fill_store(st, cfg.station_id, sessions=1, measurements=2)  # Patient + 2 Observations = 3 entries
        client = _AnsweringClient({"resourceType": "Bundle", "type": "transaction-response", "entry": entries})
        up = Uploader(cfg, store=st, client=client, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
        try:
            report = up.drain_once()
        finally:
            up.close()
        assert report.retry_at is not None and report.rows_acked == 0 and report.rows_quarantined == 0, report
        assert st.outbox_stats()["pending"] == 2


def test_an_unexpected_error_while_sending_backs_off_instead_of_escaping_the_drain(tmp_path: Path) -> None:
    """A token endpoint handing out a non-ASCII token: httpx raises UnicodeEncodeError building the header.
    It escaped drain_once, so no backoff was saved and the service retried every idle poll for ever."""
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)

    def cloud(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/token", "the batch itself can never be sent with that token"
        return httpx.Response(200, json={"access_token": "令牌", "token_type": "Bearer", "expires_in": 600})

    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, auth=SyncAuth.OAUTH2, token_url="http://127.0.0.1:9/token",
                             client_id="station", client_secret_file=str(secret))
    with open_store(cfg) as st:
        fill_store(st, cfg.station_id, sessions=1, measurements=2)
        client = FhirClient(cfg.sync, transport=httpx.MockTransport(cloud))
        up = Uploader(cfg, store=st, client=client, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
        try:
            report = up.drain_once()
        finally:
            up.close()
        assert report.retry_at is not None and "UnicodeEncodeError" in (report.last_error or ""), report
        assert BackoffState.from_json(st.sync_state_get(BACKOFF_KEY)).failures == 1, "the backoff must be saved"
        assert st.outbox_stats()["pending"] == 2 and st.sync_state_get(INFLIGHT_KEY), "same batch, same key, later"


@pytest.mark.parametrize("status", [404, 405])
def test_a_wrong_endpoint_path_is_a_set_up_problem_that_retries_and_never_quarantines(status: int) -> None:
    """A 404/405 for the whole FHIR base URL (wrong sync.endpoint, a proxy misrouting the path) judged no
    batch: quarantining it moved the entire outbox, batch after batch, into the technician's hands."""
    for seen in range(POLICY.quarantine_after_5xx + 2):
        decision = classify(status, consecutive_5xx=seen, policy=POLICY)
        assert decision.verdict is Verdict.RETRY, f"HTTP {status} after {seen} 5xx should retry, got {decision}"
        assert decision.endpoint_problem, f"HTTP {status} should be reported as an endpoint problem: {decision}"


@pytest.mark.parametrize("status", [404, 405])
def test_a_404_or_405_whose_outcome_points_into_the_bundle_still_condemns_the_batch(status: int) -> None:
    decision = classify(status, consecutive_5xx=0, policy=POLICY, outcome_names_content=True)
    assert decision.verdict is Verdict.QUARANTINE and not decision.endpoint_problem, decision


@pytest.mark.parametrize("status", [400, 403, 409, 422])
def test_other_client_errors_quarantine_whatever_their_outcome_names(status: int) -> None:
    for names in (False, True):
        decision = classify(status, consecutive_5xx=0, policy=POLICY, outcome_names_content=names)
        assert decision.verdict is Verdict.QUARANTINE, f"HTTP {status} (outcome names content: {names}): {decision}"


@pytest.mark.parametrize(("outcome", "expected"), [
    (operation_outcome("not-found", "no endpoint /fhri"), False),  # the test double's, or a proxy's, 404
    (operation_outcome("processing", "x", expression="Bundle.entry[2].resource.valueQuantity"), True),
    (operation_outcome("processing", "x", expression="Bundle.entry[0]"), True),  # the shared Patient
    ({"issue": [{"location": ["Bundle.entry[1]"]}]}, True),  # location: deprecated, still sent by some servers
    ({"issue": [{"expression": ["Observation.code"]}]}, False),
    ({"issue": [{"expression": "Bundle.entry[1]"}]}, False), ({"issue": 5}, False), ({}, False), (None, False),
])
def test_an_outcome_names_batch_content_only_when_an_issue_points_into_the_bundle(outcome, expected) -> None:
    assert upload_answers.outcome_names_batch_content(outcome) is expected


def test_a_wrong_endpoint_path_keeps_the_outbox_queued_backs_off_and_tells_the_technician(tmp_path: Path,
                                                                                           caplog) -> None:
    """Weeks unattended with a wrong path: every batch stays queued, the waits grow like an outage's, and
    the status names the status, the URL and the key to fix; put right, everything goes exactly once."""
    with FhirTestServer() as server:
        good = station_config(tmp_path / "var", server, batch_max_count=2)
        wrong_url = server.origin + "/fhri"
        wrong = replace(good, sync=replace(good.sync, endpoint=wrong_url))
        now = [NOW]
        with open_store(wrong) as st:
            ids = fill_store(st, wrong.station_id, sessions=3, measurements=2)  # 6 rows, 3 batches
            up = Uploader(wrong, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: now[0])
            delays = []
            try:
                for _ in range(POLICY.quarantine_after_5xx + 3):
                    report = up.drain_once()
                    assert report.rows_quarantined == 0, f"a wrong endpoint path quarantined data: {report}"
                    assert report.retry_at is not None, f"a wrong endpoint path must back off: {report}"
                    delays.append((report.retry_at - now[0]).total_seconds())
                    now[0] = report.retry_at
            finally:
                up.close()
            assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0], "capped full-jitter backoff, as for an outage"
            assert {path for path, _key in server.log.received} == {"/fhri"}
            stats = st.outbox_stats()
            assert (stats["pending"], stats["quarantined"]) == (6, 0), stats
            backoff = status_figures(wrong, st)["backoff"]
            assert backoff["last_status"] == 404, backoff
            expected = f"the server answered 404 Not Found for {wrong_url}: check sync.endpoint"
            assert (backoff["last_error"] or "").startswith(expected), backoff["last_error"]
            logged = [r for r in caplog.records if r.levelno >= logging.ERROR and "sync.endpoint" in r.getMessage()]
            assert logged, "the endpoint problem must be logged as an error"
            assert logged[-1].fields["endpoint"] == wrong_url and logged[-1].fields["status"] == 404
            fixed = Uploader(good, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: now[0])
            try:
                assert fixed.drain_once(force=True).rows_acked == 6
            finally:
                fixed.close()
        counts = server.memory.identifier_counts("Observation")
        assert set(counts) == {f"urn:ietf:rfc:3986|urn:uuid:{i}" for i in ids} and set(counts.values()) == {1}


def test_a_405_for_the_endpoint_defers_the_batch_with_the_endpoint_named(tmp_path: Path) -> None:
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server)
        with open_store(cfg) as st:
            fill_store(st, cfg.station_id, sessions=1, measurements=2)
            server.inject("status", status=405, count=10)
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                report = up.drain_once()
            finally:
                up.close()
            assert report.rows_quarantined == 0 and report.retry_at is not None, report
            assert (report.last_error or "").startswith(
                f"the server answered 405 Method Not Allowed for {server.base_url}: check sync.endpoint"), report
            assert st.outbox_stats()["pending"] == 2 and st.quarantine_list() == []


def test_a_404_whose_outcome_names_one_record_quarantines_that_record_alone(tmp_path: Path) -> None:
    """The server did judge the content here (its OperationOutcome points at Bundle.entry[N]): not an endpoint
    problem, so the refused record goes to quarantine and the rest of its batch still goes."""
    with FhirTestServer() as server:
        cfg = station_config(tmp_path / "var", server, batch_max_count=4)
        with open_store(cfg) as st:
            ids = fill_store(st, cfg.station_id, sessions=1, measurements=4)
            built = batch_bundle(st, st.outbox_pending(4), cfg)
            index = _first_observation_owner(built.bundle["entry"])
            server.inject("status", status=404, expression=f"Bundle.entry[{index}]")
            up = Uploader(cfg, store=st, policy=POLICY, random=lambda: 0.5, clock=lambda: NOW)
            try:
                up.drain_once(force=True)
            finally:
                up.close()
            (q,) = st.quarantine_list()
            assert q["ids"] == [built.entry_owner[index]] and q["http_status"] == 404, q
            stats = st.outbox_stats()
            assert (stats["acked"], stats["pending"]) == (len(ids) - 1, 0), stats
