"""Simulated Tindeq Progressor behind a ``FakeGattPeer``: TLV commands in, weight data points out.

START_WEIGHT_MEAS streams a squeeze (``drivers.sim.grip.squeeze_force_kg``) at 80 Hz, batched 10 samples per
notification with the gauge's µs time stamps; TARE zeroes the offset; GET_APP_VERSION and GET_BATT_VLTG answer
as command responses. ``hanging_mass_kg`` replaces the squeeze by a hanging calibration mass. Faults: ``stall`` (the
stream stops), ``low_power`` (a low-power warning first); link faults are the peer's.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import ClassVar

from drivers.codecs import tindeq as td
from drivers.sim.ble_peripheral import PeripheralBase
from drivers.sim.grip import squeeze_force_kg

RATE_HZ = 80
PER_NOTIFICATION = 10


class TindeqProgressorSimulator(PeripheralBase):
    name = "Progressor_7125"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {td.SERVICE_UUID: (td.DATA_UUID, td.CONTROL_UUID)}
    faults = frozenset({"stall", "low_power"})

    def __init__(self, *, peak_kg: float = 30.0, zero_offset_kg: float = 0.3, speed: float = 1.0,
                 seed: int = 5) -> None:
        super().__init__(speed=speed, seed=seed)
        self.peak_kg, self.offset_kg = peak_kg, zero_offset_kg
        self.hanging_mass_kg: float | None = None  # calibration: a known mass instead of a squeeze
        self.clock_us = 123_456_789

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if char_uuid != td.CONTROL_UUID:
            return
        command = td.decode_command(data).command
        if command is td.Command.TARE_SCALE:
            self.offset_kg = 0.0
        elif command is td.Command.START_WEIGHT_MEAS:
            for task in list(self._tasks):  # a new start replaces a stream still winding down
                task.cancel()
            self.spawn(self._stream())
        elif command is td.Command.STOP_WEIGHT_MEAS:
            for task in list(self._tasks):
                task.cancel()
        elif command is td.Command.GET_APP_VERSION:
            self.send(td.DATA_UUID, td.encode_response(b"1.2.3.4"))
        elif command is td.Command.GET_BATT_VLTG:
            self.send(td.DATA_UUID, td.encode_response(struct.pack("<I", 3871)))

    async def _stream(self) -> None:
        stall = self.armed("stall")
        if self.armed("low_power"):
            self.send(td.DATA_UUID, bytes((td.ResponseTag.LOW_POWER_WARNING, 0)))
        i = 0
        while True:
            batch = []
            for _ in range(PER_NOTIFICATION):
                t = i / RATE_HZ
                kg = self.hanging_mass_kg if self.hanging_mass_kg is not None else squeeze_force_kg(t, self.peak_kg)
                batch.append(td.WeightSample(kg + self.offset_kg + self.rng.gauss(0, 0.03), self.clock_us))
                self.clock_us = (self.clock_us + 1_000_000 // RATE_HZ) & 0xFFFFFFFF
                i += 1
            if stall and i > RATE_HZ:
                return
            self.send(td.DATA_UUID, td.encode_weight(batch))
            await self.pause(PER_NOTIFICATION / RATE_HZ)
