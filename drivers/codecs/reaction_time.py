"""Codec of the choice reaction-time button box (选择反应时测试仪) (protocol ``reaction-serial``).

Framing: ``drivers.codecs.instrument_frame`` with SYNC ``b"RT"`` (0x52 0x54), max LEN 8; 9600 8N1.

The box has five signal keys, each with a lamp, and times on its own clock (1 ms resolution) so the
serial latency never enters the result. The station chooses the key and says when: the box lights
the lamp and reports the press.

Host → device
  0x01 Stimulus      stimulus:u8 key:u8 (1..5)   light key's lamp now and time the press
  0x02 Abort         (no payload)
Device → host
  0x81 Press         stimulus:u8 key:u8 reaction_ms:u16   first key pressed after the lamp lit
  0x82 Anticipation  stimulus:u8                  a key was already down, or pressed < 100 ms after
                                                  the lamp (faster than human reaction): a false start
  0x83 NoResponse    stimulus:u8                  nothing pressed within 3 s
  0x8F DeviceError   code:u8                      1 key stuck, 2 lamp fault

Example (hand-worked): Press stimulus 2, key 4, 512 ms is ``52 54 05 81 02 04 02 00 92 5A``.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import ClassVar

from drivers.codecs.instrument_frame import BareMessage, InstrumentCodec, unpack

SYNC = b"RT"
MAX_LEN = 8
KEYS = range(1, 6)


class ReactionErrorCode(enum.IntEnum):
    KEY_STUCK = 1
    LAMP_FAULT = 2


REACTION_ERROR_TEXT = {
    ReactionErrorCode.KEY_STUCK: "a key is stuck down",
    ReactionErrorCode.LAMP_FAULT: "a stimulus lamp is broken",
}


def _key(key: int) -> int:
    if key not in KEYS:
        raise ValueError(f"key {key} is not 1..5")
    return key


@dataclass(frozen=True)
class Stimulus:
    TYPE: ClassVar[int] = 0x01
    stimulus: int
    key: int

    def to_payload(self) -> bytes:
        return bytes((self.stimulus, _key(self.key)))

    @classmethod
    def from_payload(cls, payload: bytes) -> Stimulus:
        stimulus, key = unpack(">BB", payload, "Stimulus")
        return cls(stimulus, _key(key))


@dataclass(frozen=True)
class Abort(BareMessage):
    TYPE: ClassVar[int] = 0x02


@dataclass(frozen=True)
class Press:
    TYPE: ClassVar[int] = 0x81
    stimulus: int
    key: int
    reaction_ms: int

    def to_payload(self) -> bytes:
        return struct.pack(">BBH", self.stimulus, _key(self.key), self.reaction_ms)

    @classmethod
    def from_payload(cls, payload: bytes) -> Press:
        stimulus, key, ms = unpack(">BBH", payload, "Press")
        if not 100 <= ms <= 3000:
            raise ValueError(f"reaction {ms} ms outside the box's 100..3000 ms window")
        return cls(stimulus, _key(key), ms)


@dataclass(frozen=True)
class Anticipation:
    TYPE: ClassVar[int] = 0x82
    stimulus: int

    def to_payload(self) -> bytes:
        return bytes((self.stimulus,))

    @classmethod
    def from_payload(cls, payload: bytes) -> Anticipation:
        (stimulus,) = unpack(">B", payload, "Anticipation")
        return cls(stimulus)


@dataclass(frozen=True)
class NoResponse:
    TYPE: ClassVar[int] = 0x83
    stimulus: int

    def to_payload(self) -> bytes:
        return bytes((self.stimulus,))

    @classmethod
    def from_payload(cls, payload: bytes) -> NoResponse:
        (stimulus,) = unpack(">B", payload, "NoResponse")
        return cls(stimulus)


@dataclass(frozen=True)
class DeviceError:
    TYPE: ClassVar[int] = 0x8F
    code: ReactionErrorCode

    @property
    def text(self) -> str:
        return REACTION_ERROR_TEXT[self.code]

    def to_payload(self) -> bytes:
        return bytes((self.code,))

    @classmethod
    def from_payload(cls, payload: bytes) -> DeviceError:
        (code,) = unpack(">B", payload, "DeviceError")
        return cls(ReactionErrorCode(code))


CODEC = InstrumentCodec("reaction", SYNC, (Stimulus, Abort, Press, Anticipation, NoResponse, DeviceError),
                        max_len=MAX_LEN)
