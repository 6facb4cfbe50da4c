"""Guided calibration on the touch screen (QML ``techCal``): one step at a time, then PASS/FAIL and the record.

``drivers.guided_calibration`` runs the procedure; its ``ask`` callback here shows the step (what to do
and the reference) and waits for the technician's "Done" (a Future resolved by the ``done`` slot) or
"Cancel". On a simulated device the procedure makes the simulator play the reference once "Done" is
tapped, so the same code path runs in tests and the demo. The record is saved, audited and the manager
re-checks every device, so a failed device is locked out of resident tests at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from drivers.base import DeviceState, DriverError
from drivers.guided_calibration import CalibrationStep, guided_calibration
from kiosk.errors import KioskError
from kiosk.logs import log_event
from ui.driver_text import calibration_instruction
from ui.i18n import translate
from ui.viewmodels.tech_text import format_value, record_dict

if TYPE_CHECKING:
    from ui.app import StationApp
    from ui.viewmodels.technician import TechnicianModel

log = logging.getLogger("ui.tech_calibration")


class CalibrationCancelled(KioskError):
    """The technician tapped Cancel: nothing is saved and the device keeps its previous record."""


def reference_text(kind: str, reference: tuple[float, ...]) -> str:
    """The reference of a step in plain units (empty when the step has none, e.g. 'clear the handle')."""
    if not reference:
        return ""
    if kind == "balance":
        mass, x, y = (*reference, 0.0, 0.0)[:3]
        return f"{mass:g} kg @ x {x:g} mm, y {y:g} mm" if mass else "0 kg"
    unit = {"grip": "kg", "spirometer": "L", "vital_capacity": "L", "blood_pressure": "mmHg"}.get(kind, "")
    return f"{reference[0]:.2f} {unit}" if unit == "L" else f"{reference[0]:g} {unit}"


class CalibrationModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, tech: TechnicianModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app, self.tech = app, tech
        self._device = self._kind = ""
        self._step: CalibrationStep | None = None
        self._waiting: asyncio.Future[None] | None = None
        self._readings: list[str] = []
        self._phase = "idle"  # idle | step | reading | finished | stopped
        self._message = ""
        self._record: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        app.station.on_session_end.append(self.cancel)

    # ---- what the screen shows ------------------------------------------------------------
    @Property(str, notify=changed)
    def deviceName(self) -> str:
        return self._device

    @Property(str, notify=changed)
    def phase(self) -> str:
        return self._phase

    @Property(int, notify=changed)
    def stepNumber(self) -> int:
        return self._step.number if self._step else 0

    @Property(int, notify=changed)
    def stepCount(self) -> int:
        return self._step.of if self._step else 0

    @Property(str, notify=changed)
    def instruction(self) -> str:
        return calibration_instruction(self._step.template, dict(self._step.params)) if self._step else ""

    @Property(str, notify=changed)
    def reference(self) -> str:
        return reference_text(self._kind, self._step.reference) if self._step else ""

    @Property("QStringList", notify=changed)
    def readings(self) -> list[str]:
        return list(self._readings)

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Property("QVariantMap", notify=changed)
    def result(self) -> dict[str, Any]:
        return dict(self._record)

    @Property(str, notify=changed)
    def lockState(self) -> str:
        """After the run: whether resident tests may use the device now, in plain words."""
        if self._phase not in ("finished", "stopped") or not self._device:
            return ""
        managed = self.app.manager.device(self._device)
        if managed.state is DeviceState.LOCKED:
            return translate("Technician", "Locked: calibration failed") if self._record and not \
                self._record.get("passed") else translate("Technician", "Locked: %1").replace("%1",
                                                                                          managed.locked_reason)
        if managed.state is DeviceState.READY:
            return translate("Technician", "Unlocked")
        return translate("Technician", "Device is %1").replace("%1", managed.state.value)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # ---- actions ---------------------------------------------------------------------------
    @Slot(str)
    def start(self, name: str) -> None:
        """Open the calibration screen for ``name`` and begin its procedure."""
        if self.running:
            return
        managed = self.app.manager.device(name)
        self._device, self._kind = name, managed.config.kind
        self._step, self._readings, self._record, self._message = None, [], {}, ""
        self._phase = "reading"
        self.app.station.audit_view("calibration.started", name, procedure_kind=self._kind)
        self._task = asyncio.ensure_future(self._run(name))
        self.changed.emit()
        self.app.station.go("TechCalibration")

    async def _ask(self, step: CalibrationStep) -> None:
        self._step = step
        self._phase = "step"
        self._waiting = asyncio.get_running_loop().create_future()
        self.changed.emit()
        self.app.station.say(calibration_instruction(step.template, dict(step.params)))
        try:
            await self._waiting
        finally:
            self._waiting = None
        self._phase = "reading"
        self.changed.emit()

    def _on_reading(self, step: CalibrationStep, value: tuple[float, ...]) -> None:
        ref = reference_text(self._kind, step.reference) or translate("Technician", "no load")
        self._readings.append(f"{step.number}/{step.of}  {ref}  →  {format_value(value)}")
        self.changed.emit()

    async def _run(self, name: str) -> None:
        by = self.app.station.staffName
        try:
            record = await guided_calibration(self.app.manager, name, by, self._ask, on_reading=self._on_reading)
        except CalibrationCancelled:
            self._stop(translate("Technician", "Calibration cancelled. Nothing was saved."), "calibration.cancelled")
            return
        except (DriverError, KioskError) as e:
            log_event(log, logging.WARNING, "calibration stopped", device=name, error=str(e))
            self._stop(translate("Technician", "Calibration stopped: %1").replace("%1", str(e)),
                       "calibration.stopped")
            return
        self.app.store.save_calibration(record)
        self.app.station.audit_view("calibration.saved", name, procedure=record.procedure,
                                    result=record.result.value, record_id=str(record.id))
        self.app.manager.refresh_calibration()
        self._record = record_dict(record)
        self._phase, self._step = "finished", None
        log_event(log, logging.INFO, "calibration saved", device=name, result=record.result.value)
        self.changed.emit()
        self.tech.deviceChanged.emit()
        self.tech.devicesChanged.emit()
        self.app.station.say(translate("Technician", "Calibration passed.") if self._record["passed"]
                             else translate("Technician", "Calibration failed. The device is locked."))

    def _stop(self, message: str, action: str) -> None:
        self._phase, self._step, self._message = "stopped", None, message
        with contextlib.suppress(RuntimeError):  # the session may have ended (nobody signed in to audit as)
            self.app.station.audit_view(action, self._device)
        self.changed.emit()

    @Slot()
    def done(self) -> None:
        """The technician put the reference in place."""
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    @Slot()
    def cancel(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_exception(CalibrationCancelled("cancelled by the technician"))
        elif self.running and self._task is not None and self._phase != "step":
            self._task.cancel()

    @Slot()
    def back(self) -> None:
        """Leave the finished (or stopped) run for the device screen."""
        if self.running:
            return
        self._phase = "idle"
        self.changed.emit()
        self.tech.openDevice(self._device)  # listens to the device's raw values again

    async def aclose(self) -> None:
        self.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._task, 10)
