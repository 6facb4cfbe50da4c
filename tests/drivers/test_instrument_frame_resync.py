"""Instrument frames: a sync word in line noise must not hold back a complete frame that follows it."""

from __future__ import annotations

import pytest

from drivers.base import CodecError
from drivers.codecs.instrument_frame import FrameStream, RawFrame, encode_frame

SYNC = b"RT"  # the reaction box's sync word


@pytest.mark.parametrize("false_length", [3, 6, 8])
@pytest.mark.parametrize("noise_after", [b"", b"\x11", b"\x01\x02"])
def test_a_frame_after_a_false_sync_word_comes_out_at_once(false_length, noise_after):
    # the reaction box answers each stimulus with one frame and then goes quiet: noise reading
    # "R T <len>" before that frame must not make the reader wait for bytes that never come
    frame = encode_frame(SYNC, 0x83, b"\x05")  # NoResponse to stimulus 5: the shortest reply (7 bytes)
    out = FrameStream(SYNC, max_len=8).feed(SYNC + bytes([false_length]) + noise_after + frame)
    frames = [f for f in out if isinstance(f, RawFrame)]
    assert frames == [RawFrame(0x83, b"\x05")], f"expected the frame at once, got {out}"
    assert any(isinstance(e, CodecError) for e in out), "the false sync word is reported"


def test_a_frame_still_arriving_is_waited_for_and_split_reads_agree():
    frame = encode_frame(SYNC, 0x81, b"\x05\x02\x01\x2c")
    stream = FrameStream(SYNC, max_len=8)
    assert stream.feed(frame[:5]) == [], "an incomplete frame with no later sync word is simply awaited"
    assert stream.feed(frame[5:]) == [RawFrame(0x81, b"\x05\x02\x01\x2c")]
    line = b"\x00" + SYNC + b"\x08\x05" + frame + frame
    stream = FrameStream(SYNC, max_len=8)
    out: list[object] = []
    for i in range(len(line)):
        out += stream.feed(line[i:i + 1])
    assert [f for f in out if isinstance(f, RawFrame)] == [RawFrame(0x81, b"\x05\x02\x01\x2c")] * 2
