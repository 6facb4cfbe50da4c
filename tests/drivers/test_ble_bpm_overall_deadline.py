"""BLE BP monitor: a cuff streaming pressure but never finishing times out; a bad arm option is refused."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import ClassVar

from drivers.base import DeviceState, DeviceTimeout, DriverError
from drivers.ble.gatt import FakeGattPeer
from drivers.codecs import ble_bps
from drivers.devices.ble_blood_pressure import BleBloodPressureMonitor
from drivers.sim.ble_peripheral import PeripheralBase
from tests.drivers.ble_sim_support import book_with, run_measurement


class EndlessCuff(PeripheralBase):
    """A monitor whose pressure never leaves 150 mmHg: live frames every 20 ms, no result ever."""

    name = "endless-cuff"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_bps.SERVICE_UUID: (ble_bps.MEASUREMENT_UUID, ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID, ble_bps.FEATURE_UUID)}

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_bps.MEASUREMENT_UUID and subscribed and not self.busy:
            self.spawn(self._stream())

    async def _stream(self) -> None:
        frame = ble_bps.encode_intermediate_cuff_pressure(ble_bps.IntermediateCuffPressure(ble_bps.PressureUnit.MMHG,
                                                                                           150.0))
        while True:
            self.send(ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID, frame)
            await asyncio.sleep(0.02)


async def test_a_monitor_that_never_finishes_times_out_without_a_reading() -> None:
    peer = FakeGattPeer(EndlessCuff())
    monitor = BleBloodPressureMonitor("bpm-1", peer, book_with("bpm-1"))
    monitor.frame_timeout_s = 1.0
    monitor.measurement_timeout_s = 0.5
    await monitor.connect()
    run = await asyncio.wait_for(run_measurement(monitor.measure()), 10.0)
    assert run.finals == [], "no reading from a measurement that never ended"
    assert isinstance(run.error, DeviceTimeout), f"expected DeviceTimeout after the overall limit, got {run.error!r}"
    assert run.progress, "the live cuff pressure was shown while it lasted"
    assert monitor.state is DeviceState.READY
    await monitor.close()


async def test_a_bad_arm_option_is_a_driver_error_before_anything_is_subscribed() -> None:
    peer = FakeGattPeer(EndlessCuff())
    monitor = BleBloodPressureMonitor("bpm-1", peer, book_with("bpm-1"))
    await monitor.connect()
    run = await asyncio.wait_for(run_measurement(monitor.measure(side="middle")), 5.0)  # ValueError escaped before
    assert isinstance(run.error, DriverError) and "left' or 'right" in str(run.error), run.error
    assert run.progress == [] and run.finals == [], "the cuff never started"
    assert monitor.state is DeviceState.READY
    await monitor.close()
