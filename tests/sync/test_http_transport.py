"""The HTTPS transport against the FHIR test double: TLS with a test CA, mutual TLS, timeouts, gzip, keys."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import SyncAuth, SyncConfig
from kiosk.errors import ConfigError
from sync.errors import TransportError
from sync.http import FhirClient, encode_bundle
from sync.testing.fhir_test_server import FhirTestServer
from sync.testing.pki import TestPki, make_test_pki


def observation_bundle(n: int = 2) -> tuple[dict, list[str]]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    entries = [{"fullUrl": f"urn:uuid:{i}",
                "resource": {"resourceType": "Observation", "status": "final",
                             "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{i}"}],
                             "code": {"text": "grip"}, "valueQuantity": {"value": 30.5, "unit": "kg"}},
                "request": {"method": "POST", "url": "Observation",
                            "ifNoneExist": f"identifier=urn:ietf:rfc:3986|urn:uuid:{i}"}} for i in ids]
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}, ids


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("other-pki"), ca_name="Some other CA")


@pytest.fixture
def plain_server() -> Iterator[FhirTestServer]:
    with FhirTestServer() as server:
        yield server


def plain_config(server: FhirTestServer, **kw: object) -> SyncConfig:
    return SyncConfig(endpoint=server.base_url, auth=SyncAuth.NONE, **kw)  # type: ignore[arg-type]


def test_a_batch_arrives_gzipped_with_its_idempotency_key_and_fhir_content_type(plain_server: FhirTestServer) -> None:
    bundle, ids = observation_bundle(3)
    body = encode_bundle(bundle)
    assert json.loads(gzip.decompress(body)) == bundle, "the body must be the bundle, gzip-compressed"
    with FhirClient(plain_config(plain_server)) as client:
        result = client.post_transaction(body, "batch-key-1")
    assert result.status == 200
    assert [e["response"]["status"] for e in result.body["entry"]] == ["201 Created"] * 3
    assert plain_server.log.requests[-1][3] == "batch-key-1", "the server must have seen the Idempotency-Key"
    assert sorted(plain_server.memory.identifier_counts("Observation")) == sorted(f"urn:ietf:rfc:3986|urn:uuid:{i}"
                                                                                 for i in ids)


def test_encoding_is_deterministic_so_a_resend_is_byte_identical() -> None:
    bundle, _ = observation_bundle(5)
    assert encode_bundle(bundle) == encode_bundle(json.loads(json.dumps(bundle)))


def test_a_slow_server_past_the_read_timeout_is_a_transport_error(plain_server: FhirTestServer) -> None:
    plain_server.inject("slow", delay_s=1.5)
    with FhirClient(plain_config(plain_server, read_timeout_s=0.3)) as client, \
            pytest.raises(TransportError, match="timed out") as e:
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")
    assert e.value.http_status is None, "a timeout has no HTTP status: the policy must treat it as a network error"


def test_a_connection_dropped_mid_response_is_a_transport_error(plain_server: FhirTestServer) -> None:
    plain_server.inject("drop")
    with FhirClient(plain_config(plain_server)) as client, pytest.raises(TransportError, match="no answer"):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")


def test_nobody_listening_is_a_transport_error() -> None:
    server = FhirTestServer()
    url = server.base_url
    server.stop()
    with FhirClient(SyncConfig(endpoint=url, auth=SyncAuth.NONE, connect_timeout_s=0.5)) as client, \
            pytest.raises(TransportError):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")


def test_retry_after_and_status_reach_the_caller(plain_server: FhirTestServer) -> None:
    plain_server.inject("status", status=503, retry_after="17")
    with FhirClient(plain_config(plain_server)) as client:
        result = client.post_transaction(encode_bundle(observation_bundle()[0]), "k")
    assert (result.status, result.retry_after) == (503, "17")


def test_https_with_the_configured_test_ca_verifies_and_works(pki: TestPki) -> None:
    with FhirTestServer(pki=pki) as server, FhirClient(
            SyncConfig(endpoint=server.base_url, auth=SyncAuth.NONE, ca_bundle=str(pki.ca_cert))) as client:
        assert client.post_transaction(encode_bundle(observation_bundle()[0]), "k").status == 200


def test_a_server_certificate_from_another_ca_is_refused_not_ignored(pki: TestPki, other_pki: TestPki) -> None:
    with FhirTestServer(pki=pki) as server, FhirClient(
            SyncConfig(endpoint=server.base_url, auth=SyncAuth.NONE, ca_bundle=str(other_pki.ca_cert))) as client, \
            pytest.raises(TransportError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")
    assert server.memory.counts() == {}, "nothing may be sent over an unverified connection"


def test_without_a_ca_bundle_the_system_store_does_not_trust_the_test_ca(pki: TestPki) -> None:
    with FhirTestServer(pki=pki) as server, FhirClient(
            SyncConfig(endpoint=server.base_url, auth=SyncAuth.NONE)) as client, pytest.raises(TransportError):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")


def test_mutual_tls_server_refuses_a_station_without_a_client_certificate(pki: TestPki) -> None:
    with FhirTestServer(pki=pki, require_client_cert=True) as server, FhirClient(
            SyncConfig(endpoint=server.base_url, auth=SyncAuth.NONE, ca_bundle=str(pki.ca_cert))) as client, \
            pytest.raises(TransportError):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")
    assert server.memory.counts() == {}


def test_mutual_tls_with_the_station_certificate_is_accepted(pki: TestPki) -> None:
    cfg = SyncConfig(auth=SyncAuth.MTLS, ca_bundle=str(pki.ca_cert), client_cert=str(pki.client_cert),
                     client_key=str(pki.client_key))
    with FhirTestServer(pki=pki, require_client_cert=True) as server, \
            FhirClient(replace(cfg, endpoint=server.base_url)) as client:
        assert client.post_transaction(encode_bundle(observation_bundle()[0]), "k").status == 200


def test_mutual_tls_with_a_certificate_from_another_ca_is_refused(pki: TestPki, other_pki: TestPki) -> None:
    with FhirTestServer(pki=pki, require_client_cert=True) as server, FhirClient(
            SyncConfig(endpoint=server.base_url, auth=SyncAuth.MTLS, ca_bundle=str(pki.ca_cert),
                       client_cert=str(other_pki.client_cert), client_key=str(other_pki.client_key))) as client, \
            pytest.raises(TransportError):
        client.post_transaction(encode_bundle(observation_bundle()[0]), "k")


@pytest.mark.parametrize("field", ["ca_bundle", "client_cert"])
def test_missing_tls_files_are_a_config_error_naming_the_key(tmp_path: Path, pki: TestPki, field: str) -> None:
    kw = {"ca_bundle": str(pki.ca_cert), "client_cert": str(pki.client_cert), "client_key": str(pki.client_key)}
    kw[field] = str(tmp_path / "missing.pem")
    with pytest.raises(ConfigError, match=f"sync.{field}"):
        FhirClient(SyncConfig(endpoint="https://127.0.0.1:9/fhir", auth=SyncAuth.MTLS, **kw))


def test_sync_off_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no endpoint"):
        FhirClient(SyncConfig(endpoint=""))
