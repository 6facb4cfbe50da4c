"""Grip dynamometer driver (``grip-serial``): tare, stream force, find the peak, end when the hand lets go.

One ``measure(trial=, side=)`` is one squeeze. The driver tares the handle at rest, streams force
(corrected by the calibration in force: gain × reading + offset) as ``Progress("force_kg")`` and
ends with ``FinalReading(item="grip", values={"grip": peak kg}, side=…)`` once the force has come
back to rest. ``GripTrialDetector`` is the pure part: a squeeze starts above 2 kg, its peak is the
largest force, and it ends when the force stays below max(1 kg, 10 % of peak) for 0.3 s.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import ClassVar

from drivers.base import DeviceReportedError, DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.calibration import LinearCorrection
from drivers.codecs import grip as g
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.devices.serial_instrument import SerialInstrumentDriver
from kiosk.domain import Side


@dataclass
class GripTrialDetector:
    """Peak detection for one squeeze (forces in kg, times in s)."""

    start_kg: float = 2.0
    rest_kg: float = 1.0
    rest_fraction: float = 0.10
    rest_hold_s: float = 0.3
    started_at_s: float | None = None
    peak_kg: float = 0.0
    peak_at_s: float | None = None
    ended_at_s: float | None = None
    _below_since: float | None = None
    curve: list[tuple[float, float]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.ended_at_s is not None

    def feed(self, t_s: float, force_kg: float) -> bool:
        """Add one sample; True once the squeeze is over."""
        if self.done:
            return True
        if self.started_at_s is None:
            if force_kg < self.start_kg:
                return False
            self.started_at_s = t_s
        self.curve.append((round(t_s, 3), round(force_kg, 2)))
        if force_kg > self.peak_kg:
            self.peak_kg, self.peak_at_s = force_kg, t_s
        if force_kg < max(self.rest_kg, self.rest_fraction * self.peak_kg):
            if self._below_since is None:
                self._below_since = t_s
            if t_s - self._below_since >= self.rest_hold_s - 1e-9:
                self.ended_at_s = self._below_since
        else:
            self._below_since = None
        return self.done


def _device_error(message: g.DeviceError, device_id: str) -> DeviceReportedError:
    resident = ("Please do not pull so hard; ask a member of staff." if message.code is g.GripErrorCode.OVERLOAD
                else "Please let go of the handle and try again." if message.code is g.GripErrorCode.TARE_UNDER_LOAD
                else None)
    return DeviceReportedError(message.text, code=message.code.name.lower(), device_id=device_id,
                               resident_message=resident)


RATE_HZ = 100


def _side(value: object, device_id: str) -> Side | None:
    """The hand being tested, when the station says which; anything else is a clear error, not a traceback."""
    if value is None or value == "":
        return None
    try:
        return Side(str(value))
    except ValueError:
        raise DriverError(f"side must be 'left' or 'right', not {value!r}", device_id=device_id) from None


class GripDynamometer(SerialInstrumentDriver):
    """Serial load-cell grip dynamometer."""

    CODEC = g.CODEC
    kind = "grip"
    BAUD = 9600
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"squeeze_within_s": (0.1, 120.0)}

    async def identify(self) -> g.Info:
        reply = await self.request(g.QueryInfo(), g.Info)
        assert isinstance(reply, g.Info)
        return reply

    async def query_status(self) -> None:
        await self.identify()

    async def describe(self) -> dict[str, object]:
        info = await self.identify()
        major, minor = info.firmware
        return await super().describe() | {"serial": f"{info.serial:08X}", "firmware": f"{major}.{minor}",
                                           "rate_hz": info.rate_hz, "capacity_kg": info.capacity_kg}

    def check_options(self, options: dict[str, object]) -> None:
        _side(options.get("side"), self.device_id)

    def on_unsolicited(self, message: InstrumentMessage) -> None:
        if isinstance(message, g.DeviceError):
            raise _device_error(message, self.device_id)

    async def tare(self) -> None:
        """Zero the load cell; the handle must be at rest (DeviceReportedError otherwise)."""
        ack = await self.request(g.Tare(), g.Ack)
        assert isinstance(ack, g.Ack)
        if ack.refused:
            raise _device_error(g.DeviceError(g.GripErrorCode.TARE_UNDER_LOAD), self.device_id)

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        side = _side(options.get("side"), self.device_id)
        squeeze_within_s = float(options.get("squeeze_within_s", 10.0))  # type: ignore[arg-type]
        correction = LinearCorrection.from_record(self.calibration)
        await self.tare()
        detector = GripTrialDetector()
        samples = 0
        await self.send(g.StartStream(RATE_HZ))
        try:
            async with contextlib.aclosing(self.messages()) as incoming:
                async for message in incoming:
                    if isinstance(message, g.DeviceError):
                        raise _device_error(message, self.device_id)
                    if not isinstance(message, g.ForceSample):
                        continue
                    if message.overload:
                        raise _device_error(g.DeviceError(g.GripErrorCode.OVERLOAD), self.device_id)
                    force = correction.apply(message.force_kg)
                    # The device's clock, for the live curve as for the result: samples read in one burst
                    # from the line are still 10 ms apart, and serial latency does not bend the curve.
                    samples += 1
                    yield Progress(self.device_id, "force_kg", round(force, 2), samples / RATE_HZ)
                    if detector.feed(samples / RATE_HZ, force):
                        break
                    if detector.started_at_s is None and self.elapsed_s() > squeeze_within_s:
                        raise DeviceTimeout(f"no squeeze within {squeeze_within_s:.0f} s", device_id=self.device_id,
                                            resident_message="No squeeze was felt. Please squeeze the handle hard.")
        finally:
            await self.send_quietly(g.StopStream())
        assert detector.peak_at_s is not None and detector.started_at_s is not None
        yield FinalReading(
            device_id=self.device_id, item="grip", values={"grip": round(detector.peak_kg, 1)}, unit="kg",
            taken_at=self.clock(), trial=trial, side=side,
            calibration_id=self.calibration_id,
            quality_flags=self.flags(self.calibration),
            details={"peak_at_s": round(detector.peak_at_s - detector.started_at_s, 2),
                     "squeeze_s": round((detector.ended_at_s or 0) - detector.started_at_s, 2),
                     "curve": detector.curve[::5], "correction": correction.to_mapping()})

    async def read_steady_kg(self, seconds: float = 1.0) -> float:
        """Mean uncorrected force over ``seconds`` (calibration: tare first, then hang the known masses)."""
        await self.settle()
        await self.send(g.StartStream(RATE_HZ))
        samples: list[float] = []
        start = None
        try:
            async with contextlib.aclosing(self.messages()) as incoming:
                async for message in incoming:
                    if isinstance(message, g.ForceSample):
                        samples.append(message.force_kg)
                        start = start or self.elapsed_s()
                        if self.elapsed_s() - start >= seconds:
                            break
        finally:
            await self.send_quietly(g.StopStream())
        return sum(samples) / len(samples)
