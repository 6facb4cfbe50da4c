"""Simulated Bluetooth clinical thermometer (Health Thermometer Service 0x1809) for a ``FakeGattPeer``.

When the station enables indications on 0x2A1C, the simulated resident puts the thermometer under
the arm (``place_s`` of real time, not compressed) and about ``settle_s`` simulated seconds later
(a predictive thermometer's reading time) it indicates one Temperature Measurement: ``temperature_c``
± 0.1 °C, with a time stamp and the site (armpit). While it settles it notifies intermediate
temperatures on 0x2A1E. Faults: ``fahrenheit`` (the next reading in °F on the air), ``no_reading``
(the next reading is a NaN FLOAT), ``fever`` (the resident has 38.4 °C), ``stored_first`` (an
earlier reading is replayed at once on subscribe), ``disconnect_mid``. Link faults are the peer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from drivers.codecs import ble_hts
from drivers.codecs.ble_hts import TemperatureMeasurement, TemperatureType
from drivers.sim.ble_peripheral import PeripheralBase


class BleThermometerSimulator(PeripheralBase):
    name = "ble-hts"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_hts.SERVICE_UUID: (ble_hts.MEASUREMENT_UUID, ble_hts.TYPE_UUID, ble_hts.INTERMEDIATE_UUID)}
    faults = frozenset({"fahrenheit", "no_reading", "fever", "stored_first", "disconnect_mid"})

    def __init__(self, temperature_c: float = 36.6, *, speed: float = 1.0, seed: int = 5, place_s: float = 1.2,
                 settle_s: float = 8.0) -> None:
        super().__init__(speed=speed, seed=seed)
        self.temperature_c, self.place_s, self.settle_s = temperature_c, place_s, settle_s

    def on_read(self, char_uuid: str) -> bytes:
        return bytes([TemperatureType.ARMPIT]) if char_uuid == ble_hts.TYPE_UUID else b""

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_hts.MEASUREMENT_UUID and subscribed and not self.busy:
            self.spawn(self._take())

    async def _take(self) -> None:
        import asyncio

        if self.armed("stored_first"):
            self.send(ble_hts.MEASUREMENT_UUID, ble_hts.encode_temperature_measurement(
                TemperatureMeasurement(37.9, False, datetime(2025, 12, 1, 8, 0), TemperatureType.ARMPIT)))
        fahrenheit, no_reading = self.armed("fahrenheit"), self.armed("no_reading")
        disconnect_mid = self.armed("disconnect_mid")
        target = 38.4 if self.armed("fever") else self.temperature_c
        await asyncio.sleep(self.place_s)
        steps = 4
        for i in range(1, steps + 1):
            await self.pause(self.settle_s / steps)
            if disconnect_mid and i == 2:
                self.drop_link()
                return
            if i < steps:
                rising = round(34.0 + (target - 34.0) * i / steps, 1)
                self.send(ble_hts.INTERMEDIATE_UUID, ble_hts.encode_temperature_measurement(
                    TemperatureMeasurement(rising, False, None, TemperatureType.ARMPIT)))
        value = None if no_reading else round(target + self.rng.uniform(-0.1, 0.1), 1)
        self.send(ble_hts.MEASUREMENT_UUID, ble_hts.encode_temperature_measurement(TemperatureMeasurement(
            value, fahrenheit, datetime.now().replace(microsecond=0), TemperatureType.ARMPIT)))
