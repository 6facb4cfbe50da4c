"""The camera exercise test screen's view-model (QML ``cameraTest``): instructions, framing, countdown, count.

The vision pipeline infers in worker threads; its listener (on a worker thread) draws the skeleton onto
the frame and makes the QImage there, throttled to ``publish_fps``, then hops to the qasync loop, where
this object updates the count, time left and hints and publishes the picture (``image://camera/exercise``).
The analyser is only ever touched on the pipeline's thread: "Go" reaches it through ``start_test_at``.

This module is one screen's state machine (phases, the hand-off from the pipeline's threads, the Qt
properties QML reads), which is why it is long; its pure parts live beside it: what a finished test stores
(``ui/camera_outcome.py``), the hint line (``camera_hints.py``), the words (``camera_test_text.py``) and the
doctor's stills (``camera_evidence.py``).
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
from PySide6.QtGui import QImage

from kiosk.domain import NotMeasured
from kiosk.errors import KioskError
from kiosk.logs import log_event
from ui.camera_outcome import camera_record
from ui.camera_view import bgr_to_qimage
from ui.i18n import translate
from ui.skeleton_overlay import draw_skeleton
from ui.viewmodels import camera_test_older as older_words
from ui.viewmodels import camera_test_text as words
from ui.viewmodels.camera_evidence import CameraEvidence
from ui.viewmodels.camera_hints import HintLine
from vision.analysers import EventKind
from vision.capture import CaptureState
from vision.pipeline import PipelineUpdate, VisionPipeline, camera_pipeline

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.camera_test")

FEED = "exercise"
SCREEN = "CameraTest"


class CameraTestModel(QObject):
    """One camera exercise at a time. Phases: idle, instructions, framing, countdown, counting, result,
    not_measured (the test did not run validly: stored without a value, with the reason), unavailable.
    Tests may shorten ``duration_s`` / ``countdown_s``; the benchmark tunes ``workers``, ``frame_stride`` and
    ``publish_fps``."""

    changed = Signal()
    liveChanged = Signal()  # count, time left, hint: often, so kept apart from the rest

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.duration_s: float | None = None  # None: the exercise's own (30 s)
        self.countdown_s = 3
        self.framing_hold_s = 1.5  # a good view held this long starts the countdown by itself
        self.workers = 2
        self.frame_stride = 1
        self.publish_fps = 15.0
        self.pipeline: VisionPipeline | None = None
        self.last_update: PipelineUpdate | None = None
        self.published_pose: Any = None  # the pose drawn on the picture last shown (tests check the skeleton)
        self.updates_seen = 0
        self._stopping: list[asyncio.Future[Any]] = []
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._countdown_from = 0.0
        self._gen = 0
        self.evidence = CameraEvidence(app)  # stills for the doctor, with camera consent
        self.hints = HintLine(app.voice.say)
        self._reset()
        app.station.screenChanged.connect(self._screen_changed)
        app.station.on_session_end.append(self.clear)

    def _reset(self) -> None:
        self._phase, self._exercise, self._problem = "idle", "", ""
        self._why = ""  # the reason behind the problem or the not-measured words, to word them again
        self._countdown, self._count, self._seconds_left = "", 0, 0
        self._value: float | None = None  # a stopwatch test's score (seconds or m/s)
        self.hints.clear()
        self._paused = self._has_picture = False
        self._result_text, self._go_at = "", 0.0
        self._framed_since: float | None = None
        self._finished_pending = False
        self._stop_asked_at: float | None = None  # the resident pressed Stop while counting
        self._touched_at = 0.0

    # ---- QML properties ------------------------------------------------------------------------
    @Property(str, notify=changed)
    def phase(self) -> str:
        return self._phase

    @Property(str, notify=changed)
    def exercise(self) -> str:
        return self._exercise

    @Property(str, notify=changed)
    def title(self) -> str:
        return words.title(self._exercise)

    @Property("QStringList", notify=changed)
    def steps(self) -> list[str]:
        return words.steps(self._exercise)

    @Property(str, notify=changed)
    def countWord(self) -> str:
        return words.count_word(self._exercise)

    @Property(str, notify=changed)
    def problem(self) -> str:
        return self._problem

    @Property(str, notify=changed)
    def resultText(self) -> str:
        return self._result_text

    @Property(str, notify=liveChanged)
    def countdown(self) -> str:
        return self._countdown

    @Property(int, notify=liveChanged)
    def count(self) -> int:
        return self._count

    @Property(int, notify=liveChanged)
    def secondsLeft(self) -> int:
        return self._seconds_left

    @Property(str, notify=liveChanged)
    def display(self) -> str:
        """The big number: the count; for a stopwatch test the seconds so far, then its score."""
        plan = words.PLANS.get(self._exercise)
        if plan is None or not plan.stopwatch:
            return str(self._count)
        if self._phase == "result" and self._value is not None:
            return older_words.value_text(self._exercise, self._value)
        return str(max(self._seconds_left, 0)) if self._phase == "counting" else ""

    @Property(str, notify=liveChanged)
    def clock(self) -> str:
        """Under the big number while counting: the time left ("" for a stopwatch test)."""
        plan = words.PLANS.get(self._exercise)
        return older_words.clock_text(plan is not None and plan.stopwatch, self._seconds_left)

    @Property(str, notify=liveChanged)
    def hint(self) -> str:
        return self.hints.text

    @Property(bool, notify=liveChanged)
    def paused(self) -> bool:
        return self._paused

    @Property(bool, notify=liveChanged)
    def hasPicture(self) -> bool:
        return self._has_picture

    # ---- slots -----------------------------------------------------------------------------------
    @Slot(str)
    def begin(self, exercise: str) -> None:
        """Open the test for ``exercise`` ("chair-stand", "squat", "arm-curl"): instructions, or why not."""
        self._halt()
        self._reset()
        self._exercise = exercise = words.exercise_named(exercise)
        session = self.app.session
        if exercise not in words.PLANS:
            reason = "unknown"
        elif not session.cameraAllowed:
            reason = "no_consent"
        elif not session.exertionAllowed:
            reason = "no_exertion"
        elif not self.app.cfg.camera.source:
            reason = "no_camera"
        elif words.PLANS[exercise].needs_course and self.app.cfg.camera.course is None:
            reason = "no_course"
        else:
            reason = ""
        if reason:
            log_event(log, logging.INFO, "camera test not offered", exercise=exercise, reason=reason)
            self._unavailable(reason)
        else:
            self._phase = "instructions"
            self.changed.emit()
            self.app.voice.say(" ".join(words.steps(exercise)[:3]))
        self.liveChanged.emit()

    @Slot()
    def ready(self) -> None:
        """The resident is in place: start the camera and check the framing."""
        if self._phase != "instructions":
            return
        plan = words.PLANS[self._exercise]
        self._gen += 1
        gen, loop = self._gen, asyncio.get_event_loop()
        last_publish = [0.0]

        self.evidence.start(self._exercise, plan.item)

        def on_update(update: PipelineUpdate) -> None:  # worker thread: draw and convert off the GUI thread
            self.evidence.take(update)
            picture: QImage | None = None
            now = time.monotonic()
            if update.image is not None and now - last_publish[0] >= 1.0 / self.publish_fps:
                last_publish[0] = now
                pose = update.pose
                picture = bgr_to_qimage(draw_skeleton(update.image, pose.points, pose.visibility))
            loop.call_soon_threadsafe(self._on_update, gen, update, picture)

        def on_capture(state: CaptureState, detail: str) -> None:
            loop.call_soon_threadsafe(self._on_capture, gen, state, detail)

        try:
            self.pipeline = camera_pipeline(
                self.app.cfg.camera, plan.exercise, on_update=on_update, on_capture_state=on_capture,
                workers=self.workers, keep_images=True, queue_size=2, frame_stride=self.frame_stride,
                view="auto", duration_s=self.duration_s or plan.duration_s, auto_start=False,
                **self._course_options(plan))
            self.pipeline.start()
        except (KioskError, OSError, ValueError) as e:
            log_event(log, logging.ERROR, "camera test could not start", exercise=self._exercise, error=str(e))
            self.pipeline = None
            self._unavailable("camera")
            return
        log_event(log, logging.INFO, "camera test started", exercise=self._exercise, workers=self.workers)
        self._phase = "framing"
        self.hints.set(lambda: words.hint("no_person"), speak=False)
        self.changed.emit()
        self.liveChanged.emit()

    def _course_options(self, plan: words.ExercisePlan) -> dict[str, float]:
        course = self.app.cfg.camera.course
        if not plan.needs_course or course is None:
            return {}
        return {"start_x": course.start_x, "finish_x": course.finish_x, "distance_m": course.distance_m}

    @Slot()
    def tryAgain(self) -> None:
        """After a test that gave no score: the same exercise again, from its instructions."""
        if self._phase == "not_measured":
            self.begin(self._exercise)

    @Slot()
    def startNow(self) -> None:
        """Start the countdown without waiting for a good view (staff standing by, or the resident asks)."""
        if self._phase == "framing":
            self._start_countdown()

    @Slot()
    def stop(self) -> None:
        """The resident stops the test. While counting, the count so far is their result (SFT: a participant
        who stops scores what they completed), stored with ``ended_early`` once the analyser has closed the
        test; before "Go", nothing is stored. A camera that no longer answers is left after 2 s."""
        if self._phase in ("framing", "countdown", "counting"):
            log_event(log, logging.INFO, "camera test stopped by the resident", exercise=self._exercise,
                      phase=self._phase)
        if self._phase == "counting" and self.pipeline is not None:
            if self._stop_asked_at is None:
                self._stop_asked_at = time.monotonic()
                self.pipeline.finish_test("resident_stopped")
            return
        self._halt()
        self._leave()

    @Slot()
    def finish(self) -> None:
        """Leave the result (or the plain-words problem) for the next step of the visit."""
        self._halt()
        self._leave()

    def clear(self) -> None:
        """Session end: stop the camera and forget the picture and the count."""
        self._halt()
        self._reset()
        self.evidence.clear()
        self.app.camera_frames.clear(FEED)
        self.changed.emit()
        self.liveChanged.emit()

    async def aclose(self) -> None:
        self._halt()
        for waiting in self._stopping:
            with contextlib.suppress(Exception):
                await waiting
        self._stopping.clear()

    # ---- internals -------------------------------------------------------------------------------
    def _leave(self) -> None:
        flow = self.app.viewmodels.get("flow")
        if flow is not None and hasattr(flow, "testFinished"):
            flow.testFinished()
        else:
            self.app.station.go("TestMenu")

    def reword(self) -> None:
        """Make the words again in the language just chosen (title, steps, result, why there is no score)."""
        if self._phase == "result":
            self._result_text = words.result_sentence(self._exercise, self._count, self._value)
        elif self._phase == "not_measured":
            self._result_text = words.not_measured_sentence(self._exercise, self._why)
        elif self._phase == "unavailable":
            self._problem = words.problem(self._why)
        self.hints.reword()
        self.changed.emit()
        self.liveChanged.emit()

    def _unavailable(self, reason: str) -> None:
        self._phase, self._problem, self._why = "unavailable", words.problem(reason), reason
        self.changed.emit()
        self.app.voice.say(self._problem)

    def _halt(self) -> None:
        """Stop the pipeline without blocking the loop; its threads are awaited in the background."""
        self._gen += 1  # late updates from the old pipeline are ignored
        self._timer.stop()
        pipeline, self.pipeline = self.pipeline, None
        if pipeline is not None:
            pipeline.stop(timeout_s=0)  # sets the flag; the join happens off the loop
            waiting = asyncio.get_event_loop().run_in_executor(None, pipeline.wait, 15.0)
            self._stopping = [f for f in self._stopping if not f.done()] + [waiting]
        self._has_picture = False
        if self._phase in ("framing", "countdown", "counting"):
            self._phase = "idle"

    def _screen_changed(self) -> None:
        if self.app.station.screen != SCREEN and self.pipeline is not None:
            log_event(log, logging.INFO, "camera test left mid-test", exercise=self._exercise, phase=self._phase)
            self._halt()
            self.app.camera_frames.clear(FEED)

    def _start_countdown(self) -> None:
        self._phase = "countdown"
        self._countdown_from = time.monotonic()
        self._countdown = ""
        self.changed.emit()
        self._timer.start(100)
        self._tick()

    def _tick(self) -> None:
        """The countdown, then the time left; a test whose end never arrives (no frames at all) is called off.
        A QTimer, not an asyncio task: a slot may run inside a click the test loop is still handling."""
        now = time.monotonic()
        if self._phase == "countdown":
            n = self.countdown_s - int(now - self._countdown_from)
            if n > 0:
                if self._countdown != str(n):
                    self._countdown = str(n)
                    self.liveChanged.emit()
                    self.app.voice.say(str(n))
                return
            self._go(now)
        if self._phase != "counting":
            self._timer.stop()
            return
        plan = words.PLANS[self._exercise]
        duration = self.duration_s or plan.duration_s
        left = int(now - self._go_at) if plan.stopwatch else max(0, math.ceil(duration - (now - self._go_at)))
        if left != self._seconds_left:
            self._seconds_left = left
            self.liveChanged.emit()
        if not self._paused and self.hints.expire():
            self.liveChanged.emit()
        if self._stop_asked_at is not None and now - self._stop_asked_at > 2.0:  # no frame came to end it on
            log_event(log, logging.WARNING, "camera test stopped with no answer from the camera",
                      exercise=self._exercise)
            self._halt()
            self._leave()
            return
        if now - self._go_at > duration + 8.0:
            log_event(log, logging.ERROR, "camera test never ended", exercise=self._exercise)
            self._halt()
            self._unavailable("camera")

    def _go(self, now: float) -> None:
        if self.pipeline is None:
            return
        self._countdown = translate("CameraTest", "Go!")
        self._go_at = now
        self.pipeline.start_test_at(now)
        self._phase = "counting"
        self.hints.clear()
        self._seconds_left = -1
        self.changed.emit()
        self.liveChanged.emit()
        self.app.voice.say(self._countdown)
        self._timer.start(250)

    def _on_capture(self, gen: int, state: CaptureState, detail: str) -> None:
        if gen != self._gen:
            return
        if state is CaptureState.FAILED:
            log_event(log, logging.ERROR, "camera failed during the test", exercise=self._exercise, detail=detail)
            self._camera_failed()
        elif state is CaptureState.LOST and self._phase == "framing":
            self._set_hint(lambda: words.event_text("paused.no_frames"), speak=True)

    def _on_update(self, gen: int, update: PipelineUpdate, picture: QImage | None) -> None:
        """On the loop thread: one processed frame (or a camera-lost tick, or the final update)."""
        if gen != self._gen:
            return
        self.last_update = update
        self.updates_seen += 1
        if picture is not None:
            self.app.camera.publish(FEED, picture)
            self.published_pose = update.pose
            if not self._has_picture:
                self._has_picture = True
                self.liveChanged.emit()
        if update.error is not None:
            log_event(log, logging.ERROR, "camera test pipeline failed", exercise=self._exercise, error=update.error)
            self._camera_failed()
            return
        if update.pose.has_person and time.monotonic() - self._touched_at >= 1.0:
            self._touched_at = time.monotonic()
            self.app.idle.touch()  # someone in front of the camera is using the station, touching nothing
        if self._phase == "framing":
            self._framing(update)
        elif self._phase == "counting" and update.pose.timestamp_s >= self._go_at:
            paused = not update.counting  # not seen since Go, or lost from view: say so over the picture
            if paused != self._paused:
                self._paused = paused
                self.liveChanged.emit()
            if paused and words.pause_text(update):  # spoken by the analyser's own pause and framing events
                self._set_hint(lambda: words.pause_text(update), speak=False)
        for event in update.events:
            self._event(event)
        if update.final and self._phase in ("framing", "countdown", "counting") and not self._finished_pending:
            log_event(log, logging.ERROR, "camera stream ended before the test finished", exercise=self._exercise)
            self._halt()
            self._unavailable("camera")

    def _framing(self, update: PipelineUpdate) -> None:
        report = update.framing
        if report is None:
            return
        now = time.monotonic()
        if report.ok:
            self._framed_since = self._framed_since or now
            self._set_hint(lambda: words.hint("ok"), speak=False)
            if now - self._framed_since >= self.framing_hold_s:
                self._start_countdown()
        else:
            self._framed_since = None
            key = report.primary_hint.value
            self._set_hint(lambda: words.hint(key), speak=True)

    def _event(self, event: Any) -> None:
        key = event.message.split(".", 1)[1] if event.message.startswith(self._exercise + ".") else event.message
        if event.kind is EventKind.REP_COMPLETED:
            self._count = int(event.evidence.get("count", self._count + 1))
            self.liveChanged.emit()
        elif event.kind is EventKind.TEST_FINISHED:
            # time up, the resident stopped, or the test's own end (seated again, the finish line, a hold ended,
            # or a reason it has no score); the stream ending early is a camera fault, not a score
            if event.evidence.get("reason") not in ("stream_ended", "stopped", "failed", "error", None):
                self._finished(int(event.evidence.get("count", self._count)))
            return
        if self._phase != "counting" and event.kind is not EventKind.FRAMING:
            return
        if words.event_text(key):  # framing hints come only while not counting (waiting or paused); they
            # repeat, so they are not forced
            self._set_hint(lambda: words.event_text(key), speak=True, force=event.kind is not EventKind.FRAMING)

    def _set_hint(self, source: Callable[[], str], *, speak: bool, force: bool = False) -> None:
        if self.hints.set(source, speak=speak, force=force):
            self.liveChanged.emit()

    def _finished(self, count: int) -> None:
        """Time is up: stop the camera; store the count of a valid test, or "not measured" and why."""
        self._finished_pending = True
        plan = words.PLANS[self._exercise]
        result = self.pipeline.result() if self.pipeline is not None else None
        self._halt()
        self._count, self._seconds_left, self._paused = count, 0, False
        self._value = result.value if result is not None else None
        self.hints.clear()
        record = camera_record(plan.item, result, count)
        if isinstance(record, NotMeasured):
            if not self._store(lambda: self.app.session.add_not_measured(record)):
                return
            log_event(log, logging.INFO, "camera test not measured", exercise=self._exercise,
                      reason=record.reason.value)
            self._count = 0
            self._phase, self._why = "not_measured", record.reason.value
            self._result_text = words.not_measured_sentence(self._exercise, record.reason.value)
            spoken = self._result_text
        else:
            if not self._store(lambda: self.app.session.add_measurement(record)):
                return
            log_event(log, logging.INFO, "camera test finished", exercise=self._exercise, count=count,
                      paused_s=round(result.paused_s if result else 0.0, 1),
                      deviations=",".join(result.deviations if result else ()))
            self._phase = "result"
            self._result_text = words.result_sentence(self._exercise, count, self._value)
            spoken = translate("CameraTest", "Finished. Well done.") + " " + self._result_text
        self.changed.emit()
        self.liveChanged.emit()
        self.app.voice.say(spoken)

    def _camera_failed(self) -> None:
        """The camera or the pipeline failed: a test that was counting is stored as not measured (failed), so the
        report says it was tried and why there is no score; the resident sees the camera is not working."""
        counting = self._phase == "counting"
        self._halt()
        if counting:
            failed = camera_record(words.PLANS[self._exercise].item, None, 0)  # no result: not measured, failed
            if not self._store(lambda: self.app.session.add_not_measured(failed)):
                return
        self._unavailable("camera")

    def _store(self, save: Any) -> bool:
        """Run ``save``; on failure say so in plain words (the detail goes to the log)."""
        try:
            save()
        except (KioskError, RuntimeError) as e:
            log_event(log, logging.ERROR, "camera test result not saved", exercise=self._exercise, error=str(e))
            self._unavailable("save")
            self.liveChanged.emit()
            return False
        return True


def install(app: StationApp) -> None:
    model = CameraTestModel(app)
    app.add_viewmodel("cameraTest", model)
    app.station.languageChanged.connect(model.reword)
    flow = app.viewmodels.get("flow")
    if flow is not None:  # testOpened, not currentTestChanged (re-emitted on a language switch: no restart)
        flow.testOpened.connect(lambda _name: _follow_flow(app, model))
    app.station.screenChanged.connect(lambda: _follow_flow(app, model))


def _follow_flow(app: StationApp, model: CameraTestModel) -> None:
    """Entering the screen from the test menu opens the exercise the flow picked."""
    flow = app.viewmodels.get("flow")
    if app.station.screen != SCREEN or flow is None:
        return
    test = words.exercise_named(str(getattr(flow, "currentTest", "") or ""))
    if test in words.PLANS and (model.exercise != test
                                or model.phase in ("idle", "result", "not_measured", "unavailable")):
        model.begin(test)
