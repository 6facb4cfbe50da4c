"""BerryMed BCI protocol (v1.2): the 5-byte packets that BerryMed oximeter modules stream at 100 Hz (USB/serial/BLE).

Protocol, as published by its maker (Shanghai Berry Electronic Tech, "BCI Protocol V1.2",
github.com/zh2x/BCI_Protocol), bytes numbered 1..5::

    byte 1  bit 7 = 1 (sync: the packet head)   bit 6 pulse beep   bit 5 probe unplugged
            bit 4 no signal                      bits 3..0 signal strength 0..8
    byte 2  bit 7 = 0   bits 6..0 pleth 0..100 (0 = invalid)
    byte 3  bit 7 = 0   bit 6 = bit 7 of the pulse rate   bit 5 pulse searching   bit 4 no finger
            bits 3..0 bar graph 0..15 (0 = invalid)
    byte 4  bit 7 = 0   bits 6..0 = bits 6..0 of the pulse rate   (pulse rate 0xFF = invalid)
    byte 5  bit 7 = 0   bits 6..0 SpO2 0..100 % (0x7F = invalid)

Only byte 1 has bit 7 set, so a reader finds the next packet after noise by looking for a byte with
bit 7 set followed by four without. The protocol has no checksum: a packet whose SpO2 is over 100
(other than 0x7F) or whose pleth is over 100 is reported as a ``CodecError``. The serial default is
the modules' 115200 8N1 (BerryMed's USB modules; check the module's sheet).

No capture of a real module's bytes was found in a public test suite; the tests use packets worked
from the published table (named as such), and the simulator speaks the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import CodecError

PACKET_SIZE = 5
BAUD = 115200
INVALID_PULSE = 0xFF
INVALID_SPO2 = 0x7F


@dataclass(frozen=True)
class BciPacket:
    """One decoded packet. ``spo2_pct``/``pulse_rate_bpm`` are None when the module marks them invalid."""

    signal_strength: int
    no_signal: bool
    probe_unplugged: bool
    pulse_beep: bool
    pleth: int  # 0..100, 0 = invalid
    bar_graph: int  # 0..15, 0 = invalid
    no_finger: bool
    pulse_searching: bool
    pulse_rate_bpm: int | None
    spo2_pct: int | None

    @property
    def usable(self) -> bool:
        """Both numbers present, a finger in the probe, a signal, and not still searching for the pulse."""
        return (self.spo2_pct is not None and self.pulse_rate_bpm is not None and not self.no_finger
                and not self.no_signal and not self.probe_unplugged and not self.pulse_searching)


def decode_packet(data: bytes | bytearray) -> BciPacket:
    """Decode exactly one 5-byte packet; CodecError naming the broken rule otherwise."""
    data = bytes(data)
    if len(data) != PACKET_SIZE:
        raise CodecError(f"BCI packet: expected {PACKET_SIZE} bytes, got {len(data)}")
    if not data[0] & 0x80:
        raise CodecError(f"BCI packet: byte 1 (0x{data[0]:02X}) lacks the sync bit 7")
    for i, b in enumerate(data[1:], start=2):
        if b & 0x80:
            raise CodecError(f"BCI packet: byte {i} (0x{b:02X}) has bit 7 set; only byte 1 may")
    b1, pleth, b3, b4, b5 = data
    raw_pr = (b3 & 0x40) << 1 | b4
    if pleth > 100:
        raise CodecError(f"BCI packet: pleth {pleth} is over 100")
    if b5 != INVALID_SPO2 and b5 > 100:
        raise CodecError(f"BCI packet: SpO2 {b5} % is over 100")
    if (b1 & 0x0F) > 8:
        raise CodecError(f"BCI packet: signal strength {b1 & 0x0F} is over 8")
    return BciPacket(signal_strength=b1 & 0x0F, no_signal=bool(b1 & 0x10), probe_unplugged=bool(b1 & 0x20),
                     pulse_beep=bool(b1 & 0x40), pleth=pleth, bar_graph=b3 & 0x0F, no_finger=bool(b3 & 0x10),
                     pulse_searching=bool(b3 & 0x20),
                     pulse_rate_bpm=None if raw_pr == INVALID_PULSE else raw_pr,
                     spo2_pct=None if b5 == INVALID_SPO2 else b5)


def encode_packet(p: BciPacket) -> bytes:
    """The 5 bytes for ``p`` (the simulator's side); CodecError for a value the packet cannot carry."""
    pr = INVALID_PULSE if p.pulse_rate_bpm is None else p.pulse_rate_bpm
    spo2 = INVALID_SPO2 if p.spo2_pct is None else p.spo2_pct
    if not 0 <= pr <= 0xFF or (p.pulse_rate_bpm is not None and pr == INVALID_PULSE):
        raise CodecError(f"pulse rate {pr} cannot be sent (0..254)")
    if not 0 <= spo2 <= 100 and spo2 != INVALID_SPO2:
        raise CodecError(f"SpO2 {spo2} cannot be sent (0..100)")
    if not 0 <= p.pleth <= 100 or not 0 <= p.bar_graph <= 15 or not 0 <= p.signal_strength <= 8:
        raise CodecError("pleth 0..100, bar graph 0..15 and signal strength 0..8")
    b1 = 0x80 | p.pulse_beep << 6 | p.probe_unplugged << 5 | p.no_signal << 4 | p.signal_strength
    b3 = (pr & 0x80) >> 1 | p.pulse_searching << 5 | p.no_finger << 4 | p.bar_graph
    return bytes([b1, p.pleth, b3, pr & 0x7F, spo2])


class BciStream:
    """Splits a byte stream into packets: ``feed(bytes)`` returns packets and CodecErrors in arrival order.

    Bytes before a sync byte become one CodecError; a sync byte inside an awaited packet restarts
    the packet there (the earlier head was cut off). Never raises, buffers at most one packet.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._skipped = 0

    @property
    def buffered(self) -> int:
        """Bytes held of a packet not yet complete (a truncated capture leaves some)."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[BciPacket | CodecError]:
        out: list[BciPacket | CodecError] = []
        for b in data:
            if b & 0x80:
                if self._buf:
                    self._skipped += len(self._buf)
                self._buf = bytearray([b])
                continue
            if not self._buf:
                self._skipped += 1
                continue
            self._buf.append(b)
            if len(self._buf) == PACKET_SIZE:
                if self._skipped:
                    out.append(CodecError(f"BCI stream: {self._skipped} byte(s) outside a packet skipped"))
                    self._skipped = 0
                try:
                    out.append(decode_packet(self._buf))
                except CodecError as e:
                    out.append(e)
                self._buf = bytearray()
        return out

    @property
    def pending(self) -> int:
        """Bytes held for an unfinished packet."""
        return len(self._buf)


class BciCodec:
    """The codec object a serial driver and simulator use (``stream()``, ``encode()``), like the instrument codecs."""

    name = "berrymed-bci"

    def stream(self) -> BciStream:
        return BciStream()

    def encode(self, message: BciPacket, *, corrupt_crc: bool = False) -> bytes:
        data = encode_packet(message)
        return data[:-1] + bytes([0x7E]) if corrupt_crc else data  # no checksum: corrupt = an impossible SpO2 126


CODEC = BciCodec()
