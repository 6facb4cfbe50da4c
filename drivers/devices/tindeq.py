"""Tindeq Progressor as a grip dynamometer (protocol ``tindeq-progressor``): tare, stream weight, keep the peak.

``measure(trial=, side=)`` tares the gauge, starts weight measurement, and feeds each sample (kg, at the
gauge's own µs time stamp, so notification batching does not bend the curve) through the station's
calibration into the same ``GripTrialDetector`` as the serial dynamometer; it stops the stream however the
squeeze ends. ``describe()`` reads the firmware version and battery voltage. The Progressor's own
calibration commands (``ADD_CALIB_POINT``/``SAVE_CALIB``) are not used: the station keeps its own
calibration record from known masses (``read_steady_kg``), like every other grip device.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from drivers.base import CodecError, DeviceState, DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.calibration import LinearCorrection
from drivers.codecs import tindeq as td
from drivers.devices.ble_device import BleDevice
from drivers.devices.grip import GripTrialDetector, _side
from drivers.devices.serial_instrument import checked_final


class TindeqProgressor(BleDevice):
    kind = "grip"
    service_uuid = td.SERVICE_UUID
    PROTOCOL = "tindeq-progressor"
    sample_timeout_s = 1.0

    async def _ask(self, command: td.Command) -> td.CommandResponse:
        queue = await self._subscribe([td.DATA_UUID])
        try:
            await self.client.write(td.CONTROL_UUID, td.encode_command(command))
            while True:
                _char, data = await self._next_frame(queue, 2.0, f"reply to {command.name}")
                with contextlib.suppress(CodecError):
                    point = td.decode_data_point(data)
                    if isinstance(point, td.CommandResponse):
                        return point
        finally:
            await self._unsubscribe(queue, [td.DATA_UUID])

    async def describe(self) -> dict[str, object]:
        found = await super().describe()
        version = (await self._ask(td.Command.GET_APP_VERSION)).text
        battery = (await self._ask(td.Command.GET_BATT_VLTG)).battery_mv
        return found | {"protocol": self.PROTOCOL, "firmware": version, "battery_mv": battery}

    async def tare(self) -> None:
        """Zero the gauge (its TARE_SCALE command); nothing may hang on it."""
        await self._ensure_connected()
        await self.client.write(td.CONTROL_UUID, td.encode_command(td.Command.TARE_SCALE))

    async def samples(self, *, tare: bool = True) -> AsyncIterator[td.WeightSample]:
        """Weight samples (after a fresh tare unless ``tare=False``); the stream is stopped on exit."""
        await self._ensure_connected()
        if tare:
            await self.tare()
        queue = await self._subscribe([td.DATA_UUID])
        await self.client.write(td.CONTROL_UUID, td.encode_command(td.Command.START_WEIGHT_MEAS))
        self._set_state(DeviceState.MEASURING)
        try:
            while True:
                _char, data = await self._next_frame(queue, self.sample_timeout_s, "Progressor weight samples")
                try:
                    point = td.decode_data_point(data)
                except CodecError:
                    continue
                if isinstance(point, td.WeightMeasurement):
                    for sample in point.samples:
                        yield sample
        finally:
            if self.client.is_connected:
                with contextlib.suppress(DriverError):
                    await self.client.write(td.CONTROL_UUID, td.encode_command(td.Command.STOP_WEIGHT_MEAS))
            await self._unsubscribe(queue, [td.DATA_UUID])
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        side = _side(options.get("side"), self.device_id)
        squeeze_within_s = float(options.get("squeeze_within_s", 10.0))  # type: ignore[arg-type]
        record = None if options.get("calibration_mode") else self._gate()
        correction = LinearCorrection.from_record(record)
        detector = GripTrialDetector()
        first_us: int | None = None
        async with contextlib.aclosing(self.samples()) as stream:
            async for sample in stream:
                first_us = sample.time_us if first_us is None else first_us
                t = ((sample.time_us - first_us) & 0xFFFFFFFF) / 1e6
                force = correction.apply(sample.weight_kg)
                yield Progress(self.device_id, "force_kg", round(force, 2), t)
                if detector.feed(t, force):
                    break
                if detector.started_at_s is None and t > squeeze_within_s:
                    raise DeviceTimeout(f"no squeeze within {squeeze_within_s:.0f} s", device_id=self.device_id,
                                        resident_message="No squeeze was felt. Please squeeze the handle hard.")
        assert detector.started_at_s is not None and detector.peak_at_s is not None
        flags = frozenset() if record is not None and self.book is not None else frozenset({"uncalibrated"})
        yield checked_final(FinalReading(
            self.device_id, "grip", {"grip": round(detector.peak_kg, 1)}, "kg", trial=trial, side=side,
            calibration_id=str(record.id) if record else None, quality_flags=flags,
            details={"peak_at_s": round(detector.peak_at_s - detector.started_at_s, 2),
                     "curve": detector.curve[::4], "protocol": self.PROTOCOL}))

    async def read_steady_kg(self, seconds: float = 1.0) -> float:
        """Mean uncorrected weight over ``seconds`` of the gauge's clock (the grip calibration's known masses)."""
        values: list[float] = []
        first: int | None = None
        async with contextlib.aclosing(self.samples(tare=False)) as stream:
            async for sample in stream:
                first = sample.time_us if first is None else first
                values.append(sample.weight_kg)
                if (sample.time_us - first) / 1e6 >= seconds:
                    break
        return sum(values) / len(values)
