"""What the serial instrument drivers share: port handling, the message pump, states, and the calibration gate.

A subclass sets ``CODEC``, ``kind`` and ``PROCEDURE`` and implements ``_measure`` (an async generator of
Progress ending in one FinalReading). ``measure()`` wraps it: it checks the calibration first (a
locked device raises ``DeviceLocked`` before any byte is sent), keeps ``state`` true (measuring,
ready, error, absent, locked), and guarantees the promise of ``drivers.base``: exactly one final
reading, last, or a ``DriverError``. ``_messages()`` turns silence longer than ``frame_timeout_s``
into ``DeviceTimeout`` ("stopped mid-measurement"), a vanished port into ``DeviceDisconnected``,
and a line that yields only garbage for ``max_bad_frames`` in a row into ``CodecError``.

``measure(calibration_mode=True)`` skips the gate (a technician measuring references on a locked
device); its readings carry the ``uncalibrated`` flag, as do all readings of a driver without a book.
Instruments with ``REQUIRES_CALIBRATION = False`` (reaction box, sit-and-reach meter) are usable with
no record on file, but a failed or expired record locks them like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import ClassVar

from drivers.base import (
    CalibrationBook,
    CodecError,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
    FinalReading,
    MeasurementEvent,
)
from drivers.calibration import check_usable
from drivers.codecs.instrument_frame import InstrumentCodec, InstrumentMessage
from drivers.transport.serial import SerialPort
from kiosk.domain import ITEMS, CalibrationRecord, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)
UNCALIBRATED = "uncalibrated"  # same flag as drivers.devices.calibration_gate: no book to check against
IMPLAUSIBLE_MESSAGE = "The reading did not look right. Please try again, or ask a member of staff."


def checked_final(final: FinalReading) -> FinalReading:
    """``final`` if its unit is the item's canonical one and every value named after an item lies inside that
    item's physical limits (``kiosk.domain.ITEMS``); DeviceReportedError(code="implausible") otherwise, so a
    glitch (a cough into the meter, a saturated sensor) is a retry, never a stored value."""
    spec = ITEMS.get(final.item)
    if spec is not None and final.unit != spec.unit.symbol:
        raise DriverError(f"{final.item} reading in {final.unit!r}, the item's unit is {spec.unit.symbol!r}",
                          device_id=final.device_id)
    for name, value in final.values.items():
        limits = ITEMS.get(name)
        if limits is not None and not limits.minimum <= value <= limits.maximum:
            raise DeviceReportedError(f"{name} {value:g} {limits.unit.symbol} is outside the physical limits "
                                      f"{limits.minimum:g}..{limits.maximum:g}", code="implausible",
                                      device_id=final.device_id, resident_message=IMPLAUSIBLE_MESSAGE)
    return final


class SerialInstrumentDriver:
    """Base of the serial instrument drivers (implements ``drivers.base.Device``)."""

    CODEC: ClassVar[InstrumentCodec]
    kind: str = "instrument"
    BAUD: ClassVar[int] = 9600
    # False for instruments without a calibration procedure (reaction box, sit-and-reach meter): no record
    # is then no lock; a failed or expired record still locks them
    REQUIRES_CALIBRATION: ClassVar[bool] = True
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {}

    def __init__(self, device_id: str, port_path: str, *, baud: int | None = None,
                 book: CalibrationBook | None = None, frame_timeout_s: float = 1.0, max_bad_frames: int = 50,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.device_id = device_id
        self.port_path = port_path
        self.baud = baud or self.BAUD
        self.book = book
        self.frame_timeout_s = frame_timeout_s
        self.max_bad_frames = max_bad_frames
        self.clock = clock
        self.port = SerialPort(device_id=device_id)
        self.codec_errors = 0
        self._state = DeviceState.ABSENT
        self._stream = self.CODEC.stream()
        self._started_at = 0.0
        self.calibration: CalibrationRecord | None = None
        self._checked = False
        # the device manager sets this to note when bytes last arrived: (characteristic, data, perf_counter s)
        self.frame_listener: Callable[[str | None, bytes, float], None] | None = None

    @property
    def state(self) -> DeviceState:
        return self._state

    async def connect(self) -> None:
        """Open the port; DeviceDisconnected (state absent) if it is not there."""
        self._state = DeviceState.CONNECTING
        try:
            await self.port.open(self.port_path, self.baud, read_timeout_s=self.frame_timeout_s)
        except DeviceDisconnected:
            self._state = DeviceState.ABSENT
            raise
        self._stream = self.CODEC.stream()
        self._state = DeviceState.READY

    async def close(self) -> None:
        await self.port.close()
        self._state = DeviceState.ABSENT

    def gate(self, *, calibration_mode: bool = False) -> CalibrationRecord | None:
        """The calibration in force (None without a book, in calibration mode, or for a device that needs
        none and has none); DeviceLocked if refused."""
        self._checked = self.book is not None and not calibration_mode
        if self.book is None or calibration_mode:
            return None
        try:
            return check_usable(self.device_id, self.book, self.clock(), required=self.REQUIRES_CALIBRATION)
        except DeviceLocked:
            self._state = DeviceState.LOCKED
            raise

    @property
    def calibration_id(self) -> str | None:
        """The id of the calibration applied to the current measurement (None: uncalibrated)."""
        return str(self.calibration.id) if self.calibration else None

    def flags(self, record: CalibrationRecord | None) -> frozenset[str]:
        """``uncalibrated`` when the calibration was not checked (no book, or calibration mode)."""
        return frozenset() if self._checked and (record is not None or not self.REQUIRES_CALIBRATION) \
            else frozenset({UNCALIBRATED})

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        """Progress events, then exactly one FinalReading; or a DriverError (never a partial final)."""
        self.check_options(options)
        self.calibration = self.gate(calibration_mode=bool(options.get("calibration_mode", False)))
        if self._state not in (DeviceState.READY, DeviceState.LOCKED, DeviceState.ERROR) or not self.port.is_open:
            raise DeviceDisconnected("not connected", device_id=self.device_id)
        self._state = DeviceState.MEASURING
        final: FinalReading | None = None
        try:
            await self.settle()
            self._started_at = time.monotonic()
            async with contextlib.aclosing(self._measure(trial=trial, **options)) as events:
                async for event in events:  # aclosing: a consumer walking away still runs the stop commands
                    if final is not None:
                        raise DriverError("driver produced events after its final reading", device_id=self.device_id)
                    if isinstance(event, FinalReading):
                        final = event = checked_final(event)
                    yield event
            if final is None:
                raise DriverError("measurement ended without a reading", device_id=self.device_id)
            self._state = DeviceState.READY
        except DeviceDisconnected:
            self._state = DeviceState.ABSENT
            await self.port.close()
            raise
        except DeviceReportedError:
            self._state = DeviceState.READY
            raise
        except DriverError as exc:
            self._state = DeviceState.ERROR
            log_event(_log, logging.WARNING, "measurement failed", device_id=self.device_id, error=str(exc))
            raise
        finally:
            if self._state is DeviceState.MEASURING:  # the consumer stopped early
                self._state = DeviceState.READY

    def check_options(self, options: dict[str, object]) -> None:
        """Refuse impossible measure() options with a DriverError before anything is sent (state unchanged).

        The base checks ``NUMBER_OPTIONS`` (name → allowed range); subclasses add their own rules.
        """
        for name, (low, high) in self.NUMBER_OPTIONS.items():
            if name not in options:
                continue
            value = options[name]
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                raise DriverError(f"option {name} must be a number from {low:g} to {high:g}, not {value!r}",
                                  device_id=self.device_id)

    def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        raise NotImplementedError

    def elapsed_s(self) -> float:
        return time.monotonic() - self._started_at

    async def settle(self) -> None:
        """Forget frames still arriving from an earlier stream (wait for a quiet line), then decode afresh."""
        await self.port.drain(quiet_s=0.05, max_s=1.0)
        self._stream = self.CODEC.stream()

    async def send(self, message: InstrumentMessage) -> None:
        await self.port.write(self.CODEC.encode(message))

    async def send_quietly(self, message: InstrumentMessage) -> None:
        """Best effort (stop commands after a failure): a dead port is not a second error."""
        with contextlib.suppress(DriverError, OSError):
            await asyncio.wait_for(self.send(message), 0.5)

    async def messages(self, *, timeout_s: float | None = None) -> AsyncIterator[InstrumentMessage]:
        """Decoded messages as they arrive; see the module docstring for the errors it raises."""
        timeout = timeout_s or self.frame_timeout_s
        bad_in_a_row = 0
        while True:
            try:
                data = await self.port.read(timeout_s=timeout)
            except DeviceTimeout:
                raise DeviceTimeout(f"device stopped sending (nothing for {timeout:.1f} s) mid-measurement",
                                    device_id=self.device_id) from None
            if self.frame_listener is not None:
                self.frame_listener(None, data, time.perf_counter())
            for item in self._stream.feed(data):
                if isinstance(item, CodecError):
                    self.codec_errors += 1
                    bad_in_a_row += 1
                    log_event(_log, logging.DEBUG, "bad frame skipped", device_id=self.device_id, error=str(item))
                    if bad_in_a_row >= self.max_bad_frames:
                        raise CodecError(f"{bad_in_a_row} bad frames in a row: wrong device or baud rate?",
                                         device_id=self.device_id)
                    continue
                bad_in_a_row = 0
                yield item

    async def request(self, message: InstrumentMessage, reply_type: type, *, timeout_s: float = 1.0,
                      attempts: int = 3) -> InstrumentMessage:
        """Send a command and wait for a reply of ``reply_type`` (other messages are dropped); retried."""
        for attempt in range(1, attempts + 1):
            await self.send(message)
            try:
                async with (asyncio.timeout(timeout_s),
                            contextlib.aclosing(self.messages(timeout_s=timeout_s)) as replies):
                    async for reply in replies:
                        if isinstance(reply, reply_type):
                            return reply
                        self.on_unsolicited(reply)
            except (TimeoutError, DeviceTimeout):
                if attempt == attempts:
                    raise DeviceTimeout(f"no {reply_type.__name__} reply to {type(message).__name__} "
                                        f"after {attempts} tries", device_id=self.device_id) from None
        raise AssertionError("unreachable")

    def on_unsolicited(self, message: InstrumentMessage) -> None:
        """A subclass may raise DeviceReportedError for an error frame that arrives while waiting."""

    async def query_status(self) -> None:
        """Idle health check for the device manager: the port is still there (subclasses also ask the device)."""
        self.port.check_alive()

    async def describe(self) -> dict[str, object]:
        """What ``kiosk devices probe`` shows: port, framing, state and line quality (subclasses add device info)."""
        return {"port": self.port_path, "baud": self.baud, "protocol": self.CODEC.name, "state": self._state.value,
                "codec_errors": self.codec_errors}
