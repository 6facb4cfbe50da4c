"""The protocol registry: every configured protocol name builds a simulator, a driver and a decoder."""

from __future__ import annotations

import pytest

from drivers.base import CodecError, Device
from drivers.ble.gatt import FakeGattPeer
from drivers.registry import PROTOCOLS, protocol
from kiosk.config import DEMO_DEVICES, DEVICE_KINDS, DeviceConfig, Transport
from kiosk.errors import ConfigError

CONTRACT_NAMES = ("oem-bp-serial", "ble-bps", "ble-weight", "ble-glucose", "grip-serial", "spirometer-serial",
                  "vital-capacity-serial", "balance-serial", "sit-and-reach-serial", "reaction-serial")


def test_every_protocol_name_of_the_contract_is_registered() -> None:
    missing = [n for n in CONTRACT_NAMES if n not in PROTOCOLS]
    assert not missing, f"protocols named in the team contract but not registered: {missing}"
    assert all(d.protocol in PROTOCOLS for d in DEMO_DEVICES), "the demo station must only use known protocols"


def test_aliases_point_at_the_same_entry() -> None:
    assert protocol("ble-bpm") is protocol("ble-bps")
    assert protocol("ble-scale") is protocol("ble-weight")


def test_unknown_protocol_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="ble-bps"):
        protocol("morse")


@pytest.mark.parametrize("name", sorted(set(CONTRACT_NAMES)))
def test_entry_builds_a_simulator_and_a_driver_of_its_kind(name: str) -> None:
    info = protocol(name)
    assert info.kind in DEVICE_KINDS, f"{name}: kind {info.kind!r} is not a configurable device kind"
    simulator = info.simulator(5.0)
    cfg = DeviceConfig(f"{name}-1", info.kind, name, info.transport, simulate=True)
    link = FakeGattPeer(simulator) if info.transport is Transport.BLE else "/dev/null-port"
    if info.transport is Transport.SERIAL:
        assert hasattr(simulator, "on_host_bytes") and hasattr(simulator, "on_tick"), "a ByteSimulator for PtyHost"
    driver = info.driver(cfg, link, None)
    assert isinstance(driver, Device)
    assert driver.device_id == f"{name}-1"


@pytest.mark.parametrize("name", sorted(set(CONTRACT_NAMES)))
def test_entry_decodes_garbage_to_codec_errors_not_exceptions(name: str) -> None:
    items = protocol(name).decode(b"\x13\x37\x00\xff", None)
    assert items and all(isinstance(i, CodecError) for i in items), items
