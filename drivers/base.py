"""What every device driver shares: states, errors, progress events, readings and the device interface.

A driver is transport + codec. ``measure()`` is an async iterator of progress events that ends
with exactly one ``FinalReading`` or raises a ``DriverError``; a measurement cut short never
yields a final reading, so a partial value can never be recorded as final.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from kiosk.domain import CalibrationRecord, Measurement, Method, Side, utcnow
from kiosk.errors import KioskError
from kiosk.logs import log_event


class DeviceState(enum.StrEnum):
    ABSENT = "absent"
    CONNECTING = "connecting"
    READY = "ready"
    MEASURING = "measuring"
    ERROR = "error"
    LOCKED = "locked"  # calibration failed or expired: refused for resident tests


class DriverError(KioskError):
    """Base of driver errors; ``device_id`` says which device, the message gives the technician detail."""

    resident_message = "The device did not finish the measurement. Please try again or ask a member of staff."

    def __init__(self, message: str, *, device_id: str | None = None, resident_message: str | None = None) -> None:
        super().__init__(f"{device_id}: {message}" if device_id else message, resident_message=resident_message)
        self.device_id = device_id


class CodecError(DriverError):
    """Bytes that do not form a valid frame: bad header, length, checksum or field value."""


class DeviceDisconnected(DriverError):
    resident_message = "The device was disconnected. Please ask a member of staff."


class DeviceTimeout(DriverError):
    resident_message = "The device stopped responding. Please try again or ask a member of staff."


class DeviceReportedError(DriverError):
    """The device itself reported a fault (loose cuff, motion, over-pressure …); ``code`` is its own code."""

    def __init__(self, message: str, *, code: str, device_id: str | None = None,
                 resident_message: str | None = None) -> None:
        super().__init__(message, device_id=device_id, resident_message=resident_message)
        self.code = code


class DeviceLocked(DriverError):
    """Calibration failed or expired; the message says which and since when."""

    resident_message = "This device is waiting for a check by staff and cannot be used right now."


@dataclass(frozen=True)
class Progress:
    """A live value during a measurement (cuff pressure, force, flow, centre of pressure …)."""

    device_id: str
    quantity: str  # "cuff_pressure_mmhg", "force_kg", "flow_l_s", "cop_mm" …
    value: float | tuple[float, ...]
    at_s: float  # monotonic seconds since the measurement started
    message: str = ""  # optional hint for the resident ("hold still")


@dataclass(frozen=True)
class FinalReading:
    """The end of one measurement: named values with units, and where they came from."""

    device_id: str
    item: str  # a kiosk.domain.ITEMS name
    values: Mapping[str, float]  # e.g. {"systolic": 128, "diastolic": 82, "pulse": 71}; primary value first
    unit: str  # canonical unit of the item
    taken_at: datetime = field(default_factory=utcnow)
    trial: int = 1
    side: Side | None = None
    calibration_id: str | None = None
    quality_flags: frozenset[str] = frozenset()
    details: Mapping[str, object] = field(default_factory=dict)  # curves, acceptability, sway metrics …

    def to_measurement(self) -> Measurement:
        """The domain measurement this reading becomes (primary value = first of ``values``)."""
        primary = next(iter(self.values.values()))
        return Measurement(item=self.item, value=float(primary), unit=self.unit, trial=self.trial,
                           taken_at=self.taken_at, components=dict(self.values) if len(self.values) > 1 else {},
                           side=self.side, device_id=self.device_id, method=Method.DEVICE,
                           calibration_id=self.calibration_id, quality_flags=self.quality_flags)


MeasurementEvent = Progress | FinalReading


class DeviceStateLog:
    """The driver's own state, every change logged under the driver module's logger."""

    device_id: str
    _state: DeviceState = DeviceState.ABSENT

    @property
    def state(self) -> DeviceState:
        return self._state

    def _set_state(self, state: DeviceState) -> None:
        if state is not self._state:
            log_event(logging.getLogger(type(self).__module__), logging.INFO, "device state",
                      device_id=self.device_id, state=state.value)
            self._state = state


@runtime_checkable
class Device(Protocol):
    """The interface the device manager and the UI use, whatever the kind and transport."""

    device_id: str
    kind: str

    @property
    def state(self) -> DeviceState: ...

    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]: ...


class CalibrationBook(Protocol):
    """Where drivers look up the calibration in force (storage implements it; tests use a dict)."""

    def latest_calibration(self, device_id: str) -> CalibrationRecord | None: ...
