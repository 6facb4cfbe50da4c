"""Blood-pressure monitor on the serial OEM module (``drivers.codecs.oem_bp_serial``), over ``SerialPort``.

``connect()`` opens the port (9600 8N1) and asks the module for its status: a port that answers
nothing in the module's language is not this device. ``measure()`` sends START, turns every cuff
pressure frame into ``Progress`` and ends with the module's result as one ``FinalReading``; a module
error frame becomes a ``DeviceReportedError`` with the table's plain resident message. If the
measurement ends any other way (timeout, disconnect, the caller stops listening) the driver sends
STOP so the cuff deflates at once: a resident is never left with an inflated cuff.

``read_static_pressure()`` uses the module's manometer mode for the static-pressure calibration check
(``drivers.calibration.run_bp_static_check``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from drivers.base import (
    CalibrationBook,
    CodecError,
    DeviceDisconnected,
    DeviceReportedError,
    DeviceState,
    DeviceStateLog,
    DeviceTimeout,
    DriverError,
    FinalReading,
    MeasurementEvent,
    Progress,
)
from drivers.codecs import oem_bp_serial as oem
from drivers.devices.bp_checks import arm_side, checked_blood_pressure
from drivers.devices.calibration_gate import calibration_flags, calibration_in_force, corrected
from drivers.transport.serial import SerialPort
from kiosk.domain import CalibrationRecord, Side, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

MAX_BAD_FRAMES = 25  # this many codec errors in one measurement means the line is unusable


class OemSerialBloodPressureMonitor(DeviceStateLog):
    kind = "blood_pressure"

    answer_timeout_s = 2.0  # ack / status replies
    frame_timeout_s = 5.0  # longest silence while the cuff works (the module streams ~10 frames/s)
    measurement_timeout_s = 180.0

    def __init__(self, device_id: str, port_path: str, book: CalibrationBook | None = None, *, baud: int = oem.BAUD,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.device_id = device_id
        self.port_path = port_path
        self.baud = baud
        self.book = book
        self.now = now
        self.port = SerialPort(device_id=device_id)
        self.reader = oem.FrameReader(oem.DEVICE_HEADER)
        self.frame_listener: Callable[[str, bytes, float], None] | None = None
        self.last_status: oem.Status | None = None
        self.bad_frames = 0
        self._pending: list[oem.Message | CodecError] = []
        self._state = DeviceState.ABSENT

    # -- link

    async def connect(self) -> None:
        """Open the port and check a BP module answers; DeviceDisconnected / DeviceTimeout otherwise."""
        self._set_state(DeviceState.CONNECTING)
        try:
            await self.port.open(self.port_path, self.baud)
            self.reader = oem.FrameReader(oem.DEVICE_HEADER)
            self._pending.clear()
            self.last_status = await self.query_status()
            if self.last_status.state in (oem.ModuleState.INFLATING, oem.ModuleState.DEFLATING,
                                          oem.ModuleState.MANOMETER):
                # a measurement orphaned by a lost link (or a crash) may still hold the cuff inflated
                log_event(_log, logging.WARNING, "module was busy on connect: stopping it", device_id=self.device_id,
                          module_state=self.last_status.state.name.lower())
                await self._send(oem.HostCommand.STOP)
                await self._expect((oem.Ack,), self.answer_timeout_s, "acknowledgement of STOP", oem.HostCommand.STOP)
        except (DeviceDisconnected, DeviceTimeout):
            await self.port.close()
            self._set_state(DeviceState.ABSENT)
            raise
        except DriverError:  # a NAK or an unusable line: something answers, but not a usable module
            await self.port.close()
            self._set_state(DeviceState.ERROR)
            raise
        self._set_state(DeviceState.READY)

    async def close(self) -> None:
        await self.port.close()
        self._set_state(DeviceState.ABSENT)

    async def _send(self, command: oem.HostCommand) -> None:
        await self.port.write(oem.encode(oem.HostFrame(command)))

    async def _next(self, timeout_s: float) -> oem.Message:
        """The next decoded module message; codec errors are logged and counted, not returned."""
        while True:
            while self._pending:
                item = self._pending.pop(0)
                if isinstance(item, CodecError):
                    self.bad_frames += 1
                    log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id, error=str(item))
                    if self.bad_frames > MAX_BAD_FRAMES:
                        raise CodecError(f"{self.bad_frames} bad frames: the line is unusable (baud rate? wiring?)",
                                         device_id=self.device_id)
                    continue
                return item
            data = await self.port.read(timeout_s=timeout_s)
            if self.frame_listener is not None:
                self.frame_listener("serial", data, time.perf_counter())
            self._pending += self.reader.feed(data)

    async def _expect(self, kinds: tuple[type, ...], timeout_s: float, what: str,
                      ack_of: oem.HostCommand | None = None) -> oem.Message:
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeviceTimeout(f"no {what} from the BP module within {timeout_s:.1f} s", device_id=self.device_id)
            try:
                message = await self._next(left)
            except DeviceTimeout:
                raise DeviceTimeout(f"no {what} from the BP module within {timeout_s:.1f} s",
                                    device_id=self.device_id) from None
            if isinstance(message, oem.Ack) and ack_of is not None and message.command is not ack_of:
                continue  # a late acknowledgement of an earlier command
            if isinstance(message, kinds):
                return message
            if isinstance(message, oem.Nak):
                raise DriverError(f"BP module refused {what}: {message.reason.name}", device_id=self.device_id)

    async def query_status(self) -> oem.Status:
        await self._send(oem.HostCommand.QUERY_STATUS)
        status = await self._expect((oem.Status,), self.answer_timeout_s, "status")
        assert isinstance(status, oem.Status)
        self.last_status = status
        return status

    async def _ensure_connected(self) -> None:
        if not self.port.is_open or self._state in (DeviceState.ABSENT, DeviceState.ERROR):
            await self.connect()

    def _gate(self) -> CalibrationRecord | None:
        try:
            return calibration_in_force(self.device_id, self.book, self.now())
        except DriverError:
            self._set_state(DeviceState.LOCKED)
            raise

    async def describe(self) -> dict[str, object]:
        """What the module says about itself (for ``kiosk devices probe``)."""
        status = await self.query_status()
        return {"module": "OEM oscillometric BP module", "port": self.port_path, "baud": self.baud,
                "module_state": status.state.name.lower(), "battery_percent": status.battery_percent}

    # -- measuring

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        side = arm_side(options, self.device_id)  # a bad option fails before the cuff inflates
        record = self._gate()
        await self._ensure_connected()
        self._set_state(DeviceState.MEASURING)
        self.bad_frames = 0
        finished = False
        started = time.monotonic()
        try:
            await self._send(oem.HostCommand.START)
            await self._expect((oem.Ack,), self.answer_timeout_s, "acknowledgement of START", oem.HostCommand.START)
            while True:
                if time.monotonic() - started > self.measurement_timeout_s:
                    raise DeviceTimeout(f"measurement exceeded {self.measurement_timeout_s:.0f} s",
                                        device_id=self.device_id)
                message = await self._next(self.frame_timeout_s)
                if isinstance(message, oem.CuffPressure):
                    yield Progress(self.device_id, "cuff_pressure_mmhg",
                                   round(corrected(message.cuff_pressure_mmhg, record), 1),
                                   time.monotonic() - started, message="" if not message.pulse_detected else "pulse")
                elif isinstance(message, oem.ErrorReport):
                    info = message.info
                    finished = True  # the module has already released the cuff
                    raise DeviceReportedError(f"BP module error {info.code:#04x} ({info.name}): {info.technician_text}",
                                              code=info.name, device_id=self.device_id,
                                              resident_message=info.resident_message)
                elif isinstance(message, oem.Result):
                    finished = True
                    yield self._final(message, trial, record, side)
                    return
        except DeviceDisconnected:
            self._set_state(DeviceState.ABSENT)
            await self.port.close()
            raise
        except CodecError:
            self._set_state(DeviceState.ERROR)  # the line is unusable: the manager reconnects
            raise
        finally:
            if not finished and self.port.is_open:
                with contextlib.suppress(DriverError, asyncio.CancelledError):
                    await self._send(oem.HostCommand.STOP)  # deflate now
                log_event(_log, logging.INFO, "measurement stopped early: cuff deflated", device_id=self.device_id)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)

    def _final(self, r: oem.Result, trial: int, record: CalibrationRecord | None, side: Side | None) -> FinalReading:
        values = checked_blood_pressure({"systolic": corrected(r.systolic_mmhg, record),
                                         "diastolic": corrected(r.diastolic_mmhg, record),
                                         "pulse": r.pulse_bpm, "mean": corrected(r.mean_mmhg, record)},
                                        self.device_id)
        flags = {n for n, on in (("irregular_pulse", r.irregular_heartbeat), ("body_movement", r.motion_detected))
                 if on}
        return FinalReading(self.device_id, "blood_pressure", values, "mmHg", trial=trial, side=side,
                            calibration_id=str(record.id) if record is not None else None,
                            quality_flags=frozenset(flags) | calibration_flags(record, self.book),
                            details={"bad_frames": self.bad_frames})

    # -- calibration

    async def read_static_pressure(self, *, samples: int = 5) -> float:
        """The module's own reading of a static cuff pressure (manometer mode), averaged over ``samples`` frames."""
        await self._ensure_connected()
        await self._send(oem.HostCommand.ENTER_MANOMETER)
        try:
            await self._expect((oem.Ack,), self.answer_timeout_s, "acknowledgement of manometer mode",
                               oem.HostCommand.ENTER_MANOMETER)
            readings: list[float] = []
            while len(readings) < samples:
                m = await self._expect((oem.CuffPressure,), self.frame_timeout_s, "manometer pressure")
                assert isinstance(m, oem.CuffPressure)
                if m.phase is oem.CuffPhase.MANOMETER:
                    readings.append(m.cuff_pressure_mmhg)
            return round(sum(readings) / len(readings), 1)
        finally:
            with contextlib.suppress(DriverError):
                await self._send(oem.HostCommand.LEAVE_MANOMETER)
