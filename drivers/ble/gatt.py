"""A thin GATT-client interface between BLE drivers and the radio: bleak for real devices, a fake peer for tests.

Drivers only ever see ``GattClient``: connect, disconnect, discover, start/stop notifications (the
same call subscribes to notify or indicate characteristics: the stack acknowledges indications),
write and read. ``BleakGattClient`` maps it onto bleak (BlueZ on the kiosk). ``FakeGattPeer`` is an
in-process link to a ``SimulatedPeripheral`` that emits the exact bytes a real peripheral would,
delivered asynchronously on the event loop like a radio, with link faults on command:

- ``disconnect``     the link drops now (out of range / battery pulled): pending operations fail,
                     the disconnected callback runs, a reconnect succeeds unless the peer is ``away``;
- ``away`` / ``back`` the peripheral is out of range (connect fails) or in range again;
- ``garbage``        the next notification's bytes are replaced by random bytes;
- ``drop_next``      the next notification/indication is lost (a missing indication).

Any other fault name goes to the peripheral (cuff error, stall, disconnect mid-measurement …).
Errors are ``DeviceDisconnected`` (link gone / never made) and ``DeviceTimeout`` (no answer in time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from drivers.base import DeviceDisconnected, DeviceTimeout
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

NotifyCallback = Callable[[str, bytes], None]  # (characteristic uuid, value)
DisconnectCallback = Callable[[], None]

LINK_FAULTS = frozenset({"disconnect", "away", "back", "garbage", "drop_next"})


def uuid16(short: int) -> str:
    """The full 128-bit form of a 16-bit SIG UUID (0x2A35 → "00002a35-0000-1000-8000-00805f9b34fb")."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


@runtime_checkable
class GattClient(Protocol):
    """What a BLE driver needs from the radio (one peripheral per client)."""

    address: str

    @property
    def is_connected(self) -> bool: ...

    def set_disconnected_callback(self, callback: DisconnectCallback | None) -> None: ...

    async def connect(self, timeout_s: float = 10.0) -> None: ...

    async def disconnect(self) -> None: ...

    async def discover(self) -> Mapping[str, tuple[str, ...]]: ...

    async def start_notify(self, char_uuid: str, callback: NotifyCallback) -> None: ...

    async def stop_notify(self, char_uuid: str) -> None: ...

    async def write(self, char_uuid: str, data: bytes, *, response: bool = True) -> None: ...

    async def read(self, char_uuid: str) -> bytes: ...


# ---- bleak -------------------------------------------------------------------------------------------


