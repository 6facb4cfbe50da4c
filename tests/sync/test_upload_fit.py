"""Batches that fit the server, its capabilities, and re-sending: the pure rules, then the uploader with a
server that refuses transactions above N entries in Medplum's words (the real engine: test_medplum_engine.py)."""

from __future__ import annotations

import gzip
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.audit import AuditLog
from kiosk.errors import InputError
from kiosk.storage import open_store
from sync.capabilities import assess
from sync.http import SendResult
from sync.resend import resend
from sync.testing.station import fill_demo_outbox, fill_store, station_config
from sync.upload_fit import (
    FIT_KEY,
    FitState,
    SplitState,
    UnsplittableError,
    is_too_large,
    load_fit,
    location_reference,
    next_part,
    refuses_gzip,
)
from sync.uploader import Uploader

MEDPLUM_TOO_MANY = {"resourceType": "OperationOutcome", "issue": [
    {"severity": "error", "code": "invalid",
     "details": {"text": "Transaction requires strict isolation but has too many entries"}}]}


@pytest.mark.parametrize(("status", "outcome", "expected"), [
    (413, None, True),
    (400, MEDPLUM_TOO_MANY, True),
    (400, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "Bundle exceeds the maximum of 100 entries"}]},
     True),
    (400, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "Observation.code: missing"}]}, False),
    (400, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "String exceeds maximum length"}]}, False),
    (500, MEDPLUM_TOO_MANY, False),
    (400, None, False),
])
def test_a_refusal_is_about_size_only_when_the_server_says_so(status, outcome, expected):
    assert is_too_large(status, outcome) is expected


@pytest.mark.parametrize(("status", "body", "expected"), [
    (415, None, True),
    (400, {"resourceType": "OperationOutcome", "issue": [{"details": {"text": "Invalid JSON"}}]}, True),
    (400, None, True),  # not even a FHIR answer: the body was not read
    (400, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "Invalid JSON",
                                                          "expression": ["Bundle.entry[3]"]}]}, False),
    (400, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "Observation.status: missing"}]}, False),
    (422, None, False),
])
def test_a_refusal_is_about_gzip_only_when_the_body_could_not_be_read(status, body, expected):
    assert refuses_gzip(status, body) is expected


@pytest.mark.parametrize(("location", "expected"), [
    ("Observation/abc-1", "Observation/abc-1"),
    ("Observation/abc-1/_history/1", "Observation/abc-1"),
    ("https://fhir.example/r4/DiagnosticReport/7f/_history/3", "DiagnosticReport/7f"),
    ("", None), (None, None), (42, None), ("not a location", None),
])
def test_a_location_gives_the_servers_reference(location, expected):
    assert location_reference(location) == expected


def _entries(n: int) -> list[dict[str, Any]]:
    """A chain: entry i refers to entry i-1 (like a report citing Observations that cite a Patient)."""
    out = []
    for i in range(n):
        resource: dict[str, Any] = {"resourceType": "Observation"}
        if i:
            resource["derivedFrom"] = [{"reference": f"urn:uuid:{uuid.UUID(int=i - 1)}"}]
        out.append({"fullUrl": f"urn:uuid:{uuid.UUID(int=i)}", "resource": resource})
    return out


@given(n=st.integers(1, 30), size=st.integers(1, 10))
def test_parts_cover_every_entry_once_in_order_with_earlier_references_resolved(n, size):
    entries = _entries(n)
    split = SplitState("row", str(uuid.uuid4()), size)
    seen: list[str] = []
    while True:
        part, owners = next_part(entries, ["row"] * n, split)
        if not part:
            break
        assert len(part) <= size and owners == ["row"] * len(part)
        urls = [e["fullUrl"] for e in part]
        for e in part:
            for ref in e["resource"].get("derivedFrom", []):
                assert ref["reference"] in urls or ref["reference"].startswith("Observation/server-")
        seen += urls
        split = SplitState(split.row_id, split.batch_id, size, (*split.done, *urls),
                           {**split.resolved, **{u: f"Observation/server-{u[-4:]}" for u in urls}})
    assert seen == [e["fullUrl"] for e in entries]


