"""The GATT-client interface: the fake peer behaves like a radio link (async delivery, drops, faults); bleak wraps."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import ClassVar

import pytest

from drivers.base import DeviceDisconnected
from drivers.ble.gatt import BleakGattClient, FakeGattPeer, GattClient, uuid16
from drivers.sim.ble_peripheral import PeripheralBase

SERVICE, NOTIFY, WRITE = uuid16(0xFFF0), uuid16(0xFFF1), uuid16(0xFFF2)


class EchoPeripheral(PeripheralBase):
    """Echoes every write back as a notification; counts subscriptions."""

    name = "echo"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {SERVICE: (NOTIFY, WRITE)}
    faults = frozenset({"mute"})

    def __init__(self) -> None:
        super().__init__()
        self.subscribed: list[tuple[str, bool]] = []
        self.detached = 0

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if not self.armed("mute"):
            self.send(NOTIFY, data)

    def on_read(self, char_uuid: str) -> bytes:
        return b"\x2a"

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        self.subscribed.append((char_uuid, subscribed))

    def detach(self) -> None:
        super().detach()
        self.detached += 1


async def connected_peer() -> tuple[FakeGattPeer, EchoPeripheral, list[bytes]]:
    peripheral = EchoPeripheral()
    peer = FakeGattPeer(peripheral)
    await peer.connect()
    received: list[bytes] = []
    await peer.start_notify(NOTIFY, lambda _u, data: received.append(data))
    return peer, peripheral, received


def test_uuid16_expands_to_the_sig_base_uuid() -> None:
    assert uuid16(0x2A35) == "00002a35-0000-1000-8000-00805f9b34fb"


def test_bleak_client_constructs_without_a_radio_and_fits_the_interface() -> None:
    client = BleakGattClient("AA:BB:CC:DD:EE:FF", device_id="bpm")
    assert isinstance(client, GattClient)
    assert not client.is_connected


def test_fake_peer_fits_the_interface() -> None:
    assert isinstance(FakeGattPeer(EchoPeripheral()), GattClient)


async def test_discover_lists_the_peripheral_services() -> None:
    peer, _, _ = await connected_peer()
    assert await peer.discover() == {SERVICE: (NOTIFY, WRITE)}
    assert await peer.read(WRITE) == b"\x2a"


async def test_notifications_arrive_asynchronously_like_a_radio() -> None:
    peer, peripheral, received = await connected_peer()
    await peer.write(WRITE, b"\x01\x02")
    assert received == [], "a notification must not be delivered inside the write call"
    await asyncio.sleep(0)
    assert received == [b"\x01\x02"]
    assert peripheral.subscribed == [(NOTIFY, True)]


async def test_operations_when_not_connected_raise_disconnected() -> None:
    peer = FakeGattPeer(EchoPeripheral())
    with pytest.raises(DeviceDisconnected, match="not connected"):
        await peer.read(WRITE)
    await peer.connect()
    with pytest.raises(DeviceDisconnected, match="not found"):
        await peer.read(uuid16(0x1234))


async def test_disconnect_fault_drops_the_link_and_calls_back() -> None:
    peer, peripheral, received = await connected_peer()
    drops: list[str] = []
    peer.set_disconnected_callback(lambda: drops.append("lost"))
    await peer.write(WRITE, b"\x07")  # queued on the loop ...
    peer.inject("disconnect")  # ... and the link drops before it is delivered
    await asyncio.sleep(0)
    assert drops == ["lost"] and not peer.is_connected
    assert received == [], "nothing may arrive over a dropped link"
    assert peripheral.detached == 1
    await peer.connect()
    assert peer.is_connected, "after a drop the peer is back in range and accepts a new connection"


async def test_away_peer_refuses_connections_until_back() -> None:
    peer, _, _ = await connected_peer()
    peer.inject("away")
    with pytest.raises(DeviceDisconnected, match="not in range"):
        await peer.connect()
    peer.inject("back")
    await peer.connect()
    assert peer.is_connected


async def test_garbage_fault_replaces_the_next_notification() -> None:
    peer, _, received = await connected_peer()
    peer.inject("garbage")
    await peer.write(WRITE, b"\x01\x02\x03")
    await peer.write(WRITE, b"\x04")
    await asyncio.sleep(0)
    assert received[0] != b"\x01\x02\x03" and received[1] == b"\x04"


async def test_drop_next_loses_exactly_one_notification() -> None:
    peer, _, received = await connected_peer()
    peer.inject("drop_next")
    for b in (b"a", b"b", b"c"):
        await peer.write(WRITE, b)
    await asyncio.sleep(0)
    assert received == [b"b", b"c"]


async def test_device_faults_go_to_the_peripheral_and_unknown_faults_are_refused() -> None:
    peer, _, received = await connected_peer()
    peer.inject("mute")
    await peer.write(WRITE, b"x")
    await asyncio.sleep(0)
    assert received == []
    with pytest.raises(ValueError, match="knows faults"):
        peer.inject("explode")


async def test_unsubscribe_stops_delivery() -> None:
    peer, peripheral, received = await connected_peer()
    await peer.stop_notify(NOTIFY)
    await peer.write(WRITE, b"x")
    await asyncio.sleep(0)
    assert received == [] and peripheral.subscribed[-1] == (NOTIFY, False)


async def test_bleak_connect_without_a_bluetooth_stack_is_a_clear_disconnect() -> None:
    # this machine has no BlueZ/D-Bus: the scan before bleak-retry-connector's connect fails, and the driver
    # sees DeviceDisconnected naming the address, never a raw bleak or OS error
    from drivers.base import DeviceDisconnected

    client = BleakGattClient("AA:BB:CC:DD:EE:FF", device_id="bpm")
    with pytest.raises(DeviceDisconnected, match="AA:BB:CC:DD:EE:FF"):
        await client.connect(timeout_s=1.0)
