"""The station's uploader against Medplum's real FHIR engine (``@medplum/fhir-router``, Apache-2.0, from npm).

The engine is not ours: it rewrites every string holding a bundle-local ``urn:uuid``, refuses a strict
transaction of more than 8 entries, and applies conditional creates as Medplum's server does (see
sync/testing/medplum_engine.py). Each test here failed on the code before issue 12: identifiers were
rewritten to ``Observation/<id>`` (a resend duplicated every result), a report row was refused as too
large (quarantined with every row batched with it), a server that cannot read gzip refused everything.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage import open_store
from sync.resend import resend
from sync.testing.medplum_engine import MedplumEngine, unavailable_reason
from sync.testing.station import config_toml, fill_demo_outbox, fill_store, station_config
from sync.upload_fit import FIT_KEY, FitState
from sync.uploader import Uploader

REPO = Path(__file__).resolve().parents[2]
TYPES = ("Patient", "Device", "Observation", "DiagnosticReport", "CarePlan", "AuditEvent")
UUID_SYSTEM = "urn:ietf:rfc:3986"

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))


@pytest.fixture
def medplum() -> Iterator[MedplumEngine]:
    with MedplumEngine() as engine:
        yield engine


def _station(tmp_path: Path, engine: MedplumEngine, **sync: Any) -> tuple[Any, Any]:
    cfg = station_config(tmp_path / "var", engine, **sync)
    return cfg, open_store(cfg)


def _drain(up: Uploader, store: Any, *, rounds: int = 400) -> None:
    for _ in range(rounds):
        if not store.outbox_stats()["pending"]:
            return
        up.drain_once(force=True)
    raise AssertionError(f"the outbox did not drain: {store.outbox_stats()}")


def _counts(engine: MedplumEngine) -> dict[str, int]:
    return {t: len(engine.resources(t)) for t in TYPES}


def _station_identifiers(engine: MedplumEngine, resource_type: str) -> Counter[str]:
    return Counter(i["value"] for r in engine.resources(resource_type) for i in r.get("identifier") or []
                   if i.get("system") == UUID_SYSTEM)


def test_a_measurement_keeps_its_urn_uuid_identifier_on_the_engine_and_a_resend_finds_it(tmp_path, medplum):
    cfg, store = _station(tmp_path, medplum)
    with store:
        (row,) = fill_store(store, cfg.station_id, sessions=1, measurements=1)
        up = Uploader(cfg, store=store)
        _drain(up, store)
        found = medplum.find("Observation", UUID_SYSTEM, f"urn:uuid:{row}")
        assert len(found) == 1, ("the engine rewrote the identifier (it held the bundle's fullUrl): "
                                 f"{[r.get('identifier') for r in medplum.resources('Observation')]}")
        assert resend(store, everything=True) == 1
        _drain(up, store)
        up.close()
    assert len(medplum.find("Observation", UUID_SYSTEM, f"urn:uuid:{row}")) == 1, "a resend stored it twice"


def test_the_demo_outbox_sent_twice_with_every_acknowledgement_lost_lands_exactly_once(tmp_path, medplum):
    cfg, store = _station(tmp_path, medplum)
    with store:
        kinds = fill_demo_outbox(store, cfg, sessions=2)
        rows = {r[0]: r[1] for r in store.conn.execute("SELECT id, kind FROM outbox").fetchall()}
        up = Uploader(cfg, store=store)
        # first pass: every batch is applied and its answer lost, then resent under its key and answered
        for _ in range(600):
            if not store.outbox_stats()["pending"]:
                break
            medplum.drop_answers(1)
            up.drain_once(force=True, max_batches=1)
            up.drain_once(force=True, max_batches=1)
        first = _counts(medplum)
        dropped = medplum.stats()["dropped"]
        # second pass: the station lost every acknowledgement (re-queued) and sends the whole outbox again
        assert resend(store, everything=True) == len(rows)
        _drain(up, store)
        up.close()
        stats, quarantined = store.outbox_stats(), store.quarantine_list()
        fit = FitState.from_json(store.sync_state_get(FIT_KEY))
    second = _counts(medplum)
    assert not quarantined, f"quarantined on a real engine: {[(q['reason'], q['outcome']) for q in quarantined]}"
    assert stats["pending"] == 0 and stats["quarantined"] == 0, stats
    assert dropped > 20, f"answers were not lost as planned ({dropped} dropped)"
    # the resend is itself audited (one new AuditEvent); nothing else may grow
    assert {**second, "AuditEvent": second["AuditEvent"] - 1} == first, f"a resend duplicated: {first} -> {second}"
    for rtype in ("Observation", "DiagnosticReport", "CarePlan"):
        ids = _station_identifiers(medplum, rtype)
        assert ids and all(n == 1 for n in ids.values()), f"{rtype} identifiers not unique: {ids.most_common(3)}"
        assert all(v.startswith("urn:uuid:") for v in ids), f"{rtype} identifier rewritten: {list(ids)[:3]}"
        assert sum(ids.values()) == second[rtype], f"a {rtype} lost its urn:uuid identifier"
    reports = _station_identifiers(medplum, "DiagnosticReport")
    for row_id, kind in rows.items():
        if kind in ("measurement", "report", "review"):
            rtype = "Observation" if kind == "measurement" else "DiagnosticReport"
            assert len(medplum.find(rtype, UUID_SYSTEM, f"urn:uuid:{row_id}")) == 1, f"{kind} {row_id} not there once"
    assert len(reports) == kinds["report"] + kinds["review"], "the report and the doctor's review, each once"
    assert fit.max_entries is not None and fit.max_entries <= 8, f"the engine's limit was not learned: {fit}"
    print(f"medplum demo outbox: rows={len(rows)} kinds={kinds} counts={second} dropped_answers={dropped} "
          f"sizes: {fit.describe()}")


def test_a_server_that_cannot_read_gzip_gets_plain_json_and_it_is_remembered(tmp_path):
    with MedplumEngine(decodes_gzip=False) as engine:
        cfg, store = _station(tmp_path, engine)
        with store:
            ids = fill_store(store, cfg.station_id, sessions=2, measurements=2)
            up = Uploader(cfg, store=store)
            _drain(up, store)
            up.close()
            assert not store.quarantine_list(), store.quarantine_list()
            assert FitState.from_json(store.sync_state_get(FIT_KEY)).gzip_refused
        gzip_posts = engine.stats()["gzip"]
        assert gzip_posts == 1, f"gzip should be tried once, then never again ({gzip_posts} gzip posts)"
        assert all(len(engine.find("Observation", UUID_SYSTEM, f"urn:uuid:{i}")) == 1 for i in ids)


def test_gzip_off_in_the_station_file_sends_plain_json(tmp_path, medplum):
    cfg, store = _station(tmp_path, medplum, gzip=False)
    with store:
        fill_store(store, cfg.station_id, sessions=1, measurements=3)
        up = Uploader(cfg, store=store)
        _drain(up, store)
        up.close()
    assert medplum.stats()["gzip"] == 0 and medplum.stats()["posts"] > 0


def test_kiosk_sync_check_reads_the_engines_capabilities_and_status_shows_them(tmp_path, medplum):
    cfg, store = _station(tmp_path, medplum)
    store.close()
    config = tmp_path / "station.toml"
    config.write_text(config_toml(cfg))

    def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "sync", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=60)

    check = kiosk("check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "FHIR version 4.0.1" in check.stdout and "transactions: yes; conditional create: yes" in check.stdout
    assert "@medplum/fhir-router" in check.stdout
    status = kiosk("status")
    assert "FHIR version 4.0.1" in status.stdout and "batch sizes" in status.stdout, status.stdout
