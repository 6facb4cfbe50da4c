"""Codec of the four-load-cell balance platform: corner forces at ≥ 50 Hz (protocol ``balance-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"BL"`` (0x42 0x4C), max LEN 24; 115200 8N1.

Geometry (reported by Info): the load cells sit at the corners of a width × length rectangle centred
on the origin; x points to the resident's right, y forwards (toes). Corner order in every frame:
0 = left-front (-W/2, +L/2), 1 = right-front (+W/2, +L/2), 2 = left-rear (-W/2, -L/2),
3 = right-rear (+W/2, -L/2).

Host → device
  0x01 StartStream   rate_hz:u8 (50..200)
  0x02 StopStream    (no payload)
  0x03 QueryInfo     (no payload)
Device → host
  0x81 CornerForces  seq:u16 grams:i32 × 4      factory-calibrated force per corner, in grams-force
  0x84 Info          serial:u32 rate_hz:u8 width_mm:u16 length_mm:u16
  0x8F DeviceError   code:u8 cell:u8            1 overload, 2 load cell fault (cell = 0..3, 255 = all)

Example (hand-worked): CornerForces seq=2, 15 kg on each corner is
``42 4C 13 81 00 02 00 00 3A 98 00 00 3A 98 00 00 3A 98 00 00 3A 98 D9 DC``.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"BL"
MAX_LEN = 24
CORNERS = ("left_front", "right_front", "left_rear", "right_rear")


class BalanceErrorCode(enum.IntEnum):
    OVERLOAD = 1
    CELL_FAULT = 2


BALANCE_ERROR_TEXT = {
    BalanceErrorCode.OVERLOAD: "platform overloaded",
    BalanceErrorCode.CELL_FAULT: "load cell fault",
}


@dataclass(frozen=True)
class StartStream:
    TYPE: ClassVar[int] = 0x01
    rate_hz: int = 100

    def to_payload(self) -> bytes:
        return bytes((self.rate_hz,))

    @classmethod
    def from_payload(cls, payload: bytes) -> StartStream:
        (rate,) = unpack(">B", payload, "StartStream")
        if not 50 <= rate <= 200:
            raise ValueError(f"rate {rate} Hz outside 50..200")
        return cls(rate)


@dataclass(frozen=True)
class StopStream(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class QueryInfo(BareMessage):
    TYPE: ClassVar[int] = 0x03


@dataclass(frozen=True)
class CornerForces:
    TYPE: ClassVar[int] = 0x81
    seq: int
    grams: tuple[int, int, int, int]

    @property
    def kg(self) -> tuple[float, float, float, float]:
        a, b, c, d = (g / 1000.0 for g in self.grams)
        return (a, b, c, d)

    def to_payload(self) -> bytes:
        return struct.pack(">H4i", self.seq, *self.grams)

    @classmethod
    def from_payload(cls, payload: bytes) -> CornerForces:
        seq, a, b, c, d = unpack(">H4i", payload, "CornerForces")
        return cls(seq, (a, b, c, d))


@dataclass(frozen=True)
class Info:
    TYPE: ClassVar[int] = 0x84
    serial: int
    rate_hz: int
    width_mm: int
    length_mm: int

    def to_payload(self) -> bytes:
        return struct.pack(">IBHH", self.serial, self.rate_hz, self.width_mm, self.length_mm)

    @classmethod
    def from_payload(cls, payload: bytes) -> Info:
        serial, rate, width, length = unpack(">IBHH", payload, "Info")
        if not 50 <= rate <= 200:
            raise ValueError(f"rate {rate} Hz outside 50..200")
        if width == 0 or length == 0:
            raise ValueError("platform width and length must be positive")
        return cls(serial, rate, width, length)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: BalanceErrorCode
    cell: int = 255

    @property
    def text(self) -> str:
        where = "" if self.cell == 255 else f" ({CORNERS[self.cell]})"
        return BALANCE_ERROR_TEXT[self.code] + where

    def to_payload(self) -> bytes:
        return bytes((self.code, self.cell))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        code, cell = unpack(">BB", payload, "DeviceError")
        if cell > 3 and cell != 255:
            raise ValueError(f"cell {cell} is not 0..3 or 255")
        return cls(BalanceErrorCode(code), cell)


CODEC = InstrumentCodec("balance", SYNC, (StartStream, StopStream, QueryInfo, CornerForces, Info, DeviceError),
                        max_len=MAX_LEN)
