"""The device test screen's view-model (QML ``deviceTest``): one device, its trials, live values and errors.

``begin(name)`` picks the configured device; ``start()`` runs one trial as an asyncio task on the
one qasync loop (``app.manager.measure``), feeding live values to the QML live views (throttled to
~15 updates a second), storing the trial durably through ``app.session.add_measurement`` before the
screen says "saved", and marking the trial the item's best rule keeps. A driver error becomes plain
words with "Try again"; the log gets the detail. A locked device cannot start. Blood pressure makes
the resident rest between readings (5 minutes after a grade-3 reading); ``clock`` is replaceable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from drivers.base import DeviceLocked, DeviceState, DeviceTimeout, DriverError, FinalReading, Progress
from drivers.devices.pulse_oximeter import split_oximetry
from drivers.devices.spirometer import split_readings
from drivers.manager import DeviceEvent, EventKind
from kiosk.domain import ITEMS, Best, Measurement, Method
from kiosk.logs import log_event
from ui import device_guidance as dg
from ui.i18n import translate
from ui.live_trace import LiveTrace
from ui.trial_results import counts_as_trial, result_rows

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.device_test")

READY_WAIT_S = 30.0  # how long "Try again" waits for a reconnecting device


class DeviceTestModel(QObject):
    changed = Signal()
    liveChanged = Signal()
    restChanged = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.clock: Callable[[], float] = time.monotonic
        self.rest_s: float | None = None  # override of the standard rest between readings (None: standard)
        self.grade3_rest_s = dg.BP_GRADE3_REST_S
        self._task: asyncio.Task[None] | None = None
        self._rests: dict[str, float] = {}  # device -> end of its rest: leaving the screen does not end a rest
        self._timer = QTimer(self)
        self._timer.setInterval(66)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        app.manager.add_listener(self._on_device_event)
        app.station.screenChanged.connect(self._screen_changed)
        self._reset()

    def _reset(self) -> None:
        self.device = ""
        self.guide: dg.Guidance | None = None
        self._phase = "none"
        self._message = ""
        self._error: DriverError | None = None  # the failure shown, kept to word it again on a language switch
        self._trial = 1
        self._done = 0  # trials (acceptable manoeuvres) done in this visit
        self._attempts = 0
        self._rest_until = 0.0
        self._rest_left = 0
        self._note = ""
        self._clear_live()

    def _clear_live(self) -> None:
        self._live = LiveTrace()

    # ---- starting -----------------------------------------------------------------------------
    @Slot(str)
    def begin(self, name: str) -> None:
        """Show device ``name``'s test (the test menu calls this before ``station.go("DeviceTest")``)."""
        self._cancel()
        self._reset()
        self.device = name
        try:
            kind = self.app.cfg.device(name).kind
            self.guide = dg.guidance(kind, self.app.cfg.device(name).protocol)
        except Exception as e:  # an unknown name or kind: plain words, detail to the log
            log_event(log, logging.ERROR, "device test cannot start", device=name, error=str(e))
            self._set_phase("unavailable", translate("DeviceTest", "This test is not available today. "
                                                     "Please ask a member of staff."))
            return
        stored = self.app.session.trials_of(self.guide.items[0])  # back to a test begun earlier: go on from there
        self._trial = len(stored) + 1
        self._attempts = len(stored)
        self._done = min(sum(counts_as_trial(m.item, m.quality_flags) for m in stored), self.guide.trials)
        self._phase = "done" if stored and self._finished() else "intro"
        if self._rests.get(name, 0.0) > self.clock():  # back before the rest is over: it goes on
            self._rest_until = self._rests[name]
            self._rest_left = math.ceil(self._rest_until - self.clock())
            self._phase = "resting"
            self.restChanged.emit()
        self._check_state()
        self.changed.emit()

    def _state(self) -> DeviceState:
        try:
            return self.app.manager.device(self.device).state
        except DriverError:
            return DeviceState.ABSENT

    def _check_state(self) -> None:
        if self._phase in ("intro", "saved", "locked") and self._state() is DeviceState.LOCKED:
            self._set_phase("locked", dg.state_message(DeviceState.LOCKED))
        elif self._phase == "locked" and self._state() is DeviceState.READY:
            self._set_phase("intro", "")

    def _on_device_event(self, event: DeviceEvent) -> None:
        if event.device == self.device and event.kind is EventKind.STATE:
            self._check_state()
            self.changed.emit()

    @Slot()
    def start(self) -> None:
        """Run the next trial (also "Try again" after an error). Refused while resting or when locked."""
        if self.guide is None or self._phase in ("measuring", "connecting", "locked", "unavailable", "done"):
            return
        if self._rest_left > 0:
            return
        self._clear_live()
        self._set_phase("connecting" if self._state() is not DeviceState.READY else "measuring", "")
        # after the click's event handling: a task stepped inside a nested Qt event pass (QTest clicks
        # process events while the caller's task runs) would fail with "cannot enter into task"
        trial = self._trial
        QTimer.singleShot(0, lambda: self._spawn(trial))

    def _spawn(self, trial: int) -> None:
        if asyncio.current_task() is not None:  # still inside a nested event pass: a moment later
            QTimer.singleShot(10, lambda: self._spawn(trial))
            return
        if self._phase in ("measuring", "connecting") and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._run(trial))

    async def _wait_ready(self) -> None:
        deadline = self.clock() + READY_WAIT_S
        while (state := self._state()) is not DeviceState.READY:
            if state is DeviceState.LOCKED:
                raise DeviceLocked("device locked", device_id=self.device)
            if self.clock() > deadline:
                raise DeviceTimeout(f"device not ready after {READY_WAIT_S:.0f} s (state {state.value})",
                                    device_id=self.device)
            await asyncio.sleep(0.1)

    async def _run(self, trial: int) -> None:
        assert self.guide is not None
        options = self.guide.options(trial)
        final: FinalReading | None = None
        try:
            await self._wait_ready()
            self._set_phase("measuring", "")
            self._attempts += 1
            events = self.app.manager.measure(self.device, trial=trial, **options)
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    if isinstance(event, Progress):
                        self._on_progress(event)
                    else:
                        final = event
            if final is None:
                raise DriverError("the measurement ended without a reading", device_id=self.device)
            self._save(final)
        except asyncio.CancelledError:
            raise
        except DeviceLocked as e:
            log_event(log, logging.WARNING, "device locked", device=self.device, error=str(e))
            self._set_phase("locked", dg.state_message(DeviceState.LOCKED))
        except DriverError as e:
            log_event(log, logging.WARNING, "device trial failed", device=self.device, trial=trial,
                      error=str(e), error_type=type(e).__name__)
            self._error = e
            self._set_phase("error", dg.error_message(e, english=self.app.station.language == "en"))
        except Exception as e:  # storage or a bug: nothing was said "saved"; staff see the log
            log_event(log, logging.ERROR, "device trial could not be saved", device=self.device, trial=trial,
                      error=repr(e))
            self._set_phase("error", translate("DeviceTest", "That result could not be saved. "
                                               "Please ask a member of staff."))

    # ---- live values --------------------------------------------------------------------------
    def _on_progress(self, p: Progress) -> None:
        self._live.add(p, self.guide.live if self.guide else "")

    def _tick(self) -> None:
        if self._live.take_dirty():
            self.liveChanged.emit()
        left = max(0, math.ceil(self._rest_until - self.clock())) if self._rest_until else 0
        if left != self._rest_left:
            self._rest_left = left
            if left == 0:
                self._rest_until = 0.0
                if self._phase == "resting":
                    self._phase = "saved"
                    self.changed.emit()
            self.restChanged.emit()

    # ---- saving -------------------------------------------------------------------------------
    def _save(self, final: FinalReading) -> None:
        assert self.guide is not None
        readings = list(split_readings(final)) if final.item == "fvc" else \
            list(split_oximetry(final)) if final.item == "spo2" and "pulse_rate" in final.values else [final]
        measurements = [r.to_measurement() for r in readings]
        height_m = final.details.get("height_m") if final.item == "weight" else None
        if isinstance(height_m, int | float) and height_m > 0:
            measurements.append(Measurement(item="height", value=round(float(height_m) * 100, 1), unit="cm",
                                            trial=final.trial, taken_at=final.taken_at, device_id=final.device_id,
                                            method=Method.DEVICE, calibration_id=final.calibration_id))
        elif final.item == "weight":
            self._note = translate("DeviceTest", "A member of staff will measure your height.")
        for m in measurements:
            self.app.session.add_measurement(m)  # durable before the screen says "saved"
        log_event(log, logging.INFO, "device trial saved", device=self.device, trial=final.trial,
                  items=",".join(m.item for m in measurements))
        self._done += counts_as_trial(final.item, final.quality_flags)
        self._trial += 1
        if self._finished():
            self._set_phase("done", "")
            return
        rest = dg.rest_after(self.guide.kind, dict(final.values), grade3_rest_s=self.grade3_rest_s,
                             rest_s=self.rest_s)
        if rest > 0:
            self._rest_until = self._rests[self.device] = self.clock() + rest
            self._rest_left = math.ceil(rest)
            self.restChanged.emit()
            self._set_phase("resting", "")
        else:
            self._set_phase("saved", "")

    def _finished(self) -> bool:
        assert self.guide is not None
        return self._done >= self.guide.trials or self._attempts >= self.guide.max_attempts

    # ---- finishing ----------------------------------------------------------------------------
    @Slot()
    def finish(self) -> None:
        """Back to the flow (or the test menu) when the trials are done."""
        self._leave("testFinished")

    @Slot()
    def skip(self) -> None:
        log_event(log, logging.INFO, "device test skipped", device=self.device, phase=self._phase)
        self._leave("testSkipped")

    def _leave(self, flow_slot: str) -> None:
        self._cancel()
        flow = self.app.viewmodels.get("flow")
        if flow is not None:
            getattr(flow, flow_slot, flow.testFinished)()  # a flow without testSkipped gets testFinished
        else:
            self.app.station.go("TestMenu")

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        if self._phase in ("measuring", "connecting"):
            self._phase = "intro"

    def _screen_changed(self) -> None:
        if self.app.station.screen != "DeviceTest":
            self._cancel()

    @Slot()
    def clear(self) -> None:
        """Forget the resident's values (session end)."""
        self._cancel()
        self._reset()
        self._rests.clear()
        self.changed.emit()
        self.liveChanged.emit()

    async def aclose(self) -> None:
        task, self._task = self._task, None
        self._timer.stop()
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def reword(self) -> None:
        """Make the words again in the language just chosen (the guidance and an error's message)."""
        if self.guide is not None:
            self.guide = dg.guidance(self.guide.kind, self.app.cfg.device(self.device).protocol)
        if self._phase == "error" and self._error is not None:
            self._message = dg.error_message(self._error, english=self.app.station.language == "en")
        self.changed.emit()

    def _set_phase(self, phase: str, message: str) -> None:
        if phase != "error":
            self._error = None
        self._phase, self._message = phase, message
        self.changed.emit()

    # ---- what QML reads -----------------------------------------------------------------------
    @Property(str, notify=changed)
    def phase(self) -> str:
        return self._phase

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Property(str, notify=changed)
    def note(self) -> str:
        return self._note

    @Property(str, notify=changed)
    def title(self) -> str:
        return self.guide.title if self.guide else translate("DeviceTest", "Device test")

    @Property("QStringList", notify=changed)
    def steps(self) -> list[str]:
        return list(self.guide.steps) if self.guide else []

    @Property(str, notify=changed)
    def spoken(self) -> str:
        return self.guide.spoken if self.guide else ""

    @Property(str, notify=changed)
    def liveKind(self) -> str:
        return self.guide.live if self.guide else ""

    @Property(str, notify=changed)
    def kind(self) -> str:
        return self.guide.kind if self.guide else ""

    @Property(int, notify=changed)
    def trialNumber(self) -> int:
        """The trial running or next (within this visit: 1..trialCount)."""
        return min(self._done + 1, self.trialCount)

    @Property(int, notify=changed)
    def trialCount(self) -> int:
        return self.guide.trials if self.guide else 0

    @Property(int, notify=changed)
    def trialsDone(self) -> int:
        return self._done

    @Property(str, notify=changed)
    def side(self) -> str:
        """The hand for the next grip trial ("left"/"right"), else empty."""
        return str(self.guide.options(self._trial).get("side", "")) if self.guide else ""

    @Property(int, notify=restChanged)
    def restSecondsLeft(self) -> int:
        return self._rest_left

    # ints, not bools: PySide6 under-counts references to True/False returned by often-read
    # properties and the process aborts ("bool_dealloc") after many reads
    @Property(int, notify=changed)
    def grade3Rest(self) -> int:
        last = self._results_measurements()[-1:] if self.guide else []
        return int(bool(last and self.guide and self.guide.kind == "blood_pressure"
                    and dg.is_grade3_bp(last[0].components.get("systolic", 0), last[0].components.get("diastolic", 0))))

    @Property(float, notify=liveChanged)
    def liveValue(self) -> float:
        return self._live.value

    @Property(int, notify=liveChanged)
    def liveStimulus(self) -> int:
        """The button to press now, on a reaction box without lamps (0: none)."""
        return self._live.stimulus

    @Property(float, notify=liveChanged)
    def liveMax(self) -> float:
        return self._live.peak

    @Property(float, notify=liveChanged)
    def liveSeconds(self) -> float:
        return self._live.seconds

    @Property(int, notify=liveChanged)
    def liveRising(self) -> int:
        return int(self._live.rising)

    @Property(float, notify=liveChanged)
    def liveSpo2(self) -> float:
        """The oximeter's SpO2 (%) as it shows now; 0 until it has one."""
        return self._live.readouts.get("spo2_pct", 0.0)

    @Property(float, notify=liveChanged)
    def livePulse(self) -> float:
        """The oximeter's pulse rate (/min) as it shows now; 0 until it has one."""
        return self._live.readouts.get("pulse_rate_bpm", 0.0)

    @Property("QVariantList", notify=liveChanged)
    def series(self) -> list[float]:
        """Live curve as flat [x0, y0, x1, y1, …]: (s, value) or (volume L, flow L/s) or (x mm, y mm)."""
        return self._live.series

    def _results_measurements(self) -> list[Measurement]:
        return self.app.session.trials_of(self.guide.items[0]) if self.guide else []

    @Property("QVariantList", notify=changed)
    def results(self) -> list[dict[str, Any]]:
        """One row per stored trial: number, text, side, and whether the item's rule keeps it."""
        trials = self._results_measurements()
        if not trials or self.guide is None:
            return []
        return result_rows(self.guide.items[0], trials, self.app.session.measurements)

    @Property(str, notify=changed)
    def bestLabel(self) -> str:
        if self.guide is None:
            return ""
        if ITEMS[self.guide.items[0]].best is Best.LAST:
            return translate("DeviceTest", "Kept")
        return translate("DeviceTest", "Best")


def install(app: StationApp) -> None:
    model = DeviceTestModel(app)
    app.add_viewmodel("deviceTest", model)
    app.station.on_session_end.append(model.clear)

    app.station.languageChanged.connect(model.reword)
    flow = app.viewmodels.get("flow")
    if flow is not None:  # the test menu (and a full check) open a device test through the flow

        def follow_flow(name: str) -> None:
            # testOpened, not currentTestChanged: the flow re-emits that on a language switch, which must
            # not restart a test the resident is in the middle of.
            if flow.currentTestKind == "device":
                model.begin(name)

        flow.testOpened.connect(follow_flow)
