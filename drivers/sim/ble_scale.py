"""Simulated BLE weight scale (Weight Scale Service 0x181D) for a ``FakeGattPeer``.

When the station enables indications on 0x2A9D, the simulated resident steps on (``step_on_s`` of
real time, never compressed by ``speed``: no one steps on a scale in a blink) and about two simulated
seconds later (the weight settling) the scale indicates one Weight Measurement with weight, time
stamp, user id, BMI and height. Faults: unsuccessful (0xFFFF), imperial (lb/in on the air),
disconnect_mid (the link drops while the weight settles), missing_indication (nothing is sent),
stored_first (an earlier weighing is replayed at once on subscribe). Link faults are the peer's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar

from drivers.codecs import ble_weight
from drivers.codecs.ble_weight import WeightMeasurement
from drivers.sim.ble_peripheral import PeripheralBase

SETTLE_S = 2.0


class BleScaleSimulator(PeripheralBase):
    name = "ble-scale"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_weight.SERVICE_UUID: (ble_weight.MEASUREMENT_UUID, ble_weight.FEATURE_UUID)}
    faults = frozenset({"unsuccessful", "imperial", "disconnect_mid", "missing_indication", "stored_first"})

    def __init__(self, weight_kg: float = 68.4, height_m: float = 1.66, *, speed: float = 1.0, seed: int = 5,
                 step_on_s: float = 1.5) -> None:
        super().__init__(speed=speed, seed=seed)
        self.step_on_s = step_on_s
        self.weight_kg = weight_kg
        self.height_m = height_m

    def on_read(self, char_uuid: str) -> bytes:
        # Weight Scale Feature: time stamp, multiple users, BMI; 0.005 kg and 0.001 m resolution
        return (0x07 | 5 << 3 | 3 << 7).to_bytes(4, "little") if char_uuid == ble_weight.FEATURE_UUID else b""

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_weight.MEASUREMENT_UUID and subscribed and not self.busy:
            self.spawn(self._weigh())

    async def _weigh(self) -> None:
        if self.armed("stored_first"):  # replay an earlier weighing at once, as scales do on subscribe
            self.send(ble_weight.MEASUREMENT_UUID, ble_weight.encode_weight_measurement(
                WeightMeasurement(93.1, False, datetime(2025, 12, 1, 8, 0), 1, 30.4, 1.75)))
        unsuccessful, imperial = self.armed("unsuccessful"), self.armed("imperial")
        disconnect_mid, missing = self.armed("disconnect_mid"), self.armed("missing_indication")
        await asyncio.sleep(self.step_on_s)
        await self.pause(SETTLE_S / 2)
        if disconnect_mid:
            self.drop_link()
            return
        await self.pause(SETTLE_S / 2)
        if missing:
            return
        weight = None if unsuccessful else round(self.weight_kg + self.rng.uniform(-0.05, 0.05), 2)
        bmi = round(self.weight_kg / self.height_m**2, 1)
        m = WeightMeasurement(weight, imperial, datetime.now().replace(microsecond=0), 1, bmi, self.height_m)
        self.send(ble_weight.MEASUREMENT_UUID, ble_weight.encode_weight_measurement(m))
