"""Cedrus XID protocol (RB-x30/x40 response pads, Riponda): ASCII commands and 6-byte key packets ↔ typed values.

Facts from Cedrus's own library pyxid2 (github.com/cedrus-opensource/pyxid, BSD-3-Clause, commit 8f0d939:
pyxid2/internal.py, constants.py, pyxid_impl.py), which points to Cedrus's published XID command reference:

- serial (FTDI USB) at 115200, 19200, 9600, 57600 or 38400 baud, 8N1; the host finds the rate by sending
  ``_c1``, answered by ``_xid0`` in XID mode (another digit: send ``c10`` to switch to XID mode);
- ``_d2`` → the product id (one ASCII character: '0' Lumina, '1' SV-1, '2' RB pad, '4' c-pod, '5' Riponda,
  'S' StimTracker), ``_d3`` → the model id ('1'..'4': RB-530/540, 730/740, 830/840, 834/844),
  ``_d4``/``_d5`` → firmware major/minor;
- ``e5`` resets the device's timer (no reply); ``_e5`` answers ``_e5`` + uint32 ms;
- a key event is 6 bytes ``'k'``, an info byte, uint32 milliseconds since the timer reset (little-endian):
  info bits 0–3 the port (bits 2–3 set is invalid), bit 4 pressed (else released), bits 5–7 the key
  (0 meaning key 8).

Reaction timing with XID: reset the timer (``e5``) at stimulus onset; the press packet's time is then the
reaction time on the pad's own 1-ms clock. No public capture of a pad's bytes was found: the tests build
packets from the layout above, the way pyxid2 reads them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from drivers.base import CodecError

BAUDS = (115200, 19200, 9600, 57600, 38400)
PACKET_SIZE = 6
INVALID_PORT_BITS = 0x0C
QUERY_PROTOCOL, SET_XID_MODE = b"_c1", b"c10"
QUERY_PRODUCT, QUERY_MODEL, QUERY_FW_MAJOR, QUERY_FW_MINOR = b"_d2", b"_d3", b"_d4", b"_d5"
RESET_TIMER = b"e5"
PRODUCTS = {"0": "Cedrus Lumina", "1": "Cedrus SV-1 Voice Key", "2": "Cedrus RB response pad", "4": "Cedrus c-pod",
            "5": "Riponda", "S": "Cedrus StimTracker"}
RB_MODELS = {"1": "RB-530/540", "2": "RB-730/740", "3": "RB-830/840", "4": "RB-834/844"}


@dataclass(frozen=True)
class KeyEvent:
    """One key packet: ``key`` 1..8 on ``port``, pressed or released, ``time_ms`` on the pad's timer."""

    key: int
    port: int
    pressed: bool
    time_ms: int


def decode_key_packet(packet: bytes) -> KeyEvent:
    if len(packet) != PACKET_SIZE:
        raise CodecError(f"XID key packet: {len(packet)} bytes, expected {PACKET_SIZE}")
    marker, info, time_ms = struct.unpack("<cBI", packet)
    if marker != b"k":
        raise CodecError(f"XID key packet starts with {marker!r}, not b'k'")
    if info & INVALID_PORT_BITS:
        raise CodecError(f"XID key packet: info byte 0x{info:02X} has invalid port bits")
    key = (info & 0xE0) >> 5
    return KeyEvent(key or 8, info & 0x0F, bool(info & 0x10), time_ms)


def encode_key_packet(event: KeyEvent) -> bytes:
    if not 1 <= event.key <= 8 or event.port & INVALID_PORT_BITS or not 0 <= event.port <= 15:
        raise CodecError(f"XID key packet cannot carry key {event.key} on port {event.port}")
    info = (event.key % 8) << 5 | (0x10 if event.pressed else 0) | event.port
    return struct.pack("<cBI", b"k", info, event.time_ms & 0xFFFFFFFF)


class KeyPacketReader:
    """Splits a byte stream into key packets; bytes that cannot start one are skipped as a CodecError item."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[KeyEvent | CodecError]:
        self._buffer += data
        out: list[KeyEvent | CodecError] = []
        while self._buffer:
            start = self._buffer.find(b"k")
            if start != 0:
                dropped = len(self._buffer) if start < 0 else start
                out.append(CodecError(f"XID stream: {dropped} byte(s) skipped before a key packet"))
                del self._buffer[:dropped]
                continue
            if len(self._buffer) < PACKET_SIZE:
                break
            packet = bytes(self._buffer[:PACKET_SIZE])
            try:
                out.append(decode_key_packet(packet))
                del self._buffer[:PACKET_SIZE]
            except CodecError as e:
                out.append(e)
                del self._buffer[:1]
        return out


def describe_device(product: str, model: str) -> str:
    name = PRODUCTS.get(product, f"unknown XID product {product!r}")
    return f"{name} {RB_MODELS[model]}" if product == "2" and model in RB_MODELS else name
