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
