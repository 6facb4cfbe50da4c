"""A configured Xiaomi body-composition scale loads, checks and runs in the device manager (it used to be refused).

The simulated scale (``drivers.sim.xiaomi_scale``, our own) speaks the real 0x181B bytes; the captured
frames are tested in ``test_xiaomi_scale_driver``.
"""

from __future__ import annotations

import asyncio
import tomllib

import pytest

from drivers.base import DeviceReportedError, DeviceState, FinalReading
from drivers.ble.advertisement import BleakAdvertisementSource, FakeAdvertisementSource, advertisement_link
from drivers.calibration import MemoryCalibrationBook
from drivers.devices.xiaomi_scale import XiaomiBodyCompositionScale
from drivers.manager import DeviceManager
from drivers.registry import check_devices, protocol
from drivers.transport.serial import Backoff
from kiosk.config import DeviceConfig, StationConfig, Transport, parse_config

XIAOMI = """
[[devices]]
name = "scale"
kind = "scale"
protocol = "xiaomi-mibcs"
transport = "ble"
address = "5C:CA:D3:11:22:33"
"""


def test_a_configured_xiaomi_scale_is_accepted_and_listens_with_bleak() -> None:
    cfg = parse_config(tomllib.loads(XIAOMI), source="station.toml")
    check_devices(cfg)  # raised ConfigError ("no driver") before
    dcfg = cfg.devices[0]
    info = protocol(dcfg.protocol)
    source, listens_on, simulator, host = advertisement_link(dcfg, info, 1.0)
    assert isinstance(source, BleakAdvertisementSource) and simulator is None and host is None
    assert (source.address, source.service_data_uuid) == ("5C:CA:D3:11:22:33", "0000181b-0000-1000-8000-00805f9b34fb")
    assert listens_on == "5C:CA:D3:11:22:33" and not source.is_scanning
    assert isinstance(info.driver(dcfg, source, None), XiaomiBodyCompositionScale)


def test_the_xiaomi_scale_is_a_scale_not_a_body_fat_analyser() -> None:
    from kiosk.errors import ConfigError

    cfg = parse_config(tomllib.loads(XIAOMI.replace('kind = "scale"', 'kind = "body_composition"')))
    with pytest.raises(ConfigError, match="is for kind 'scale'"):
        check_devices(cfg)


def manager() -> DeviceManager:
    cfg = StationConfig(devices=(DeviceConfig("mi", "scale", "xiaomi-mibcs", Transport.BLE, simulate=True),))
    return DeviceManager(cfg, MemoryCalibrationBook([]), sim_speed=60.0,
                         backoff=Backoff(initial_s=0.05, factor=2.0, cap_s=0.2, jitter=0.0), watch_interval_s=0.02)


async def ready(m: DeviceManager) -> None:
    for _ in range(250):
        if m.devices["mi"].state is DeviceState.READY:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"mi is {m.devices['mi'].state.value}: {m.devices['mi'].last_error}")


async def test_simulated_xiaomi_scale_weighs_in_the_manager_and_takes_faults() -> None:
    async with manager() as m:
        await ready(m)
        managed = m.devices["mi"]
        assert "fake advertiser" in managed.listens_on
        assert isinstance(managed.driver.source, FakeAdvertisementSource)  # type: ignore[attr-defined]
        managed.simulator.step_on_s = 0.02
        events = [e async for e in m.measure("mi")]
        assert isinstance(events[-1], FinalReading) and events[-1].item == "weight"
        assert events[-1].values["weight"] == pytest.approx(71.3, abs=0.06)
        assert managed.last_frame_at is not None, "the manager saw the advertisements arrive"
        m.inject("mi", "step_off_early")
        with pytest.raises(DeviceReportedError, match="stepped off"):
            async for _ in m.measure("mi"):
                pass
        with pytest.raises(ValueError, match="knows faults"):
            m.inject("mi", "cuff_loose")


def test_probe_suggests_the_xiaomi_scale_from_its_advertised_name() -> None:
    from drivers.discovery import Found, suggest

    # name, address and listed UUID as in xiaomi-ble's test_Xiaomi_Scale2 capture (Apache-2.0)
    (s,) = suggest([Found("ble", "MIBFS", "50:FB:19:1B:B5:DC", services=("0000181b-0000-1000-8000-00805f9b34fb",))])
    assert (s.protocol, s.kind, s.transport, s.settings) == ("xiaomi-mibcs", "scale", "ble",
                                                             {"address": "50:FB:19:1B:B5:DC"})
    check_devices(parse_config(tomllib.loads(s.toml("scale"))))
