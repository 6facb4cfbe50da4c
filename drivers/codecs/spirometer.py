"""Codec of the spirometer flow sensor: blocks of flow samples and ambient conditions (protocol ``spirometer-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"SP"`` (0x53 0x50), max LEN 64; 115200 8N1.

The sensor (a pneumotachograph / turbine head) streams volumetric flow at ambient conditions (ATPS);
the station integrates volume, converts to BTPS and computes FVC, FEV1, PEF (``drivers.spirometry``).
Expiratory flow is positive, inspiratory negative.

Host → device
  0x01 StartTest    (no payload)       zero the flow offset and start streaming FlowBlock frames
  0x02 StopTest     (no payload)
  0x04 QueryInfo    (no payload)
  0x05 QueryAmbient (no payload)
Device → host
  0x81 FlowBlock    seq:u16 count:u8 flow_ml_s:i16 × count (1..25)   consecutive samples at rate_hz;
                                                  seq counts blocks, so a lost block shows as a gap
  0x82 Ambient      temperature_dC:i16 pressure_dhPa:u16 humidity_pct:u8   (0.1 °C, 0.1 hPa, %RH)
  0x84 Info         serial:u32 rate_hz:u16
  0x8F DeviceError  code:u8   1 flow sensor fault, 2 zero-flow offset out of range, 3 flow over range

Example (hand-worked): FlowBlock seq=7 with samples 0, 1000, -250 mL/s is
``53 50 0A 81 00 07 03 00 00 03 E8 FF 06 B3 AC``.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"SP"
MAX_LEN = 64
MAX_SAMPLES_PER_BLOCK = 25


class SpirometerErrorCode(enum.IntEnum):
    SENSOR_FAULT = 1
    ZERO_OFFSET = 2
    FLOW_OVER_RANGE = 3


SPIROMETER_ERROR_TEXT = {
    SpirometerErrorCode.SENSOR_FAULT: "flow sensor fault",
    SpirometerErrorCode.ZERO_OFFSET: "zero-flow offset out of range (flow through the head while zeroing?)",
    SpirometerErrorCode.FLOW_OVER_RANGE: "flow beyond the sensor's range",
}


@dataclass(frozen=True)
class StartTest(BareMessage):
    TYPE: ClassVar[int] = 0x01


@dataclass(frozen=True)
class StopTest(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class QueryInfo(BareMessage):
    TYPE: ClassVar[int] = 0x04


@dataclass(frozen=True)
class QueryAmbient(BareMessage):
    TYPE: ClassVar[int] = 0x05


@dataclass(frozen=True)
class FlowBlock:
    TYPE: ClassVar[int] = 0x81
    seq: int
    flow_ml_s: tuple[int, ...]

    def to_payload(self) -> bytes:
        if not 1 <= len(self.flow_ml_s) <= MAX_SAMPLES_PER_BLOCK:
            raise ValueError(f"a block holds 1..{MAX_SAMPLES_PER_BLOCK} samples")
        n = len(self.flow_ml_s)
        return struct.pack(f">HB{n}h", self.seq, n, *self.flow_ml_s)

    @classmethod
    def from_payload(cls, payload: bytes) -> FlowBlock:
        if len(payload) < 3:
            raise ValueError(f"FlowBlock payload of {len(payload)} bytes has no header")
        seq, n = struct.unpack_from(">HB", payload)
        if not 1 <= n <= MAX_SAMPLES_PER_BLOCK:
            raise ValueError(f"sample count {n} outside 1..{MAX_SAMPLES_PER_BLOCK}")
        samples = unpack(f">{n}h", payload[3:], "FlowBlock samples")
        return cls(seq, tuple(samples))


@dataclass(frozen=True)
class Ambient:
    TYPE: ClassVar[int] = 0x82
    temperature_dc: int  # 0.1 °C
    pressure_dhpa: int  # 0.1 hPa
    humidity_pct: int

    @property
    def temperature_c(self) -> float:
        return self.temperature_dc / 10

    @property
    def pressure_hpa(self) -> float:
        return self.pressure_dhpa / 10

    def to_payload(self) -> bytes:
        return struct.pack(">hHB", self.temperature_dc, self.pressure_dhpa, self.humidity_pct)

    @classmethod
    def from_payload(cls, payload: bytes) -> Ambient:
        t, p, h = unpack(">hHB", payload, "Ambient")
        if not -200 <= t <= 500:
            raise ValueError(f"ambient temperature {t / 10} °C outside -20..50")
        if not 5000 <= p <= 11000:
            raise ValueError(f"ambient pressure {p / 10} hPa outside 500..1100")
        if h > 100:
            raise ValueError(f"humidity {h} % above 100")
        return cls(t, p, h)


@dataclass(frozen=True)
class Info:
    TYPE: ClassVar[int] = 0x84
    serial: int
    rate_hz: int

    def to_payload(self) -> bytes:
        return struct.pack(">IH", self.serial, self.rate_hz)

    @classmethod
    def from_payload(cls, payload: bytes) -> Info:
        serial, rate = unpack(">IH", payload, "Info")
        if not 50 <= rate <= 1000:
            raise ValueError(f"sample rate {rate} Hz outside 50..1000")
        return cls(serial, rate)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: SpirometerErrorCode

    @property
    def text(self) -> str:
        return SPIROMETER_ERROR_TEXT[self.code]

    def to_payload(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        (code,) = unpack(">B", payload, "DeviceError")
        return cls(SpirometerErrorCode(code))


CODEC = InstrumentCodec("spirometer", SYNC, (StartTest, StopTest, QueryInfo, QueryAmbient, FlowBlock, Ambient, Info,
                                             DeviceError), max_len=MAX_LEN)
