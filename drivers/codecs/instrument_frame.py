"""The binary frame shared by the station's serial instruments (grip, spirometer, VC, balance, sit-and-reach, RT).

Wire format (every field big-endian)::

    +-------+-------+-----+------+-----------------+-----------+
    | SYNC0 | SYNC1 | LEN | TYPE | PAYLOAD (LEN-1) | CRC16 (2) |
    +-------+-------+-----+------+-----------------+-----------+

- SYNC is two bytes chosen per instrument (e.g. ``b"GR"`` for the grip dynamometer), so a frame
  from the wrong device on the wrong port never decodes.
- LEN counts TYPE + PAYLOAD, 1..max_len (each instrument states its own max_len).
- CRC16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor; check value of
  ``b"123456789"`` is 0x29B1) over LEN, TYPE and PAYLOAD.
- TYPE < 0x80 are host → device commands, TYPE ≥ 0x80 device → host messages.

This is the station's own instrument protocol (the vendors' protocols were not available): it is the
common shape of load-cell and flow-sensor boards (sync word, length, type, CRC), written down here so a
real board's firmware can be made to speak it or a new codec module can replace it.

``FrameStream.feed(bytes)`` returns complete frames and ``CodecError`` values in arrival order: garbage
before a sync word, an impossible length or a bad CRC each become one error, then decoding resumes at
the next possible sync word. While it waits for the rest of a frame, a complete frame with a good CRC
starting inside the awaited span wins (the first sync word was noise). It never raises, never loops
without consuming input, and bounds its buffer.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, Self

from drivers.base import CodecError

_CRC_TABLE: list[int] = []
for _byte in range(256):
    _crc = _byte << 8
    for _ in range(8):
        _crc = ((_crc << 1) ^ 0x1021) if _crc & 0x8000 else (_crc << 1)
    _CRC_TABLE.append(_crc & 0xFFFF)


def crc16_ccitt(data: bytes | bytearray | memoryview, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE of ``data``."""
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[((crc >> 8) ^ b) & 0xFF]
    return crc


@dataclass(frozen=True)
class RawFrame:
    """One checked frame: its type and payload bytes (not yet interpreted)."""

    type: int
    payload: bytes


def encode_frame(sync: bytes, frame_type: int, payload: bytes = b"", *, corrupt_crc: bool = False) -> bytes:
    """The bytes of one frame; ``corrupt_crc`` flips the CRC (simulators use it to inject faults)."""
    if len(sync) != 2:
        raise ValueError("sync word must be 2 bytes")
    if not 0 <= frame_type <= 0xFF:
        raise ValueError(f"frame type {frame_type} does not fit a byte")
    length = 1 + len(payload)
    if length > 0xFF:
        raise ValueError(f"payload of {len(payload)} bytes does not fit one frame")
    body = bytes((length, frame_type)) + payload
    crc = crc16_ccitt(body) ^ (0xFFFF if corrupt_crc else 0)
    return sync + body + struct.pack(">H", crc)


def decode_frame(sync: bytes, data: bytes, *, max_len: int = 255) -> RawFrame:
    """Exactly one frame from ``data`` (for the technician's decoder); anything else is a CodecError."""
    if len(data) < 5:
        raise CodecError(f"frame too short: {len(data)} bytes, a frame has at least 5")
    if data[:2] != sync:
        raise CodecError(f"bad sync word {data[:2].hex(' ')}, expected {sync.hex(' ')}")
    length = data[2]
    if not 1 <= length <= max_len:
        raise CodecError(f"bad length {length}, expected 1..{max_len}")
    if len(data) != 2 + 1 + length + 2:
        raise CodecError(f"frame of length {length} needs {length + 5} bytes, got {len(data)}")
    body = data[2:3 + length]
    got = int.from_bytes(data[3 + length:], "big")
    want = crc16_ccitt(body)
    if got != want:
        raise CodecError(f"bad checksum {got:04X}, expected {want:04X}")
    return RawFrame(body[1], bytes(body[2:]))


