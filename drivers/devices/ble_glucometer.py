"""Glucometer over the Bluetooth Glucose Service (0x1808), fetching records through the RACP (0x2A52).

A meter stores every test; the station must take only the test the resident does now, never an
older one (another person's). So ``measure()`` first asks for the meter's last (most recent) record
and notes its sequence number, then polls "report last record" until the meter's newest record is
newer than that one, and takes it. A transfer that loses a record (success reported, record missing)
or ends unfinished is an error, never a guess.

Sequence numbers are uint16 and roll over from 65535 to 0, so "newer" is compared modulo 2^16
(``ble_glucose.sequence_is_newer``). The station does not ask "records ≥ n": a meter compares those
numbers plainly, so after the wrap its older 65xxx records would count as new, and a full meter that
drops its oldest record for each new one never reports a higher count.

Meter annunciations that void a result (strip, sample, sensor, temperature, out-of-range) become a
``DeviceReportedError``; a low battery or clock fault is kept as a quality flag.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

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
from drivers.codecs import ble_glucose
from drivers.codecs.ble_glucose import RacpNumberOfRecords, RacpResponse, RacpResponseCode
from drivers.devices.ble_device import BleDevice
from drivers.devices.calibration_gate import calibration_flags
from kiosk.domain import ITEMS, CalibrationRecord
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

VOIDING = {
    "sample_size_insufficient": "There was not enough blood on the strip. Please try again with a new strip.",
    "strip_insertion_error": "The strip was not inserted properly. Please insert a new strip fully.",
    "strip_type_incorrect": "This strip does not fit the meter. Please ask a member of staff.",
    "strip_pulled_too_soon": "The strip was removed too early. Please try again with a new strip.",
    "sensor_malfunction": "The meter has a fault. Please ask a member of staff.",
    "general_device_fault": "The meter has a fault. Please ask a member of staff.",
    "result_too_high": "The meter could not measure this sample. Please ask a member of staff.",
    "result_too_low": "The meter could not measure this sample. Please ask a member of staff.",
    "temperature_too_high": "The meter is too warm to measure. Please ask a member of staff.",
    "temperature_too_low": "The meter is too cold to measure. Please ask a member of staff.",
}


# the items a glucometer can measure: those recorded in mmol/L (a meter value must never land on another item)
GLUCOSE_ITEMS = tuple(name for name, spec in ITEMS.items() if spec.unit.symbol == "mmol/L")


def glucose_item(options: dict[str, object], device_id: str) -> str:
    """The item from ``measure(item=…)`` (default fasting glucose); DriverError for a non-glucose item."""
    item = str(options.get("item", "glucose_fasting"))
    if item not in GLUCOSE_ITEMS:
        raise DriverError(f"option item must be one of {', '.join(GLUCOSE_ITEMS)}, not {item!r}", device_id=device_id)
    return item


class BleGlucometer(BleDevice):
    kind = "glucometer"
    service_uuid = ble_glucose.SERVICE_UUID
    # Glucometers are checked with control solution by the meter itself, not calibrated by the station.
    REQUIRES_CALIBRATION = False

    racp_timeout_s = 10.0
    poll_interval_s = 1.0
    start_timeout_s = 180.0  # how long the resident has to do the finger-stick
    last_sequence: int | None = None  # the newest record already on the meter (None: the meter is empty)

    async def connect(self) -> None:
        """Connect and ask for the newest stored record (proving the RACP works)."""
        await super().connect()
        try:
            self.last_sequence = await self._last_stored_sequence()
        except DriverError:
            self._set_state(DeviceState.ERROR)  # the manager reconnects
            await self.client.disconnect()
            raise

    async def _racp(self, request: ble_glucose.RacpRequest) -> tuple[list[ble_glucose.GlucoseMeasurement],
                                                                      RacpNumberOfRecords | RacpResponse]:
        """Write one RACP request; collect the records notified before its final indication."""
        uuids = [ble_glucose.MEASUREMENT_UUID, ble_glucose.RACP_UUID]
        queue = await self._subscribe(uuids)
        records: list[ble_glucose.GlucoseMeasurement] = []
        try:
            await self.client.write(ble_glucose.RACP_UUID, ble_glucose.encode_racp_request(request))
            while True:
                char_uuid, data = await self._next_frame(queue, self.racp_timeout_s, "record access response")
                try:
                    if char_uuid == ble_glucose.MEASUREMENT_UUID:
                        records.append(ble_glucose.decode_glucose_measurement(data))
                        continue
                    return records, ble_glucose.decode_racp_response(data)
                except CodecError as e:
                    log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id, char=char_uuid,
                              error=str(e), frame=data.hex())
        finally:
            await self._unsubscribe(queue, uuids)

    async def _last_stored_record(self) -> ble_glucose.GlucoseMeasurement | None:
        """The meter's most recent record, or None when it holds none."""
        request = ble_glucose.RacpRequest(ble_glucose.RacpOpCode.REPORT_STORED_RECORDS,
                                          ble_glucose.RacpOperator.LAST_RECORD)
        records, response = await self._racp(request)
        if isinstance(response, RacpResponse) and response.code is RacpResponseCode.PROCEDURE_NOT_COMPLETED:
            raise DeviceReportedError("meter did not complete the record transfer: PROCEDURE_NOT_COMPLETED",
                                      code="transfer_incomplete", device_id=self.device_id)
        if isinstance(response, RacpResponse) and response.code not in (RacpResponseCode.SUCCESS,
                                                                        RacpResponseCode.NO_RECORDS_FOUND):
            raise DeviceReportedError(f"meter refused 'report last record': {response.code.name}",
                                      code=response.code.name.lower(), device_id=self.device_id)
        if isinstance(response, RacpResponse) and response.ok and not records:
            # success without the record: it was lost on the way, and guessing "empty" would let an
            # older (someone else's) record pass as new
            raise DeviceReportedError("meter reported its last record but the record never arrived",
                                      code="transfer_incomplete", device_id=self.device_id)
        return records[-1] if records else None

    async def _last_stored_sequence(self) -> int | None:
        newest = await self._last_stored_record()
        return None if newest is None else newest.sequence_number

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        item = glucose_item(options, self.device_id)  # a bad option fails before the meter is asked anything
        record = self._gate()
        await self._ensure_connected()
        self._set_state(DeviceState.MEASURING)
        try:
            # only a test done from now on is this resident's: re-read the newest stored record first
            self.last_sequence = await self._last_stored_sequence()
            started = time.monotonic()
            while True:
                newest = await self._last_stored_record()
                if newest is not None and ble_glucose.sequence_is_newer(newest.sequence_number, self.last_sequence):
                    break
                waited = time.monotonic() - started
                if waited > self.start_timeout_s:
                    raise DeviceTimeout(f"no new glucose test within {self.start_timeout_s:.0f} s",
                                        device_id=self.device_id)
                yield Progress(self.device_id, "waiting_for_test_s", round(waited, 1), waited,
                               message="Please do the test on the meter now.")
                await asyncio.sleep(self.poll_interval_s)
            if self.last_sequence is not None and newest.sequence_number != ble_glucose.sequence_after(
                    self.last_sequence):
                # a second test while waiting, or a meter that skips a number: the newest is the resident's
                log_event(_log, logging.INFO, "newest record is not the one after the baseline; taking the newest",
                          device_id=self.device_id, before=self.last_sequence, newest=newest.sequence_number)
            self.last_sequence = newest.sequence_number
            yield self._final(newest, item, trial, record)
        finally:
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)

    def _final(self, r: ble_glucose.GlucoseMeasurement, item: str, trial: int,
               record: CalibrationRecord | None) -> FinalReading:
        voiding = [a for a in r.annunciations if a in VOIDING]
        if voiding:
            raise DeviceReportedError(f"meter annunciation(s) {voiding} on record {r.sequence_number}",
                                      code=voiding[0], device_id=self.device_id, resident_message=VOIDING[voiding[0]])
        spec = ITEMS[item]
        if r.concentration_mmol_l is None or not spec.minimum <= r.concentration_mmol_l <= spec.maximum:
            raise DeviceReportedError(f"record {r.sequence_number} has no usable concentration "
                                      f"({r.concentration_mmol_l})", code="no_value", device_id=self.device_id,
                                      resident_message="The meter gave no result. Please try again with a new strip.")
        if r.sample_type == "control_solution" or r.sample_location == "control_solution":
            raise DeviceReportedError(f"record {r.sequence_number} is a control-solution test, not a resident's",
                                      code="control_solution", device_id=self.device_id,
                                      resident_message="That was a meter check, not your test. "
                                                       "Please test with a drop of your blood.")
        flags = frozenset(r.annunciations) | calibration_flags(record, self.book)
        return FinalReading(self.device_id, item, {"glucose": round(r.concentration_mmol_l, 1)}, "mmol/L",
                            trial=trial, calibration_id=str(record.id) if record is not None else None,
                            quality_flags=flags,
                            details={"sequence_number": r.sequence_number, "sample_type": r.sample_type,
                                     "sample_location": r.sample_location,
                                     "device_time": r.taken_at.isoformat() if r.taken_at else None})
