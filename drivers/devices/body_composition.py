"""Body-composition analysers: the Bluetooth Body Composition Service (0x181B, with UDS consent) and Tanita RS-232.

Both report body fat as the analyser computed it (its own impedance equations); the station stores
that value as item ``body_fat`` (%) and keeps weight, impedance, fat mass, muscle and water as
details. Weight is not stored as a second weight measurement: the scale test owns weight.

SIG (``BleBodyCompositionAnalyser``): a multi-user analyser sends a person's values only to a
collector that has their consent. Each measurement registers a fresh user on the analyser through
the User Data Service's User Control Point (0x2A9F, Register New User with the station's consent
code), then gives consent for that user index, then waits for the Body Composition Measurement
indication (0x2A9C), joining multiple-packet measurements, and finally deletes that user's data (the
analyser has few user slots and would otherwise keep every resident's values). Refusals name the UCP result.

Tanita (``TanitaAnalyser``): the analyser measures on its own (the resident stands on it, staff key
in the person's data on its panel) and sends one record line when done; the station listens.
Neither has a field calibration the station runs: ``REQUIRES_CALIBRATION = False``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from drivers.base import (
    CodecError,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
    FinalReading,
    MeasurementEvent,
)
from drivers.codecs import ble_bcs, tanita_serial
from drivers.devices.ble_device import BleDevice
from drivers.devices.calibration_gate import UNCALIBRATED
from drivers.devices.serial_instrument import SerialInstrumentDriver, checked_final
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

UNSUCCESSFUL_MESSAGE = "The analyser could not measure you. Please stand still with bare feet on the plates."
CONSENT_MESSAGE = "The analyser did not accept the station. Please ask a member of staff."
STATION_CONSENT_CODE = 2468  # the station's consent code on every analyser it registers users on (0..9999)


def _details(values: dict[str, Any]) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None}


class BleBodyCompositionAnalyser(BleDevice):
    kind = "body_composition"
    service_uuid = ble_bcs.SERVICE_UUID
    REQUIRES_CALIBRATION = False
    start_timeout_s = 120.0
    ucp_timeout_s = 5.0
    part_gap_s = 1.0  # the parts of a multiple-packet measurement arrive back to back
    consent_code = STATION_CONSENT_CODE

    async def _control(self, queue: Any, request: ble_bcs.UcpRequest) -> ble_bcs.UcpResponse:
        await self.client.write(ble_bcs.USER_CONTROL_POINT_UUID, ble_bcs.encode_ucp_request(request))
        deadline = time.monotonic() + self.ucp_timeout_s
        while True:
            uuid, data = await self._next_frame(queue, max(0.01, deadline - time.monotonic()),
                                                f"user control point response to {request.op.name}")
            if uuid != ble_bcs.USER_CONTROL_POINT_UUID:
                continue  # a measurement before consent: the analyser should not send it; ignore
            response = ble_bcs.decode_ucp_response(data)
            if response.request_op != request.op:
                continue
            if not response.ok:
                result = getattr(response.result, "name", str(response.result)).lower()
                raise DeviceReportedError(f"user control point {request.op.name} refused: {result}",
                                          code=f"ucp_{result}", device_id=self.device_id,
                                          resident_message=CONSENT_MESSAGE)
            return response

    async def consent(self, queue: Any) -> int:
        """Register a user with the station's consent code and consent to it; returns the user index."""
        registered = await self._control(queue, ble_bcs.UcpRequest(ble_bcs.UcpOpCode.REGISTER_NEW_USER,
                                                                   self.consent_code))
        assert registered.user_index is not None
        await self._control(queue, ble_bcs.UcpRequest(ble_bcs.UcpOpCode.CONSENT, self.consent_code,
                                                      registered.user_index))
        return registered.user_index

    async def _parts(self, queue: Any, user_index: int | None) -> list[ble_bcs.BodyComposition]:
        """The measurement's indications for ``user_index`` (one, or the parts of a split measurement)."""
        parts: list[ble_bcs.BodyComposition] = []
        while True:
            try:  # a split measurement has no "last part" marker: the parts come together, silence ends it
                uuid, data = await self._next_frame(queue, self.part_gap_s if parts else self.start_timeout_s,
                                                    "body composition measurement")
            except DeviceTimeout:
                if not parts:
                    raise
                return parts
            if uuid != ble_bcs.MEASUREMENT_UUID:
                continue
            try:
                part = ble_bcs.decode_body_composition(data)
            except CodecError as e:
                log_event(_log, logging.WARNING, "bad frame skipped", device_id=self.device_id, error=str(e))
                continue
            if part.user_id is not None and user_index is not None and part.user_id != user_index:
                continue  # someone else's stored measurement
            parts.append(part)
            if not part.multiple_packet or len(parts) >= 8:
                return parts

    async def _forget(self, queue: Any) -> None:
        """Delete User Data for the consented user (best effort: a refusal or a lost link is only logged)."""
        try:
            await self._control(queue, ble_bcs.UcpRequest(ble_bcs.UcpOpCode.DELETE_USER_DATA))
        except DriverError as e:
            log_event(_log, logging.WARNING, "user data not deleted on the analyser", device_id=self.device_id,
                      error=str(e))

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        record = self._gate()
        await self._ensure_connected()
        uses_uds = ble_bcs.UDS_SERVICE_UUID in self.services
        uuids = [ble_bcs.MEASUREMENT_UUID] + ([ble_bcs.USER_CONTROL_POINT_UUID] if uses_uds else [])
        queue = await self._subscribe(uuids)
        self._set_state(DeviceState.MEASURING)
        started = time.monotonic()
        user_index: int | None = None
        try:
            try:
                user_index = await self.consent(queue) if uses_uds else None
                log_event(_log, logging.INFO, "consent given", device_id=self.device_id, user_index=user_index,
                          seconds=round(time.monotonic() - started, 2))
                m = ble_bcs.merge(await self._parts(queue, user_index))
            finally:
                if user_index is not None:  # free the analyser's user slot: it has few, and keeps the values
                    await self._forget(queue)
            if m.body_fat_pct is None:
                raise DeviceReportedError("analyser reported measurement unsuccessful (0xFFFF)", code="unsuccessful",
                                          device_id=self.device_id, resident_message=UNSUCCESSFUL_MESSAGE)
            details = _details({"weight_kg": m.weight_kg, "impedance_ohm": m.impedance_ohm,
                                "muscle_mass_kg": m.muscle_mass_kg, "fat_free_mass_kg": m.fat_free_mass_kg,
                                "body_water_mass_kg": m.body_water_mass_kg, "basal_metabolism_kj":
                                m.basal_metabolism_kj, "user_index": user_index, "protocol": "ble-bcs"})
            yield checked_final(FinalReading(
                self.device_id, "body_fat", {"body_fat": round(m.body_fat_pct, 1)}, "%", trial=trial,
                calibration_id=str(record.id) if record is not None else None,
                quality_flags=frozenset({UNCALIBRATED}) if self.book is None else frozenset(), details=details))
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)