class BleakGattClient:
    """``GattClient`` on bleak. Needs BlueZ at connect time; constructing it needs nothing."""

    def __init__(self, address: str, *, device_id: str | None = None) -> None:
        from bleak import BleakClient  # imported here: the rest of the station must work without a radio

        self.address = address
        self.device_id = device_id
        self._on_disconnect: DisconnectCallback | None = None
        self._client = BleakClient(address, disconnected_callback=self._bleak_disconnected)

    def _bleak_disconnected(self, _client: object) -> None:
        log_event(_log, logging.WARNING, "ble link lost", device_id=self.device_id)
        if self._on_disconnect is not None:
            self._on_disconnect()

    @property
    def is_connected(self) -> bool:
        return bool(self._client.is_connected)

    def set_disconnected_callback(self, callback: DisconnectCallback | None) -> None:
        self._on_disconnect = callback

    async def _call(self, what: str, coro: object) -> object:
        from bleak.exc import BleakError

        try:
            return await coro  # type: ignore[misc]
        except TimeoutError as e:
            raise DeviceTimeout(f"BLE {what} on {self.address} timed out", device_id=self.device_id) from e
        except FileNotFoundError as e:  # no D-Bus system socket: the radio stack itself is missing
            raise DeviceDisconnected(f"BLE {what} on {self.address} failed: no BlueZ/D-Bus on this machine ({e})",
                                     device_id=self.device_id) from e
        except (BleakError, OSError, EOFError) as e:
            raise DeviceDisconnected(f"BLE {what} on {self.address} failed: {e}", device_id=self.device_id) from e

    async def connect(self, timeout_s: float = 10.0) -> None:
        """Find the peripheral by address, then connect through bleak-retry-connector (MIT), which retries
        BlueZ's transient failures (aborted connections, a stale device cache, no free connection slot) with
        back-off; DeviceDisconnected when it is not in range or the stack is missing."""
        from bleak import BleakClient, BleakScanner
        from bleak_retry_connector import establish_connection

        async def find_and_connect() -> None:
            device = await BleakScanner.find_device_by_address(self.address, timeout=timeout_s)
            if device is None:
                raise DeviceDisconnected(f"BLE peripheral {self.address} is not in range (not advertising)",
                                         device_id=self.device_id)
            self._client = await establish_connection(BleakClient, device, self.device_id or self.address,
                                                      disconnected_callback=self._bleak_disconnected,
                                                      max_attempts=3)

        await self._call("connect", asyncio.wait_for(find_and_connect(), timeout_s + 30.0))

    async def disconnect(self) -> None:
        with contextlib.suppress(Exception):
            await self._client.disconnect()

    async def discover(self) -> Mapping[str, tuple[str, ...]]:
        if not self.is_connected:
            raise DeviceDisconnected(f"BLE discover on {self.address}: not connected", device_id=self.device_id)
        return {str(s.uuid): tuple(str(c.uuid) for c in s.characteristics) for s in self._client.services}

    async def start_notify(self, char_uuid: str, callback: NotifyCallback) -> None:
        def relay(_char: object, data: bytearray) -> None:
            callback(char_uuid, bytes(data))

        await self._call(f"subscribe {char_uuid}", self._client.start_notify(char_uuid, relay))

    async def stop_notify(self, char_uuid: str) -> None:
        await self._call(f"unsubscribe {char_uuid}", self._client.stop_notify(char_uuid))

    async def write(self, char_uuid: str, data: bytes, *, response: bool = True) -> None:
        await self._call(f"write {char_uuid}", self._client.write_gatt_char(char_uuid, data, response=response))

    async def read(self, char_uuid: str) -> bytes:
        return bytes(await self._call(f"read {char_uuid}", self._client.read_gatt_char(char_uuid)))  # type: ignore


# ---- the fake peer ------------------------------------------------------------------------------------


class PeripheralLink(Protocol):
    """What a simulated peripheral may do to its central."""

    def send(self, char_uuid: str, data: bytes) -> None: ...

    def drop(self) -> None: ...


class SimulatedPeripheral(Protocol):
    """A device model behind a FakeGattPeer (the BLE simulators implement it)."""

    name: str
    services: Mapping[str, tuple[str, ...]]
    faults: frozenset[str]

    def attach(self, link: PeripheralLink) -> None: ...

    def detach(self) -> None: ...

    def on_read(self, char_uuid: str) -> bytes: ...

    def on_write(self, char_uuid: str, data: bytes) -> None: ...

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None: ...

    def inject(self, fault: str) -> None: ...


