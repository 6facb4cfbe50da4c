"""Bought reaction boxes: a USB HID button box through evdev and a Cedrus XID pad.

Real data: ``evtest`` output of a USB numeric keypad ("Ionflux", mode 1), quoted from
github.com/CWE3D/lister_numpad_macros documents/keyboard.md (commit a5b230b; the repository states no
licence: a few lines are used as test facts only). XID packet layout from Cedrus's pyxid2 (BSD-3-Clause);
no capture of a pad's bytes was found, so the XID packets are built from that layout.
"""

from __future__ import annotations

import contextlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import button_box_evdev as bb
from drivers.codecs import cedrus_xid as xid
from drivers.devices.reaction_boxes import CedrusXidReactionBox, EvdevButtonBox, XidPort
from drivers.sim.pty import PtyHost
from drivers.sim.reaction_boxes import ButtonBoxSimulator, CedrusXidSimulator
from drivers.transport.evdev_input import EV_KEY, EV_MSC, decode_input_events, encode_input_events, parse_evtest
from tests.drivers.ble_sim_support import run_measurement

NUMPAD_EVTEST = """\
Event: time 1732611128.101149, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7001e
Event: time 1732611128.101149, type 1 (EV_KEY), code 2 (KEY_1), value 1
Event: time 1732611128.101149, -------------- SYN_REPORT ------------
Event: time 1732611128.182148, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7001e
Event: time 1732611128.182148, type 1 (EV_KEY), code 2 (KEY_1), value 0
Event: time 1732611128.182148, -------------- SYN_REPORT ------------
Event: time 1732611128.519263, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7001f
Event: time 1732611128.519263, type 1 (EV_KEY), code 3 (KEY_2), value 1
Event: time 1732611128.519263, -------------- SYN_REPORT ------------
Event: time 1732611128.600134, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7001f
Event: time 1732611128.600134, type 1 (EV_KEY), code 3 (KEY_2), value 0
Event: time 1732611128.600134, -------------- SYN_REPORT ------------
Event: time 1732611620.854361, type 4 (EV_MSC), code 4 (MSC_SCAN), value 7005c
Event: time 1732611620.854361, type 1 (EV_KEY), code 75 (KEY_KP4), value 1
Event: time 1732611620.854361, -------------- SYN_REPORT ------------
"""


def test_evtest_capture_of_a_real_usb_keypad_parses_to_its_events() -> None:
    events = parse_evtest(NUMPAD_EVTEST)
    assert len(events) == 15
    assert (events[0].ev_type, events[0].code, events[0].value) == (EV_MSC, 4, 0x7001E)  # scan codes are hex
    assert (events[1].ev_type, events[1].code, events[1].value) == (EV_KEY, 2, 1)
    assert events[1].timestamp == pytest.approx(1732611128.101149)


def test_presses_keep_kernel_time_stamps_and_drop_releases() -> None:
    found = bb.presses(parse_evtest(NUMPAD_EVTEST))
    assert [p.button for p in found] == [1, 2, 4]
    assert found[1].at_s - found[0].at_s == pytest.approx(0.418114, abs=1e-6)  # KEY_2 418.114 ms after KEY_1


def test_raw_input_event_bytes_round_trip() -> None:
    events = parse_evtest(NUMPAD_EVTEST)
    assert decode_input_events(encode_input_events(events)) == events
    with pytest.raises(CodecError, match="24-byte"):
        decode_input_events(b"\x00" * 25)


@pytest.mark.parametrize(("info", "event"), [
    (0x30, xid.KeyEvent(1, 0, True, 512)),  # key 1 pressed on port 0
    (0x20, xid.KeyEvent(1, 0, False, 512)),
    (0xB0, xid.KeyEvent(5, 0, True, 512)),
    (0x10, xid.KeyEvent(8, 0, True, 512)),  # key bits 0 = key 8 (pyxid2)
])
def test_xid_key_packets_follow_pyxid2(info: int, event: xid.KeyEvent) -> None:
    packet = b"k" + bytes((info,)) + (512).to_bytes(4, "little")
    assert xid.decode_key_packet(packet) == event
    assert xid.encode_key_packet(event) == packet


def test_xid_reader_skips_stray_bytes_and_invalid_ports() -> None:
    good = xid.encode_key_packet(xid.KeyEvent(2, 0, True, 300))
    items = xid.KeyPacketReader().feed(b"\x00\xff" + b"k\x0c\x00\x00\x00\x00" + good)
    assert items[-1] == xid.KeyEvent(2, 0, True, 300)
    assert any(isinstance(i, CodecError) for i in items)


@given(st.lists(st.binary(max_size=16), max_size=8))
def test_xid_reader_never_crashes(chunks: list[bytes]) -> None:
    reader = xid.KeyPacketReader()
    for chunk in chunks:
        for item in reader.feed(chunk):
            assert isinstance(item, xid.KeyEvent | CodecError)


@given(st.binary(min_size=6, max_size=6))
def test_xid_decode_never_crashes(packet: bytes) -> None:
    with contextlib.suppress(CodecError):
        xid.decode_key_packet(packet)


FAST = {"stimuli": 3, "foreperiod_s": (0.01, 0.02)}


async def test_button_box_times_presses_against_the_onset() -> None:
    sim = ButtonBoxSimulator(speed=20.0, mean_ms=450.0, sd_ms=1.0)
    box = EvdevButtonBox("rt", sim.source(), None, rng=random.Random(1))
    box.stimulus_listener = sim.see_stimulus
    await box.connect()
    run = await run_measurement(box.measure(**FAST))
    assert run.final.values["choice_reaction_time"] == pytest.approx(0.45, abs=0.02)
    assert [p.quantity for p in run.progress].count("stimulus_key") == 3


async def test_button_box_wrong_key_and_false_start_are_repeated() -> None:
    sim = ButtonBoxSimulator(speed=20.0, mean_ms=450.0, sd_ms=1.0)
    box = EvdevButtonBox("rt", sim.source(), None, rng=random.Random(1))
    box.stimulus_listener = sim.see_stimulus
    await box.connect()
    sim.inject("wrong_key")
    run = await run_measurement(box.measure(**FAST))
    assert run.final.details["wrong_keys"] == 1 and len(run.final.details["reaction_ms"]) == 3


async def test_xid_pad_over_a_pseudo_terminal() -> None:
    sim = CedrusXidSimulator(speed=10.0, mean_ms=500.0, sd_ms=1.0)
    host = PtyHost(sim, name="xid").start()
    try:
        pad = CedrusXidReactionBox("xid", XidPort(host.port_path, 115200, device_id="xid"), None,
                                   rng=random.Random(2))
        pad.stimulus_listener = sim.see_stimulus
        await pad.connect()
        assert pad.source.name == "Cedrus RB response pad RB-730/740" and pad.source.firmware == "2.1"
        run = await run_measurement(pad.measure(**FAST))
        assert run.final.values["choice_reaction_time"] == pytest.approx(0.50, abs=0.01), "the pad's own ms"
        await pad.close()
    finally:
        host.stop()


def test_kiosk_decode_reads_an_evtest_capture(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    import json

    from kiosk.cli import main

    capture = tmp_path / "numpad.txt"
    capture.write_text(NUMPAD_EVTEST, encoding="utf-8")
    assert main(["decode", "button-box-evdev", f"@{capture}"]) == 0
    frames = json.loads(capsys.readouterr().out)["frames"]
    assert [(f["button"], f["at_s"]) for f in frames if f["type"] == "ButtonPress"] == [
        (1, 1732611128.101149), (2, 1732611128.519263), (4, 1732611620.854361)]
