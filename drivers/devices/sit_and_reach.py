"""Sit-and-reach meter driver (``sit-and-reach-serial``): follow the slider, report the furthest reach in cm.

``measure(trial=)`` streams ``Progress("displacement_cm")`` and ends when the slider, having moved at
least 2 cm from where it started, has not gone further (by more than 0.2 cm) for 2 s: the reading is
the furthest position reached (signed cm, + beyond the foot plane), after the calibration's linear
correction. Times come from the meter's 20-Hz frame count.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import ClassVar

from drivers.base import DeviceReportedError, DeviceTimeout, FinalReading, MeasurementEvent, Progress
from drivers.calibration import LinearCorrection
from drivers.codecs import sit_and_reach as sr
from drivers.devices.serial_instrument import SerialInstrumentDriver

RATE_HZ = 20


@dataclass
class ReachTracker:
    """Pure end-of-reach detection over positions (cm) at a fixed rate."""

    rate_hz: float = RATE_HZ
    moved_cm: float = 2.0
    settle_cm: float = 0.2
    hold_s: float = 2.0
    start_cm: float | None = None
    best_cm: float | None = None
    _best_at: int = 0
    _n: int = 0

    def feed(self, cm: float) -> bool:
        """Add one position; True once the reach is over."""
        if self.start_cm is None:
            self.start_cm = cm
        if self.best_cm is None or cm > self.best_cm + self.settle_cm:
            self.best_cm, self._best_at = cm, self._n
        elif cm > self.best_cm:
            self.best_cm = cm  # creeping forward by less than settle_cm keeps the clock running
        self._n += 1
        moved = self.best_cm - self.start_cm >= self.moved_cm
        return moved and (self._n - 1 - self._best_at) / self.rate_hz >= self.hold_s

    @property
    def moved(self) -> bool:
        return self.start_cm is not None and self.best_cm is not None and self.best_cm - self.start_cm >= self.moved_cm


class SitAndReachMeter(SerialInstrumentDriver):
    CODEC = sr.CODEC
    kind = "sit_and_reach"
    BAUD = 9600
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"reach_within_s": (0.1, 300.0)}
    REQUIRES_CALIBRATION = False

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        reach_within_s = float(options.get("reach_within_s", 30.0))  # type: ignore[arg-type]
        correction = LinearCorrection.from_record(self.calibration)
        tracker = ReachTracker()
        frames = 0
        await self.send(sr.StartStream())
        try:
            async with contextlib.aclosing(self.messages()) as incoming:
                async for message in incoming:
                    if isinstance(message, sr.DeviceError):
                        raise DeviceReportedError(message.text, code=message.code.name.lower(),
                                                  device_id=self.device_id,
                                                  resident_message="Please push the slider back to the start.")
                    if not isinstance(message, sr.Position):
                        continue
                    cm = correction.apply(message.displacement_cm)
                    frames += 1
                    yield Progress(self.device_id, "displacement_cm", round(cm, 1), self.elapsed_s())
                    if tracker.feed(cm):
                        break
                    if not tracker.moved and frames / RATE_HZ > reach_within_s:
                        raise DeviceTimeout(f"slider not moved within {reach_within_s:.0f} s",
                                            device_id=self.device_id,
                                            resident_message="Please push the slider forward slowly with both hands.")
        finally:
            await self.send_quietly(sr.StopStream())
        assert tracker.best_cm is not None and tracker.start_cm is not None
        yield FinalReading(device_id=self.device_id, item="sit_and_reach",
                           values={"sit_and_reach": round(tracker.best_cm, 1)}, unit="cm", taken_at=self.clock(),
                           trial=trial, calibration_id=self.calibration_id, quality_flags=self.flags(self.calibration),
                           details={"start_cm": round(tracker.start_cm, 1), "correction": correction.to_mapping()})
