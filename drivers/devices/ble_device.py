"""What every BLE driver shares: connect + discover over a GattClient, link-loss tracking, notification queues.

A notification arrives on the loop as ``(char_uuid, bytes)``; a link drop puts ``LINK_LOST`` in every
open queue, so a measurement waiting for the next frame ends at once with ``DeviceDisconnected``
instead of waiting for its timeout. ``frame_listener`` (optional) sees every raw frame with its
arrival time: the manager uses it to measure frame-to-event latency.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from drivers.base import (
    CalibrationBook,
    DeviceDisconnected,
    DeviceState,
    DeviceStateLog,
    DeviceTimeout,
    DriverError,
)
from drivers.ble.gatt import GattClient
from drivers.devices.calibration_gate import calibration_in_force
from kiosk.domain import CalibrationRecord, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)

LINK_LOST = object()
FrameListener = Callable[[str, bytes, float], None]  # (char uuid, bytes, perf_counter at arrival)


class BleDevice(DeviceStateLog):
    """Base of the BLE drivers: subclasses set ``kind``/``service_uuid`` and write ``measure()``."""

    REQUIRES_CALIBRATION: bool = True  # False: usable with no record on file (a failed or expired one still locks)

    kind = "ble"
    service_uuid = ""

    def __init__(self, device_id: str, client: GattClient, book: CalibrationBook | None = None, *,
                 connect_timeout_s: float = 10.0, now: Callable[[], datetime] = utcnow) -> None:
        self.device_id = device_id
        self.client = client
        self.book = book
        self.connect_timeout_s = connect_timeout_s
        self.now = now
        self.frame_listener: FrameListener | None = None
        self._state = DeviceState.ABSENT
        self._queues: list[asyncio.Queue[object]] = []
        self.services: dict[str, tuple[str, ...]] = {}

    async def connect(self) -> None:
        """Connect and check the peripheral offers this driver's service; DeviceDisconnected if not reachable."""
        self._set_state(DeviceState.CONNECTING)
        try:
            self.client.set_disconnected_callback(self._link_lost)
            await self.client.connect(self.connect_timeout_s)
            self.services = {k.lower(): tuple(c.lower() for c in v) for k, v in (await self.client.discover()).items()}
        except (DeviceDisconnected, DeviceTimeout):
            self._set_state(DeviceState.ABSENT)
            raise
        if self.service_uuid not in self.services:
            await self.client.disconnect()
            self._set_state(DeviceState.ERROR)
            raise DriverError(f"peripheral {self.client.address} does not offer service {self.service_uuid} "
                              f"(it offers {sorted(self.services)})", device_id=self.device_id)
        self._set_state(DeviceState.READY)

    async def describe(self) -> dict[str, object]:
        """What the peripheral offers (for ``kiosk devices probe``); subclasses add what they can read."""
        await self._ensure_connected()
        return {"address": self.client.address, "services": {k: list(v) for k, v in self.services.items()}}

    async def close(self) -> None:
        await self.client.disconnect()
        self._set_state(DeviceState.ABSENT)

    def _link_lost(self) -> None:
        log_event(_log, logging.WARNING, "ble link lost", device_id=self.device_id)
        self._set_state(DeviceState.ABSENT)
        for q in self._queues:
            q.put_nowait(LINK_LOST)

    def _gate(self) -> CalibrationRecord | None:
        """Refuse a locked device (DeviceLocked) and return the calibration in force, if any."""
        try:
            return calibration_in_force(self.device_id, self.book, self.now(), required=self.REQUIRES_CALIBRATION)
        except DriverError:
            self._set_state(DeviceState.LOCKED)
            raise

    async def _ensure_connected(self) -> None:
        if not self.client.is_connected or self._state in (DeviceState.ABSENT, DeviceState.ERROR):
            await self.connect()

    async def _subscribe(self, uuids: Sequence[str]) -> asyncio.Queue[object]:
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._queues.append(queue)

        def on_frame(char_uuid: str, data: bytes) -> None:
            if self.frame_listener is not None:
                self.frame_listener(char_uuid, data, time.perf_counter())
            queue.put_nowait((char_uuid, data))

        try:
            for uuid in uuids:
                await self.client.start_notify(uuid, on_frame)
        except BaseException:
            self._queues.remove(queue)
            raise
        return queue

    async def _unsubscribe(self, queue: asyncio.Queue[object], uuids: Sequence[str]) -> None:
        if queue in self._queues:
            self._queues.remove(queue)
        if self.client.is_connected:
            for uuid in uuids:
                try:
                    await self.client.stop_notify(uuid)
                except DriverError as e:
                    log_event(_log, logging.INFO, "unsubscribe failed", device_id=self.device_id, error=str(e))

    async def _next_frame(self, queue: asyncio.Queue[object], timeout_s: float, waiting_for: str) -> tuple[str, bytes]:
        try:
            item = await asyncio.wait_for(queue.get(), timeout_s)
        except TimeoutError:
            raise DeviceTimeout(f"no {waiting_for} within {timeout_s:.1f} s", device_id=self.device_id) from None
        if item is LINK_LOST:
            raise DeviceDisconnected(f"BLE link lost while waiting for {waiting_for}", device_id=self.device_id)
        assert isinstance(item, tuple)
        return item
