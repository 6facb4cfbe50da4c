"""The serial instrument codecs: hand-worked frames for every message type, every error, and the never-crash rule."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import balance_platform as bal
from drivers.codecs import grip, reaction_time, sit_and_reach, spirometer, vital_capacity
from drivers.codecs.instrument_frame import FrameStream, RawFrame, crc16_ccitt, decode_frame, encode_frame

ALL_CODECS = (grip.CODEC, spirometer.CODEC, vital_capacity.CODEC, bal.CODEC, sit_and_reach.CODEC,
              reaction_time.CODEC)

# (codec, message, payload as worked out by hand from the module's protocol table)
PAYLOAD_TABLE = [
    (grip.CODEC, grip.StartStream(100), "64"),
    (grip.CODEC, grip.StopStream(), ""),
    (grip.CODEC, grip.Tare(), ""),
    (grip.CODEC, grip.QueryInfo(), ""),
    (grip.CODEC, grip.ForceSample(1, 2500, False, True), "0001 000009C4 02"),
    (grip.CODEC, grip.ForceSample(0xFFFF, -150, True, False), "FFFF FFFFFF6A 01"),
    (grip.CODEC, grip.Ack(0x03, refused=True), "03 01"),
    (grip.CODEC, grip.Info(0x01020304, (1, 7), 100, 90), "01020304 01 07 64 5A"),
    (grip.CODEC, grip.DeviceError(grip.GripErrorCode.TARE_UNDER_LOAD), "03"),
    (spirometer.CODEC, spirometer.StartTest(), ""),
    (spirometer.CODEC, spirometer.StopTest(), ""),
    (spirometer.CODEC, spirometer.QueryInfo(), ""),
    (spirometer.CODEC, spirometer.QueryAmbient(), ""),
    (spirometer.CODEC, spirometer.FlowBlock(7, (0, 1000, -250)), "0007 03 0000 03E8 FF06"),
    (spirometer.CODEC, spirometer.Ambient(235, 10132, 45), "00EB 2794 2D"),
    (spirometer.CODEC, spirometer.Ambient(-15, 9000, 100), "FFF1 2328 64"),
    (spirometer.CODEC, spirometer.Info(42, 100), "0000002A 0064"),
    (spirometer.CODEC, spirometer.DeviceError(spirometer.SpirometerErrorCode.ZERO_OFFSET), "02"),
    (vital_capacity.CODEC, vital_capacity.StartBlow(), ""),
    (vital_capacity.CODEC, vital_capacity.Cancel(), ""),
    (vital_capacity.CODEC, vital_capacity.QueryResult(), ""),
    (vital_capacity.CODEC, vital_capacity.Volume(1200), "04B0"),
    (vital_capacity.CODEC, vital_capacity.Result(3250), "0CB2"),
    (vital_capacity.CODEC, vital_capacity.DeviceError(vital_capacity.VitalCapacityErrorCode.NO_BLOW), "01"),
    (bal.CODEC, bal.StartStream(100), "64"),
    (bal.CODEC, bal.StopStream(), ""),
    (bal.CODEC, bal.QueryInfo(), ""),
    (bal.CODEC, bal.CornerForces(2, (15000, 15000, 15000, 15000)), "0002 00003A98 00003A98 00003A98 00003A98"),
    (bal.CODEC, bal.CornerForces(3, (-5, 0, 1, 70000)), "0003 FFFFFFFB 00000000 00000001 00011170"),
    (bal.CODEC, bal.Info(9, 100, 400, 400), "00000009 64 0190 0190"),
    (bal.CODEC, bal.DeviceError(bal.BalanceErrorCode.CELL_FAULT, 2), "02 02"),
    (sit_and_reach.CODEC, sit_and_reach.StartStream(), ""),
    (sit_and_reach.CODEC, sit_and_reach.StopStream(), ""),
    (sit_and_reach.CODEC, sit_and_reach.Position(3, -45), "0003 FFD3"),
    (sit_and_reach.CODEC, sit_and_reach.DeviceError(sit_and_reach.SitAndReachErrorCode.NOT_AT_START), "02"),
    (reaction_time.CODEC, reaction_time.Stimulus(1, 5), "01 05"),
    (reaction_time.CODEC, reaction_time.Abort(), ""),
    (reaction_time.CODEC, reaction_time.Press(2, 4, 512), "02 04 0200"),
    (reaction_time.CODEC, reaction_time.Anticipation(3), "03"),
    (reaction_time.CODEC, reaction_time.NoResponse(4), "04"),
    (reaction_time.CODEC, reaction_time.DeviceError(reaction_time.ReactionErrorCode.KEY_STUCK), "01"),
]

# complete frames worked by hand (the protocol examples in each module's docstring)
FRAME_TABLE = [
    (grip.CODEC, "47 52 08 81 00 01 00 00 09 C4 02 AA 3C", grip.ForceSample(1, 2500, False, True)),
    (spirometer.CODEC, "53 50 0A 81 00 07 03 00 00 03 E8 FF 06 B3 AC", spirometer.FlowBlock(7, (0, 1000, -250))),
    (vital_capacity.CODEC, "56 43 03 83 0C B2 BF E2", vital_capacity.Result(3250)),
    (bal.CODEC, "42 4C 13 81 00 02 00 00 3A 98 00 00 3A 98 00 00 3A 98 00 00 3A 98 D9 DC",
     bal.CornerForces(2, (15000,) * 4)),
    (sit_and_reach.CODEC, "53 52 05 81 00 03 FF D3 64 21", sit_and_reach.Position(3, -45)),
    (reaction_time.CODEC, "52 54 05 81 02 04 02 00 92 5A", reaction_time.Press(2, 4, 512)),
]


def test_crc16_ccitt_false_matches_its_published_check_value():
    assert crc16_ccitt(b"123456789") == 0x29B1, "CRC-16/CCITT-FALSE check value of '123456789' is 0x29B1"


@pytest.mark.parametrize(("codec", "message", "payload_hex"), PAYLOAD_TABLE,
                         ids=[f"{c.name}-{type(m).__name__}" for c, m, _ in PAYLOAD_TABLE])
def test_every_message_type_encodes_to_its_hand_worked_payload_and_back(codec, message, payload_hex):
    payload = bytes.fromhex(payload_hex)
    assert message.to_payload() == payload, f"{message} should encode to {payload_hex!r}"
    frame = codec.encode(message)
    assert frame[:2] == codec.sync and frame[2] == len(payload) + 1 and frame[3] == message.TYPE
    assert codec.decode(frame) == message, f"{frame.hex(' ')} should decode back to {message}"


@pytest.mark.parametrize(("codec", "frame_hex", "message"), FRAME_TABLE, ids=[c.name for c, _, _ in FRAME_TABLE])
def test_documented_example_frames_decode_to_their_messages(codec, frame_hex, message):
    assert codec.decode(bytes.fromhex(frame_hex)) == message
    assert codec.encode(message) == bytes.fromhex(frame_hex)


def test_every_message_type_of_every_codec_is_in_the_table():
    covered = {(c.name, type(m)) for c, m, _ in PAYLOAD_TABLE}
    missing = [(c.name, cls.__name__) for c in ALL_CODECS for cls in c.messages.values()
               if (c.name, cls) not in covered]
    assert not missing, f"message types without a hand-worked frame: {missing}"


def test_decoded_values_are_in_station_units():
    assert grip.ForceSample(1, 2500).force_kg == 25.0
    assert spirometer.Ambient(235, 10132, 45).temperature_c == 23.5
    assert bal.CornerForces(1, (1000, 2000, 500, 0)).kg == (1.0, 2.0, 0.5, 0.0)
    assert sit_and_reach.Position(1, -45).displacement_cm == -4.5


BAD_FRAMES = [
    (grip.CODEC, "47 52 08 81 00 01 00 00 09 C4 02 AA 3D", "bad checksum"),
    (grip.CODEC, "47 51 08 81 00 01 00 00 09 C4 02 AA 3C", "bad sync"),
    (grip.CODEC, "47 52", "too short"),
    (grip.CODEC, "47 52 00 81 00", "bad length 0"),
    (grip.CODEC, "47 52 08 81 00 01 00 00 09 C4 02 AA", "needs 13 bytes"),
]


@pytest.mark.parametrize(("codec", "frame_hex", "error"), BAD_FRAMES, ids=[e for _, _, e in BAD_FRAMES])
def test_malformed_frames_raise_a_codec_error_saying_what_is_wrong(codec, frame_hex, error):
    with pytest.raises(CodecError, match=error):
        codec.decode(bytes.fromhex(frame_hex))


BAD_PAYLOADS = [
    (grip.CODEC, 0x81, "0001 000009C4", "ForceSample payload must be 7 bytes"),
    (grip.CODEC, 0x81, "0001 000009C4 04", "reserved status bits"),
    (grip.CODEC, 0x01, "05", "outside 10..200"),
    (grip.CODEC, 0x82, "03 02", "not 0"),
    (grip.CODEC, 0x8F, "09", "GripErrorCode"),
    (grip.CODEC, 0x77, "", "unknown message type 0x77"),
    (grip.CODEC, 0x02, "00", "StopStream payload must be 0 bytes"),
    (spirometer.CODEC, 0x81, "0001 00", "sample count 0"),
    (spirometer.CODEC, 0x81, "0001 02 0000", "FlowBlock samples payload must be 4 bytes"),
    (spirometer.CODEC, 0x81, "00", "has no header"),
    (spirometer.CODEC, 0x82, "0300 2794 2D", "outside -20..50"),
    (spirometer.CODEC, 0x82, "00EB 0100 2D", "outside 500..1100"),
    (spirometer.CODEC, 0x82, "00EB 2794 65", "above 100"),
    (spirometer.CODEC, 0x84, "0000002A 0001", "outside 50..1000"),
    (spirometer.CODEC, 0x8F, "07", "SpirometerErrorCode"),
    (vital_capacity.CODEC, 0x83, "0C", "Result payload must be 2 bytes"),
    (vital_capacity.CODEC, 0x8F, "00", "VitalCapacityErrorCode"),
    (bal.CODEC, 0x84, "00000009 64 0000 0190", "must be positive"),
    (bal.CODEC, 0x84, "00000009 10 0190 0190", "outside 50..200"),
    (bal.CODEC, 0x8F, "02 07", "not 0..3"),
    (sit_and_reach.CODEC, 0x81, "0003 0300", "outside the meter"),
    (reaction_time.CODEC, 0x81, "02 04 0010", "100..3000"),
    (reaction_time.CODEC, 0x81, "02 09 0200", "key 9 is not 1..5"),
    (reaction_time.CODEC, 0x01, "01 00", "key 0"),
]


@pytest.mark.parametrize(("codec", "frame_type", "payload_hex", "error"), BAD_PAYLOADS,
                         ids=[f"{c.name}-{e}" for c, _, _, e in BAD_PAYLOADS])
def test_impossible_field_values_raise_a_codec_error_naming_the_field(codec, frame_type, payload_hex, error):
    frame = encode_frame(codec.sync, frame_type, bytes.fromhex(payload_hex))
    with pytest.raises(CodecError, match=error):
        codec.decode(frame)


def test_stream_resynchronises_after_garbage_and_a_bad_checksum():
    good1 = grip.CODEC.encode(grip.ForceSample(1, 100))
    bad = grip.CODEC.encode(grip.ForceSample(2, 200), corrupt_crc=True)
    good2 = grip.CODEC.encode(grip.ForceSample(3, 300))
    stream = grip.CODEC.stream()
    out = stream.feed(b"\x00\xffG junk" + good1 + bad + b"GRGR" + good2)
    messages = [m for m in out if not isinstance(m, CodecError)]
    errors = [str(e) for e in out if isinstance(e, CodecError)]
    assert messages == [grip.ForceSample(1, 100), grip.ForceSample(3, 300)], f"got {messages}, errors {errors}"
    assert any("garbage" in e for e in errors) and any("checksum" in e for e in errors), errors


def test_stream_joins_a_frame_delivered_one_byte_at_a_time():
    frame = spirometer.CODEC.encode(spirometer.FlowBlock(9, (1, 2, 3)))
    stream = spirometer.CODEC.stream()
    out = [m for b in frame for m in stream.feed(bytes([b]))]
    assert out == [spirometer.FlowBlock(9, (1, 2, 3))], f"expected exactly the one block, got {out}"


def test_stream_reports_an_unknown_type_and_keeps_going():
    stream = reaction_time.CODEC.stream()
    out = stream.feed(encode_frame(b"RT", 0x55, b"") + reaction_time.CODEC.encode(reaction_time.NoResponse(1)))
    assert isinstance(out[0], CodecError) and "unknown message type 0x55" in str(out[0])
    assert out[1] == reaction_time.NoResponse(1)


def test_a_frame_from_another_instrument_is_not_decoded_as_this_one():
    out = grip.CODEC.stream().feed(bal.CODEC.encode(bal.CornerForces(1, (1, 2, 3, 4))))
    assert out and all(isinstance(m, CodecError) for m in out), f"a balance frame must not decode as grip: {out}"


def test_encoding_refuses_values_that_do_not_fit():
    with pytest.raises(ValueError):
        encode_frame(b"G", 1, b"")
    with pytest.raises(ValueError):
        encode_frame(b"GR", 300, b"")
    with pytest.raises(ValueError):
        encode_frame(b"GR", 1, bytes(255))
    with pytest.raises(ValueError):
        spirometer.FlowBlock(1, ()).to_payload()
    assert decode_frame(b"GR", encode_frame(b"GR", 0x10, b"ab")) == RawFrame(0x10, b"ab")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_CODECS), st.lists(st.binary(max_size=80), max_size=8))
def test_any_bytes_yield_only_messages_or_codec_errors(codec, chunks):
    stream = codec.stream()
    for chunk in chunks:
        for item in stream.feed(chunk):
            assert isinstance(item, CodecError) or type(item) in codec.messages.values(), repr(item)
    assert len(stream.frames._buf) <= codec.max_len + 5, "the stream must not hoard bytes beyond one frame"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_CODECS), st.binary(max_size=120))
def test_single_frame_decode_never_raises_anything_but_codec_error(codec, data):
    with contextlib.suppress(CodecError):
        codec.decode(data)


DEVICE_MESSAGES = [(c, m) for c, m, _ in PAYLOAD_TABLE if m.TYPE >= 0x80]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60), st.sampled_from(DEVICE_MESSAGES))
def test_every_codec_recovers_a_good_frame_after_any_garbage(garbage, codec_and_message):
    # garbage may end in what looks like the start of a frame; once a frame's worth of good bytes has
    # followed, that false start has been refuted and the decoder is in step again
    codec, message = codec_and_message
    frame = codec.encode(message)
    out = codec.stream().feed(garbage + frame + frame)
    assert out and out[-1] == message, f"after {garbage.hex()} expected {message}, got {out[-3:]}"


def test_frame_stream_refuses_a_one_byte_sync_word():
    with pytest.raises(ValueError):
        FrameStream(b"G")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 0xFFFF), st.integers(-(2**31), 2**31 - 1)), min_size=1, max_size=6),
       st.lists(st.integers(1, 40), min_size=1, max_size=20))
def test_clean_frames_split_anywhere_decode_exactly_with_no_errors(samples, cuts):
    messages = [grip.ForceSample(seq, force) for seq, force in samples]
    data = b"".join(grip.CODEC.encode(m) for m in messages)
    stream = grip.CODEC.stream()
    out, pos = [], 0
    for cut in cuts * 20:
        if pos >= len(data):
            break
        out += stream.feed(data[pos:pos + cut])
        pos += cut
    out += stream.feed(data[pos:])
    assert out == messages, f"clean bytes must decode exactly, with no errors; got {out}"


def test_a_frame_whose_last_byte_looks_like_a_sync_byte_is_not_kept_as_garbage():
    message = next(m for m in (grip.ForceSample(s, 0) for s in range(5000)) if grip.CODEC.encode(m)[-1] == ord("G"))
    stream = grip.CODEC.stream()
    assert stream.feed(grip.CODEC.encode(message)) == [message]
    assert stream.feed(grip.CODEC.encode(message)) == [message], "the CRC byte 0x47 must not linger as garbage"
