"""Sample stations, sessions and measurements for tests and benchmarks (used by several teams).

Everything here is invented and labelled so: the names and ID numbers are not real people.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from kiosk.config import StationConfig, StorageConfig, StorageEncryption
from kiosk.domain import Consent, Measurement, Method, Resident, SafetyScreen, Session, Sex, Side


def store_config(tmp: Path, encryption: StorageEncryption = StorageEncryption.NONE, *,
                 retention_days: int = 30) -> StationConfig:
    """A station whose data directory is ``tmp/var`` and key file ``tmp/station.key``."""
    return StationConfig(data_dir=str(tmp / "var"),
                         storage=StorageConfig(encryption=encryption, retention_days=retention_days))


def sample_session(*, pseudonym: str = "test-resident-1", started_at: datetime | None = None,
                   guest: bool = False) -> Session:
    """An open session of an invented 65-year-old woman with full (fake) personal data."""
    started = started_at or datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    resident = (Resident(pseudonym=pseudonym, is_guest=True) if guest else
                Resident(pseudonym=pseudonym, sex=Sex.FEMALE, birth_date=date(1961, 3, 2), name="测试 居民 (invented)",
                         national_id="110101196103020000", phone="13800000000"))
    return Session(id=uuid.uuid4(), station_id="test-station", resident=resident, started_at=started,
                   test_date=started.date(), consent=Consent(health_data=True, camera=True, given_at=started),
                   safety=SafetyScreen({"chest_pain": False, "dizziness": False}))


def sample_blood_pressure(trial: int = 1) -> Measurement:
    return Measurement(item="blood_pressure", value=142.0, unit="mmHg", trial=trial,
                       taken_at=datetime(2026, 11, 23, 9, 31, tzinfo=UTC),
                       components={"systolic": 142.0, "diastolic": 91.0, "pulse": 72.0}, device_id="bp",
                       method=Method.DEVICE, calibration_id=str(uuid.UUID(int=7)),
                       quality_flags=frozenset({"irregular"}))


def sample_grip(value_kg: float = 31.5, side: Side = Side.RIGHT, trial: int = 1) -> Measurement:
    return Measurement(item="grip", value=value_kg, unit="kg", trial=trial, side=side, device_id="grip",
                       taken_at=datetime(2026, 11, 23, 9, 35, tzinfo=UTC))
