"""Helpers for driving a serial instrument driver against its simulator over a real pty."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from drivers.base import FinalReading, MeasurementEvent, Progress
from drivers.sim.pty import PtyHost
from kiosk.domain import CalibrationRecord, CalibrationResult

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
# silence this long means a stall; generous so a loaded 2-core machine never fakes one
FRAME_TIMEOUT_S = 1.0


@asynccontextmanager
async def hosted(simulator, make_driver: Callable[[str], object], name: str = "sim") -> AsyncIterator[tuple]:
    """Start the simulator on a pty, connect the driver to its slave path; tear both down after."""
    host = PtyHost(simulator, name=name).start()
    driver = make_driver(host.port_path)
    try:
        await driver.connect()
        yield host, driver
    finally:
        await driver.close()
        host.stop()


async def run_measurement(driver, **options) -> tuple[list[Progress], FinalReading]:
    """All progress events and the final reading of one measure(); asserts the final comes last, once."""
    progress: list[Progress] = []
    finals: list[FinalReading] = []
    async for event in driver.measure(**options):
        assert not finals, f"an event came after the final reading: {event}"
        (finals if isinstance(event, FinalReading) else progress).append(event)
    assert len(finals) == 1, f"expected exactly one final reading, got {len(finals)}"
    return progress, finals[0]


async def measure_until(driver, when: Callable[[MeasurementEvent], bool], then: Callable[[], None], *,
                        final_allowed: bool = False, **options) -> list[MeasurementEvent]:
    """Run measure(), call ``then()`` once ``when(event)`` holds, and return every event seen. Unless
    ``final_allowed`` (harmless faults), a final reading after the fault fails the test."""
    seen: list[MeasurementEvent] = []
    fired = False
    async for event in driver.measure(**options):
        seen.append(event)
        if not final_allowed:
            assert not (fired and isinstance(event, FinalReading)), f"a final reading after the fault: {event}"
        if not fired and when(event):
            then()
            fired = True
    return seen


def passed_record(device_id: str, correction: dict[str, float] | None = None, *, days: int = 30,
                  result: CalibrationResult = CalibrationResult.PASSED, at: datetime = NOW) -> CalibrationRecord:
    return CalibrationRecord(device_id=device_id, procedure="test", performed_by="tech-1",
                             performed_at=at - timedelta(days=1), result=result,
                             valid_until=at - timedelta(days=1) + timedelta(days=days),
                             correction=correction or {"gain": 1.0, "offset": 0.0}, notes="test record")