def test_a_reference_forward_cannot_be_split():
    entries = list(reversed(_entries(3)))
    with pytest.raises(UnsplittableError):
        next_part(entries, [None] * 3, SplitState("row", str(uuid.uuid4()), 1))


def test_fit_state_survives_a_round_trip_and_bad_text():
    fit = FitState(max_rows=3, max_entries=6, gzip_refused=True, worked_rows=2, worked_entries=8)
    assert FitState.from_json(fit.to_json()) == fit
    assert FitState.from_json("{not json") == FitState() and FitState.from_json(None) == FitState()
    assert SplitState.from_json('{"row_id": 1}') is None


def _statement(**over: Any) -> dict[str, Any]:
    return {"resourceType": "CapabilityStatement", "fhirVersion": "4.0.1", "software": {"name": "X", "version": "1"},
            "rest": [{"mode": "server", "interaction": [{"code": "transaction"}],
                      "resource": [{"type": t, "conditionalCreate": True}
                                   for t in ("Patient", "Device", "Observation", "DiagnosticReport", "CarePlan")]}],
            **over}


def test_capabilities_of_a_server_with_everything_give_no_warning():
    caps = assess(_statement())
    assert (caps.fhir_version, caps.transaction, caps.conditional_create, caps.warnings) == ("4.0.1", True, True, ())


def test_capabilities_warn_what_the_station_needs_and_the_server_lacks():
    statement = _statement(fhirVersion="5.0.0")
    statement["rest"][0]["interaction"] = [{"code": "batch"}]
    statement["rest"][0]["resource"][2]["conditionalCreate"] = False
    caps = assess(statement)
    assert caps.transaction is False and caps.conditional_create is False
    assert caps.missing_conditional_create == ("Observation",)
    text = " ".join(caps.warnings)
    assert "5.0.0" in text and "transactions" in text and "Observation" in text


@pytest.mark.parametrize("answer", [None, [], {"resourceType": "Bundle"}, "<html>"])
def test_an_answer_that_is_no_capability_statement_is_said_so(answer):
    caps = assess(answer)
    assert caps.error and caps.warnings


