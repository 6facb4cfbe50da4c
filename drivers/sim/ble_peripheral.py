"""Base of the simulated BLE peripherals behind a ``FakeGattPeer``: link handling, timed tasks, common faults.

A peripheral runs its behaviour as asyncio tasks on the same loop as the driver (there is no radio),
sends frames through the link the peer gives it on connect, and forgets everything in flight when
the link drops. ``speed`` compresses simulated time (tests use 20-50).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Coroutine, Mapping
from typing import Any

from drivers.ble.gatt import PeripheralLink


class PeripheralBase:
    """Shared plumbing; subclasses set ``name``/``services``/``faults`` and react to subscribe/write/read."""

    name = "peripheral"
    services: Mapping[str, tuple[str, ...]] = {}
    faults: frozenset[str] = frozenset()

    def __init__(self, *, speed: float = 1.0, seed: int = 5) -> None:
        self.speed = speed
        self.rng = random.Random(seed)
        self.link: PeripheralLink | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._armed: set[str] = set()  # one-shot faults waiting for their moment

    # -- SimulatedPeripheral

    def attach(self, link: PeripheralLink) -> None:
        self.link = link

    def detach(self) -> None:
        self.link = None
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()

    def on_read(self, char_uuid: str) -> bytes:
        return b""

    def on_write(self, char_uuid: str, data: bytes) -> None:
        return None

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        return None

    def inject(self, fault: str) -> None:
        if fault not in self.faults:
            raise ValueError(f"{self.name} knows faults {sorted(self.faults)}, not {fault!r}")
        self._armed.add(fault)

    # -- helpers

    def armed(self, fault: str) -> bool:
        """True once if ``fault`` was injected (consumes it)."""
        if fault in self._armed:
            self._armed.discard(fault)
            return True
        return False

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        return any(not t.done() for t in self._tasks)

    async def pause(self, simulated_s: float) -> None:
        await asyncio.sleep(simulated_s / self.speed)

    def send(self, char_uuid: str, data: bytes) -> None:
        if self.link is not None:
            self.link.send(char_uuid, data)

    def drop_link(self) -> None:
        if self.link is not None:
            with contextlib.suppress(Exception):
                self.link.drop()