class TanitaAnalyser(SerialInstrumentDriver):
    """A Tanita analyser's RS-232 output: one record per measurement, nothing to send."""

    CODEC = tanita_serial.CODEC  # type: ignore[assignment]
    kind = "body_composition"
    BAUD = tanita_serial.BAUD
    REQUIRES_CALIBRATION = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("frame_timeout_s", 120.0)  # the analyser is silent until the measurement ends
        super().__init__(*args, **kwargs)

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        async with contextlib.aclosing(self.messages()) as incoming:
            async for rec in incoming:
                if not isinstance(rec, tanita_serial.TanitaRecord):
                    continue
                if rec.status_code not in (None, 0) or rec.body_fat_pct is None:
                    raise DeviceReportedError(f"analyser status {rec.status_code}, body fat {rec.body_fat_pct}",
                                              code="unsuccessful", device_id=self.device_id,
                                              resident_message=UNSUCCESSFUL_MESSAGE)
                details = _details({"weight_kg": rec.weight_kg, "fat_mass_kg": rec.fat_mass_kg,
                                    "fat_free_mass_kg": rec.fat_free_mass_kg, "muscle_mass_kg": rec.muscle_mass_kg,
                                    "body_water_kg": rec.body_water_kg, "bmi_on_analyser": rec.bmi,
                                    "model": rec.model, "protocol": "tanita-serial"})
                yield FinalReading(self.device_id, "body_fat", {"body_fat": round(rec.body_fat_pct, 1)}, "%",
                                   taken_at=self.clock(), trial=trial, calibration_id=self.calibration_id,
                                   quality_flags=self.flags(self.calibration), details=details)
                return
        raise DeviceTimeout("no record from the analyser", device_id=self.device_id)
