"""Codec of the load-cell grip dynamometer: force frames, tare, info and error replies (protocol ``grip-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"GR"`` (0x47 0x52), max LEN 16; 9600 8N1.

Host → device
  0x01 StartStream  rate_hz:u8 (10..200)          start streaming ForceSample frames
  0x02 StopStream   (no payload)
  0x03 Tare         (no payload)                   zero the load cell with the handle at rest
  0x04 QueryInfo    (no payload)
Device → host
  0x81 ForceSample  seq:u16 force_10g:i32 status:u8 force in 0.01 kg (factory calibration, not yet
                                                    the station's correction); status bit0 overload,
                                                    bit1 tared since power-up
  0x82 Ack          command:u8 result:u8           result 0 = done, 1 = refused (e.g. tare under load)
  0x84 Info         serial:u32 fw_major:u8 fw_minor:u8 rate_hz:u8 capacity_kg:u8
  0x8F DeviceError  code:u8                        1 overload, 2 load-cell bridge open, 3 tare under load

Example (hand-worked): ForceSample seq=1, 25.00 kg, status 0b10 is
``47 52 08 81 00 01 00 00 09 C4 02 AA 3C`` (0x09C4 = 2500 × 0.01 kg).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"GR"
MAX_LEN = 16


class GripErrorCode(enum.IntEnum):
    OVERLOAD = 1
    BRIDGE_OPEN = 2
    TARE_UNDER_LOAD = 3


GRIP_ERROR_TEXT = {
    GripErrorCode.OVERLOAD: "load cell overloaded",
    GripErrorCode.BRIDGE_OPEN: "load-cell bridge open (cable or sensor fault)",
    GripErrorCode.TARE_UNDER_LOAD: "tare refused: the handle was under load",
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
        if not 10 <= rate <= 200:
            raise ValueError(f"rate {rate} Hz outside 10..200")
        return cls(rate)


@dataclass(frozen=True)
class StopStream(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class Tare(BareMessage):
    TYPE: ClassVar[int] = 0x03


@dataclass(frozen=True)
class QueryInfo(BareMessage):
    TYPE: ClassVar[int] = 0x04


@dataclass(frozen=True)
class ForceSample:
    TYPE: ClassVar[int] = 0x81
    seq: int
    force_10g: int  # 0.01 kg steps
    overload: bool = False
    tared: bool = True

    @property
    def force_kg(self) -> float:
        return self.force_10g / 100.0

    def to_payload(self) -> bytes:
        status = (1 if self.overload else 0) | (2 if self.tared else 0)
        return self.seq.to_bytes(2, "big") + self.force_10g.to_bytes(4, "big", signed=True) + bytes((status,))

    @classmethod
    def from_payload(cls, payload: bytes) -> ForceSample:
        seq, force, status = unpack(">HiB", payload, "ForceSample")
        if status & 0xFC:
            raise ValueError(f"reserved status bits set: 0x{status:02X}")
        return cls(seq, force, bool(status & 1), bool(status & 2))


@dataclass(frozen=True)
class Ack:
    TYPE: ClassVar[int] = 0x82
    command: int
    refused: bool = False

    def to_payload(self) -> bytes:
        return bytes((self.command, 1 if self.refused else 0))

    @classmethod
    def from_payload(cls, payload: bytes) -> Ack:
        command, result = unpack(">BB", payload, "Ack")
        if result > 1:
            raise ValueError(f"ack result {result} is not 0 (done) or 1 (refused)")
        return cls(command, bool(result))


@dataclass(frozen=True)
class Info:
    TYPE: ClassVar[int] = 0x84
    serial: int
    firmware: tuple[int, int]
    rate_hz: int
    capacity_kg: int

    def to_payload(self) -> bytes:
        return self.serial.to_bytes(4, "big") + bytes((*self.firmware, self.rate_hz, self.capacity_kg))

    @classmethod
    def from_payload(cls, payload: bytes) -> Info:
        serial, major, minor, rate, capacity = unpack(">IBBBB", payload, "Info")
        return cls(serial, (major, minor), rate, capacity)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: GripErrorCode

    @property
    def text(self) -> str:
        return GRIP_ERROR_TEXT[self.code]

    def to_payload(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        (code,) = unpack(">B", payload, "DeviceError")
        return cls(GripErrorCode(code))  # ValueError for an unknown code -> CodecError


CODEC = InstrumentCodec("grip", SYNC, (StartStream, StopStream, Tare, QueryInfo, ForceSample, Ack, Info,
                                       DeviceError), max_len=MAX_LEN)