class FakeGattPeer:
    """``GattClient`` connected in-process to a ``SimulatedPeripheral``; see the module docstring for faults."""

    def __init__(self, peripheral: SimulatedPeripheral, *, address: str | None = None, device_id: str | None = None,
                 latency_s: float = 0.0, rng: random.Random | None = None) -> None:
        self.peripheral = peripheral
        self.address = address or f"SIM:{peripheral.name}"
        self.device_id = device_id
        self.latency_s = latency_s
        self._rng = rng or random.Random(7)
        self._connected = False
        self._away = False
        self._garbage_next = False
        self._drop_next = False
        self._subscriptions: dict[str, NotifyCallback] = {}
        self._on_disconnect: DisconnectCallback | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.sent_frames = 0

    # -- GattClient

    @property
    def is_connected(self) -> bool:
        return self._connected

    def set_disconnected_callback(self, callback: DisconnectCallback | None) -> None:
        self._on_disconnect = callback

    def _require(self, what: str) -> None:
        if not self._connected:
            raise DeviceDisconnected(f"BLE {what} on {self.address}: not connected", device_id=self.device_id)

    async def connect(self, timeout_s: float = 10.0) -> None:
        self._loop = asyncio.get_running_loop()
        if self._connected:
            return
        if self._away:
            await asyncio.sleep(min(timeout_s, 0.01))
            raise DeviceDisconnected(f"BLE connect on {self.address}: peripheral not in range",
                                     device_id=self.device_id)
        self._connected = True
        self._subscriptions.clear()
        self.peripheral.attach(self)

    async def disconnect(self) -> None:
        if self._connected:
            self._connected = False
            self._subscriptions.clear()
            self.peripheral.detach()

    async def discover(self) -> Mapping[str, tuple[str, ...]]:
        self._require("discover")
        return dict(self.peripheral.services)

    def _known(self, char_uuid: str) -> None:
        if not any(char_uuid in chars for chars in self.peripheral.services.values()):
            raise DeviceDisconnected(f"characteristic {char_uuid} not found on {self.address}",
                                     device_id=self.device_id)

    async def start_notify(self, char_uuid: str, callback: NotifyCallback) -> None:
        self._require(f"subscribe {char_uuid}")
        self._known(char_uuid)
        self._subscriptions[char_uuid] = callback
        self.peripheral.on_subscribe(char_uuid, True)

    async def stop_notify(self, char_uuid: str) -> None:
        self._require(f"unsubscribe {char_uuid}")
        if self._subscriptions.pop(char_uuid, None) is not None:
            self.peripheral.on_subscribe(char_uuid, False)

    async def write(self, char_uuid: str, data: bytes, *, response: bool = True) -> None:
        self._require(f"write {char_uuid}")
        self._known(char_uuid)
        self.peripheral.on_write(char_uuid, bytes(data))

    async def read(self, char_uuid: str) -> bytes:
        self._require(f"read {char_uuid}")
        self._known(char_uuid)
        return self.peripheral.on_read(char_uuid)

    # -- PeripheralLink (the simulator's side)

    def send(self, char_uuid: str, data: bytes) -> None:
        """Notify/indicate ``data`` to the central if it subscribed (delivered later on the loop)."""
        callback = self._subscriptions.get(char_uuid)
        if not self._connected or callback is None or self._loop is None:
            return
        if self._drop_next:
            self._drop_next = False
            log_event(_log, logging.INFO, "fake peer dropped a notification", peer=self.address, char=char_uuid)
            return
        if self._garbage_next:
            self._garbage_next = False
            data = self._rng.randbytes(self._rng.randint(1, 12))
        self.sent_frames += 1
        if self.latency_s > 0:
            self._loop.call_later(self.latency_s, self._deliver, char_uuid, data)
        else:
            self._loop.call_soon(self._deliver, char_uuid, data)

    def _deliver(self, char_uuid: str, data: bytes) -> None:
        callback = self._subscriptions.get(char_uuid)
        if self._connected and callback is not None:
            callback(char_uuid, data)

    def drop(self) -> None:
        """The link drops now (the peripheral went out of range or was switched off)."""
        if not self._connected:
            return
        self._connected = False
        self._subscriptions.clear()
        self.peripheral.detach()
        log_event(_log, logging.INFO, "fake peer link dropped", peer=self.address)
        if self._on_disconnect is not None:
            self._on_disconnect()

    # -- faults

    @property
    def faults(self) -> frozenset[str]:
        return LINK_FAULTS | self.peripheral.faults

    def inject(self, fault: str) -> None:
        """Apply a link fault, or pass a device fault to the peripheral (ValueError if nobody knows it)."""
        if fault == "disconnect":
            self.drop()
        elif fault == "away":
            self._away = True
            self.drop()
        elif fault == "back":
            self._away = False
        elif fault == "garbage":
            self._garbage_next = True
        elif fault == "drop_next":
            self._drop_next = True
        elif fault in self.peripheral.faults:
            self.peripheral.inject(fault)
        else:
            raise ValueError(f"peer {self.address} knows faults {sorted(self.faults)}, not {fault!r}")
