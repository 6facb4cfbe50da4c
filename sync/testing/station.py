"""A throw-away station for sync tests, the benchmark and the demo: config, database and residents' sessions.

Makes a plain-SQLite station whose sync section points at a ``FhirTestServer`` and fills its real
store with sessions of plausible measurements (each measurement queues its own outbox row).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import IdentityMode, StationConfig, StorageConfig, StorageEncryption, SyncAuth, SyncConfig
from kiosk.domain import Consent, Measurement, Resident, Session, SessionState, Sex

# item -> (unit, low, high) for plausible values
ITEMS: dict[str, tuple[str, float, float]] = {
    "grip": ("kg", 15.0, 55.0),
    "vital_capacity": ("mL", 1500.0, 5000.0),
    "sit_and_reach": ("cm", -10.0, 25.0),
    "chair_stand_30s": ("count", 6.0, 25.0),
    "weight": ("kg", 45.0, 95.0),
}


def station_config(data_dir: Path, server: Any, *, pki: Any = None, client_id: str | None = None,
                   secret_file: Path | None = None, **sync: Any) -> StationConfig:
    """A plain-SQLite station in ``data_dir`` syncing to ``server`` (a FhirTestServer); ``sync`` overrides
    SyncConfig fields (timeouts, batch sizes, retry numbers)."""
    auth = SyncAuth.OAUTH2 if client_id else (SyncAuth.MTLS if sync.get("client_cert") else SyncAuth.NONE)
    base = SyncConfig(endpoint=server.base_url, auth=auth, token_url=server.token_url if client_id else "",
                      client_id=client_id or "", client_secret_file=str(secret_file or ""),
                      ca_bundle=str(pki.ca_cert) if pki else "", identity=IdentityMode.PSEUDONYM,
                      connect_timeout_s=2.0, read_timeout_s=2.0, batch_max_age_s=0.0)
    return StationConfig(data_dir=str(data_dir), storage=StorageConfig(encryption=StorageEncryption.NONE),
                         sync=replace(base, **sync))


def config_toml(cfg: StationConfig) -> str:
    """The station file for ``cfg`` (enough for a child process: station, storage, sync)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[station]", f"id = {value(cfg.station_id)}", f"data_dir = {value(cfg.data_dir)}", "",
             "[storage]", f"encryption = {value(cfg.storage.encryption.value)}", "", "[sync]"]
    for name in SyncConfig.__dataclass_fields__:
        v = getattr(cfg.sync, name)
        lines.append(f"{name} = {value(v.value if hasattr(v, 'value') else v)}")
    return "\n".join(lines) + "\n"


def make_session(station_id: str, rng: random.Random, *, measurements: int = 3, guest: bool = False,
                 at: datetime | None = None) -> Session:
    """A resident's session with ``measurements`` trials of varied items (values in physical range)."""
    started = at or datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 3))
    resident = Resident(pseudonym=f"test-{uuid.UUID(int=rng.getrandbits(128))}", is_guest=guest,
                        sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                        birth_date=date(rng.randrange(1940, 1990), rng.randrange(1, 13), rng.randrange(1, 28)))
    ms = []
    names = list(ITEMS)
    for n in range(measurements):
        item = names[n % len(names)]
        unit, low, high = ITEMS[item]
        value = round(rng.uniform(low, high), 0 if unit in ("mL", "count") else 1)
        ms.append(Measurement(item=item, value=value, unit=unit, trial=n // len(names) + 1,
                              taken_at=started + timedelta(seconds=30 * n),
                              id=uuid.UUID(int=rng.getrandbits(128), version=4)))
    return Session(id=uuid.UUID(int=rng.getrandbits(128), version=4), station_id=station_id, resident=resident,
                   started_at=started, test_date=started.date(), consent=Consent(True, False, started),
                   measurements=tuple(ms))


def fill_store(store: Any, station_id: str, *, sessions: int, measurements: int, seed: int = 1) -> list[str]:
    """Create finished sessions in ``store``; returns the measurement ids queued (their outbox ids)."""
    rng = random.Random(seed)
    ids: list[str] = []
    for _ in range(sessions):
        s = make_session(station_id, rng, measurements=measurements)
        store.create_session(replace(s, measurements=()))
        for m in s.measurements:
            store.add_measurement(s.id, m)
            ids.append(str(m.id))
        store.finish_session(s.id, SessionState.COMPLETED)
    return ids


