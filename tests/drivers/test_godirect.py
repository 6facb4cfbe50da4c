"""Vernier Go Direct: packets checked against the constant bytes of Vernier's own libraries, drivers on simulators.

Sources of the facts (read, not copied): godirect-py (github.com/VernierST/godirect-py, GPL-3.0, commit e1ce7c5)
and godirect-js (github.com/VernierST/godirect-js, BSD-3-Clause, commit 350d2eb): command ids and parameter bytes,
header, checksum rule, response and measurement layouts. The INIT packet with rolling counter FE and checksum 3F
also appears verbatim in public Web Bluetooth clients of the Go Direct respiration belt. No capture of a real
device's measurement packets was found, so those are built from the documented layout.
"""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.ble.gatt import FakeGattPeer
from drivers.codecs import godirect as gd
from drivers.devices.godirect import GoDirectGrip, GoDirectSpirometer
from drivers.sim.godirect import GdxHandDynamometerSimulator, GdxSpirometerSimulator
from tests.drivers.ble_sim_support import run_measurement


def test_init_packet_is_the_one_vernier_clients_send_first() -> None:
    assert gd.init_packet() == bytes.fromhex("58 19 FE 3F 1A A5 4A 06 49 07 48 08 47 09 46 0A 45 0B 44 0C 43 0D 42 "
                                             "0E 41")


@pytest.mark.parametrize(("packet", "params"), [
    (gd.stop_packet(0xF0), "FF 00 FF FF FF FF"),  # STOP_MEASUREMENTS of both libraries
    (gd.start_packet(0b10, 0xF0), "FF 01 02 00 00 00 00 00 00 00 00 00 00 00"),
    (gd.set_period_packet(10_000, 0xF0), "FF 00 10 27 00 00 00 00 00 00"),  # 10 ms in µs
])
def test_command_parameters_follow_the_libraries(packet: bytes, params: str) -> None:
    assert packet[0] == 0x58 and packet[1] == len(packet) and packet[2] == 0xF0
    assert packet[5:] == bytes.fromhex(params)
    assert packet[3] == (sum(packet) - packet[3]) & 0xFF


def test_a_normal_real32_measurement_decodes_per_sensor_per_sample() -> None:
    values = [12.5, 0.25, 13.0, 0.5]  # two samples of sensors 1 and 3
    body = bytes((0x20, 0, 0, 0, 0x06)) + struct.pack("<H", 0b1010) + bytes((2, 0)) + struct.pack("<4f", *values)
    packet = bytearray(body)
    packet[1] = len(packet)
    packet[3] = gd.checksum(packet)
    m = gd.decode_packet(bytes(packet))
    assert m == gd.Measurement(0x06, (((1, 12.5), (3, 0.25)), ((1, 13.0), (3, 0.5))))


def test_a_bad_checksum_is_refused_by_name() -> None:
    packet = bytearray(gd.init_packet())
    packet[3] ^= 0xFF
    with pytest.raises(CodecError, match="checksum"):
        gd.decode_packet(bytes(packet))


def test_sensor_info_layout_matches_the_js_offsets() -> None:
    info = gd.SensorInfo(1, 7, "Force", "N", -100.0, 850.0, 1000, 100_000)
    payload = gd.encode_sensor_info(info)
    # godirect-js: name at 14 − 6 = 8 (60 bytes), unit at 68 (32), min at 108, max at 116, typical period at 136
    assert payload[8:13] == b"Force" and payload[68:69] == b"N"
    assert struct.unpack_from("<dd", payload, 108) == (-100.0, 850.0)
    assert struct.unpack_from("<I", payload, 136) == (100_000,)
    assert gd.decode_sensor_info(payload) == info


def test_packets_split_over_notifications_and_usb_reports_are_reassembled() -> None:
    packet = gd.encode_response(0x55, 0xFC, bytes(range(120)))
    a = gd.PacketAssembler()
    out = [m for chunk in gd.ble_chunks(packet) for m in a.feed(chunk)]
    assert out == [gd.Response(0x55, 0xFC, bytes(range(120)))]
    b = gd.PacketAssembler()
    reports = list(gd.usb_reports(packet))
    assert all(len(r) == 64 for r in reports) and reports[0][0] == 63
    assert [m for r in reports for m in b.feed_usb_report(r)] == out


@given(st.lists(st.binary(max_size=30), max_size=10))
def test_any_chunks_yield_messages_or_codec_errors(chunks: list[bytes]) -> None:
    a = gd.PacketAssembler()
    for chunk in chunks:
        for item in a.feed(chunk):
            assert isinstance(item, gd.CommandPacket | gd.Response | gd.Measurement | CodecError)


@given(st.binary(max_size=200))
def test_decode_packet_never_crashes(data: bytes) -> None:
    with contextlib.suppress(CodecError):
        gd.decode_packet(data)


async def test_gdx_hd_reports_the_squeeze_peak_in_kg() -> None:
    grip = GoDirectGrip("gdx-hd", FakeGattPeer(GdxHandDynamometerSimulator(peak_kg=31.0, speed=40.0)), None)
    await grip.connect()
    assert grip.sensor.description == "Force" and grip.info is not None and grip.info.order_code == "GDX-HD"
    reading = (await run_measurement(grip.measure(side="right"))).final
    assert reading.values["grip"] == pytest.approx(31.0, abs=0.8)
    assert reading.side == "right" and "uncalibrated" in reading.quality_flags
    described = await grip.describe()
    assert described["firmware"] == "1.6.3" and described["protocol"] == "godirect-grip"


async def test_gdx_spr_flow_gives_the_station_computed_fvc_and_pef() -> None:
    spr = GoDirectSpirometer("gdx-spr", FakeGattPeer(GdxSpirometerSimulator(fvc_l=3.4, pef_l_s=7.0, speed=40.0)),
                             None)
    await spr.connect()
    run = await run_measurement(spr.measure())
    reading = run.final
    live = [p for p in run.progress if p.quantity == "flow_volume"]
    assert len(live) > 20 and live[-1].at_s > live[0].at_s, "the flow-volume curve is drawn while blowing"
    assert reading.values["fvc"] == pytest.approx(3.4, abs=0.1)
    assert reading.values["pef"] == pytest.approx(7.0, abs=0.3)
    assert "ambient_assumed" in reading.quality_flags


async def test_a_dynamometer_driver_refuses_a_spirometer() -> None:
    grip = GoDirectGrip("x", FakeGattPeer(GdxSpirometerSimulator(speed=40.0)), None)
    with pytest.raises(Exception, match="no sensor in 'N'"):
        await grip.connect()


async def test_a_stalled_stream_is_a_timeout_not_a_reading() -> None:
    sim = GdxHandDynamometerSimulator(speed=40.0)
    grip = GoDirectGrip("gdx-hd", FakeGattPeer(sim), None)
    await grip.connect()
    sim.inject("stall")
    run = await run_measurement(grip.measure())
    assert run.error is not None and not run.finals
