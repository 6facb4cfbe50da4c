"""The glucometer refuses an item that is not a glucose item, and never stays 'measuring' after an error."""

from __future__ import annotations

import pytest

from drivers.base import DeviceState, DriverError
from drivers.ble.gatt import FakeGattPeer
from drivers.devices.ble_glucometer import BleGlucometer
from drivers.sim.ble_glucose import BleGlucoseSimulator
from tests.drivers.ble_sim_support import book_with, run_measurement


async def glucometer() -> tuple[BleGlucometer, FakeGattPeer, BleGlucoseSimulator]:
    sim = BleGlucoseSimulator(6.2, stored=4, speed=60.0)
    peer = FakeGattPeer(sim)
    device = BleGlucometer("glu-1", peer, book_with("glu-1"))
    device.poll_interval_s = 0.01
    device.start_timeout_s = 2.0
    device.racp_timeout_s = 0.5
    await device.connect()
    return device, peer, sim


@pytest.mark.parametrize("item", ["blood_pressure", "no_such_item"])
async def test_a_non_glucose_item_is_refused_before_the_meter_is_asked(item: str) -> None:
    device, _, _ = await glucometer()
    run = await run_measurement(device.measure(item=item))
    assert run.finals == [], f"a glucose value must never be stored as {item!r}: {run.finals}"
    assert isinstance(run.error, DriverError), f"expected a DriverError naming the option, got {run.error!r}"
    assert "item" in str(run.error)
    assert run.progress == [], "the resident must not be asked to test for a measurement that cannot be stored"
    assert device.state is DeviceState.READY


async def test_a_failed_baseline_read_does_not_leave_the_meter_measuring() -> None:
    device, peer, _ = await glucometer()
    peer.inject("drop_next")  # the last stored record is lost on the way: the baseline read fails
    run = await run_measurement(device.measure())
    assert run.finals == [] and isinstance(run.error, DriverError), run.error
    assert device.state is not DeviceState.MEASURING, "the meter is no longer measuring after the error"
