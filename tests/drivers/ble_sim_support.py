"""Helpers for the DRV-BLE tests: calibration books and a measurement runner that keeps every event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

from drivers.base import DriverError, FinalReading, Progress
from drivers.calibration import MemoryCalibrationBook
from kiosk.domain import CalibrationRecord, CalibrationResult, utcnow


def book_with(device_id: str, *, passed: bool = True, expired: bool = False, gain: float = 1.0,
              offset: float = 0.0) -> MemoryCalibrationBook:
    now = utcnow()
    record = CalibrationRecord(device_id, "bp-static-pressure", "tech-1", now - timedelta(days=2),
                               CalibrationResult.PASSED if passed else CalibrationResult.FAILED,
                               now - timedelta(days=1) if expired else now + timedelta(days=30),
                               correction={"gain": gain, "offset": offset}, notes="" if passed else "off by 5 mmHg")
    return MemoryCalibrationBook([record])


@dataclass
class Run:
    progress: list[Progress] = field(default_factory=list)
    finals: list[FinalReading] = field(default_factory=list)
    error: DriverError | None = None

    @property
    def final(self) -> FinalReading:
        assert self.error is None, f"expected a reading, got {self.error!r}"
        assert len(self.finals) == 1, f"expected exactly one final reading, got {self.finals}"
        return self.finals[0]


async def run_measurement(events: AsyncIterator[object]) -> Run:
    """Drain a measure() iterator; the final reading must be the last event."""
    run = Run()
    try:
        async for event in events:
            assert not run.finals, "nothing may follow the final reading"
            if isinstance(event, FinalReading):
                run.finals.append(event)
            else:
                assert isinstance(event, Progress)
                run.progress.append(event)
    except DriverError as e:
        run.error = e
    return run
