"""Tindeq Progressor: the published TLV layout, fuzzing, and the grip driver on a simulated gauge.

Facts: tindeq.com/progressor_api (service/characteristic UUIDs, command tags 0x64..0x6F, response tags, weight
samples as float32 kg + uint32 µs, little-endian), agreeing with public clients (hangtime grip-connect, MIT).
No capture of a real Progressor's notifications was found; the frames below are built from that layout.
"""

from __future__ import annotations

import contextlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.ble.gatt import FakeGattPeer
from drivers.codecs import tindeq as td
from drivers.devices.tindeq import TindeqProgressor
from drivers.registry import protocol
from drivers.sim.tindeq import TindeqProgressorSimulator
from tests.drivers.ble_sim_support import run_measurement


def test_a_weight_data_point_holds_float_kg_and_microsecond_stamps() -> None:
    frame = bytes((1, 16)) + struct.pack("<fIfI", 12.5, 1_000_000, 13.25, 1_012_500)
    assert td.decode_data_point(frame) == td.WeightMeasurement(
        (td.WeightSample(12.5, 1_000_000), td.WeightSample(13.25, 1_012_500)))


def test_commands_are_tag_length_value_and_a_bare_tag_is_read_too() -> None:
    assert td.encode_command(td.Command.START_WEIGHT_MEAS) == bytes((0x65, 0))
    assert td.decode_command(bytes((0x65,))) == td.ControlCommand(td.Command.START_WEIGHT_MEAS)
    assert td.decode_command(td.add_calibration_point(20.0)).value == struct.pack("<f", 20.0)


def test_battery_and_version_responses() -> None:
    assert td.decode_data_point(bytes((0, 4)) + struct.pack("<I", 3871)).battery_mv == 3871  # type: ignore[union-attr]
    assert td.decode_data_point(bytes((0, 3)) + b"1.2").text == "1.2"  # type: ignore[union-attr]


@pytest.mark.parametrize("frame", ["01", "01 08 00 00", "01 04 00 00 20 41", "00 05 01"])
def test_a_length_mismatch_is_a_codec_error(frame: str) -> None:
    with pytest.raises(CodecError):
        td.decode_data_point(bytes.fromhex(frame))


@given(st.binary(max_size=64))
def test_any_notification_decodes_or_raises_codec_error(data: bytes) -> None:
    with contextlib.suppress(CodecError):
        td.decode_data_point(data)


def test_kiosk_decode_knows_the_progressor() -> None:
    (point,) = protocol("tindeq-progressor").decode(bytes((1, 8)) + struct.pack("<fI", 7.0, 5), "7e4e1702")
    assert point == td.WeightMeasurement((td.WeightSample(7.0, 5),))


async def test_progressor_driver_keeps_the_squeeze_peak_on_the_gauge_clock() -> None:
    sim = TindeqProgressorSimulator(peak_kg=27.0, speed=40.0)
    gauge = TindeqProgressor("tindeq", FakeGattPeer(sim), None)
    await gauge.connect()
    run = await run_measurement(gauge.measure(side="left"))
    assert run.final.values["grip"] == pytest.approx(27.0, abs=0.5), "tare must remove the 0.3 kg offset"
    assert run.final.side == "left"
    times = [p.at_s for p in run.progress]
    assert times[1] - times[0] == pytest.approx(1 / 80, abs=1e-4), "times come from the µs stamps"
    assert (await gauge.describe())["battery_mv"] == 3871


async def test_a_stalled_progressor_is_a_timeout() -> None:
    sim = TindeqProgressorSimulator(speed=40.0)
    gauge = TindeqProgressor("tindeq", FakeGattPeer(sim), None)
    await gauge.connect()
    sim.inject("stall")
    run = await run_measurement(gauge.measure())
    assert run.error is not None and not run.finals


async def test_read_steady_kg_reads_a_hanging_mass_after_a_tare_and_not_before() -> None:
    sim = TindeqProgressorSimulator(speed=40.0, zero_offset_kg=0.3)
    gauge = TindeqProgressor("tindeq", FakeGattPeer(sim), None)
    await gauge.connect()
    sim.hanging_mass_kg = 10.0
    assert await gauge.read_steady_kg(0.5) == pytest.approx(10.3, abs=0.05), "reading a mass must not tare it away"
    sim.hanging_mass_kg = None
    await gauge.tare()
    sim.hanging_mass_kg = 10.0
    assert await gauge.read_steady_kg(0.5) == pytest.approx(10.0, abs=0.05)
