"""The device manager: starts the configured devices, keeps their state, reconnects, and publishes events.

``DeviceManager(cfg, book)`` builds one driver per configured device from ``drivers.registry``. A
device with ``simulate = true`` gets its protocol's simulator first: serial simulators run on a real
pseudo-terminal (``PtyHost``, reachable through a stable symlink so a replug keeps the same name),
BLE simulators behind an in-process ``FakeGattPeer`` (or a ``FakeAdvertisementSource`` for a device
that only advertises); the real driver then connects to it exactly as it would to the hardware.

Each device has a supervisor task: connect with capped exponential backoff, then watch the link
(a drop, or a failed health check while idle) and reconnect. The state shown for a device is the
driver's, except ``locked`` when its calibration is failed or expired (re-checked on every refresh).

Subscribers (the UI's view-models, ``kiosk devices``, the bench) get ``DeviceEvent``s on an asyncio
queue: state changes, live progress, final readings and errors. ``measure(name)`` runs one
measurement through the driver and publishes its events on the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drivers.base import (
    CalibrationBook,
    Device,
    DeviceDisconnected,
    DeviceLocked,
    DeviceState,
    DeviceTimeout,
    DriverError,
    FinalReading,
    MeasurementEvent,
    Progress,
)
from drivers.registry import ProtocolInfo, check_devices, protocol
from drivers.transport.serial import Backoff
from kiosk.config import DeviceConfig, StationConfig, Transport
from kiosk.domain import CalibrationRecord, utcnow
from kiosk.logs import log_event

_log = logging.getLogger(__name__)


class EventKind(enum.StrEnum):
    STATE = "state"
    PROGRESS = "progress"
    READING = "reading"
    ERROR = "error"


@dataclass(frozen=True)
class DeviceEvent:
    """One thing that happened to one device; ``payload`` is the Progress, FinalReading or DriverError."""

    device: str
    kind: EventKind
    state: DeviceState
    payload: Progress | FinalReading | DriverError | None = None
    detail: str = ""
    published_at: float = field(default_factory=time.perf_counter)
    frame_at: float | None = None  # perf_counter when the frame behind this event reached the driver


@dataclass
class ManagedDevice:
    """The manager's record of one device (mutable runtime state, not a domain value)."""

    config: DeviceConfig
    info: ProtocolInfo
    driver: Device
    listens_on: str  # where the device (or its simulator) is: a port path or a BLE address
    simulator: Any = None
    host: Any = None  # the PtyHost or FakeGattPeer of a simulated device
    state: DeviceState = DeviceState.ABSENT
    last_error: str = ""
    locked_reason: str = ""
    measuring: bool = False
    last_frame_at: float | None = None
    supervisor: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class DeviceManager:
    """See the module docstring. Use ``async with DeviceManager(cfg, book) as m:`` or start()/close()."""

    def __init__(self, cfg: StationConfig, book: CalibrationBook | None, *, sim_speed: float = 1.0,
                 backoff: Backoff | None = None, watch_interval_s: float = 0.25, health_check_s: float = 5.0,
                 only: tuple[str, ...] | None = None) -> None:
        if not sim_speed > 0:
            raise ValueError(f"sim_speed must be positive, not {sim_speed!r}")
        self.cfg = cfg
        self.book = book
        self.sim_speed = sim_speed
        self.backoff = backoff or Backoff(initial_s=0.5, factor=2.0, cap_s=30.0)
        self.watch_interval_s = watch_interval_s
        self.health_check_s = health_check_s
        self.only = only
        self.devices: dict[str, ManagedDevice] = {}
        self._subscribers: list[asyncio.Queue[DeviceEvent]] = []
        self._listeners: list[Callable[[DeviceEvent], None]] = []
        self._sim_dir: tempfile.TemporaryDirectory[str] | None = None
        self._started = False

    # -- lifecycle

    async def start(self) -> None:
        """Start simulators and drivers for every configured device (or ``only`` those) and their supervisors."""
        if self._started:
            return
        self._started = True
        chosen = [d for d in self.cfg.devices if self.only is None or d.name in self.only]
        check_devices(self.cfg)  # every protocol name, kind and transport is checked before anything starts
        infos = [protocol(d.protocol) for d in chosen]
        for dcfg, info in zip(chosen, infos, strict=True):
            self.devices[dcfg.name] = managed = self._build(dcfg, info)
            managed.supervisor = asyncio.get_running_loop().create_task(self._supervise(managed),
                                                                         name=f"device-{dcfg.name}")

    def _build(self, dcfg: DeviceConfig, info: ProtocolInfo) -> ManagedDevice:
        simulator = host = None
        if info.transport is Transport.SERIAL:
            link: Any = dcfg.port
            if dcfg.simulate:
                from drivers.sim.pty import PtyHost

                if self._sim_dir is None:
                    self._sim_dir = tempfile.TemporaryDirectory(prefix="kiosk-sim-")
                simulator = info.simulator(self.sim_speed)
                host = PtyHost(simulator, name=dcfg.name, link_path=Path(self._sim_dir.name) / f"{dcfg.name}.tty")
                host.start()
                link = host.port_path
            listens_on = str(link)
        elif info.transport in (Transport.HID, Transport.INPUT):
            from drivers.transport.local_links import local_link

            link, listens_on, simulator, host = local_link(dcfg, info, self.sim_speed)
        elif info.advertised_uuid is not None:  # a BLE device that only advertises: no GATT link
            from drivers.ble.advertisement import advertisement_link

            link, listens_on, simulator, host = advertisement_link(dcfg, info, self.sim_speed)
        else:
            if dcfg.simulate:
                from drivers.ble.gatt import FakeGattPeer

                simulator = info.simulator(self.sim_speed)
                host = link = FakeGattPeer(simulator, device_id=dcfg.name)
                listens_on = f"{link.address} (in-process fake GATT peer)"
            else:
                from drivers.ble.gatt import BleakGattClient

                link = BleakGattClient(str(dcfg.address), device_id=dcfg.name)
                listens_on = str(dcfg.address)
        driver = info.driver(dcfg, link, self.book)
        if simulator is not None and hasattr(simulator, "see_stimulus") and hasattr(driver, "stimulus_listener"):
            driver.stimulus_listener = simulator.see_stimulus  # the simulated person sees the station's stimulus
        managed = ManagedDevice(dcfg, info, driver, listens_on, simulator, host)
        if hasattr(driver, "frame_listener"):
            driver.frame_listener = lambda _char, _data, at, m=managed: setattr(m, "last_frame_at", at)
        return managed

    async def close(self) -> None:
        """Stop supervisors, close drivers and simulators; safe to call twice."""
        for managed in self.devices.values():
            if managed.supervisor is not None:
                managed.supervisor.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await managed.supervisor
                managed.supervisor = None
            with contextlib.suppress(Exception):
                await managed.driver.close()
            if managed.host is not None and hasattr(managed.host, "stop"):
                managed.host.stop()
            self._set_state(managed, DeviceState.ABSENT)
        if self._sim_dir is not None:
            self._sim_dir.cleanup()
            self._sim_dir = None
        self._started = False

    async def __aenter__(self) -> DeviceManager:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- events

    def subscribe(self, maxsize: int = 1000) -> asyncio.Queue[DeviceEvent]:
        """A queue that receives every event from now on (the oldest are dropped if it is not drained)."""
        queue: asyncio.Queue[DeviceEvent] = asyncio.Queue(maxsize)
        self._subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[DeviceEvent]) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(queue)

    def add_listener(self, callback: Callable[[DeviceEvent], None]) -> None:
        """A synchronous callback for every event (Qt view-models bind here)."""
        self._listeners.append(callback)

    def _publish(self, event: DeviceEvent) -> None:
        for queue in self._subscribers:
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)
        for callback in self._listeners:
            try:
                callback(event)
            except Exception as e:  # a broken listener must not stop the devices
                log_event(_log, logging.ERROR, "event listener failed", error=repr(e))

    def _set_state(self, managed: ManagedDevice, state: DeviceState, detail: str = "") -> None:
        if state is managed.state:
            return
        managed.state = state
        log_event(_log, logging.INFO, "device state", device=managed.config.name, state=state.value)
        self._publish(DeviceEvent(managed.config.name, EventKind.STATE, state, detail=detail))

    # -- state

    def states(self) -> dict[str, DeviceState]:
        return {name: m.state for name, m in self.devices.items()}

    def device(self, name: str) -> ManagedDevice:
        try:
            return self.devices[name]
        except KeyError:
            raise DriverError(f"no device named {name!r}; running: {', '.join(self.devices) or 'none'}") from None

    def _refresh(self, managed: ManagedDevice) -> None:
        """Derive the shown state from the driver and the calibration book."""
        if managed.measuring:
            self._set_state(managed, DeviceState.MEASURING)
            return
        driver_state = managed.driver.state
        if driver_state in (DeviceState.READY, DeviceState.LOCKED) and self.book is not None:
            from drivers.calibration import check_usable

            try:
                check_usable(managed.config.name, self.book, utcnow(),
                             required=getattr(managed.driver, "REQUIRES_CALIBRATION", True))
                managed.locked_reason = ""
            except DeviceLocked as e:
                managed.locked_reason = str(e)
                self._set_state(managed, DeviceState.LOCKED, str(e))
                return
            driver_state = DeviceState.READY
        self._set_state(managed, driver_state)

    def refresh_calibration(self) -> None:
        """Re-check every device against the calibration book (after a technician saved a record)."""
        for managed in self.devices.values():
            self._refresh(managed)

    async def wait_until_settled(self, timeout_s: float) -> None:
        """Wait until no device is connecting (or ``timeout_s`` passes): for the command line."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(m.state not in (DeviceState.CONNECTING,) and (m.state is not DeviceState.ABSENT or m.last_error)
                   for m in self.devices.values()):
                return
            await asyncio.sleep(0.05)

    # -- supervision

    async def _connect_once(self, managed: ManagedDevice) -> None:
        self._set_state(managed, DeviceState.CONNECTING)
        try:
            async with managed.lock:
                await managed.driver.connect()
        except DriverError as e:
            managed.last_error = str(e)
            self._set_state(managed, managed.driver.state if managed.driver.state is not DeviceState.CONNECTING
                            else DeviceState.ABSENT, str(e))
            raise
        managed.last_error = ""
        self._refresh(managed)

    async def _supervise(self, managed: ManagedDevice) -> None:
        """Connect with backoff, then watch; on a drop, reconnect with backoff again. Runs until cancelled."""
        delays = self.backoff.delays()
        last_check = time.monotonic()
        while True:
            if managed.measuring:
                await asyncio.sleep(self.watch_interval_s)
                continue
            if managed.driver.state in (DeviceState.ABSENT, DeviceState.ERROR):
                if managed.state not in (DeviceState.ABSENT, DeviceState.ERROR, DeviceState.CONNECTING):
                    self._set_state(managed, managed.driver.state, "link lost")  # make the drop visible
                try:
                    await self._connect_once(managed)
                    delays = self.backoff.delays()
                except (DeviceDisconnected, DeviceTimeout):
                    delay = next(delays)
                    log_event(_log, logging.INFO, "reconnect scheduled", device=managed.config.name,
                              delay_s=round(delay, 2))
                    await asyncio.sleep(delay)
                    continue
                except DriverError as e:  # the wrong device on this link: keep trying slowly, it may be swapped
                    log_event(_log, logging.WARNING, "device refused", device=managed.config.name, error=str(e))
                    await asyncio.sleep(self.backoff.cap_s)
                    continue
            self._refresh(managed)
            if time.monotonic() - last_check >= self.health_check_s:
                last_check = time.monotonic()
                await self._health_check(managed)
            await asyncio.sleep(self.watch_interval_s)

    async def _health_check(self, managed: ManagedDevice) -> None:
        """While idle, ask a serial device for its status so an unplugged port is noticed before the next test."""
        check = getattr(managed.driver, "query_status", None)
        if check is None or managed.measuring or managed.lock.locked():
            return
        try:
            async with managed.lock:
                await check()
        except (DeviceDisconnected, DeviceTimeout) as e:
            managed.last_error = str(e)
            with contextlib.suppress(Exception):
                await managed.driver.close()
            self._set_state(managed, DeviceState.ABSENT, str(e))

    # -- measuring

    async def measure(self, name: str, **options: object) -> AsyncIterator[MeasurementEvent]:
        """Run one measurement on device ``name``, publishing its events; re-raises the driver's error."""
        managed = self.device(name)
        if managed.state is DeviceState.LOCKED:
            locked = DeviceLocked(managed.locked_reason or f"{name}: calibration not usable")  # reason names it
            locked.device_id = name
            raise locked
        async with managed.lock:
            managed.measuring = True
            self._set_state(managed, DeviceState.MEASURING)
            try:
                async with contextlib.aclosing(managed.driver.measure(**options)) as events:  # type: ignore
                    async for event in events:
                        kind = EventKind.READING if isinstance(event, FinalReading) else EventKind.PROGRESS
                        self._publish(DeviceEvent(name, kind, DeviceState.MEASURING, event,
                                                  frame_at=managed.last_frame_at))
                        yield event
            except DriverError as e:
                managed.last_error = str(e)
                self._publish(DeviceEvent(name, EventKind.ERROR, managed.driver.state, e, detail=str(e)))
                raise
            finally:
                managed.measuring = False
                self._refresh(managed)

    async def probe(self, name: str) -> dict[str, object]:
        """Connect to ``name`` now (no waiting for backoff) and report what was found."""
        managed = self.device(name)
        report: dict[str, object] = {"name": name, "kind": managed.config.kind, "protocol": managed.config.protocol,
                                     "transport": managed.info.transport.value, "where": managed.listens_on,
                                     "simulated": managed.config.simulate}
        try:
            if managed.driver.state in (DeviceState.ABSENT, DeviceState.ERROR):
                await self._connect_once(managed)
            describe = getattr(managed.driver, "describe", None)
            if describe is not None:
                async with managed.lock:
                    report["found"] = await describe()
        except DriverError as e:
            report["error"] = str(e)
        self._refresh(managed)
        report["state"] = managed.state.value
        if managed.locked_reason:
            report["locked_because"] = managed.locked_reason
        return report

    async def check_bp_static_pressure(self, name: str, performed_by: str, *,
                                       set_reference: Callable[[float], Awaitable[None]] | None = None,
                                       points_mmhg: tuple[float, ...] | None = None) -> CalibrationRecord:
        """Run the static-pressure check (``drivers.calibration``) on a BP device that has a manometer mode.

        ``set_reference(mmhg)`` is awaited before each check point: the technician pumps the cuff to that
        reading on the reference manometer (the UI prompts and waits). For a simulated module it defaults
        to setting the simulator's static pressure. The caller saves the returned record in the book and
        calls ``refresh_calibration()``.
        """
        from drivers.calibration import BP_STATIC_POINTS_MMHG, run_bp_static_check

        managed = self.device(name)
        read_static = getattr(managed.driver, "read_static_pressure", None)
        if read_static is None:
            raise DriverError(f"device {name!r} has no manometer mode for a static-pressure check", device_id=name)
        if set_reference is None:
            simulator = managed.simulator
            if simulator is None or not hasattr(simulator, "static_pressure_mmhg"):
                raise ValueError(f"device {name!r} is real: pass set_reference to prompt the technician")

            async def set_reference(mmhg: float) -> None:
                simulator.static_pressure_mmhg = mmhg

        async def read(reference_mmhg: float) -> float:
            assert set_reference is not None
            await set_reference(reference_mmhg)
            async with managed.lock:
                return float(await read_static())

        return await run_bp_static_check(name, performed_by, utcnow(), read,
                                         points_mmhg=points_mmhg or BP_STATIC_POINTS_MMHG)

    def replug(self, name: str) -> None:
        """Plug a simulated serial device back in after a ``disconnect`` fault (same port name)."""
        managed = self.device(name)
        if managed.host is None or not hasattr(managed.host, "replug"):
            raise ValueError(f"device {name!r} is not a simulated serial device")
        managed.host.replug()

    def inject(self, name: str, fault: str) -> None:
        """Inject a fault into a simulated device (ValueError for a real one or an unknown fault)."""
        managed = self.device(name)
        if managed.host is None:
            raise ValueError(f"device {name!r} is not simulated; faults can only be injected into simulators")
        managed.host.inject(fault)
