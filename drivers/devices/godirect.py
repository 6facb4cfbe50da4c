"""Vernier Go Direct over BLE: the GDX-HD hand dynamometer (grip) and the GDX-SPR spirometer (flow → ATS/ERS 2019).

``GoDirectDevice`` speaks the protocol (``drivers.codecs.godirect``) over a ``GattClient``: on connect it
sends INIT, reads status (firmware, battery), device info (order code, serial) and every sensor's
self-description, and picks its sensor by unit ("N" for the dynamometer's force, "L/s" for the spirometer's
flow). ``GoDirectGrip`` streams force at 100 Hz, converts N → kg-force, applies the station's calibration
and finds the peak with the same detector as the serial dynamometer. ``GoDirectSpirometer`` streams flow at
100 Hz and hands the samples to ``drivers.spirometry`` (FVC, FEV1, PEF computed by the station, BTPS at the
configured room temperature since the GDX-SPR reports none: flagged ``ambient_assumed``). The sign of the
GDX-SPR's flow for an expiration is taken as positive (``expiration_sign`` flips it); this is not stated
in Vernier's libraries and must be checked on a real head.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import ClassVar

from drivers.base import (
    CodecError,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
    FinalReading,
    MeasurementEvent,
    Progress,
)
from drivers.calibration import LinearCorrection
from drivers.codecs import godirect as gd
from drivers.devices.ble_device import BleDevice
from drivers.devices.grip import GripTrialDetector, _side
from drivers.devices.serial_instrument import checked_final
from drivers.devices.spirometer import FlowRecorder
from drivers.spirometry import analyse_manoeuvre, btps_factor

N_PER_KGF = 9.80665
RATE_HZ = 100


class GoDirectDevice(BleDevice):
    """The protocol over BLE; subclasses set ``kind``, ``SENSOR_UNIT`` and write ``measure()``."""

    service_uuid = gd.SERVICE_UUID
    SENSOR_UNIT: ClassVar[str] = ""
    PROTOCOL: ClassVar[str] = ""
    reply_timeout_s = 2.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._counter = 0xFF
        self._inbox: asyncio.Queue[object] | None = None
        self._assembler = gd.PacketAssembler()
        self.status: gd.DeviceStatus | None = None
        self.info: gd.DeviceInfo | None = None
        self.sensors: dict[int, gd.SensorInfo] = {}

    async def connect(self) -> None:
        await super().connect()
        if self._inbox is not None:
            await self._unsubscribe(self._inbox, [gd.RESPONSE_UUID])
        self._inbox = await self._subscribe([gd.RESPONSE_UUID])
        self._assembler = gd.PacketAssembler()
        self._counter = 0xFF
        await self._command(gd.init_packet(self._next_counter()))
        self.status = gd.decode_status((await self._command(gd.command_packet(
            gd.Command.GET_STATUS, counter=self._next_counter()))).payload)
        self.info = gd.decode_device_info((await self._command(gd.command_packet(
            gd.Command.GET_DEVICE_INFO, counter=self._next_counter()))).payload)
        available = gd.decode_mask((await self._command(gd.command_packet(
            gd.Command.GET_SENSOR_AVAILABLE_MASK, counter=self._next_counter()))).payload)
        self.sensors = {}
        for number in (i for i in range(32) if available >> i & 1):
            reply = await self._command(gd.sensor_info_packet(number, self._next_counter()))
            self.sensors[number] = gd.decode_sensor_info(reply.payload)
        try:
            _ = self.sensor  # the device must have the sensor this driver needs
        except DriverError:
            await self.client.disconnect()
            self._set_state(DeviceState.ERROR)
            raise

    def _next_counter(self) -> int:
        self._counter = (self._counter - 1) & 0xFF
        return self._counter

    @property
    def firmware(self) -> str:
        """The firmware the device reported on connect ("" before)."""
        return self.status.firmware if self.status else ""

    @property
    def sensor(self) -> gd.SensorInfo:
        found = next((s for s in self.sensors.values() if s.unit == self.SENSOR_UNIT), None)
        if found is None:
            raise DriverError(f"Go Direct device {self.info.order_code if self.info else '?'} has no sensor in "
                              f"{self.SENSOR_UNIT!r} (it has {[s.unit for s in self.sensors.values()]})",
                              device_id=self.device_id)
        return found

    async def describe(self) -> dict[str, object]:
        found = await super().describe()
        return found | {"protocol": self.PROTOCOL,
                        "order_code": self.info.order_code if self.info else None,
                        "serial": self.info.serial_number if self.info else None,
                        "firmware": self.status.firmware if self.status else None,
                        "battery_percent": self.status.battery_percent if self.status else None,
                        "sensors": {n: f"{s.description} ({s.unit})" for n, s in self.sensors.items()}}

    async def _packets(self, timeout_s: float) -> AsyncIterator[gd.Message]:
        assert self._inbox is not None
        while True:
            _char, data = await self._next_frame(self._inbox, timeout_s, "Go Direct packet")
            for item in self._assembler.feed(data):
                if isinstance(item, CodecError):
                    continue  # logged by nobody: a garbled notification; the reply wait or the stream decides
                yield item

    async def _command(self, packet: bytes) -> gd.Response:
        for chunk in gd.ble_chunks(packet):
            await self.client.write(gd.COMMAND_UUID, chunk, response=False)
        deadline = time.monotonic() + self.reply_timeout_s
        async for message in self._packets(self.reply_timeout_s):
            if isinstance(message, gd.Response) and message.command == packet[4]:
                return message
            if time.monotonic() > deadline:
                break
        raise DeviceTimeout(f"no reply to Go Direct command 0x{packet[4]:02X}", device_id=self.device_id)

    async def samples(self, period_us: int = 1_000_000 // RATE_HZ) -> AsyncIterator[float]:
        """The chosen sensor's values as they stream (start on entry, stop on exit)."""
        number = self.sensor.number
        await self._command(gd.set_period_packet(period_us, self._next_counter()))
        await self._command(gd.start_packet(1 << number, self._next_counter()))
        self._set_state(DeviceState.MEASURING)
        try:
            async for message in self._packets(1.0):
                if isinstance(message, gd.Measurement):
                    for row in message.samples:
                        yield dict(row)[number]
        finally:
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
            if self.client.is_connected:
                with contextlib.suppress(DriverError):
                    await self._command(gd.stop_packet(self._next_counter()))

    def _final(self, reading: FinalReading) -> FinalReading:
        return checked_final(reading)


