"""OAuth2 client credentials: cached token, refresh before expiry, one refresh on 401, clear set-up errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.config import SyncAuth, SyncConfig
from kiosk.errors import ConfigError
from sync.auth import ClientCredentialsToken, read_client_secret
from sync.errors import TransportError
from sync.http import FhirClient, encode_bundle
from sync.testing.fhir_test_server import TOKEN_PATH, FhirTestServer

BUNDLE = encode_bundle({"resourceType": "Bundle", "type": "transaction", "entry": []})


@pytest.fixture
def server() -> Iterator[FhirTestServer]:
    with FhirTestServer(clients={"station-7": "correct horse"}, token_ttl_s=600) as s:
        yield s


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    p = tmp_path / "client_secret"
    p.write_text("correct horse\n")
    p.chmod(0o600)  # a secret file: private to the station user (kiosk.secret_files)
    return p


def oauth_config(server: FhirTestServer, secret_file: Path) -> SyncConfig:
    return SyncConfig(endpoint=server.base_url, auth=SyncAuth.OAUTH2, token_url=server.token_url,
                      client_id="station-7", client_secret_file=str(secret_file))


def token_requests(server: FhirTestServer) -> int:
    return sum(1 for _m, path, _s, _k in server.log.requests if path == TOKEN_PATH)


def test_the_token_is_fetched_once_and_reused(server: FhirTestServer, secret_file: Path) -> None:
    with FhirClient(oauth_config(server, secret_file)) as client:
        statuses = [client.post_transaction(BUNDLE, f"k{i}").status for i in range(4)]
    assert statuses == [200] * 4
    assert token_requests(server) == 1, "a valid cached token must be reused"


def test_an_expired_token_refused_with_401_is_refreshed_once_and_the_batch_sent(
        server: FhirTestServer, secret_file: Path) -> None:
    with FhirClient(oauth_config(server, secret_file)) as client:
        assert client.post_transaction(BUNDLE, "a").status == 200
        server.expire_tokens()
        assert client.post_transaction(BUNDLE, "b").status == 200, "after one refresh the batch must go through"
    assert token_requests(server) == 2
    assert [s for _m, p, s, _k in server.log.requests if p != TOKEN_PATH] == [200, 401, 200]


def test_a_persistent_401_refreshes_only_once(server: FhirTestServer, secret_file: Path) -> None:
    server.inject("unauthorized", count=5)
    with FhirClient(oauth_config(server, secret_file)) as client:
        result = client.post_transaction(BUNDLE, "a")
    assert result.status == 401, "the second 401 is returned to the retry policy"
    assert token_requests(server) == 2, "one initial token and exactly one refresh"
    assert sum(1 for _m, p, _s, _k in server.log.requests if p != TOKEN_PATH) == 2, "one retry, not a loop"


class StepClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_token_is_refreshed_before_it_expires(server: FhirTestServer) -> None:
    clock = StepClock()
    with httpx.Client() as http:
        tokens = ClientCredentialsToken(server.token_url, "station-7", "correct horse", http=http, clock=clock,
                                        refresh_margin_s=60)
        first = tokens.bearer()
        clock.now += 600 - 61  # still outside the margin
        assert tokens.bearer() == first
        clock.now += 2  # inside the 60 s margin, before the 600 s expiry
        second = tokens.bearer()
    assert second != first, "a token about to expire must be replaced before it does"
    assert tokens.fetches == 2


def test_a_short_lived_token_still_gets_a_sensible_margin(tmp_path: Path) -> None:
    clock = StepClock()
    with FhirTestServer(clients={"c": "s"}, token_ttl_s=10) as server, httpx.Client() as http:
        tokens = ClientCredentialsToken(server.token_url, "c", "s", http=http, clock=clock, refresh_margin_s=60)
        first = tokens.bearer()
        clock.now += 4  # margin is capped at half the lifetime (5 s)
        assert tokens.bearer() == first
        clock.now += 2
        assert tokens.bearer() != first


def test_a_refused_client_is_a_retryable_setup_error_not_a_data_problem(server: FhirTestServer) -> None:
    with httpx.Client() as http:
        tokens = ClientCredentialsToken(server.token_url, "station-7", "wrong", http=http)
        with pytest.raises(TransportError, match="refused the client") as e:
            tokens.bearer()
    assert e.value.http_status == 401


def test_an_unreachable_token_endpoint_is_a_transport_error() -> None:
    server = FhirTestServer()
    url = server.token_url
    server.stop()
    with httpx.Client(timeout=1) as http, pytest.raises(TransportError, match="unreachable"):
        ClientCredentialsToken(url, "c", "s", http=http).bearer()


def test_the_secret_comes_from_its_file(secret_file: Path) -> None:
    assert read_client_secret(str(secret_file)) == "correct horse"


@pytest.mark.parametrize("content", [None, "", "\n"])
def test_a_missing_or_empty_secret_file_is_a_config_error(tmp_path: Path, content: str | None) -> None:
    p = tmp_path / "secret"
    if content is not None:
        p.write_text(content)
        p.chmod(0o600)
    with pytest.raises(ConfigError, match=r"sync\.client_secret_file"):
        read_client_secret(str(p))