class _LimitedServer:
    """Answers like Medplum's engine: a transaction above ``limit`` entries is refused with its OperationOutcome;
    otherwise every entry is created, with a location. Records what it accepted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.accepted: list[dict[str, Any]] = []
        self.transactions: list[dict[str, Any]] = []
        self.ids: dict[str, str] = {}

    def get_metadata(self) -> SendResult:
        return SendResult(200, _statement(), None, 0.0)

    def post_transaction(self, body_gzip: bytes, idempotency_key: str, *, gzip_body: bool = True) -> SendResult:
        bundle = json.loads(gzip.decompress(body_gzip))
        if len(bundle["entry"]) > self.limit:
            return SendResult(400, MEDPLUM_TOO_MANY, None, 0.0)
        out = []
        self.transactions.append(bundle)
        for e in bundle["entry"]:
            key = json.dumps(e["resource"].get("identifier"), sort_keys=True) + e["resource"]["resourceType"]
            rid = self.ids.setdefault(key, str(uuid.uuid4()))
            self.accepted.append(e["resource"])
            out.append({"response": {"status": "201 Created", "location": f"{e['resource']['resourceType']}/{rid}"}})
        return SendResult(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": out}, None, 0.0)

    def close(self) -> None:
        pass


class _Endpoint:
    base_url = "http://127.0.0.1:9/fhir"
    token_url = ""


def test_a_report_too_large_for_the_server_goes_in_parts_and_innocent_rows_are_never_quarantined(tmp_path: Path):
    cfg = station_config(tmp_path / "var", _Endpoint())
    server = _LimitedServer(limit=8)
    with open_store(cfg) as store:
        fill_demo_outbox(store, cfg, sessions=1)
        up = Uploader(cfg, store=store, client=server)  # type: ignore[arg-type]
        for _ in range(200):
            if not store.outbox_stats()["pending"]:
                break
            up.drain_once(force=True)
        stats, fit = store.outbox_stats(), FitState.from_json(store.sync_state_get(FIT_KEY))
    assert stats["pending"] == 0 and stats["quarantined"] == 0, stats
    assert fit.max_entries is not None and fit.max_entries <= 8 and fit.worked_entries <= 8, fit
    reports = [r for r in server.accepted if r["resourceType"] == "DiagnosticReport" and r["status"] == "final"]
    assert reports, "the report reached the server"
    issued = {f"{t}/{v}" for v in server.ids.values() for t in ("Patient", "Device", "Observation",
                                                                  "DiagnosticReport", "CarePlan", "AuditEvent")}
    for bundle in server.transactions:  # every reference resolves: inside its own transaction, or a server id
        here = {e["fullUrl"] for e in bundle["entry"]}
        for ref in re.findall(r'"reference": ?"([^"]+)"', json.dumps(bundle)):
            assert ref in here or ref in issued, f"a part refers to {ref}, which the server cannot resolve"
    assert len(server.transactions) > 5


def test_a_record_refused_even_alone_and_entry_by_entry_is_quarantined_with_the_servers_outcome(tmp_path: Path):
    cfg = station_config(tmp_path / "var", _Endpoint())
    with open_store(cfg) as store:
        fill_store(store, cfg.station_id, sessions=1, measurements=2)
        up = Uploader(cfg, store=store, client=_LimitedServer(limit=0))  # type: ignore[arg-type]
        for _ in range(50):
            if not store.outbox_stats()["pending"]:
                break
            up.drain_once(force=True)
        quarantined = store.quarantine_list()
    assert len(quarantined) == 2 and all(q["count"] == 1 for q in quarantined), quarantined
    assert all(q["outcome"] == MEDPLUM_TOO_MANY for q in quarantined)


def test_resend_requeues_acknowledged_rows_by_date_session_or_all_and_audits_it(tmp_path: Path):
    cfg = station_config(tmp_path / "var", _Endpoint())
    with open_store(cfg) as store:
        ids = fill_store(store, cfg.station_id, sessions=2, measurements=2)
        store.outbox_mark_acked(ids, "batch-1")
        session = store.conn.execute("SELECT session_id FROM outbox WHERE id = ?", (ids[0],)).fetchone()[0]
        assert resend(store, session_id=session) == 2
        store.outbox_mark_acked(ids, "batch-2")
        assert resend(store, since=datetime.now(UTC) + timedelta(days=1)) == 0
        assert resend(store, since=datetime.now(UTC) - timedelta(days=1)) == 4
        store.outbox_mark_acked(ids, "batch-3")
        assert resend(store, everything=True) == 4
        with pytest.raises(InputError):
            resend(store)
        actions = [(e.action, e.details) for e in AuditLog(store).entries() if e.action == "sync.resend"]
    assert [d["rows"] for _, d in actions] == [2, 0, 4, 4]
    assert actions[0][1]["session"] == session and actions[3][1] == {"all": True, "rows": 4}


def test_what_was_learned_about_one_server_is_not_applied_to_another(tmp_path: Path):
    cfg = station_config(tmp_path / "var", _Endpoint())
    with open_store(cfg) as store:
        store.sync_state_set(FIT_KEY, FitState(max_rows=1, max_entries=6, gzip_refused=True,
                                               endpoint="https://a.example/fhir").to_json())
        assert load_fit(store, "https://a.example/fhir").max_entries == 6
        assert load_fit(store, "https://b.example/fhir") == FitState(endpoint="https://b.example/fhir")
