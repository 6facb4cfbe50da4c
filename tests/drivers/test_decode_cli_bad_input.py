"""`kiosk decode` of empty and truncated frames exits 1 and says why, for every serial protocol (issue 16 item 8).

Frames are built by each protocol's own codec (our code), then cut short: the point is the message, not
the decoding, which test_decode_cli.py and the codec tests check against captured frames.
"""

from __future__ import annotations

import pytest

from drivers.codecs import balance_platform, grip, reaction_time, sit_and_reach, spirometer, vital_capacity
from kiosk.cli import main

STOP = {"grip-serial": (grip, grip.StopStream()), "balance-serial": (balance_platform, balance_platform.StopStream()),
        "spirometer-serial": (spirometer, spirometer.StopTest()),
        "vital-capacity-serial": (vital_capacity, vital_capacity.Cancel()),
        "sit-and-reach-serial": (sit_and_reach, sit_and_reach.StopStream()),
        "reaction-serial": (reaction_time, reaction_time.Abort())}
OEM_PRESSURE_FRAME = bytes.fromhex("AA80060202F30502 01F3".replace(" ", ""))


def _frame(protocol: str) -> bytes:
    if protocol == "oem-bp-serial":
        return OEM_PRESSURE_FRAME
    module, message = STOP[protocol]
    return module.CODEC.encode(message)


PROTOCOLS = [*sorted(STOP), "oem-bp-serial"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_empty_input_exits_1_with_a_message(protocol: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["decode", protocol, ""])
    err = capsys.readouterr().err
    assert code == 1
    assert "no bytes" in err, f"expected a message naming the empty input, got {err!r}"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_truncated_frame_exits_1_naming_the_missing_bytes(protocol: str, capsys: pytest.CaptureFixture[str]) -> None:
    frame = _frame(protocol)
    assert main(["decode", protocol, frame.hex()]) == 0, "the whole frame decodes"
    capsys.readouterr()
    for cut in range(1, len(frame)):
        code = main(["decode", protocol, frame[:cut].hex()])
        err = capsys.readouterr().err
        assert code == 1, f"{protocol}: {cut} of {len(frame)} bytes must not decode"
        assert "incomplete" in err or "truncated" in err or "garbage" in err, (
            f"{protocol}: {cut} of {len(frame)} bytes: expected a message, got {err!r}")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_whole_frame_then_a_cut_one_reports_the_cut(protocol: str, capsys: pytest.CaptureFixture[str]) -> None:
    frame = _frame(protocol)
    code = main(["decode", protocol, frame.hex() + frame[:3].hex()])
    err = capsys.readouterr().err
    assert code == 1 and ("incomplete" in err or "truncated" in err), err