class GoDirectGrip(GoDirectDevice):
    """Vernier GDX-HD hand dynamometer (protocol ``godirect-grip``)."""

    kind = "grip"
    SENSOR_UNIT = "N"
    PROTOCOL = "godirect-grip"
    zero_kg = 0.0  # the software zero: Go Direct has no tare command, so the station zeroes the handle at rest

    async def tare(self) -> None:
        """Zero the handle at rest (mean of 0.3 s); DeviceReportedError if it is being squeezed."""
        values: list[float] = []
        async with contextlib.aclosing(self.samples()) as stream:
            async for newtons in stream:
                values.append(newtons / N_PER_KGF)
                if len(values) >= 0.3 * RATE_HZ:
                    break
        if max(values) - min(values) > 1.0:
            raise DeviceReportedError("handle not at rest while zeroing", code="tare_under_load",
                                      device_id=self.device_id,
                                      resident_message="Please let go of the handle and try again.")
        self.zero_kg = sum(values) / len(values)

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        side = _side(options.get("side"), self.device_id)
        squeeze_within_s = float(options.get("squeeze_within_s", 10.0))  # type: ignore[arg-type]
        record = None if options.get("calibration_mode") else self._gate()
        await self._ensure_connected()
        correction = LinearCorrection.from_record(record)
        await self.tare()
        detector, n = GripTrialDetector(), 0
        async with contextlib.aclosing(self.samples()) as stream:
            async for newtons in stream:
                n += 1
                force = correction.apply(newtons / N_PER_KGF - self.zero_kg)
                yield Progress(self.device_id, "force_kg", round(force, 2), n / RATE_HZ)
                if detector.feed(n / RATE_HZ, force):
                    break
                if detector.started_at_s is None and n / RATE_HZ > squeeze_within_s:
                    raise DeviceTimeout(f"no squeeze within {squeeze_within_s:.0f} s", device_id=self.device_id,
                                        resident_message="No squeeze was felt. Please squeeze the handle hard.")
        assert detector.started_at_s is not None and detector.peak_at_s is not None
        flags = frozenset() if record is not None and self.book is not None else frozenset({"uncalibrated"})
        yield self._final(FinalReading(
            self.device_id, "grip", {"grip": round(detector.peak_kg, 1)}, "kg", trial=trial, side=side,
            calibration_id=str(record.id) if record else None, quality_flags=flags,
            details={"peak_at_s": round(detector.peak_at_s - detector.started_at_s, 2),
                     "curve": detector.curve[::5], "protocol": self.PROTOCOL}))

    async def read_steady_kg(self, seconds: float = 1.0) -> float:
        """Mean uncorrected force in kg over ``seconds`` (the grip calibration's known masses)."""
        values: list[float] = []
        async with contextlib.aclosing(self.samples()) as stream:
            async for newtons in stream:
                values.append(newtons / N_PER_KGF - self.zero_kg)
                if len(values) >= seconds * RATE_HZ:
                    break
        return sum(values) / len(values)


