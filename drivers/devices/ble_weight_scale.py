"""Weight scale over the Bluetooth Weight Scale Service (0x181D): one Weight Measurement indication per weighing.

``measure()`` subscribes to 0x2A9D and waits for the resident to step on; the scale indicates once
the weight is stable. Indications in the first ``replay_window_s`` after subscribing are stored
weighings the scale replays (possibly an earlier resident's) and are skipped. Imperial scales are
converted to kg by the codec. "Measurement unsuccessful"
(0xFFFF) becomes a ``DeviceReportedError``; BMI and height, when the scale sends them, are details.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

from drivers.base import CodecError, DeviceReportedError, DeviceState, FinalReading, MeasurementEvent
from drivers.codecs import ble_weight
from drivers.devices.ble_device import BleDevice
from drivers.devices.calibration_gate import calibration_flags, corrected
from kiosk.domain import ITEMS
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

UNSUCCESSFUL_MESSAGE = "The scale could not weigh you. Please stand still in the middle of the scale and try again."


class BleWeightScale(BleDevice):
    kind = "scale"
    service_uuid = ble_weight.SERVICE_UUID
    # A BLE bathroom scale has no field adjustment: it is verified by the metrology authority, not
    # calibrated by the station's technician. A record on file (a known-mass check) is still honoured.
    REQUIRES_CALIBRATION = False

    start_timeout_s = 90.0  # how long the resident has to step on
    # Scales replay stored (earlier, maybe someone else's) weighings as soon as the station subscribes.
    # Nobody steps on and settles within this time after the screen asks, so earlier indications are replays.
    replay_window_s = 1.0

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        record = self._gate()
        await self._ensure_connected()
        uuids = [ble_weight.MEASUREMENT_UUID]
        queue = await self._subscribe(uuids)
        subscribed_at = time.monotonic()
        self._set_state(DeviceState.MEASURING)
        try:
            while True:
                _, data = await self._next_frame(queue, self.start_timeout_s, "weight measurement")
                if time.monotonic() - subscribed_at < self.replay_window_s:
                    log_event(_log, logging.INFO, "stored weighing skipped (replayed on subscribe)",
                              device_id=self.device_id)
                    continue
                try:
                    m = ble_weight.decode_weight_measurement(data)
                except CodecError as e:
                    log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id, error=str(e),
                              frame=data.hex())
                    continue
                if m.weight_kg is None:
                    raise DeviceReportedError("scale reported measurement unsuccessful (0xFFFF)",
                                              code="unsuccessful", device_id=self.device_id,
                                              resident_message=UNSUCCESSFUL_MESSAGE)
                weight = round(corrected(m.weight_kg, record), 2)
                spec = ITEMS["weight"]
                if not spec.minimum <= weight <= spec.maximum:
                    raise DeviceReportedError(f"weight {weight} kg is outside {spec.minimum}..{spec.maximum} kg",
                                              code="implausible", device_id=self.device_id,
                                              resident_message=UNSUCCESSFUL_MESSAGE)
                yield FinalReading(self.device_id, "weight", {"weight": weight}, "kg", trial=trial,
                                   calibration_id=str(record.id) if record is not None else None,
                                   quality_flags=calibration_flags(record, self.book),
                                   details={"bmi_kg_m2": m.bmi_kg_m2, "height_m": m.height_m,
                                            "imperial_on_air": m.imperial, "user_id": m.user_id})
                return
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
