"""OEM BP frame reader: a false header in line noise must not hold back a complete frame that follows it."""

from __future__ import annotations

import pytest

from drivers.base import CodecError
from drivers.codecs import oem_bp_serial as oem

RESULT = oem.Result(128, 82, 97, 70, False, False)


@pytest.mark.parametrize("false_length", [8, 12, 20, 32])
@pytest.mark.parametrize("noise_after", [b"", b"\x11", b"\x01\x02\x03"])
def test_a_result_after_a_false_header_with_a_long_length_comes_out_at_once(false_length, noise_after):
    # noise that happens to read "AA 80 <len>": the reader may wait for <len> + 4 bytes, but the module goes
    # quiet after its result, so the complete Result frame that follows must be found now
    line = oem.DEVICE_HEADER + bytes([false_length]) + noise_after + oem.encode(RESULT)
    out = oem.FrameReader().feed(line)
    messages = [m for m in out if not isinstance(m, CodecError)]
    assert messages == [RESULT], f"the Result must come out of {line.hex(' ')}, got {out}"
    assert any(isinstance(m, CodecError) for m in out), "the false header is reported as garbage"


def test_a_long_frame_still_arriving_is_waited_for():
    frame = oem.encode(RESULT)
    reader = oem.FrameReader()
    assert reader.feed(frame[:7]) == [], "an incomplete frame with no later header is simply awaited"
    assert reader.feed(frame[7:]) == [RESULT]


def test_the_same_line_fed_byte_by_byte_gives_the_same_messages():
    line = b"\x00" + oem.DEVICE_HEADER + b"\x20\x05" + oem.encode(RESULT) + oem.encode(oem.Ack(oem.HostCommand.STOP))
    reader = oem.FrameReader()
    out: list[object] = []
    for i in range(len(line)):
        out += reader.feed(line[i:i + 1])
    assert [m for m in out if not isinstance(m, CodecError)] == [RESULT, oem.Ack(oem.HostCommand.STOP)]
