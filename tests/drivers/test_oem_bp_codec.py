"""OEM serial BP module codec: hand-worked frames for every command, frame kind and error code; resync; fuzz."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import oem_bp_serial as oem
from drivers.codecs.oem_bp_serial import (
    Ack,
    CuffPhase,
    CuffPressure,
    ErrorReport,
    FrameReader,
    HostCommand,
    HostFrame,
    ModuleState,
    Nak,
    NakReason,
    Result,
    Status,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# host frames: CC 80, LEN 02, 01 <code>, XOR(02 ^ 01 ^ code)
@pytest.mark.parametrize(("command", "wire"), [
    (HostCommand.START, "CC80 02 0101 02"),
    (HostCommand.STOP, "CC80 02 0102 01"),
    (HostCommand.QUERY_STATUS, "CC80 02 0103 00"),
    (HostCommand.READ_RESULT, "CC80 02 0104 07"),
    (HostCommand.ENTER_MANOMETER, "CC80 02 0105 06"),
    (HostCommand.LEAVE_MANOMETER, "CC80 02 0106 05"),
])
def test_host_commands(command: HostCommand, wire: str) -> None:
    assert oem.encode(HostFrame(command)) == h(wire)
    assert oem.decode_frame(h(wire)) == HostFrame(command)


@pytest.mark.parametrize(("message", "wire"), [
    (Ack(HostCommand.START), "AA80 03 0201 01 01"),
    # 152.3 mmHg = 1523 = 0x05F3; phase 2 deflating; flags 1 = pulse: XOR 06^02^02^F3^05^02^01 = F3
    (CuffPressure(152.3, CuffPhase.DEFLATING, True), "AA80 06 0202 F305 02 01 F3"),
    (CuffPressure(0.0, CuffPhase.MANOMETER), "AA80 06 0202 0000 03 00 05"),
    (Status(ModuleState.DEFLATING, 87), "AA80 04 0203 02 57 50"),
    # 128/82 MAP 97, pulse 71, irregular heartbeat: XOR 0A^02^04^80^52^61^47^01 = F9
    (Result(128, 82, 97, 71, irregular_heartbeat=True), "AA80 0A 0204 8000 5200 6100 47 01 F9"),
    (Nak(NakReason.BAD_CHECKSUM), "AA80 03 0206 01 06"),
])
def test_module_frames(message: oem.Message, wire: str) -> None:
    assert oem.encode(message).hex(" ") == h(wire).hex(" ")
    assert oem.decode_frame(h(wire)) == message


@pytest.mark.parametrize("code", sorted(oem.ERROR_CODES))
def test_every_error_code_has_a_frame_and_a_plain_message(code: int) -> None:
    wire = bytes([0xAA, 0x80, 0x03, 0x02, 0x05, code, 0x03 ^ 0x02 ^ 0x05 ^ code])
    got = oem.decode_frame(wire)
    assert got == ErrorReport(code)
    info = got.info
    assert info.name and info.technician_text and info.resident_message.endswith(".")
    assert "0x" not in info.resident_message, "residents must not see codes"


def test_loose_cuff_message_is_the_one_the_station_shows() -> None:
    assert oem.ERROR_CODES[0x01].resident_message == "The cuff seems loose. Please wrap it again, snugly."


def test_unknown_error_code_still_decodes_with_a_generic_message() -> None:
    info = oem.decode_frame(h("AA80 03 0205 7F 7B")).info
    assert info.name == "unknown_0x7f"


@pytest.mark.parametrize(("wire", "why"), [
    ("AA80 03 0201 01 00", "bad checksum"),
    ("AB80 03 0201 01 01", "expected CC 80"),
    ("AA80 40 0201 01 01", "outside 2..32"),
    ("AA80 04 0201 01 01", "length byte says"),
    ("AA80 02 02 09 09", "module frame code"),
    ("AA80 02 01 01 02", "command group"),
    ("AA80 04 0201 0101 07", "payload of 2 bytes"),
    ("AA80 04 0203 02 C8 CF", "battery 200"),
    ("CC80 03 0101 00 03", "takes no payload"),
    ("AA80", "too short"),
])
def test_malformed_frames_say_what_is_wrong(wire: str, why: str) -> None:
    with pytest.raises(CodecError, match=why):
        oem.decode_frame(h(wire))


def test_reader_resynchronises_after_garbage_and_split_reads() -> None:
    frames = [CuffPressure(180.0, CuffPhase.INFLATING), Result(118, 76, 90, 64)]
    stream = b"\x13\x37\xaa" + oem.encode(frames[0]) + b"\xaa\x80\xff" + oem.encode(frames[1])
    reader = FrameReader()
    out: list = []
    for i in range(0, len(stream), 3):
        out += reader.feed(stream[i:i + 3])
    messages = [m for m in out if not isinstance(m, CodecError)]
    errors = [m for m in out if isinstance(m, CodecError)]
    assert messages == frames, "both real frames must come through the garbage"
    assert errors, "the garbage must be reported"


def test_reader_reports_a_bad_checksum_then_reads_the_next_frame() -> None:
    bad = bytearray(oem.encode(Status(ModuleState.IDLE, 100)))
    bad[-1] ^= 0xFF
    out = FrameReader().feed(bytes(bad) + oem.encode(Ack(HostCommand.STOP)))
    assert any(isinstance(m, CodecError) and "checksum" in str(m) for m in out)
    assert out[-1] == Ack(HostCommand.STOP)


def test_reader_for_host_frames() -> None:
    assert FrameReader(oem.HOST_HEADER).feed(oem.encode(HostFrame(HostCommand.START))) == [HostFrame(HostCommand.START)]


def test_pressure_out_of_range_cannot_be_encoded() -> None:
    with pytest.raises(CodecError):
        oem.encode(CuffPressure(7000.0, CuffPhase.DEFLATING))


@settings(max_examples=200)
@given(st.lists(st.binary(max_size=24), max_size=8))
def test_reader_never_crashes_and_keeps_a_bounded_buffer(chunks: list[bytes]) -> None:
    reader = FrameReader()
    for chunk in chunks:
        for item in reader.feed(chunk):
            assert isinstance(item, CodecError | Ack | CuffPressure | Status | Result | ErrorReport | Nak)
    assert len(reader._buffer) <= 4 + oem.MAX_LEN


@settings(max_examples=150)
@given(st.binary(max_size=40))
def test_decode_frame_gives_a_message_or_a_codec_error(data: bytes) -> None:
    with contextlib.suppress(CodecError):
        oem.decode_frame(data)


@settings(max_examples=150)
@given(st.lists(st.sampled_from([
    CuffPressure(88.5, CuffPhase.DEFLATING, True), Status(ModuleState.RESULT_READY, 50), Result(140, 90, 107, 80),
    ErrorReport(0x03), Ack(HostCommand.QUERY_STATUS), Nak(NakReason.BUSY)]), max_size=6), st.binary(max_size=6))
def test_frames_survive_any_garbage_between_them(messages: list, garbage: bytes) -> None:
    stream = b"".join(garbage + oem.encode(m) for m in messages)
    got = [m for m in FrameReader().feed(stream) if not isinstance(m, CodecError)]
    assert got[-len(messages):] == messages if messages else True