def _demo_trials(started: datetime, rng: random.Random) -> tuple[Measurement, ...]:
    """What a resident does at the demo station: blood pressure twice, body measures, grip both hands,
    lungs, flexibility, reaction, balance and the camera tests (values in physical range)."""
    from kiosk.domain import Method, Side

    def at(minutes: float) -> datetime:
        return started + timedelta(minutes=minutes)

    def uid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    sys1, sys2 = rng.randrange(110, 160), rng.randrange(110, 160)
    trials = [
        Measurement("blood_pressure", float(sys1), "mmHg", 1, at(1),
                    {"systolic": float(sys1), "diastolic": float(sys1 - 50), "pulse": float(rng.randrange(60, 90))},
                    device_id="bp", id=uid()),
        Measurement("blood_pressure", float(sys2), "mmHg", 2, at(3),
                    {"systolic": float(sys2), "diastolic": float(sys2 - 48), "pulse": float(rng.randrange(60, 90))},
                    device_id="bp", id=uid()),
        Measurement("height", round(rng.uniform(150, 175), 1), "cm", 1, at(5), method=Method.STAFF_ENTRY, id=uid()),
        Measurement("weight", round(rng.uniform(50, 80), 1), "kg", 1, at(6), device_id="scale", id=uid()),
        Measurement("grip", round(rng.uniform(18, 35), 1), "kg", 1, at(10), side=Side.RIGHT, device_id="grip",
                    id=uid()),
        Measurement("grip", round(rng.uniform(18, 35), 1), "kg", 2, at(11), side=Side.LEFT, device_id="grip", id=uid()),
        Measurement("vital_capacity", float(rng.randrange(1800, 3200)), "mL", 1, at(13), device_id="vc", id=uid()),
        Measurement("sit_and_reach", round(rng.uniform(-5, 15), 1), "cm", 1, at(16), device_id="sit-reach", id=uid()),
        Measurement("choice_reaction_time", round(rng.uniform(0.45, 0.9), 2), "s", 1, at(17), device_id="reaction",
                    id=uid()),
        Measurement("single_leg_stand_eyes_closed", round(rng.uniform(2, 15), 1), "s", 1, at(18), device_id="balance",
                    id=uid()),
        Measurement("chair_stand_30s", float(rng.randrange(8, 18)), "count", 1, at(20), device_id="camera",
                    method=Method.CAMERA, id=uid()),
    ]
    return tuple(trials)


def fill_demo_outbox(store: Any, cfg: StationConfig, *, sessions: int = 2, seed: int = 7) -> dict[str, int]:
    """The outbox a demo day leaves: per resident every trial, the graded report (graded by the real norms)
    and a doctor's signed review with a changed prescription, audited in the same transaction (as the
    doctor's screen saves it). Returns how many rows of each kind were queued."""
    from kiosk.audit import AuditLog
    from kiosk.grading import grade_session
    from kiosk.norms import load_norm_set

    rng = random.Random(seed)
    norms = load_norm_set(cfg.norm_packs)
    audit = AuditLog(store)
    for n in range(sessions):
        started = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(minutes=40 * n)
        resident = Resident(pseudonym=f"demo-{uuid.UUID(int=rng.getrandbits(128))}",
                            sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                            birth_date=date(rng.randrange(1945, 1962), rng.randrange(1, 13), rng.randrange(1, 28)))
        session = Session(id=uuid.UUID(int=rng.getrandbits(128), version=4), station_id=cfg.station_id,
                          resident=resident, started_at=started, test_date=started.date(),
                          consent=Consent(True, True, started), measurements=_demo_trials(started, rng))
        store.create_session(replace(session, measurements=()))
        for m in session.measurements:
            store.add_measurement(session.id, m)
        store.finish_session(session.id, SessionState.COMPLETED)
        report = grade_session(session, norms, report_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                               generated_at=started + timedelta(minutes=25)).to_dict()
        store.save_report(session.id, report)
        review = {"review_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "session_id": str(session.id),
                  "report_id": report["report_id"], "station_id": cfg.station_id, "reviewer": "dr-demo",
                  "reviewer_role": "doctor", "reviewed_at": (started + timedelta(hours=5)).isoformat(),
                  "note": "Add balance training; recheck blood pressure in 4 weeks.", "signed": True,
                  "prescription": {"frequency": "5 days a week", "intensity": "light", "time": "20 min",
                                   "type": ["balance exercises"]}}
        store.save_review(session.id, review, audit=lambda conn, r=review, s=session: audit.append(
            conn, "dr-demo", "doctor", "doctor.review_signed", str(s.id), {"review_id": r["review_id"]}))
    kinds = store.conn.execute("SELECT kind, count(*) FROM outbox WHERE state = 'pending' GROUP BY kind").fetchall()
    return dict(kinds)
