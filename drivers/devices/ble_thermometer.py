"""Thermometer over the Bluetooth Health Thermometer Service (0x1809): one Temperature Measurement per reading.

``measure()`` subscribes to 0x2A1C (indicated) and waits for the resident to take a reading; the
thermometer indicates once it is done. As with weight scales, indications in the first
``replay_window_s`` after subscribing are stored readings the thermometer replays (maybe someone
else's) and are skipped. Intermediate temperatures (0x2A1E), when offered, become live progress.
The reading is item ``body_temperature`` in °C (°F converted by the codec), with the measurement
site in the details: the clinical fever cut-offs are for the armpit, and the report says which site.

A clinical thermometer has no field adjustment; it is verified against a reference bath by the
metrology service, not by the station's technician: ``REQUIRES_CALIBRATION = False``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

from drivers.base import CodecError, DeviceReportedError, DeviceState, FinalReading, MeasurementEvent, Progress
from drivers.codecs import ble_hts
from drivers.devices.ble_device import BleDevice
from drivers.devices.calibration_gate import UNCALIBRATED
from drivers.devices.serial_instrument import checked_final
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

NO_READING_MESSAGE = "The thermometer gave no reading. Please try again."


class BleThermometer(BleDevice):
    kind = "thermometer"
    service_uuid = ble_hts.SERVICE_UUID
    REQUIRES_CALIBRATION = False

    start_timeout_s = 90.0  # how long the resident has to take the reading
    replay_window_s = 1.0

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        record = self._gate()
        await self._ensure_connected()
        offered = self.services.get(self.service_uuid, ())
        uuids = [ble_hts.MEASUREMENT_UUID] + ([ble_hts.INTERMEDIATE_UUID] if ble_hts.INTERMEDIATE_UUID in offered
                                              else [])
        queue = await self._subscribe(uuids)
        subscribed_at = time.monotonic()
        self._set_state(DeviceState.MEASURING)
        try:
            while True:
                uuid, data = await self._next_frame(queue, self.start_timeout_s, "temperature measurement")
                t = time.monotonic() - subscribed_at
                try:
                    m = ble_hts.decode_temperature_measurement(data)
                except CodecError as e:
                    log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id, error=str(e))
                    continue
                if uuid == ble_hts.INTERMEDIATE_UUID:
                    if m.temperature_c is not None:
                        yield Progress(self.device_id, "temperature_c", m.temperature_c, t)
                    continue
                if t < self.replay_window_s:
                    log_event(_log, logging.INFO, "stored reading skipped (replayed on subscribe)",
                              device_id=self.device_id)
                    continue
                if m.temperature_c is None:
                    raise DeviceReportedError("thermometer sent no number (FLOAT special value)", code="no_reading",
                                              device_id=self.device_id, resident_message=NO_READING_MESSAGE)
                yield Progress(self.device_id, "temperature_c", m.temperature_c, t)
                site = m.site.name.lower() if m.site is not None else (
                    f"reserved_{m.site_code}" if m.site_code is not None else "not_sent")
                yield checked_final(FinalReading(
                    self.device_id, "body_temperature", {"body_temperature": round(m.temperature_c, 1)}, "°C",
                    trial=trial, calibration_id=str(record.id) if record is not None else None,
                    quality_flags=frozenset({UNCALIBRATED}) if self.book is None else frozenset(),
                    details={"site": site, "fahrenheit_on_air": m.fahrenheit, "protocol": "ble-hts"}))
                return
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
