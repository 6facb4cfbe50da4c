"""Blood-pressure monitor over the Bluetooth Blood Pressure Service (0x1810).

``measure()`` subscribes to Intermediate Cuff Pressure (0x2A36, live cuff pressure → ``Progress``) and
Blood Pressure Measurement (0x2A35, one indication → ``FinalReading``), then waits: on a BLE cuff the
resident presses its start button (the station's screen tells them to). The subscription ends with
the measurement, so a late indication never lands in the next one.

A measurement the monitor flags (cuff too loose, or no usable systolic/diastolic) becomes a
``DeviceReportedError`` with plain words for the resident; body movement, irregular pulse, pulse out of
range and position are kept as quality flags on an otherwise valid reading. Garbage frames are
logged and skipped; silence longer than ``frame_timeout_s`` (stall, lost indication), no start within
``start_timeout_s`` or no result within ``measurement_timeout_s`` of the first live pressure is a
``DeviceTimeout``; a link drop is ``DeviceDisconnected``. No partial value ever becomes final, and a
stored measurement the monitor replays on subscription (one with no live cuff pressure before it in
this session) is skipped: it may be an earlier resident's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

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
from drivers.codecs import ble_bps
from drivers.devices.ble_device import BleDevice
from drivers.devices.bp_checks import arm_side, checked_blood_pressure
from drivers.devices.calibration_gate import calibration_flags, corrected
from kiosk.domain import CalibrationRecord, Side
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

LOOSE_CUFF_MESSAGE = "The cuff seems loose. Please wrap it again, snugly."
NO_RESULT_MESSAGE = "The monitor could not find your blood pressure. Please sit still, relax and try again."


class BleBloodPressureMonitor(BleDevice):
    kind = "blood_pressure"
    service_uuid = ble_bps.SERVICE_UUID

    frame_timeout_s = 15.0  # longest silence allowed between frames once the cuff has started
    start_timeout_s = 120.0  # how long the resident has to press start
    measurement_timeout_s = 180.0  # longest cuff cycle from the first live pressure to the result
    # Monitors indicate their stored (earlier, maybe someone else's) measurements as soon as the station
    # subscribes. A measurement counts only after live cuff pressure in this session; set False for a
    # monitor without Intermediate Cuff Pressure (its readings then need the resident's confirmation).
    require_live_cuff = True
    quirks = ble_bps.STANDARD  # how this model departs from the specification (drivers.codecs.ble_bps)
    # Without live cuff pressure, a measurement counts only if the cuff's own clock dates it within this many
    # seconds of the station's local clock (older ones are stored readings, maybe an earlier resident's).
    max_age_s: float | None = None
    settle_before_subscribe_s = 0.0  # some cuffs stay silent if subscribed at once after service discovery

    async def read_feature(self) -> ble_bps.BloodPressureFeature:
        """What the monitor can detect (read from 0x2A49)."""
        await self._ensure_connected()
        return ble_bps.decode_feature(await self.client.read(ble_bps.FEATURE_UUID))

    async def describe(self) -> dict[str, object]:
        found = await super().describe()
        feature = await self.read_feature()
        found["features"] = [name for name, on in vars(feature).items() if on]
        return found

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        side = arm_side(options, self.device_id)  # a bad option fails before the cuff inflates
        record = self._gate()
        await self._ensure_connected()
        if self.settle_before_subscribe_s:
            await asyncio.sleep(self.settle_before_subscribe_s)
        uuids = [ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID, ble_bps.MEASUREMENT_UUID]
        queue = await self._subscribe(uuids)
        self._set_state(DeviceState.MEASURING)
        started = time.monotonic()
        finished = False
        live_frames = 0
        # overall limits, so neither a cuff that never finishes nor a stream of garbage keeps the station waiting
        deadline = started + self.start_timeout_s
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DeviceTimeout(f"no result within {self.measurement_timeout_s:.0f} s of the cuff starting"
                                        if live_frames else f"cuff not started within {self.start_timeout_s:.0f} s",
                                        device_id=self.device_id)
                timeout = min(self.frame_timeout_s, left) if live_frames else left
                char_uuid, data = await self._next_frame(queue, timeout, "blood pressure frame")
                try:
                    if char_uuid == ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID:
                        cuff = ble_bps.decode_intermediate_cuff_pressure(data, self.quirks).cuff_pressure_mmhg
                        if cuff is not None:
                            if not live_frames:
                                deadline = time.monotonic() + self.measurement_timeout_s
                            live_frames += 1
                            yield Progress(self.device_id, "cuff_pressure_mmhg", round(corrected(cuff, record), 1),
                                           time.monotonic() - started)
                        continue
                    m = ble_bps.decode_measurement(data, self.quirks)
                except CodecError as e:
                    log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id,
                              char=char_uuid, error=str(e), frame=data.hex())
                    continue
                if self.require_live_cuff and not live_frames:
                    log_event(_log, logging.INFO, "stored measurement skipped (no live cuff in this session)",
                              device_id=self.device_id)
                    continue
                if not live_frames and not self._fresh(m):
                    log_event(_log, logging.INFO, "stored measurement skipped (dated before this session)",
                              device_id=self.device_id)
                    continue
                reading = self._final(m, trial, record, side)
                finished = True
                yield reading
                return
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
            if not finished:
                log_event(_log, logging.INFO, "measurement ended without a result", device_id=self.device_id)

    def _fresh(self, m: ble_bps.BloodPressureMeasurement) -> bool:
        if self.max_age_s is None:
            return True
        if m.time_stamp is None:
            return False
        age_s = (datetime.now() - m.time_stamp).total_seconds()  # the cuff keeps local time, as the station shows it
        return -self.max_age_s <= age_s <= self.max_age_s

    def _final(self, m: ble_bps.BloodPressureMeasurement, trial: int, record: CalibrationRecord | None,
               side: Side | None) -> FinalReading:
        status = m.status or ble_bps.MeasurementStatus()
        if status.cuff_too_loose:
            raise DeviceReportedError("monitor flagged the cuff as too loose", code="cuff_too_loose",
                                      device_id=self.device_id, resident_message=LOOSE_CUFF_MESSAGE)
        systolic, diastolic = m.systolic_mmhg, m.diastolic_mmhg
        if systolic is None or diastolic is None:
            raise DeviceReportedError(f"monitor sent no systolic/diastolic value ({dict(m.specials)})",
                                      code="no_value", device_id=self.device_id, resident_message=NO_RESULT_MESSAGE)
        values = {"systolic": corrected(systolic, record), "diastolic": corrected(diastolic, record)}
        if m.pulse_rate_bpm is not None:
            values["pulse"] = m.pulse_rate_bpm
        if m.mean_arterial_mmhg is not None:
            values["mean"] = corrected(m.mean_arterial_mmhg, record)
        values = checked_blood_pressure(values, self.device_id)
        return FinalReading(self.device_id, "blood_pressure", values, "mmHg", trial=trial, side=side,
                            calibration_id=str(record.id) if record is not None else None,
                            quality_flags=frozenset(status.problems()) | calibration_flags(record, self.book),
                            details={"unit_on_air": m.unit.value, "device_time": m.time_stamp.isoformat()
                                     if m.time_stamp else None, "user_id": m.user_id})


class BeurerBleBloodPressureMonitor(BleBloodPressureMonitor):
    """Beurer BM48/BM59/BM85-style cuffs (protocol ``ble-bps-beurer``): their quirks decoded, and their readings
    taken without live cuff pressure when the cuff dates them within five minutes of now."""

    quirks = ble_bps.BEURER
    require_live_cuff = False
    max_age_s = 300.0
    # "Beurer BM85 seems to need some rest between service discovery and subscribing or it will stay silent"
    # (blood-pressure-monitor-fl waits 100 ms); a little more here
    settle_before_subscribe_s = 0.2


class OmronBleBloodPressureMonitor(BleBloodPressureMonitor):
    """Omron-style cuffs (protocol ``ble-bps-omron``): they measure on their own and do not put live cuff
    pressure on the air; the station asks for the last stored record through the Record Access Control
    Point the cuff offers beside 0x2A35 (0x2A52 ``01 06``, as the hass-omron integration does, MIT) every
    ``poll_s`` until one dated from this measurement on arrives (the cuff's clock, within ``clock_slack_s``).
    An older record is an earlier resident's and is never taken."""

    require_live_cuff = False
    poll_s = 3.0
    clock_slack_s = 60.0

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        from drivers.codecs.ble_glucose import (
            RACP_UUID,
            RacpOpCode,
            RacpOperator,
            RacpRequest,
            decode_racp_response,
            encode_racp_request,
        )

        side = arm_side(options, self.device_id)
        record = self._gate()
        await self._ensure_connected()
        if RACP_UUID not in {c for chars in self.services.values() for c in chars}:
            raise DriverError("this cuff offers no Record Access Control Point (0x2A52) to ask for its reading",
                              device_id=self.device_id)
        uuids = [ble_bps.MEASUREMENT_UUID, RACP_UUID]
        queue = await self._subscribe(uuids)
        self._set_state(DeviceState.MEASURING)
        since = datetime.now() - timedelta(seconds=self.clock_slack_s)  # the cuff keeps local time
        started = time.monotonic()
        ask_last = encode_racp_request(RacpRequest(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.LAST_RECORD))
        try:
            while time.monotonic() - started < self.start_timeout_s + self.measurement_timeout_s:
                await self.client.write(RACP_UUID, ask_last)
                answered_at = time.monotonic()
                while (left := self.poll_s - (time.monotonic() - answered_at)) > 0:
                    try:
                        char_uuid, data = await self._next_frame(queue, left, "the cuff's last record")
                    except DeviceTimeout:
                        break
                    try:
                        if char_uuid == RACP_UUID:
                            decode_racp_response(data)  # success or "no records": ask again after poll_s
                            continue
                        m = ble_bps.decode_measurement(data, self.quirks)
                    except CodecError as e:
                        log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id,
                                  char=char_uuid, error=str(e), frame=data.hex())
                        continue
                    if m.time_stamp is None or m.time_stamp < since:
                        continue  # an earlier reading in the cuff's memory
                    yield self._final(m, trial, record, side)
                    return
            raise DeviceTimeout("the cuff gave no reading from this measurement", device_id=self.device_id)
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
