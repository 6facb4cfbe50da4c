"""The vision pipeline: capture → pose → landmark filter → framing/lighting → analyser, in a worker thread.

Pose inference is CPU-bound, so it never runs on the application's event loop: a worker thread takes
the newest camera frame, runs the backend, smooths the landmarks, asks the analyser what happened, and
hands a PipelineUpdate out through a callback (called on the worker thread; wrap it with
``call_soon_threadsafe`` for asyncio / qasync, see ``loop_callback``) and a bounded queue. Every update
carries its frame-to-update latency, measured from the moment the frame was grabbed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from kiosk.config import CameraConfig
from kiosk.logs import log_event
from vision.analysers import AnalyserEvent, EventKind, ExerciseAnalyser, ExerciseResult
from vision.capture import CapturedFrame, CaptureState, FrameCapture
from vision.filtering import LandmarkSmoother
from vision.framing import (
    HINT_TEXT,
    FramingHint,
    FramingReport,
    LightingReport,
    check_framing,
    check_lighting,
    without_letterbox,
)
from vision.landmarks import PoseFrame
from vision.pose_backend import PoseBackend, PoseLandmarkerSettings, PoseResult, detect_with

log = logging.getLogger("vision.pipeline")

_LIGHTING_SIZE = (160, 120)  # lighting is judged on a small grey copy: same verdict, a fraction of the cost
_LIGHTING_REPEAT_S = 5.0
_ENDED_STATES = (CaptureState.ENDED, CaptureState.FAILED, CaptureState.STOPPED)


@dataclass(frozen=True)
class PipelineUpdate:
    """What one processed camera frame produced.

    ``pose`` is the filtered PoseFrame; ``raw_pose`` what the backend returned. ``framing`` is the framing
    verdict for the current exercise (None without one); ``lighting`` is set on the frames where lighting
    was checked (about once a second). ``events`` are the analyser's, plus a ``framing`` event keyed
    ``lighting.more_light`` / ``lighting.less_light`` / ``lighting.low_contrast`` when the light is unusable
    (the analyser cannot see the image, so the pipeline speaks for it). ``latency_s`` runs from the frame's
    grab to this update's hand-out (waiting for the worker included); ``processing_s`` from the worker
    taking the frame to the hand-out. ``image`` is the camera frame itself when the pipeline was made with
    ``keep_images`` (the station's screen shows it); None otherwise.
    """

    frame_index: int
    pose: PoseFrame
    raw_pose: PoseFrame
    people_count: int
    events: tuple[AnalyserEvent, ...]
    framing: FramingReport | None
    lighting: LightingReport | None
    counting: bool
    inference_s: float
    latency_s: float
    processing_s: float = 0.0
    final: bool = False
    error: str | None = None  # on the final update when the pipeline stopped on an error (test not finished)
    image: np.ndarray | None = None  # the processed BGR frame, with ``keep_images`` (for a live picture)


@dataclass(frozen=True)
class LatencySummary:
    """Percentiles of a latency sample in milliseconds (NaN when empty)."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, samples_s: list[float] | deque[float]) -> LatencySummary:
        if not samples_s:
            return cls(0, math.nan, math.nan, math.nan, math.nan)
        ms = np.asarray(samples_s, dtype=np.float64) * 1000.0
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        return cls(len(ms), float(p50), float(p95), float(p99), float(ms.max()))


@dataclass(frozen=True)
class PipelineStats:
    frames_processed: int
    frames_with_person: int
    frames_dropped_by_capture: int
    updates_dropped_by_queue: int
    elapsed_s: float
    inference: LatencySummary
    processing: LatencySummary
    latency: LatencySummary

    @property
    def fps(self) -> float:
        return self.frames_processed / self.elapsed_s if self.elapsed_s > 0 else 0.0


def loop_callback(loop: asyncio.AbstractEventLoop, handler: Callable[[PipelineUpdate], object]
                  ) -> Callable[[PipelineUpdate], None]:
    """A pipeline callback that runs ``handler(update)`` on ``loop``'s thread (asyncio or qasync)."""

    def deliver(update: PipelineUpdate) -> None:
        loop.call_soon_threadsafe(handler, update)

    return deliver


class VisionPipeline:
    """Runs capture → pose → filter → framing/lighting → analyser until the source ends or ``stop()``.

    ``backend`` may be a list: N backends infer N consecutive frames in parallel (frame-parallel inference,
    which uses N cores where one model call uses one); order, filtering and analysis stay sequential.

    ``exercise`` names the framing profile for the ``framing`` field (defaults to the analyser's
    exercise). While the camera is lost, the analyser is told no one is seen (so it pauses, and a timed
    test still ends; those updates have ``frame_index`` -1). When the source ends, the analyser is finished
    (reason ``stream_ended``) and a ``final``
    update carries its closing events. The pipeline owns the capture (stopped on exit) and, with
    ``close_backend``, the backend too.
    """

    def __init__(self, capture: FrameCapture, backend: PoseBackend | Sequence[PoseBackend],
                 analyser: ExerciseAnalyser | None = None, *,
                 exercise: str | None = None, smoother: LandmarkSmoother | None = None,
                 on_update: Callable[[PipelineUpdate], None] | None = None, queue_size: int = 64,
                 lighting_every_s: float = 1.0, close_backend: bool = True, latency_window: int = 20000,
                 keep_images: bool = False, frame_stride: int = 1) -> None:
        self.backends: list[PoseBackend] = [backend] if isinstance(backend, PoseBackend) else list(backend)
        if not self.backends:
            raise ValueError("the pipeline needs at least one pose backend")
        self.capture, self.backend, self.analyser = capture, self.backends[0], analyser
        self.exercise = exercise or (analyser.exercise if analyser is not None else None)
        self.smoother = smoother if smoother is not None else LandmarkSmoother()
        self.on_update = on_update
        self.updates: queue.Queue[PipelineUpdate] = queue.Queue(maxsize=queue_size)
        self.lighting_every_s = lighting_every_s
        self.close_backend = close_backend
        self._stop = threading.Event()
        self.done = threading.Event()
        self._thread: threading.Thread | None = None
        self._inference_s: deque[float] = deque(maxlen=latency_window)
        self._latency_s: deque[float] = deque(maxlen=latency_window)
        self._processing_s: deque[float] = deque(maxlen=latency_window)
        self._stats_lock = threading.Lock()
        self._processed = self._with_person = self._queue_drops = 0
        self._t_first: float | None = None
        self._t_last: float | None = None
        self._last_lighting_at = -math.inf
        self._last_lighting_hint: FramingHint | None = None
        self._last_lighting_event_at = -math.inf
        self.error: BaseException | None = None
        self._last_pose_t = 0.0  # timestamp of the last frame handed out
        self.keep_images = keep_images
        if frame_stride < 1:
            raise ValueError(f"frame_stride must be at least 1, not {frame_stride!r}")
        self.frame_stride = frame_stride  # infer every Nth camera frame (a lighter load on a busy machine)
        self._start_lock = threading.Lock()
        self._start_at: float | None = None  # a start signal given from another thread, applied by the worker
        self._finish_reason: str | None = None  # an early end asked from another thread, applied by the worker

    # -- control ---------------------------------------------------------------------------------------------
    def start(self) -> VisionPipeline:
        if self._thread is not None:
            raise RuntimeError("pipeline already started")
        self._thread = threading.Thread(target=self.run, name="vision-pipeline", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop after the frame in hand; releases capture (and backend when owned). Safe to call twice."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    def start_test_at(self, at_s: float) -> None:
        """Give the analyser its start signal ("Go") at ``at_s`` on the frame clock (``time.monotonic()`` for a
        camera or paced file). Safe from any thread: the worker applies it before the first frame at or after
        ``at_s``, so the analyser is only ever touched on the worker thread."""
        with self._start_lock:
            self._start_at = float(at_s)

    def finish_test(self, reason: str = "resident_stopped") -> None:
        """End the test early (the resident chose to stop): safe from any thread; the worker ends the analyser
        at the last frame it analysed, and the closing events (``test_finished`` with ``reason``) follow on
        the next update."""
        with self._start_lock:
            self._finish_reason = reason

    def _due_finish(self) -> list[AnalyserEvent]:
        with self._start_lock:
            reason, self._finish_reason = self._finish_reason, None
        if reason is None or self.analyser is None or self.analyser.finished:
            return []
        return self.analyser.finish(reason=reason)

    def _due_start(self, t: float) -> list[AnalyserEvent]:
        with self._start_lock:
            at = self._start_at
            if at is None or t < at or self.analyser is None:
                return []
            self._start_at = None
        return self.analyser.start(at)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until the source has ended and the final update is out; False on timeout."""
        return self.done.wait(timeout_s)

    def result(self) -> ExerciseResult | None:
        return self.analyser.result() if self.analyser is not None else None

    def stats(self) -> PipelineStats:
        elapsed = (self._t_last - self._t_first) if self._t_first is not None and self._t_last is not None else 0.0
        cap = self.capture.stats()
        with self._stats_lock:
            inference, processing, latency = list(self._inference_s), list(self._processing_s), list(self._latency_s)
            processed, with_person = self._processed, self._with_person
        return PipelineStats(processed, with_person, cap.frames_dropped, self._queue_drops, elapsed,
                             LatencySummary.of(inference), LatencySummary.of(processing), LatencySummary.of(latency))

    # -- worker ----------------------------------------------------------------------------------------------
    def run(self) -> None:
        """The worker loop (runs on the pipeline's thread after ``start()``, or call it directly to block).

        With several backends, frame i goes to backend i mod N on its own thread (each backend still sees
        its frames in time order), at most N frames are in flight, and results are used in frame order.
        """
        if not self.capture.started:
            self.capture.start()
        n = len(self.backends)
        pools = [ThreadPoolExecutor(1, thread_name_prefix=f"pose-{i}") for i in range(n)] if n > 1 else []
        inflight: deque[tuple[CapturedFrame, float, Future[PoseResult]]] = deque()
        seq = taken = 0
        try:
            while not self._stop.is_set():
                while inflight and (len(inflight) >= n or inflight[0][2].done()):
                    self._finish_frame(*inflight.popleft())
                frame = self.capture.next_frame(timeout_s=0.005 if inflight else 0.2)
                if frame is None:
                    if self.capture.state in _ENDED_STATES:
                        while inflight:
                            self._finish_frame(*inflight.popleft())
                        self._finish_analyser()
                        break
                    if self.capture.state is CaptureState.LOST and not inflight:
                        self._camera_lost_tick()
                    continue
                taken += 1
                if taken % self.frame_stride:  # every Nth frame the worker takes (not by index: the newest-frame
                    continue                   # capture may hand a slow worker only odd indices)
                taken_at = time.monotonic()
                if self._t_first is None:
                    self._t_first = frame.grabbed_at_s
                backend = self.backends[seq % n]
                if pools:
                    future = pools[seq % n].submit(detect_with, backend, frame.image, frame.timestamp_s)
                else:
                    future = Future()
                    future.set_result(detect_with(backend, frame.image, frame.timestamp_s))
                inflight.append((frame, taken_at, future))
                seq += 1
        except BaseException as e:  # recorded for the caller; the thread must not die silently
            self.error = e
            log.exception("vision pipeline stopped by an error")
            self._emit_failure(e)
        finally:
            for pool in pools:
                pool.shutdown(wait=True, cancel_futures=True)
            self.capture.stop()
            if self.close_backend:
                for backend in self.backends:
                    backend.close()
            s = self.stats()
            log_event(log, logging.INFO, "vision pipeline ended", frames=s.frames_processed,
                      dropped=s.frames_dropped_by_capture, fps=round(s.fps, 1),
                      latency_p95_ms=round(s.latency.p95_ms, 1))
            self.done.set()

    def _finish_frame(self, frame: CapturedFrame, taken_at: float, future: Future[PoseResult]) -> None:
        """Filter, analyse and hand out one frame whose pose is (or will shortly be) ready."""
        result = future.result()
        pose = self.smoother(result.frame)
        self._last_pose_t = pose.timestamp_s
        events: list[AnalyserEvent] = self._due_start(pose.timestamp_s)
        if self.analyser is not None:
            events += self._due_finish() + self.analyser.feed(pose, people_count=result.people_count)
        framing = None
        if self.exercise is not None:
            started = self.analyser is not None and self.analyser.started_at_s is not None
            framing = check_framing(pose, self.exercise, require_posture=not started,
                                    people_count=result.people_count)
        lighting = None
        if frame.grabbed_at_s - self._last_lighting_at >= self.lighting_every_s:
            small = cv2.resize(frame.image, _LIGHTING_SIZE, interpolation=cv2.INTER_AREA)
            lighting = check_lighting(without_letterbox(small))  # the bars are ours, not the room's
            self._last_lighting_at = frame.grabbed_at_s
            events += self._lighting_events(lighting, pose.timestamp_s)
        counting = bool(self.analyser.counting) if self.analyser is not None else False
        now = time.monotonic()
        latency = now - frame.grabbed_at_s
        with self._stats_lock:  # stats() may be read from another thread meanwhile
            self._processed += 1
            self._with_person += int(result.frame.has_person)
            self._inference_s.append(result.inference_s)
            self._latency_s.append(latency)
            self._processing_s.append(now - taken_at)
            self._t_last = now
        self._emit(PipelineUpdate(frame.index, pose, result.frame, result.people_count, tuple(events), framing,
                                  lighting, counting, result.inference_s, latency, now - taken_at,
                                  image=frame.image if self.keep_images else None))

    def _camera_lost_tick(self) -> None:
        """The camera is lost: tell the analyser nobody is seen, now, so it pauses and a timed test still ends
        on time. A lost camera is a device or stream, whose frames are stamped on this same monotonic clock."""
        if self.analyser is None or self.analyser.finished:
            return
        empty = PoseFrame(time.monotonic(), None)
        events = self._due_start(empty.timestamp_s) + self._due_finish() + self.analyser.feed(empty)
        if events:
            self._emit(PipelineUpdate(-1, empty, empty, 0, tuple(events), None, None, self.analyser.counting,
                                      0.0, 0.0))

    def _lighting_events(self, report: LightingReport, t: float) -> list[AnalyserEvent]:
        """A spoken-ready hint when the light turns bad or changes how it is bad, repeated every 5 s."""
        if report.ok:
            self._last_lighting_hint = None
            return []
        hint = report.hints[0]
        if hint == self._last_lighting_hint and t - self._last_lighting_event_at < _LIGHTING_REPEAT_S:
            return []
        self._last_lighting_hint, self._last_lighting_event_at = hint, t
        evidence = {"hints": [h.value for h in report.hints], "mean_level": report.stats.mean_level,
                    "contrast_std": report.stats.contrast_std, "dark_fraction": report.stats.dark_fraction,
                    "bright_fraction": report.stats.bright_fraction}
        return [AnalyserEvent(EventKind.FRAMING, t, f"lighting.{hint.value}", evidence, HINT_TEXT[hint])]

    def _finish_analyser(self) -> None:
        if self.analyser is None:
            return
        events = self.analyser.finish(reason="stream_ended")
        t = self.analyser.ended_at_s if self.analyser.ended_at_s is not None else 0.0
        empty = PoseFrame(t, None)
        self._emit(PipelineUpdate(-1, empty, empty, 0, tuple(events), None, None, False, 0.0, 0.0, final=True))

    def _emit_failure(self, error: BaseException) -> None:
        """A final update naming the error, so a listener waiting for ``final`` is not left waiting. The
        analyser is left unfinished: a test cut short by a fault must not read as a finished result."""
        empty = PoseFrame(self._last_pose_t, None)
        with contextlib.suppress(Exception):
            self._emit(PipelineUpdate(-1, empty, empty, 0, (), None, None, False, 0.0, 0.0, final=True,
                                      error=f"{type(error).__name__}: {error}"))

    def _emit(self, update: PipelineUpdate) -> None:
        if self.on_update is not None:
            try:
                self.on_update(update)
            except Exception:  # a broken listener must not stop the camera test
                log.exception("pipeline update listener failed")
        try:
            self.updates.put_nowait(update)
        except queue.Full:  # nobody reads the queue fast enough: keep the newest
            with contextlib.suppress(queue.Empty):
                self.updates.get_nowait()
            self._queue_drops += 1
            self.updates.put_nowait(update)


def camera_pipeline(camera: CameraConfig, exercise: str | None = None, *,
                    on_update: Callable[[PipelineUpdate], None] | None = None, workers: int = 1,
                    settings: PoseLandmarkerSettings | None = None,
                    on_capture_state: Callable[[CaptureState, str], None] | None = None,
                    keep_images: bool = False, queue_size: int = 64, frame_stride: int = 1,
                    **analyser_options: Any) -> VisionPipeline:
    """The station's camera pipeline as configured (``[camera]`` in the station file), not yet started.

    A file source plays at its own frame rate like a camera (looping per ``camera.loop``); frames are
    letterboxed to ``camera.width``×``camera.height``. ``exercise`` picks the analyser (None: pose and
    framing only, e.g. for the technician's camera check). ``keep_images`` puts each processed frame on its
    update (a screen showing the picture should pass a small ``queue_size``: the queue holds that many
    frames). ``frame_stride`` N infers every Nth camera frame only. Raises CaptureError / PoseBackendError
    (KioskErrors) when the camera source or the model cannot be used.
    """
    from vision.analysers import make_analyser
    from vision.pose_backend import MediapipePoseBackend

    capture = FrameCapture(camera.source, loop=camera.loop, pace=True, frame_size=(camera.width, camera.height),
                           request_size=(camera.width, camera.height), request_fps=camera.fps,
                           on_state=on_capture_state)
    analyser = make_analyser(exercise, **analyser_options) if exercise is not None else None
    backends: list[PoseBackend] = []
    try:
        for _ in range(max(1, workers)):
            backends.append(MediapipePoseBackend(settings))
    except BaseException:  # the landmarkers already made hold native graphs: release them
        for made in backends:
            with contextlib.suppress(Exception):
                made.close()
        raise
    return VisionPipeline(capture, backends, analyser, exercise=exercise, on_update=on_update,
                          keep_images=keep_images, queue_size=queue_size, frame_stride=frame_stride)
