"""Simulated Vernier Go Direct devices behind a ``FakeGattPeer``: a GDX-HD dynamometer and a GDX-SPR spirometer.

They answer INIT, status, device info, sensor masks and sensor info with the packets of
``drivers.codecs.godirect`` (the GDX-HD describes a "Force" sensor in N, the GDX-SPR a "Flow Rate"
sensor in L/s beside its volume sensor), reassemble the central's 20-byte writes, and on START stream
NORMAL_REAL32 measurement packets of 5 samples each at the requested period: a squeeze
(``drivers.sim.grip.squeeze_force_kg``, in N) or a forced expiration (``drivers.sim.spirometer``, ambient flow).
Faults: ``stall`` (the stream stops), ``garbage`` and ``disconnect`` are the peer's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from drivers.codecs import godirect as gd
from drivers.sim.ble_peripheral import PeripheralBase
from drivers.sim.grip import squeeze_force_kg
from drivers.sim.spirometer import forced_expiration_flow
from drivers.spirometry import btps_factor

ROWS_PER_PACKET = 5


class GoDirectSimulator(PeripheralBase):
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {gd.SERVICE_UUID: (gd.COMMAND_UUID, gd.RESPONSE_UUID)}
    faults = frozenset({"stall"})
    ORDER_CODE = "GDX-??"
    SENSORS: ClassVar[tuple[gd.SensorInfo, ...]] = ()

    def __init__(self, *, speed: float = 1.0, seed: int = 5) -> None:
        super().__init__(speed=speed, seed=seed)
        self._incoming = bytearray()
        self.period_us = 100_000
        self.status = gd.DeviceStatus(0, "1.6.3", "1.2.0", 87, 0)
        self.name = f"{self.ORDER_CODE} 0F1004{seed:02d}"

    def _reply(self, command: int, counter: int, payload: bytes = b"\x00") -> None:
        for chunk in gd.ble_chunks(gd.encode_response(command, counter, payload)):
            self.send(gd.RESPONSE_UUID, chunk)

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if char_uuid != gd.COMMAND_UUID:
            return
        self._incoming += data
        while len(self._incoming) >= 2 and len(self._incoming) >= self._incoming[1]:
            packet, self._incoming = bytes(self._incoming[:self._incoming[1]]), self._incoming[self._incoming[1]:]
            message = gd.decode_packet(packet)
            if isinstance(message, gd.CommandPacket):
                self._handle(message)

    def _handle(self, m: gd.CommandPacket) -> None:
        c = gd.Command
        if m.command == c.GET_STATUS:
            self._reply(m.command, m.counter, gd.encode_status(self.status))
        elif m.command == c.GET_DEVICE_INFO:
            order, serial = self.name.split(" ")
            info = gd.DeviceInfo(order, serial, self.name, self.status.firmware, f"Go Direct {order}")
            self._reply(m.command, m.counter, gd.encode_device_info(info))
        elif m.command in (c.GET_SENSOR_AVAILABLE_MASK, c.GET_DEFAULT_SENSORS_MASK):
            mask = sum(1 << s.number for s in self.SENSORS)
            self._reply(m.command, m.counter, mask.to_bytes(4, "little"))
        elif m.command == c.GET_SENSOR_INFO:
            sensor = next((s for s in self.SENSORS if s.number == m.params[0]), None)
            if sensor is not None:
                self._reply(m.command, m.counter, gd.encode_sensor_info(sensor))
        elif m.command == c.SET_MEASUREMENT_PERIOD:
            self.period_us = int.from_bytes(m.params[2:6], "little")
            self._reply(m.command, m.counter)
        elif m.command == c.START_MEASUREMENTS:
            self._reply(m.command, m.counter)
            self.spawn(self._stream(int.from_bytes(m.params[2:6], "little")))
        elif m.command == c.STOP_MEASUREMENTS:
            for task in list(self._tasks):
                task.cancel()
            self._reply(m.command, m.counter)
        else:
            self._reply(m.command, m.counter)

    def values(self, sensor: int) -> list[float]:
        raise NotImplementedError

    async def _stream(self, mask: int) -> None:
        sensor = next(i for i in range(32) if mask >> i & 1)
        values = self.values(sensor)
        dt = self.period_us / 1e6
        for i in range(0, len(values), ROWS_PER_PACKET):
            if i > len(values) // 3 and self.armed("stall"):  # a stream stopped before this point keeps it armed
                return
            rows = [[v] for v in values[i:i + ROWS_PER_PACKET]]
            for chunk in gd.ble_chunks(gd.encode_measurement(1 << sensor, rows)):
                self.send(gd.RESPONSE_UUID, chunk)
            await self.pause(dt * len(rows))


class GdxHandDynamometerSimulator(GoDirectSimulator):
    ORDER_CODE = "GDX-HD"
    SENSORS = (gd.SensorInfo(1, 1, "Force", "N", -100.0, 850.0, 1000, 100_000),
               gd.SensorInfo(2, 2, "X-axis acceleration", "m/s²", -160.0, 160.0, 1000, 100_000))

    def __init__(self, *, peak_kg: float = 29.0, zero_offset_n: float = 3.0, **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.peak_kg, self.zero_offset_n = peak_kg, zero_offset_n
        self.hanging_mass_kg: float | None = None  # calibration: a known mass on the handle instead of a squeeze

    def values(self, sensor: int) -> list[float]:
        n = round(6.0 / (self.period_us / 1e6))
        dt = self.period_us / 1e6
        kg = [self.hanging_mass_kg if self.hanging_mass_kg is not None else squeeze_force_kg(i * dt, self.peak_kg)
              for i in range(n)]
        return [k * 9.80665 + self.zero_offset_n + self.rng.gauss(0, 0.2) for k in kg]


class GdxSpirometerSimulator(GoDirectSimulator):
    ORDER_CODE = "GDX-SPR"
    SENSORS = (gd.SensorInfo(1, 1, "Flow Rate", "L/s", -10.0, 10.0, 10_000, 10_000),
               gd.SensorInfo(2, 2, "Volume", "L", -10.0, 10.0, 10_000, 10_000))

    def __init__(self, *, fvc_l: float = 3.4, pef_l_s: float = 7.0, ambient_c: float = 23.0, **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fvc_l, self.pef_l_s, self.ambient_c = fvc_l, pef_l_s, ambient_c
        self.syringe_l: float | None = None  # calibration: the next stroke is a syringe of this volume

    def values(self, sensor: int) -> list[float]:
        rate = round(1e6 / self.period_us)
        if self.syringe_l is not None:  # a 1-s half-sine stroke of ambient air, after 0.5 s still
            n = rate
            peak = self.syringe_l * math.pi / 2  # ∫ peak·sin(πt) dt over 1 s = 2·peak/π
            return [0.0] * (rate // 2) + [peak * math.sin(math.pi * (i + 0.5) / n) for i in range(n)] \
                + [0.0] * (2 * rate)
        btps = btps_factor(self.ambient_c)
        return [f / btps for f in forced_expiration_flow(self.fvc_l, self.pef_l_s, rate_hz=rate)]
