"""The FHIR test double itself: validation, conditional create, idempotency, search, tokens, faults on command."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest

from sync.testing.fhir_test_server import FhirTestServer


def obs_entry(ident: str, *, value: object = 12.5) -> dict:
    return {"fullUrl": f"urn:uuid:{uuid.uuid4()}",
            "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "grip"},
                         "identifier": [{"system": "urn:ietf:rfc:3986", "value": ident}],
                         "valueQuantity": {"value": value, "unit": "kg"}},
            "request": {"method": "POST", "url": "Observation",
                        "ifNoneExist": f"identifier=urn:ietf:rfc:3986|{ident}"}}


def transaction(*entries: dict) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}).encode()


@pytest.fixture
def server() -> Iterator[FhirTestServer]:
    with FhirTestServer() as s:
        yield s


@pytest.fixture
def http(server: FhirTestServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.origin, timeout=5) as c:
        yield c


def post(http: httpx.Client, server: FhirTestServer, body: bytes, key: str | None = None, *,
         gz: bool = False) -> httpx.Response:
    headers = {"Content-Type": "application/fhir+json"}
    if key:
        headers["Idempotency-Key"] = key
    if gz:
        headers["Content-Encoding"] = "gzip"
        body = gzip.compress(body)
    return http.post(server.base_path, content=body, headers=headers)


def statuses(r: httpx.Response) -> list[str]:
    return [e["response"]["status"] for e in r.json()["entry"]]


def test_conditional_create_answers_201_then_200_and_keeps_one_copy(http, server) -> None:
    first = post(http, server, transaction(obs_entry("urn:uuid:a"), obs_entry("urn:uuid:b")))
    again = post(http, server, transaction(obs_entry("urn:uuid:a"), obs_entry("urn:uuid:c")), gz=True)
    assert statuses(first) == ["201 Created", "201 Created"]
    assert statuses(again) == ["200 OK", "201 Created"]
    assert server.memory.counts() == {"Observation": 3}
    assert again.json()["entry"][0]["response"]["location"] == first.json()["entry"][0]["response"]["location"]


def test_an_invalid_resource_fails_the_whole_transaction_with_an_operation_outcome(http, server) -> None:
    r = post(http, server, transaction(obs_entry("urn:uuid:ok"), obs_entry("urn:uuid:bad", value="lots")))
    assert r.status_code == 400
    outcome = r.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[1]"]
    assert server.memory.counts() == {}, "a transaction is all or nothing"


@pytest.mark.parametrize("body", [b"not json", b'{"resourceType": "Patient"}',
                                  b'{"resourceType": "Bundle", "type": "batch", "entry": []}'])
def test_malformed_bodies_get_a_400_outcome(http, server, body: bytes) -> None:
    r = post(http, server, body)
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"


def test_a_repeated_idempotency_key_replays_the_first_answer(http, server) -> None:
    body = transaction(obs_entry("urn:uuid:x"))
    first = post(http, server, body, "key-1")
    second = post(http, server, body, "key-1")
    assert statuses(second) == statuses(first) == ["201 Created"], "a replay repeats the original answer"
    assert second.headers["Idempotent-Replayed"] == "true"
    assert (server.memory.transactions, server.memory.replays) == (1, 1)


def test_a_reused_key_with_a_different_body_is_refused(http, server) -> None:
    post(http, server, transaction(obs_entry("urn:uuid:x")), "key-1")
    r = post(http, server, transaction(obs_entry("urn:uuid:y")), "key-1")
    assert r.status_code == 422 and server.memory.counts() == {"Observation": 1}


def test_conditional_update_and_plain_update(http, server) -> None:
    patient = {"resourceType": "Patient", "identifier": [{"system": "urn:s", "value": "p1"}], "gender": "male"}
    cond = {"fullUrl": "urn:uuid:1", "resource": patient,
            "request": {"method": "PUT", "url": "Patient?identifier=urn:s|p1"}}
    device = {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Device", "id": "dev1"},
              "request": {"method": "PUT", "url": "Device/dev1"}}
    assert statuses(post(http, server, transaction(cond, device))) == ["201 Created", "201 Created"]
    assert statuses(post(http, server, transaction(cond, device))) == ["200 OK", "200 OK"]
    assert server.memory.counts() == {"Patient": 1, "Device": 1}


def test_accepted_resources_are_searchable_by_identifier(http, server) -> None:
    post(http, server, transaction(obs_entry("urn:uuid:q"), obs_entry("urn:uuid:r")))
    found = http.get(f"{server.base_path}/Observation", params={"identifier": "urn:ietf:rfc:3986|urn:uuid:q"}).json()
    assert found["total"] == 1 and found["entry"][0]["resource"]["identifier"][0]["value"] == "urn:uuid:q"
    stats = http.get("/_test/stats").json()
    assert stats["counts"] == {"Observation": 2}


@pytest.mark.parametrize(("spec", "status"), [({"kind": "status", "status": 503, "retry_after": "9"}, 503),
                                              ({"kind": "status", "status": 429}, 429),
                                              ({"kind": "status", "status": 500}, 500),
                                              ({"kind": "reject"}, 400),
                                              ({"kind": "unauthorized"}, 401)])
def test_faults_commanded_over_http_hit_exactly_the_next_n_requests(http, server, spec: dict, status: int) -> None:
    assert http.post("/_test/faults", json={**spec, "count": 2}).status_code == 200
    got = [post(http, server, transaction(obs_entry(f"urn:uuid:{n}"))).status_code for n in range(3)]
    assert got == [status, status, 200]
    if "retry_after" in spec:
        server.inject(**spec)
        assert post(http, server, transaction(obs_entry("urn:uuid:z"))).headers["Retry-After"] == "9"


def test_tokens_are_issued_to_known_clients_and_expire(server_with_auth: FhirTestServer) -> None:
    s = server_with_auth
    with httpx.Client(base_url=s.origin, timeout=5) as c:
        refused = c.post("/oauth2/token", data={"grant_type": "client_credentials"}, auth=("st", "nope"))
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        assert c.post("/oauth2/token", data={"grant_type": "password"}, auth=("st", "pw")).status_code == 400
        tok = c.post("/oauth2/token", data={"grant_type": "client_credentials", "client_id": "st",
                                            "client_secret": "pw"}).json()
        assert tok["token_type"] == "Bearer" and tok["expires_in"] == 60
        body = transaction(obs_entry("urn:uuid:t"))
        hdr = {"Authorization": f"Bearer {tok['access_token']}"}
        assert c.post(s.base_path, content=body).status_code == 401, "no token, no entry"
        assert c.post(s.base_path, content=body, headers=hdr).status_code == 200
        s.expire_tokens()
        assert c.post(s.base_path, content=body, headers=hdr).status_code == 401, "an expired token is refused"


@pytest.fixture
def server_with_auth() -> Iterator[FhirTestServer]:
    with FhirTestServer(clients={"st": "pw"}, token_ttl_s=60) as s:
        yield s


@pytest.mark.parametrize("spec", [b"{", b'{"kind": "meteor"}', b'{"count": 2}', b'{"kind": "slow", "colour": 1}'])
def test_a_bad_fault_command_gets_a_400_naming_the_kinds(http, spec: bytes) -> None:
    r = http.post("/_test/faults", content=spec)
    assert r.status_code == 400 and "unauthorized" in r.json()["error"]
