"""Helpers for the grading tests: build sessions from plain values, grade them, read CSVs of the shipped packs."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from kiosk.config import StationConfig
from kiosk.domain import ITEMS, Measurement, Resident, SafetyScreen, Session, Sex, Side
from kiosk.grading import grade_session
from kiosk.norms import SHIPPED_PACKS, load_norm_set
from kiosk.report import Report

TEST_DATE = date(2026, 11, 23)
DEFAULT_PACKS = StationConfig.__dataclass_fields__["norm_packs"].default  # the station's default packs


@cache
def shipped_norms():
    return load_norm_set(DEFAULT_PACKS)


def pack_csv(pack: str, name: str) -> list[dict[str, str]]:
    """Rows of a shipped pack's CSV file, read with the csv module (independently of the loader)."""
    with (SHIPPED_PACKS / pack / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def birth_for_age(age: int, on: date = TEST_DATE) -> date:
    """A birth date giving exactly ``age`` completed years on ``on`` (birthday a month ago)."""
    return date(on.year - age, on.month - 1 if on.month > 1 else 1, 1)


def meas(item: str, value: float, trial: int = 1, *, side: str | None = None, **components: float) -> Measurement:
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(minutes=trial)
    return Measurement(item, value, ITEMS[item].unit.symbol, trial, at, dict(components),
                       Side(side) if side else None)


def bp(systolic: float, diastolic: float, trial: int = 1, pulse: float = 70) -> Measurement:
    return meas("blood_pressure", systolic, trial, systolic=systolic, diastolic=diastolic, pulse=pulse)


def session(sex: str, age: int, measurements: Iterable[Measurement], *, safety: dict[str, bool] | None = None,
            birth: date | None = None) -> Session:
    resident = Resident("test-resident", Sex(sex), birth or birth_for_age(age))
    return Session(uuid.uuid4(), "test-station", resident, datetime(2026, 11, 23, 9, tzinfo=UTC), TEST_DATE,
                   safety=SafetyScreen(safety) if safety is not None else None, measurements=tuple(measurements))


def grade(sex: str, age: int, *measurements: Measurement, norms=None, previous=None, **kw) -> Report:
    return grade_session(session(sex, age, measurements, **kw), norms or shipped_norms(), previous)


def step_of(precision: str) -> Decimal:
    return Decimal(precision)


def repo_path(*parts: str) -> Path:
    return Path(__file__).resolve().parents[2].joinpath(*parts)
