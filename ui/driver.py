"""Driving the real screens by touch, without a person: the tests, the headless demo and the benchmark.

``run_station(cfg, scenario)`` builds the station, shows its window (offscreen when there is no
display), starts the devices and runs ``scenario(driver)`` on the one qasync loop. The driver clicks
items by objectName through the window, waits for screens and conditions while the loop runs, and
saves screenshots.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from kiosk.config import StationConfig
from ui.app import StationApp, qt_application
from ui.loop import StationLoop

T = TypeVar("T")


class ScreenDriver:
    def __init__(self, app: StationApp, shots_dir: Path | None = None) -> None:
        self.app = app
        self.shots_dir = shots_dir
        self.shots: list[Path] = []

    @property
    def screen(self) -> str:
        return self.app.station.screen

    async def until(self, condition: Callable[[], Any], timeout_s: float = 10.0, what: str = "") -> Any:
        """Let the loop run until ``condition()`` is truthy; TimeoutError names what was awaited."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout_s} s for {what or condition} on screen {self.screen!r}")
            await asyncio.sleep(0.02)

    async def wait_screen(self, name: str, timeout_s: float = 10.0) -> None:
        await self.until(lambda: self.screen == name, timeout_s, f"screen {name!r}")
        await self.settle()

    async def settle(self, seconds: float = 0.1) -> None:
        """Give QML a moment to lay out and render after a change."""
        await asyncio.sleep(seconds)

    async def wait_item(self, object_name: str, timeout_s: float = 10.0) -> Any:
        return await self.until(lambda: self.app.item(object_name), timeout_s, f"item {object_name!r}")

    async def click(self, object_name: str, timeout_s: float = 10.0) -> None:
        try:
            await self.until(lambda: (i := self.app.item(object_name)) is not None and i.isEnabled(), timeout_s,
                             f"enabled item {object_name!r}")
        except TimeoutError as e:
            found = self.app.items_named(object_name)
            seen = "; ".join(f"visible={i.isVisible()} enabled={i.isEnabled()} opacity={i.opacity()}" for i in found)
            raise TimeoutError(f"{e} (items with that name: {seen or 'none'})") from None
        await self.outside_task(lambda: self.app.click(object_name))
        await self.settle(0.05)

    async def outside_task(self, action: Callable[[], T]) -> T:
        """Run ``action`` as a plain loop callback, like a real touch: a synthetic click delivers Qt events
        at once, and a handler that starts or steps a task must not find the scenario's task running."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()

        def run() -> None:
            try:
                done.set_result(action())
            except Exception as e:  # handed to the awaiting scenario
                done.set_exception(e)

        loop.call_soon(run)
        return await done

    async def type_keys(self, keys: str, pad: str = "") -> None:
        """Press NumberPad keys (``key_0`` … ``key_X``) one by one."""
        for k in keys:
            await self.click(f"key_{k}")

    def text(self, object_name: str) -> str:
        item = self.app.item(object_name)
        if item is None:
            raise LookupError(f"no visible item {object_name!r} on screen {self.screen!r}")
        return str(item.property("text"))

    def visible(self, object_name: str) -> bool:
        return self.app.item(object_name) is not None

    async def shot(self, name: str) -> Path | None:
        """Save the window as ``<shots_dir>/<language>/<name>.png``."""
        if self.shots_dir is None:
            return None
        await self.settle(0.15)
        path = self.shots_dir / self.app.station.language / f"{name}.png"
        self.app.grab(path)
        self.shots.append(path)
        return path


def run_station(cfg: StationConfig, scenario: Callable[[ScreenDriver], Awaitable[T]], *,
                shots_dir: Path | None = None, sim_speed: float = 8.0, timeout_s: float = 240.0,
                start_uploader: bool = True, before_show: Callable[[StationApp], None] | None = None) -> T:
    """Build and show the station, start it, run the scenario, close everything; returns its result."""
    qt = qt_application()
    loop = StationLoop(qt)
    asyncio.set_event_loop(loop)

    async def main() -> T:
        app = StationApp(cfg, sim_speed=sim_speed, start_uploader=start_uploader)
        try:
            if before_show is not None:
                before_show(app)
            app.show()
            await app.start()
            return await asyncio.wait_for(scenario(ScreenDriver(app, shots_dir)), timeout_s)
        finally:
            await app.close()

    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
