"""What the Linux input-device (evdev) drivers share: open/close, states, the calibration gate, one final reading.

A subclass sets ``kind`` and ``EXPECTED_NAME`` and implements ``_measure`` (Progress events, then one
FinalReading). ``measure()`` checks the calibration first (a locked device raises ``DeviceLocked`` before
anything is read), keeps ``state`` true, checks the final reading's physical limits
(``drivers.devices.serial_instrument.checked_final``) and never lets a partial value through.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import ClassVar

from drivers.base import (
    CalibrationBook,
    DeviceDisconnected,
    DeviceReportedError,
    DeviceState,
    DeviceStateLog,
    DriverError,
    FinalReading,
    MeasurementEvent,
)
from drivers.devices.calibration_gate import calibration_in_force
from drivers.devices.serial_instrument import UNCALIBRATED, checked_final
from drivers.transport.evdev_input import EventSource
from kiosk.domain import CalibrationRecord, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)


class InputDeviceDriver(DeviceStateLog):
    """Base of the evdev drivers (implements ``drivers.base.Device``)."""

    kind = "input"
    PROTOCOL: ClassVar[str] = ""
    EXPECTED_NAME: ClassVar[str | None] = None  # the kernel's name for the device; another name is refused
    REQUIRES_CALIBRATION: ClassVar[bool] = True

    def __init__(self, device_id: str, source: EventSource, book: CalibrationBook | None = None, *,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.device_id = device_id
        self.source = source
        self.book = book
        self.now = now
        self.calibration: CalibrationRecord | None = None
        self._checked = False
        self._state = DeviceState.ABSENT
        self.frame_listener: Callable[[str | None, bytes, float], None] | None = None

    async def connect(self) -> None:
        self._set_state(DeviceState.CONNECTING)
        try:
            await self.source.open()
        except DeviceDisconnected:
            self._set_state(DeviceState.ABSENT)
            raise
        if self.EXPECTED_NAME is not None and self.source.name != self.EXPECTED_NAME:
            await self.source.close()
            self._set_state(DeviceState.ERROR)
            raise DriverError(f"input device is {self.source.name!r}, expected {self.EXPECTED_NAME!r}",
                              device_id=self.device_id)
        self._set_state(DeviceState.READY)

    async def close(self) -> None:
        await self.source.close()
        self._set_state(DeviceState.ABSENT)

    async def query_status(self) -> None:
        """Idle health check: the device is still open (an unplugged one fails its next read)."""
        if self._state is DeviceState.ABSENT:
            raise DeviceDisconnected("input device not open", device_id=self.device_id)

    async def describe(self) -> dict[str, object]:
        return {"protocol": self.PROTOCOL, "input_device": self.source.name, "state": self._state.value}

    def flags(self) -> frozenset[str]:
        return frozenset() if self._checked and (self.calibration is not None or not self.REQUIRES_CALIBRATION) \
            else frozenset({UNCALIBRATED})

    @property
    def calibration_id(self) -> str | None:
        return str(self.calibration.id) if self.calibration else None

    def _gate(self, calibration_mode: bool) -> None:
        self._checked = self.book is not None and not calibration_mode
        if not self._checked:
            self.calibration = None
            return
        try:
            self.calibration = calibration_in_force(self.device_id, self.book, self.now(),
                                                    required=self.REQUIRES_CALIBRATION)
        except DriverError:
            self._set_state(DeviceState.LOCKED)
            raise

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        """Progress events, then exactly one FinalReading; or a DriverError (never a partial final)."""
        self._gate(bool(options.pop("calibration_mode", False)))
        if self._state not in (DeviceState.READY, DeviceState.LOCKED, DeviceState.ERROR):
            raise DeviceDisconnected("not connected", device_id=self.device_id)
        self._set_state(DeviceState.MEASURING)
        final: FinalReading | None = None
        try:
            async with contextlib.aclosing(self._measure(trial=trial, **options)) as events:
                async for event in events:
                    if final is not None:
                        raise DriverError("driver produced events after its final reading", device_id=self.device_id)
                    if isinstance(event, FinalReading):
                        final = event = checked_final(event)
                    yield event
            if final is None:
                raise DriverError("measurement ended without a reading", device_id=self.device_id)
            self._set_state(DeviceState.READY)
        except DeviceDisconnected:
            self._set_state(DeviceState.ABSENT)
            with contextlib.suppress(Exception):
                await self.source.close()
            raise
        except DeviceReportedError:
            self._set_state(DeviceState.READY)
            raise
        except DriverError as exc:
            self._set_state(DeviceState.ERROR)
            log_event(_log, logging.WARNING, "measurement failed", device_id=self.device_id, error=str(exc))
            raise
        finally:
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)

    def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        raise NotImplementedError