class GoDirectSpirometer(GoDirectDevice):
    """Vernier GDX-SPR spirometer (protocol ``godirect-spirometer``): flow streamed, spirometry computed here."""

    kind = "spirometer"
    SENSOR_UNIT = "L/s"
    PROTOCOL = "godirect-spirometer"
    ambient_c = 23.0
    expiration_sign = 1.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.manoeuvres: list = []  # type: ignore[type-arg]

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        blow_within_s = float(options.get("blow_within_s", 10.0))  # type: ignore[arg-type]
        record = None if options.get("calibration_mode") else self._gate()
        await self._ensure_connected()
        btps = btps_factor(self.ambient_c)
        recorder = FlowRecorder(RATE_HZ, self.device_id)
        started = time.monotonic()
        async with contextlib.aclosing(self._blow(recorder, LinearCorrection.from_record(record).gain * btps,
                                                  blow_within_s)) as samples:
            async for n in samples:
                if n % 5 == 0:  # the live flow-volume curve at 20 Hz
                    yield Progress(self.device_id, "flow_volume",
                                   (round(recorder.volume_l[-1], 3), round(recorder.flow_l_s[-1], 3)),
                                   time.monotonic() - started)
        manoeuvre = dataclasses.replace(analyse_manoeuvre(recorder.flow_l_s, RATE_HZ), btps_factor=btps)
        self.manoeuvres.append(manoeuvre)
        flags = {"ambient_assumed"} | (set() if record is not None and self.book is not None else {"uncalibrated"})
        if not manoeuvre.fvc_acceptable:
            flags.add("fvc_not_acceptable")
        if not manoeuvre.fev1_acceptable:
            flags.add("fev1_not_acceptable")
        yield self._final(FinalReading(
            self.device_id, "fvc", {"fvc": round(manoeuvre.fvc_l, 2), "fev1": round(manoeuvre.fev1_l, 2),
                                    "fev1_fvc": round(manoeuvre.fev1_fvc, 3), "pef": round(manoeuvre.pef_l_s, 2)},
            "L", trial=trial, calibration_id=str(record.id) if record else None, quality_flags=frozenset(flags),
            details={"acceptability": manoeuvre.acceptability(), "btps_factor": round(btps, 4),
                     "ambient_c": self.ambient_c, "protocol": self.PROTOCOL,
                     "flow_volume_curve": [list(p) for p in manoeuvre.flow_volume_curve]}))

    async def _blow(self, recorder: FlowRecorder, scale: float, blow_within_s: float) -> AsyncIterator[int]:
        """Feed ``recorder`` until the ATS/ERS end of test, yielding the sample count after each sample."""
        from drivers.codecs.spirometer import FlowBlock

        n, seq = 0, 0
        async with contextlib.aclosing(self.samples()) as stream:
            async for flow in stream:
                n += 1
                recorder.add(FlowBlock(seq, (round(self.expiration_sign * flow * 1000),)), scale)  # mL/s blocks
                seq = (seq + 1) & 0xFFFF
                yield n
                if recorder.ended():
                    return
                if recorder.blow_started_at is None and n / RATE_HZ > blow_within_s:
                    raise DeviceTimeout(f"no blow within {blow_within_s:.0f} s", device_id=self.device_id,
                                        resident_message="No blow was felt. Please blow hard into the mouthpiece.")
        raise DriverError("flow stream ended before the end of test", device_id=self.device_id)

    async def syringe_stroke_l(self) -> float:
        """Volume of one calibration-syringe stroke (no BTPS, no gain)."""
        recorder = FlowRecorder(RATE_HZ, self.device_id)
        async with contextlib.aclosing(self._blow(recorder, 1.0, 10.0)) as samples:
            async for _ in samples:
                pass
        return max(recorder.volume_l)