class FrameStream:
    """Incremental frame splitter with resynchronisation; see the module docstring."""

    def __init__(self, sync: bytes, *, max_len: int = 255, max_buffer: int = 8192) -> None:
        if len(sync) != 2:
            raise ValueError("sync word must be 2 bytes")
        self.sync = sync
        self.max_len = max_len
        self.max_buffer = max(max_buffer, max_len + 5)
        self._buf = bytearray()
        self.frames = 0
        self.errors = 0

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame (a truncated frame at the end of a capture)."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[RawFrame | CodecError]:
        """Frames completed by ``data`` and errors met on the way, in order."""
        self._buf += data
        out: list[RawFrame | CodecError] = []
        buf = self._buf
        pos = 0
        while True:
            start = buf.find(self.sync, pos)
            if start < 0:
                # keep a possible first sync byte at the very end; everything else is garbage
                keep = len(buf) - 1 if len(buf) > pos and buf[-1] == self.sync[0] else len(buf)
                if keep > pos:
                    out.append(self._error(f"skipped {keep - pos} bytes of garbage before a sync word"))
                pos = keep
                break
            if start > pos:
                out.append(self._error(f"skipped {start - pos} bytes of garbage before a sync word"))
            pos = start
            if len(buf) - pos < 3:
                break
            length = buf[pos + 2]
            if not 1 <= length <= self.max_len:
                out.append(self._error(f"bad length {length}, expected 1..{self.max_len}"))
                pos += 1
                continue
            end = pos + 3 + length + 2
            if len(buf) < end:
                later = self._complete_frame_after(buf, pos)
                if later is None:
                    break  # the frame is still arriving
                # a complete frame starts inside the awaited span: this sync word was noise (or a frame cut
                # short), and waiting for its bytes could hold back an instrument's last frame for ever
                out.append(self._error(f"length {length} cut short by a complete frame: skipped {later - pos} bytes"))
                pos = later
                continue
            body = buf[pos + 2:pos + 3 + length]
            got = (buf[end - 2] << 8) | buf[end - 1]
            want = crc16_ccitt(body)
            if got != want:
                out.append(self._error(f"bad checksum {got:04X}, expected {want:04X} (type 0x{body[1]:02X})"))
                pos += 1
                continue
            out.append(RawFrame(body[1], bytes(body[2:])))
            self.frames += 1
            pos = end
        del buf[:pos]
        if len(buf) > self.max_buffer:  # cannot happen with a bounded max_len, kept as a guard
            out.append(self._error(f"dropped {len(buf)} buffered bytes"))
            buf.clear()
        return out

    def _complete_frame_after(self, buf: bytearray, pos: int) -> int | None:
        """Offset (> pos) of the first sync word in ``buf`` that starts a complete frame with a good CRC."""
        at = buf.find(self.sync, pos + 1)
        while at > pos:
            length = buf[at + 2] if len(buf) > at + 2 else 0
            end = at + 3 + length + 2
            if 1 <= length <= self.max_len and len(buf) >= end \
                    and (buf[end - 2] << 8) | buf[end - 1] == crc16_ccitt(buf[at + 2:at + 3 + length]):
                return at
            at = buf.find(self.sync, at + 1)
        return None

    def _error(self, message: str) -> CodecError:
        self.errors += 1
        return CodecError(message)

    def reset(self) -> None:
        self._buf.clear()


class InstrumentMessage(Protocol):
    """A message of one instrument: a frame TYPE and a payload it can write and read back."""

    TYPE: ClassVar[int]

    def to_payload(self) -> bytes: ...

    @classmethod
    def from_payload(cls, payload: bytes) -> InstrumentMessage: ...


def unpack(fmt: str, payload: bytes, what: str) -> tuple[Any, ...]:
    """``struct.unpack`` that turns a wrong payload size into a CodecError naming the message."""
    size = struct.calcsize(fmt)
    if len(payload) != size:
        raise CodecError(f"{what} payload must be {size} bytes, got {len(payload)}")
    return struct.unpack(fmt, payload)


class InstrumentCodec:
    """One instrument's protocol: its sync word and message types over the shared frame."""

    def __init__(self, name: str, sync: bytes, messages: Iterable[type[InstrumentMessage]], *, max_len: int) -> None:
        self.name = name
        self.sync = sync
        self.max_len = max_len
        self.messages: dict[int, type[InstrumentMessage]] = {}
        for cls in messages:
            if cls.TYPE in self.messages:
                raise ValueError(f"{name}: two messages share type 0x{cls.TYPE:02X}")
            self.messages[cls.TYPE] = cls

    def encode(self, message: InstrumentMessage, *, corrupt_crc: bool = False) -> bytes:
        return encode_frame(self.sync, message.TYPE, message.to_payload(), corrupt_crc=corrupt_crc)

    def interpret(self, frame: RawFrame) -> InstrumentMessage:
        """The typed message of a checked frame; unknown type or bad payload is a CodecError."""
        cls = self.messages.get(frame.type)
        if cls is None:
            raise CodecError(f"{self.name}: unknown message type 0x{frame.type:02X}")
        try:
            return cls.from_payload(frame.payload)
        except (struct.error, ValueError) as exc:  # a field value the message type does not allow
            raise CodecError(f"{self.name}: bad {cls.__name__} payload {frame.payload.hex(' ')}: {exc}") from None

    def decode(self, data: bytes) -> InstrumentMessage:
        """Exactly one frame's message (``kiosk decode``); raises CodecError."""
        return self.interpret(decode_frame(self.sync, data, max_len=self.max_len))

    def stream(self) -> MessageStream:
        return MessageStream(self)


class MessageStream:
    """Bytes in, typed messages and CodecErrors out, resynchronising after garbage; never raises."""

    def __init__(self, codec: InstrumentCodec) -> None:
        self.codec = codec
        self.frames = FrameStream(codec.sync, max_len=codec.max_len)

    @property
    def buffered(self) -> int:
        """Bytes held of a frame not yet complete (a truncated capture leaves some)."""
        return self.frames.buffered

    def feed(self, data: bytes) -> list[InstrumentMessage | CodecError]:
        out: list[InstrumentMessage | CodecError] = []
        for item in self.frames.feed(data):
            if isinstance(item, CodecError):
                out.append(item)
                continue
            try:
                out.append(self.codec.interpret(item))
            except CodecError as exc:
                out.append(exc)
        return out


class BareMessage:
    """Base of messages without a payload (commands such as Stop or Tare)."""

    TYPE: ClassVar[int]

    def to_payload(self) -> bytes:
        return b""

    @classmethod
    def from_payload(cls, payload: bytes) -> Self:
        unpack(">", payload, cls.__name__)
        return cls()
