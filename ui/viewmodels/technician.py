"""Technician mode (QML ``tech``): every device's live state, one device's raw readings, probe and record.

The device list follows the manager's events (state changes, readings) as they happen; the device
screen subscribes to the manager for raw live values only while it is open. Calibration, the camera
check and the sync screen have their own view-models (``techCal``, ``techCamera``, ``techSync``),
installed from here. Every technician action is audited as the signed-in member.

The list shows *when* a device last gave a reading and of what, never the value: the value belongs
to a resident's test and the technician does not need it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from drivers.base import DeviceState, DriverError, FinalReading, Progress
from drivers.manager import DeviceEvent, EventKind
from kiosk.logs import log_event
from ui.i18n import translate
from ui.viewmodels.tech_text import format_value, lock_text, record_dict, state_text

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.technician")
RAW_LINES = 10


class TechnicianModel(QObject):
    devicesChanged = Signal()
    deviceChanged = Signal()
    rawChanged = Signal()
    busyChanged = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._last_reading: dict[str, str] = {}
        self._found: dict[str, dict[str, object]] = {}  # what each device's probe reported (firmware, serial …)
        self._device = ""
        self._raw: list[str] = []
        self._probe_text = ""
        self._busy = False
        self._queue: asyncio.Queue[DeviceEvent] | None = None
        self._drain: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        app.manager.add_listener(self._on_event)
        app.station.on_session_end.append(self.leaveDevice)

    # ---- the device list -------------------------------------------------------------------
    def _on_event(self, event: DeviceEvent) -> None:
        if event.kind is EventKind.READING and isinstance(event.payload, FinalReading):
            self._last_reading[event.device] = f"{event.payload.item} {event.payload.taken_at.astimezone():%H:%M}"
        if event.kind in (EventKind.STATE, EventKind.READING, EventKind.ERROR):
            self.devicesChanged.emit()
            if event.device == self._device:
                self.deviceChanged.emit()

    def row(self, name: str) -> dict[str, Any]:
        managed = self.app.manager.device(name)
        record = self.app.store.latest_calibration(name)
        found = self._found.get(name, {})
        if record is None:
            due = translate("Technician", "No calibration on record")
        elif record.result.value != "passed":
            due = translate("Technician", "Last calibration failed")
        else:
            due = translate("Technician", "Calibration due %1").replace("%1", f"{record.valid_until:%Y-%m-%d}")
        extra = [f"{k} {found[k]}" for k in ("battery", "battery_percent", "battery_mv") if k in found]
        firmware = str(found.get("firmware") or getattr(managed.driver, "firmware", "") or "")
        if managed.state is DeviceState.LOCKED:
            reason = lock_text(record) or managed.locked_reason
        else:  # the driver's own technical detail (a port, a timeout), in English
            reason = managed.last_error if managed.state in (DeviceState.ABSENT, DeviceState.ERROR) else ""
        reason = reason.removeprefix(f"{name}: ")  # the card already names the device
        return {"name": name, "kind": managed.config.kind, "state": managed.state.value,
                "stateText": state_text(managed.state), "locked": managed.state is DeviceState.LOCKED,
                "reason": reason,
                "calibration": due, "lastReading": self._last_reading.get(name, ""),
                "info": ", ".join([managed.config.protocol, *([f"firmware {firmware}"] if firmware else []), *extra]),
                "protocol": managed.config.protocol, "firmware": firmware,
                "simulated": managed.config.simulate}

    @Property("QVariantList", notify=devicesChanged)
    def devices(self) -> list[dict[str, Any]]:
        return [self.row(name) for name in self.app.manager.devices]

    # ---- one device ------------------------------------------------------------------------
    @Property(str, notify=deviceChanged)
    def deviceName(self) -> str:
        return self._device

    @Property("QVariantMap", notify=deviceChanged)
    def device(self) -> dict[str, Any]:
        return self.row(self._device) if self._device in self.app.manager.devices else {}

    @Property("QVariantMap", notify=deviceChanged)
    def record(self) -> dict[str, Any]:
        return record_dict(self.app.store.latest_calibration(self._device)) if self._device else {}

    @Property(bool, notify=deviceChanged)
    def calibratable(self) -> bool:
        from drivers.guided_calibration import CALIBRATED_KINDS

        return bool(self._device) and self.app.manager.device(self._device).config.kind in CALIBRATED_KINDS

    @Property("QStringList", notify=rawChanged)
    def raw(self) -> list[str]:
        return list(self._raw)

    @Property(str, notify=rawChanged)
    def probeText(self) -> str:
        return self._probe_text

    @Property(bool, notify=busyChanged)
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busyChanged.emit()

    @Slot(str)
    def openDevice(self, name: str) -> None:
        """Show one device and listen to its raw events until the technician leaves the screen."""
        self.leaveDevice()
        self._device, self._raw, self._probe_text = name, [], ""
        self.app.station.audit_view("technician.view_device", name)
        self._queue = self.app.manager.subscribe(200)
        self._drain = asyncio.ensure_future(self._drain_events(self._queue))
        self.deviceChanged.emit()
        self.rawChanged.emit()
        self.app.station.go("TechDevice")

    @Slot()
    def leaveDevice(self) -> None:
        """Stop listening (the screen closed, or the session ended)."""
        if self._queue is not None:
            self.app.manager.unsubscribe(self._queue)
            self._queue = None
        if self._drain is not None:
            self._drain.cancel()
            self._drain = None

    @property
    def listening(self) -> bool:
        return self._queue is not None

    async def _drain_events(self, queue: asyncio.Queue[DeviceEvent]) -> None:
        while True:
            event = await queue.get()
            if event.device != self._device:
                continue
            payload = event.payload
            if isinstance(payload, Progress):
                line = f"{payload.at_s:6.2f} s  {payload.quantity} = {format_value(payload.value)}"
            elif isinstance(payload, FinalReading):
                line = "= " + ", ".join(f"{k} {v:g}" for k, v in payload.values.items()) + f" {payload.unit}"
            elif isinstance(payload, DriverError):
                line = "! " + str(payload)
            else:
                line = f"state: {event.state.value}" + (f" ({event.detail})" if event.detail else "")
            self._raw = [*self._raw, line][-RAW_LINES:]
            self.rawChanged.emit()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @Slot()
    def probe(self) -> None:
        if self._busy or not self._device:
            return
        self._spawn(self._probe(self._device))

    async def _probe(self, name: str) -> None:
        self._set_busy(True)
        try:
            report = await self.app.manager.probe(name)
            found = report.get("found")
            if isinstance(found, dict):
                self._found[name] = found
            self.app.station.audit_view("technician.probe", name, state=str(report.get("state", "")))
            if "error" in report:
                self._probe_text = translate("Technician", "Probe failed: %1").replace("%1", str(report["error"]))
            else:
                shown = {k: v for k, v in (found or {}).items() if not isinstance(v, dict | list)}  # type: ignore
                self._probe_text = translate("Technician", "Found: %1").replace(
                    "%1", ", ".join(f"{k} {v}" for k, v in shown.items()) or str(report.get("where", "")))
        finally:
            self._set_busy(False)
            self.rawChanged.emit()
            self.deviceChanged.emit()
            self.devicesChanged.emit()

    @Slot()
    def testReading(self) -> None:
        """One measurement with nobody's data kept: the raw values scroll past so the technician sees the sensor."""
        if self._busy or not self._device:
            return
        self._spawn(self._test_reading(self._device))

    async def _test_reading(self, name: str) -> None:
        self._set_busy(True)
        try:
            self.app.station.audit_view("technician.test_reading", name)
            async with contextlib.aclosing(self.app.manager.measure(name)) as events:  # type: ignore[type-var]
                async for _ in events:
                    pass
        except DriverError as e:
            self._probe_text = translate("Technician", "No reading: %1").replace("%1", str(e))
            log_event(log, logging.INFO, "technician test reading failed", device=name, error=str(e))
        finally:
            self._set_busy(False)
            self.rawChanged.emit()

    async def aclose(self) -> None:
        self.leaveDevice()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def install(app: StationApp) -> None:
    from ui.viewmodels.tech_calibration import CalibrationModel
    from ui.viewmodels.tech_camera import CameraCheckModel
    from ui.viewmodels.tech_selfcheck import SelfCheckModel
    from ui.viewmodels.tech_sync import SyncModel

    tech = TechnicianModel(app)
    app.technician = tech  # type: ignore[attr-defined]
    app.add_viewmodel("tech", tech)
    app.add_viewmodel("techCal", CalibrationModel(app, tech))
    app.add_viewmodel("techCamera", CameraCheckModel(app))
    app.add_viewmodel("techSync", SyncModel(app, tech))
    app.add_viewmodel("techCheck", SelfCheckModel(app))
    for signal in (tech.devicesChanged, tech.deviceChanged, app.viewmodels["techCal"].changed,
                   app.viewmodels["techCamera"].changed,
                   app.viewmodels["techCheck"].changed):  # their texts are made in Python: make them again
        app.station.languageChanged.connect(signal)
