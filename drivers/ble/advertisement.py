"""Listening to a BLE device that only advertises (no connection): bleak's scanner for real, a fake for tests.

Some devices never accept a GATT connection; they put their reading in the service data of their
advertisements (the Xiaomi body-composition scale: 13 bytes under UUID 0x181B). Drivers of such
devices see only ``AdvertisementSource``: ``start(callback)`` calls ``callback(service_data)`` for
every advertisement of the configured address that carries the configured service-data UUID, until
``stop()``. ``BleakAdvertisementSource`` maps it onto ``bleak.BleakScanner`` with a detection callback
(bleak documents that the callback runs for every advertisement or change of advertising data;
``AdvertisementData.service_data`` maps the full 128-bit UUID string to the bytes).
``FakeAdvertisementSource`` is the in-process peer of a ``SimulatedBroadcaster`` (the simulators),
delivering its bytes asynchronously on the loop like a radio, with faults on command:

- ``away`` / ``back``  the device is out of range (nothing is heard) or in range again;
- ``garbage``          the next advertisement's bytes are replaced by random bytes;
- ``drop_next``        the next advertisement is lost.

Any other fault name goes to the broadcaster. Errors are ``DeviceDisconnected`` (no radio stack).
BlueZ keeps the last advertisement of each device and reports it again when a scan starts, so a
driver must expect an old reading at the start of every listen.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from drivers.base import DeviceDisconnected
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

AdvertCallback = Callable[[bytes], None]  # the service data of one advertisement

LINK_FAULTS = frozenset({"away", "back", "garbage", "drop_next"})


@runtime_checkable
class AdvertisementSource(Protocol):
    """What a driver of an advertising-only device needs from the radio (one device per source)."""

    address: str
    service_data_uuid: str

    @property
    def is_scanning(self) -> bool: ...

    async def start(self, callback: AdvertCallback) -> None: ...

    async def stop(self) -> None: ...


# ---- bleak -------------------------------------------------------------------------------------------


class BleakAdvertisementSource:
    """``AdvertisementSource`` on ``bleak.BleakScanner``. Needs BlueZ at start; constructing it needs nothing."""

    def __init__(self, address: str, service_data_uuid: str, *, device_id: str | None = None) -> None:
        self.address = address
        self.service_data_uuid = service_data_uuid.lower()
        self.device_id = device_id
        self._scanner: Any = None

    @property
    def is_scanning(self) -> bool:
        return self._scanner is not None

    def _filter(self, callback: AdvertCallback) -> Callable[[Any, Any], None]:
        wanted = self.address.upper()

        def on_advert(device: Any, advertisement: Any) -> None:
            if str(device.address).upper() != wanted:
                return
            data = {str(k).lower(): v for k, v in advertisement.service_data.items()}.get(self.service_data_uuid)
            if data is not None:
                callback(bytes(data))

        return on_advert

    async def start(self, callback: AdvertCallback) -> None:
        from bleak import BleakScanner  # imported here: the rest of the station must work without a radio
        from bleak.exc import BleakError

        if self._scanner is not None:
            return
        # no service_uuids filter: the address decides (BlueZ applies a UUID filter adapter-wide)
        scanner = BleakScanner(detection_callback=self._filter(callback))
        try:
            await scanner.start()
        except FileNotFoundError as e:  # no D-Bus system socket: the radio stack itself is missing
            raise DeviceDisconnected(f"BLE scan for {self.address} failed: no BlueZ/D-Bus on this machine ({e})",
                                     device_id=self.device_id) from e
        except (BleakError, OSError, EOFError) as e:
            raise DeviceDisconnected(f"BLE scan for {self.address} failed: {e}", device_id=self.device_id) from e
        self._scanner = scanner

    async def stop(self) -> None:
        scanner, self._scanner = self._scanner, None
        if scanner is not None:
            with contextlib.suppress(Exception):
                await scanner.stop()


# ---- the fake ----------------------------------------------------------------------------------------


class BroadcastLink(Protocol):
    """What a simulated broadcaster may do: put service data on the air."""

    def advertise(self, data: bytes) -> None: ...


class SimulatedBroadcaster(Protocol):
    """A device model behind a FakeAdvertisementSource (the advertising simulators implement it)."""

    name: str
    faults: frozenset[str]

    def attach(self, link: BroadcastLink) -> None: ...

    def detach(self) -> None: ...

    def on_scan(self, scanning: bool) -> None: ...

    def inject(self, fault: str) -> None: ...


class FakeAdvertisementSource:
    """``AdvertisementSource`` heard from a ``SimulatedBroadcaster`` in-process; faults in the module docstring."""

    def __init__(self, broadcaster: SimulatedBroadcaster, service_data_uuid: str, *, address: str | None = None,
                 device_id: str | None = None, rng: random.Random | None = None) -> None:
        self.broadcaster = broadcaster
        self.service_data_uuid = service_data_uuid.lower()
        self.address = address or f"SIM:{broadcaster.name}"
        self.device_id = device_id
        self._rng = rng or random.Random(11)
        self._callback: AdvertCallback | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._away = False
        self._garbage_next = False
        self._drop_next = False
        self.heard = 0  # advertisements delivered to the driver
        broadcaster.attach(self)

    @property
    def is_scanning(self) -> bool:
        return self._callback is not None

    async def start(self, callback: AdvertCallback) -> None:
        self._loop = asyncio.get_running_loop()
        if self._callback is None:
            self._callback = callback
            self.broadcaster.on_scan(True)

    async def stop(self) -> None:
        if self._callback is not None:
            self._callback = None
            self.broadcaster.on_scan(False)

    # -- BroadcastLink

    def advertise(self, data: bytes) -> None:
        """Called by the broadcaster; heard only while scanning and in range, a moment later (like the radio)."""
        if self._callback is None or self._away or self._loop is None:
            return
        if self._drop_next:
            self._drop_next = False
            return
        if self._garbage_next:
            self._garbage_next = False
            data = bytes(self._rng.randrange(256) for _ in range(len(data)))
        self._loop.call_soon(self._deliver, bytes(data))

    def _deliver(self, data: bytes) -> None:
        if self._callback is not None and not self._away:
            self.heard += 1
            self._callback(data)

    # -- faults

    def inject(self, fault: str) -> None:
        if fault not in LINK_FAULTS:
            self.broadcaster.inject(fault)
            return
        log_event(_log, logging.INFO, "advertisement fault injected", device_id=self.device_id, fault=fault)
        if fault in ("away", "back"):
            self._away = fault == "away"
        elif fault == "garbage":
            self._garbage_next = True
        else:
            self._drop_next = True


class FakeBroadcastHost:
    """The device manager's handle on a simulated broadcaster: faults in, stop at close (synchronous)."""

    def __init__(self, source: FakeAdvertisementSource) -> None:
        self.source = source

    def inject(self, fault: str) -> None:
        self.source.inject(fault)

    def stop(self) -> None:
        self.source.broadcaster.detach()


def advertisement_link(dcfg: Any, info: Any, sim_speed: float) -> tuple[Any, str, Any, Any]:
    """(source, where it listens, simulator, host) for the device manager, real or simulated."""
    uuid = str(info.advertised_uuid)
    if dcfg.simulate:
        simulator = info.simulator(sim_speed)
        source = FakeAdvertisementSource(simulator, uuid, device_id=dcfg.name)
        return source, f"{source.address} (in-process fake advertiser)", simulator, FakeBroadcastHost(source)
    return BleakAdvertisementSource(str(dcfg.address), uuid, device_id=dcfg.name), str(dcfg.address), None, None
