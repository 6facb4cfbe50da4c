"""Codec of the vital-capacity meter, which measures one blow itself and reports the volume (``vital-capacity-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"VC"`` (0x56 0x43), max LEN 8; 9600 8N1.
This is the national fitness test's 肺活量计: the resident takes a full breath and blows out fully
into the mouthpiece; the meter reports the exhaled volume in mL (BTPS-corrected by the meter).

Host → device
  0x01 StartBlow   (no payload)     arm the meter: it waits up to 10 s for a blow
  0x02 Cancel      (no payload)
  0x03 QueryResult (no payload)     resend the last Result (the host lost it: bad checksum, noise)
Device → host
  0x81 Volume      volume_ml:u16    running volume during the blow (about 10 per second)
  0x83 Result      volume_ml:u16    the blow is over (no flow for 1.5 s); the final volume
  0x8F DeviceError code:u8          1 no blow within 10 s, 2 blow interrupted (leak), 3 sensor fault

Example (hand-worked): Result 3250 mL is ``56 43 03 83 0C B2 BF E2``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"VC"
MAX_LEN = 8


class VitalCapacityErrorCode(enum.IntEnum):
    NO_BLOW = 1
    INTERRUPTED = 2
    SENSOR_FAULT = 3


VITAL_CAPACITY_ERROR_TEXT = {
    VitalCapacityErrorCode.NO_BLOW: "no blow within 10 s",
    VitalCapacityErrorCode.INTERRUPTED: "blow interrupted (air leaked round the mouthpiece?)",
    VitalCapacityErrorCode.SENSOR_FAULT: "flow sensor fault",
}


@dataclass(frozen=True)
class StartBlow(BareMessage):
    TYPE: ClassVar[int] = 0x01


@dataclass(frozen=True)
class Cancel(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class QueryResult(BareMessage):
    TYPE: ClassVar[int] = 0x03


@dataclass(frozen=True)
class Volume:
    TYPE: ClassVar[int] = 0x81
    volume_ml: int

    def to_payload(self) -> bytes:
        return self.volume_ml.to_bytes(2, "big")

    @classmethod
    def from_payload(cls, payload: bytes) -> Volume:
        (v,) = unpack(">H", payload, "Volume")
        return cls(v)


@dataclass(frozen=True)
class Result:
    TYPE: ClassVar[int] = 0x83
    volume_ml: int

    def to_payload(self) -> bytes:
        return self.volume_ml.to_bytes(2, "big")

    @classmethod
    def from_payload(cls, payload: bytes) -> Result:
        (v,) = unpack(">H", payload, "Result")
        return cls(v)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: VitalCapacityErrorCode

    @property
    def text(self) -> str:
        return VITAL_CAPACITY_ERROR_TEXT[self.code]

    def to_payload(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        (code,) = unpack(">B", payload, "DeviceError")
        return cls(VitalCapacityErrorCode(code))


CODEC = InstrumentCodec("vital-capacity", SYNC, (StartBlow, Cancel, QueryResult, Volume, Result, DeviceError),
                        max_len=MAX_LEN)
