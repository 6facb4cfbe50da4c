"""Balance platform driver (``balance-serial``): the eyes-closed single-leg stand, timed from the load cells.

``measure(trial=)`` reads the platform's geometry, streams the four corner forces (each corrected by
its own calibration: ``PlatformCorrection``), publishes the centre of pressure as
``Progress("cop_mm", (x, y))`` per frame, and lets ``drivers.balance.SingleLegStandTimer`` find the
lift and the touch-down. It ends with ``FinalReading(item="single_leg_stand_eyes_closed",
values={...: seconds}, side=standing foot)`` whose details hold how it ended and the sway metrics
(path length, 95 % ellipse area, mean velocity) of the one-foot phase. Times come from the frames'
sequence counter (the platform's clock), not from when frames happened to arrive nor from how many
arrived: a frame lost on the line still counts, and a counter jump of over 1 s is an error.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import ClassVar

from drivers.balance import PlatformGeometry, SingleLegStandTimer, StandPhase, centre_of_pressure, sway_metrics
from drivers.base import DeviceReportedError, DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.calibration import PlatformCorrection
from drivers.codecs import balance_platform as bp
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.devices.serial_instrument import SerialInstrumentDriver
from kiosk.domain import Side

ITEM = "single_leg_stand_eyes_closed"
PHASE_HINTS = {StandPhase.ONE_FOOT: "timing", StandPhase.ENDED: "done"}


def _device_error(message: bp.DeviceError, device_id: str) -> DeviceReportedError:
    return DeviceReportedError(message.text, code=message.code.name.lower(), device_id=device_id,
                               resident_message="Please step off the platform and ask a member of staff.")


class BalancePlatform(SerialInstrumentDriver):
    CODEC = bp.CODEC
    kind = "balance"
    BAUD = 115200
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"lift_within_s": (0.1, 300.0),
                                                                "max_duration_s": (1.0, 600.0)}

    def on_unsolicited(self, message: InstrumentMessage) -> None:
        if isinstance(message, bp.DeviceError):
            raise _device_error(message, self.device_id)

    async def query_status(self) -> None:
        await self.info()

    async def describe(self) -> dict[str, object]:
        info = await self.info()
        return await super().describe() | {"serial": f"{info.serial:08X}", "rate_hz": info.rate_hz,
                                           "width_mm": info.width_mm, "length_mm": info.length_mm}

    async def info(self) -> bp.Info:
        reply = await self.request(bp.QueryInfo(), bp.Info)
        assert isinstance(reply, bp.Info)
        return reply

    async def _frames(self, rate_hz: int) -> AsyncIterator[bp.CornerForces]:
        await self.send(bp.StartStream(rate_hz))
        try:
            async with contextlib.aclosing(self.messages()) as incoming:
                async for message in incoming:
                    if isinstance(message, bp.DeviceError):
                        raise _device_error(message, self.device_id)
                    if isinstance(message, bp.CornerForces):
                        yield message
        finally:
            await self.send_quietly(bp.StopStream())

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        lift_within_s = float(options.get("lift_within_s", 30.0))  # type: ignore[arg-type]
        max_duration_s = float(options.get("max_duration_s", 120.0))  # type: ignore[arg-type]
        correction = PlatformCorrection.from_record(self.calibration)
        info = await self.info()
        geometry = PlatformGeometry(info.width_mm, info.length_mm)
        timer = SingleLegStandTimer(info.rate_hz, max_duration_s=max_duration_s)
        ticks = 0  # platform frame periods since the first frame, from its 16-bit counter (lost frames count)
        last_seq: int | None = None
        phase = timer.phase
        async with contextlib.aclosing(self._frames(info.rate_hz)) as stream:
            async for frame in stream:
                if last_seq is not None:
                    step = (frame.seq - last_seq) & 0xFFFF
                    if step == 0:
                        continue  # the same frame again
                    if step > info.rate_hz:  # over 1 s lost, or the counter restarted: the time is unknown
                        raise DriverError(f"frame counter jumped {last_seq} -> {frame.seq}: the stand time is lost",
                                          device_id=self.device_id,
                                          resident_message="That stand was not recorded cleanly. Please try again.")
                    ticks += step
                last_seq = frame.seq
                forces = correction.apply(frame.kg)
                total = sum(forces)
                cop = centre_of_pressure(forces, geometry)
                t = ticks / info.rate_hz
                phase = timer.feed(t, cop, total)
                if cop is not None:
                    yield Progress(self.device_id, "cop_mm", (round(cop[0], 1), round(cop[1], 1)), self.elapsed_s(),
                                   PHASE_HINTS.get(phase, ""))
                if phase is StandPhase.ENDED:
                    break
                if phase is StandPhase.BOTH_FEET and t > lift_within_s:
                    raise DeviceTimeout(f"no foot lifted within {lift_within_s:.0f} s", device_id=self.device_id,
                                        resident_message="Please lift one foot when you are ready.")
        assert timer.duration_s is not None and timer.end_reason is not None
        sway = sway_metrics(timer.stance_path, info.rate_hz, duration_s=timer.stance_duration_s)
        yield FinalReading(
            device_id=self.device_id, item=ITEM, values={ITEM: round(timer.duration_s, 1)}, unit="s",
            taken_at=self.clock(), trial=trial, side=Side(timer.standing_side) if timer.standing_side else None,
            calibration_id=self.calibration_id, quality_flags=self.flags(self.calibration),
            details={"end": timer.end_reason.value, "body_kg": round(timer.body_kg or 0.0, 1),
                     "sway": sway.to_dict(), "lifted_at_s": round(timer.lifted_at_s or 0.0, 2)})

    async def read_corners_kg(self, seconds: float = 1.0) -> tuple[float, float, float, float]:
        """Mean uncorrected load per corner over ``seconds`` of frames (for the platform calibration)."""
        await self.settle()
        info = await self.info()
        sums, n = [0.0, 0.0, 0.0, 0.0], 0
        async with contextlib.aclosing(self._frames(info.rate_hz)) as stream:
            async for frame in stream:
                for i, v in enumerate(frame.kg):
                    sums[i] += v
                n += 1
                if n >= seconds * info.rate_hz:
                    break
        a, b, c, d = (s / n for s in sums)
        return (a, b, c, d)
