"""Xiaomi Mi Body Composition Scale: weight (and impedance) from its advertisements, with no connection.

The scale never accepts a connection; it advertises its reading as 0x181B service data
(``drivers.codecs.xiaomi_mibcs``). ``measure()`` listens through an ``AdvertisementSource`` and takes
the first weighing that is settled and fresh (the weight while it settles is ``Progress`` ``weight_kg``):

- *fresh*: the scale keeps advertising its last frame for a while and BlueZ reports the last
  advertisement again when a scan starts, so a stabilised frame heard at the start may be an earlier
  resident's. A stabilised frame counts only after this listen has heard the person's own weigh-in
  begin: an unstable weight frame (the weight still rising). Anything stabilised or "removed" before
  that is a replay and is skipped;
- *settled*: weight stabilised, not removed, above zero. The impedance comes a few seconds after the
  weight settles (bare feet on the electrodes); the driver waits ``impedance_wait_s`` for it and
  otherwise keeps the weight alone (shoes on, or the person stepped off after the weight settled).

The person stepping off before the weight settles is a ``DeviceReportedError`` (code ``stepped_off``)
with a plain message; nobody settling within ``start_timeout_s`` is a ``DeviceTimeout`` with one.
The kind is ``scale``: the reading is item ``weight`` (kg), the impedance a detail. The scale gives no
body fat; the station computes none from the impedance (Xiaomi's formula is not published).
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
from drivers.ble.advertisement import AdvertisementSource
from drivers.codecs import xiaomi_mibcs
from drivers.codecs.xiaomi_mibcs import MiScaleAdvert
from drivers.devices.calibration_gate import calibration_flags, calibration_in_force, corrected
from kiosk.domain import ITEMS, CalibrationRecord, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

STEPPED_OFF_MESSAGE = "You stepped off the scale before it finished. Please stand on it again and keep still."
TIMEOUT_MESSAGE = ("The scale did not weigh anyone. Please step onto the scale with bare feet and stand still; "
                   "if you are already on it, step off and on again.")
UNSUCCESSFUL_MESSAGE = "The scale could not weigh you. Please stand still in the middle of the scale and try again."
FrameListener = Callable[[str, bytes, float], None]


class XiaomiBodyCompositionScale(DeviceStateLog):
    kind = "scale"
    service_data_uuid = xiaomi_mibcs.SERVICE_DATA_UUID
    # a bathroom scale is verified by the metrology authority, not adjusted by the technician; a record is honoured
    REQUIRES_CALIBRATION = False
    start_timeout_s = 90.0  # how long the resident has to step on and stand still
    impedance_wait_s = 8.0  # from weight settled to impedance settled (the scale takes a few seconds)

    def __init__(self, device_id: str, source: AdvertisementSource, book: CalibrationBook | None = None, *,
                 now: Callable[[], datetime] = utcnow) -> None:
        self.device_id = device_id
        self.source = source
        self.book = book
        self.now = now
        self.frame_listener: FrameListener | None = None
        self._state = DeviceState.ABSENT

    async def connect(self) -> None:
        """Check the radio can listen (start and stop a scan); there is no connection to make."""
        self._set_state(DeviceState.CONNECTING)
        try:
            await self.source.start(lambda _data: None)
            await self.source.stop()
        except DriverError:
            self._set_state(DeviceState.ABSENT)
            raise
        self._set_state(DeviceState.READY)

    async def close(self) -> None:
        await self.source.stop()
        self._set_state(DeviceState.ABSENT)

    async def describe(self) -> dict[str, object]:
        return {"address": self.source.address, "service_data": self.service_data_uuid, "connection": "none"}

    def _gate(self) -> CalibrationRecord | None:
        try:
            return calibration_in_force(self.device_id, self.book, self.now(), required=self.REQUIRES_CALIBRATION)
        except DriverError:
            self._set_state(DeviceState.LOCKED)
            raise

    async def _next(self, queue: asyncio.Queue[bytes], deadline: float) -> MiScaleAdvert | None:
        """The next decodable advertisement, or None when ``deadline`` (monotonic) has passed."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                data = await asyncio.wait_for(queue.get(), left)
            except TimeoutError:
                return None
            try:
                return xiaomi_mibcs.decode_advert(data)
            except CodecError as e:
                log_event(_log, logging.WARNING, "bad advertisement skipped", device_id=self.device_id, error=str(e),
                          frame=data.hex())

    async def _weigh_in(self, queue: asyncio.Queue[bytes]) -> AsyncIterator[tuple[MiScaleAdvert, bool | None]]:
        """(frame, None) for each fresh unsettled weight, then (the settled weighing, whether it has the impedance)."""
        deadline = time.monotonic() + self.start_timeout_s
        fresh = False
        weighing: MiScaleAdvert | None = None
        while True:
            advert = await self._next(queue, deadline)
            if advert is None:
                if weighing is not None:
                    yield weighing, False  # weight settled, no impedance in time: shoes on
                    return
                raise DeviceTimeout(f"no settled weighing within {self.start_timeout_s:.0f} s "
                                    f"({'the weight never settled' if fresh else 'nobody stepped on'})",
                                    device_id=self.device_id, resident_message=TIMEOUT_MESSAGE)
            if not fresh:
                if advert.weight_stabilized or advert.weight_removed or advert.weight_kg <= 0:
                    log_event(_log, logging.INFO, "replayed weighing skipped", device_id=self.device_id)
                    continue
                fresh = True  # the weight is rising: this person's weigh-in has begun
            if advert.weight_removed:
                if weighing is not None:
                    yield weighing, False  # stepped off after the weight settled, before the impedance
                    return
                raise DeviceReportedError("the person stepped off before the weight settled", code="stepped_off",
                                          device_id=self.device_id, resident_message=STEPPED_OFF_MESSAGE)
            if not advert.final:
                yield advert, None
                continue
            if advert.impedance_ohm is not None:
                yield advert, True
                return
            if weighing is None:
                weighing = advert
                deadline = min(deadline, time.monotonic() + self.impedance_wait_s)

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        record = self._gate()
        if self._state in (DeviceState.ABSENT, DeviceState.ERROR):
            await self.connect()
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        def heard(data: bytes) -> None:
            if self.frame_listener is not None:
                self.frame_listener(self.service_data_uuid, data, time.perf_counter())
            queue.put_nowait(data)

        try:
            await self.source.start(heard)
        except DeviceDisconnected:
            self._set_state(DeviceState.ABSENT)
            raise
        self._set_state(DeviceState.MEASURING)
        started = time.monotonic()
        advert: MiScaleAdvert | None = None
        with_impedance: bool | None = None
        try:
            async with contextlib.aclosing(self._weigh_in(queue)) as frames:
                async for advert, with_impedance in frames:
                    if with_impedance is None:  # the weight while it settles, for the live view
                        yield Progress(self.device_id, "weight_kg", advert.weight_kg,
                                       round(time.monotonic() - started, 3))
        finally:
            await self.source.stop()
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
        assert advert is not None and with_impedance is not None  # the frames end with a weighing or raise
        weight = round(corrected(advert.weight_kg, record), 2)
        spec = ITEMS["weight"]
        if not spec.minimum <= weight <= spec.maximum:
            raise DeviceReportedError(f"weight {weight} kg is outside {spec.minimum}..{spec.maximum} kg",
                                      code="implausible", device_id=self.device_id,
                                      resident_message=UNSUCCESSFUL_MESSAGE)
        log_event(_log, logging.INFO, "weighing taken", device_id=self.device_id, with_impedance=with_impedance)
        yield FinalReading(self.device_id, "weight", {"weight": weight}, "kg", trial=trial,
                           calibration_id=str(record.id) if record is not None else None,
                           quality_flags=calibration_flags(record, self.book),
                           details={"impedance_ohm": advert.impedance_ohm, "unit_on_air": advert.unit.value,
                                    "scale_time": advert.time_stamp.isoformat() if advert.time_stamp else None,
                                    "protocol": "xiaomi-mibcs"})
