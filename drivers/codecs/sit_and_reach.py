"""Codec of the sit-and-reach meter: the slider's signed displacement (protocol ``sit-and-reach-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"SR"`` (0x53 0x52), max LEN 8; 9600 8N1.

The meter's zero is the foot plane (坐位体前屈: the soles against the box): a slider pushed beyond
the toes reads positive, one that stops short reads negative, in millimetres (so 0.1 cm resolution).

Host → device
  0x01 StartStream  (no payload)    stream Position at about 20 Hz
  0x02 StopStream   (no payload)
Device → host
  0x81 Position     seq:u16 displacement_mm:i16
  0x8F DeviceError  code:u8         1 encoder fault, 2 slider not at its start position

Example (hand-worked): Position seq=3 at -4.5 cm is ``53 52 05 81 00 03 FF D3 64 21``.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"SR"
MAX_LEN = 8


class SitAndReachErrorCode(enum.IntEnum):
    ENCODER_FAULT = 1
    NOT_AT_START = 2


SIT_AND_REACH_ERROR_TEXT = {
    SitAndReachErrorCode.ENCODER_FAULT: "position encoder fault",
    SitAndReachErrorCode.NOT_AT_START: "slider is not at its start position",
}


@dataclass(frozen=True)
class StartStream(BareMessage):
    TYPE: ClassVar[int] = 0x01


@dataclass(frozen=True)
class StopStream(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class Position:
    TYPE: ClassVar[int] = 0x81
    seq: int
    displacement_mm: int

    @property
    def displacement_cm(self) -> float:
        return self.displacement_mm / 10.0

    def to_payload(self) -> bytes:
        return struct.pack(">Hh", self.seq, self.displacement_mm)

    @classmethod
    def from_payload(cls, payload: bytes) -> Position:
        seq, mm = unpack(">Hh", payload, "Position")
        if not -400 <= mm <= 600:
            raise ValueError(f"displacement {mm} mm outside the meter's -400..600 mm")
        return cls(seq, mm)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: SitAndReachErrorCode

    @property
    def text(self) -> str:
        return SIT_AND_REACH_ERROR_TEXT[self.code]

    def to_payload(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        (code,) = unpack(">B", payload, "DeviceError")
        return cls(SitAndReachErrorCode(code))


CODEC = InstrumentCodec("sit-and-reach", SYNC, (StartStream, StopStream, Position, DeviceError), max_len=MAX_LEN)
