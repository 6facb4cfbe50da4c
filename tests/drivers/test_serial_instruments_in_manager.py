"""The six serial instruments through DRV-BLE's registry and DeviceManager: simulate mode end to end."""

from __future__ import annotations

import asyncio

import pytest

from drivers.base import DeviceDisconnected, DeviceState, FinalReading
from drivers.manager import DeviceManager
from drivers.transport.serial import Backoff
from kiosk.config import DeviceConfig, StationConfig

INSTRUMENTS = (
    DeviceConfig("grip", "grip", "grip-serial", simulate=True),
    DeviceConfig("spirometer", "spirometer", "spirometer-serial", baud=115200, simulate=True),
    DeviceConfig("vc", "vital_capacity", "vital-capacity-serial", simulate=True),
    DeviceConfig("balance", "balance", "balance-serial", baud=115200, simulate=True),
    DeviceConfig("reach", "sit_and_reach", "sit-and-reach-serial", simulate=True),
    DeviceConfig("rt", "reaction_time", "reaction-serial", simulate=True),
)


async def settled(manager: DeviceManager, names: tuple[str, ...], state: DeviceState, timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        if all(manager.device(n).state is state for n in names):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {names} {state}, got {manager.states()}")


async def final_of(manager: DeviceManager, name: str, **options) -> FinalReading:
    finals = [e async for e in manager.measure(name, **options) if isinstance(e, FinalReading)]
    assert len(finals) == 1, f"{name}: expected one final reading"
    return finals[0]


@pytest.mark.slow
async def test_every_instrument_connects_probes_and_measures_through_the_manager():
    cfg = StationConfig(devices=INSTRUMENTS)
    async with DeviceManager(cfg, None, sim_speed=6, backoff=Backoff(0.1, 2.0, 0.5, 0.0)) as manager:
        names = tuple(d.name for d in INSTRUMENTS)
        await settled(manager, names, DeviceState.READY)
        for name in names:
            report = await manager.probe(name)
            assert report["state"] == "ready" and "error" not in report, report
            assert report["found"]["protocol"], report
        assert (await manager.probe("balance"))["found"]["width_mm"] == 400
        items = {name: (await final_of(manager, name, foreperiod_s=(0.01, 0.02))).item for name in names}
    assert items == {"grip": "grip", "spirometer": "fvc", "vc": "vital_capacity",
                     "balance": "single_leg_stand_eyes_closed", "reach": "sit_and_reach",
                     "rt": "choice_reaction_time"}


async def test_an_unplugged_instrument_is_noticed_while_idle_and_reconnected_after_replug():
    cfg = StationConfig(devices=INSTRUMENTS[:1])
    async with DeviceManager(cfg, None, sim_speed=6, backoff=Backoff(0.1, 2.0, 0.3, 0.0),
                             watch_interval_s=0.05, health_check_s=0.1) as manager:
        await settled(manager, ("grip",), DeviceState.READY)
        manager.inject("grip", "disconnect")
        await settled(manager, ("grip",), DeviceState.ABSENT)
        with pytest.raises(DeviceDisconnected):
            await final_of(manager, "grip")
        manager.replug("grip")
        await settled(manager, ("grip",), DeviceState.READY)
        reading = await final_of(manager, "grip", side="right")
    assert reading.values["grip"] == pytest.approx(32.0, abs=0.3)
