"""The BLE simulators speak their profiles correctly: RACP procedures and response codes, BPM and scale frames."""

from __future__ import annotations

import asyncio

import pytest

from drivers.ble.gatt import FakeGattPeer
from drivers.codecs import ble_bps, ble_glucose, ble_weight
from drivers.codecs.ble_glucose import RacpNumberOfRecords, RacpResponse, RacpResponseCode
from drivers.sim.ble_bpm import BleBpmSimulator
from drivers.sim.ble_glucose import BleGlucoseSimulator
from drivers.sim.ble_scale import BleScaleSimulator

SPEED = 100.0


async def racp(peer: FakeGattPeer, request: bytes, wait_s: float = 1.0) -> tuple[list, object]:
    """Write an RACP request; collect records until the RACP indication."""
    frames: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    await peer.start_notify(ble_glucose.MEASUREMENT_UUID, lambda u, d: frames.put_nowait((u, d)))
    await peer.start_notify(ble_glucose.RACP_UUID, lambda u, d: frames.put_nowait((u, d)))
    await peer.write(ble_glucose.RACP_UUID, request)
    records = []
    while True:
        uuid, data = await asyncio.wait_for(frames.get(), wait_s)
        if uuid == ble_glucose.MEASUREMENT_UUID:
            records.append(ble_glucose.decode_glucose_measurement(data))
        else:
            return records, ble_glucose.decode_racp_response(data)


async def meter(stored: int = 5) -> FakeGattPeer:
    peer = FakeGattPeer(BleGlucoseSimulator(5.5, stored=stored, speed=SPEED))
    await peer.connect()
    return peer


async def test_report_all_records_then_success() -> None:
    records, response = await racp(await meter(), bytes.fromhex("0101"))
    assert [r.sequence_number for r in records] == [1, 2, 3, 4, 5]
    assert response == RacpResponse(1, RacpResponseCode.SUCCESS)


async def test_report_greater_or_equal_and_count() -> None:
    peer = await meter()
    records, response = await racp(peer, ble_glucose.encode_racp_request(ble_glucose.report_records_from(4)))
    assert [r.sequence_number for r in records] == [4, 5] and response.ok
    _, count = await racp(peer, ble_glucose.encode_racp_request(ble_glucose.report_number_of_records()))
    assert count == RacpNumberOfRecords(5)


async def test_first_and_last_record() -> None:
    peer = await meter()
    assert [r.sequence_number for r in (await racp(peer, bytes.fromhex("0105")))[0]] == [1]
    assert [r.sequence_number for r in (await racp(peer, bytes.fromhex("0106")))[0]] == [5]


@pytest.mark.parametrize(("request_hex", "code"), [
    ("0103010A00", RacpResponseCode.NO_RECORDS_FOUND),  # >= 10: nothing that new
    ("0201", RacpResponseCode.OP_CODE_NOT_SUPPORTED),  # delete is not supported by this meter
    ("09 01", RacpResponseCode.OP_CODE_NOT_SUPPORTED),
    ("01 09", RacpResponseCode.INVALID_OPERATOR),
    ("01 03 02 0100", RacpResponseCode.INVALID_OPERAND),  # filter type 2 (user facing time) with a short operand
    ("0300", RacpResponseCode.SUCCESS),  # abort with nothing running
])
async def test_response_codes(request_hex: str, code: RacpResponseCode) -> None:
    _, response = await racp(await meter(), bytes.fromhex(request_hex))
    assert isinstance(response, RacpResponse) and response.code is code, response


async def test_empty_meter_reports_no_records() -> None:
    peer = await meter(stored=0)
    _, response = await racp(peer, bytes.fromhex("0101"))
    assert response.code is RacpResponseCode.NO_RECORDS_FOUND


async def test_bpm_sends_cuff_pressures_then_one_measurement_when_subscribed() -> None:
    peer = FakeGattPeer(BleBpmSimulator(speed=SPEED))
    await peer.connect()
    frames: list[tuple[str, bytes]] = []
    done = asyncio.Event()

    def on_frame(uuid: str, data: bytes) -> None:
        frames.append((uuid, data))
        if uuid == ble_bps.MEASUREMENT_UUID:
            done.set()

    await peer.start_notify(ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID, on_frame)
    await peer.start_notify(ble_bps.MEASUREMENT_UUID, on_frame)
    await asyncio.wait_for(done.wait(), 5.0)
    cuffs = [ble_bps.decode_intermediate_cuff_pressure(d) for u, d in frames[:-1]]
    assert len(cuffs) > 20 and all(c.unit is ble_bps.PressureUnit.MMHG for c in cuffs)
    m = ble_bps.decode_measurement(frames[-1][1])
    assert m.time_stamp is not None and m.pulse_rate_bpm is not None and m.status is not None
    assert ble_bps.decode_feature(await peer.read(ble_bps.FEATURE_UUID)).cuff_fit_detection


async def test_scale_indicates_one_weight_when_subscribed() -> None:
    peer = FakeGattPeer(BleScaleSimulator(80.0, 1.8, speed=SPEED, step_on_s=0.0))
    await peer.connect()
    got: asyncio.Queue[bytes] = asyncio.Queue()
    await peer.start_notify(ble_weight.MEASUREMENT_UUID, lambda u, d: got.put_nowait(d))
    m = ble_weight.decode_weight_measurement(await asyncio.wait_for(got.get(), 2.0))
    assert m.weight_kg == pytest.approx(80.0, abs=0.06) and m.bmi_kg_m2 == pytest.approx(24.7, abs=0.1)
