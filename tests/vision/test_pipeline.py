"""The vision pipeline: end to end on real footage, hand-off to an event loop, drops, errors and shutdown."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import CameraConfig
from vision.analysers import EventKind, make_analyser
from vision.capture import CaptureState, FrameCapture
from vision.landmarks import N_LANDMARKS, PoseFrame
from vision.pipeline import PipelineUpdate, VisionPipeline, camera_pipeline, loop_callback
from vision.pose_backend import MediapipePoseBackend, PoseBackend, PoseLandmarkerSettings


@pytest.fixture(scope="module")
def grey_clip(tmp_path_factory) -> Path:
    """30 plain frames at 30 fps: enough to drive the pipeline with a scripted backend."""
    path = tmp_path_factory.mktemp("clips") / "grey.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(30):
        writer.write(np.full((48, 64, 3), 100 + i, np.uint8))
    writer.release()
    return path


class ScriptedBackend:
    """A PoseBackend double: a fixed standing person, optional delay per frame, optional failure."""

    name = "scripted"

    def __init__(self, delay_s: float = 0.0, fail_at: int | None = None) -> None:
        self.delay_s, self.fail_at = delay_s, fail_at
        self.calls = 0
        self.stamps: list[float] = []
        self.closed = False
        self.points = np.tile([0.5, 0.5, 0.0], (N_LANDMARKS, 1))

    def process(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseFrame:
        self.calls += 1
        self.stamps.append(timestamp_s)
        if self.fail_at is not None and self.calls >= self.fail_at:
            raise RuntimeError("scripted failure")
        if self.delay_s:
            time.sleep(self.delay_s)
        h, w = image_bgr.shape[:2]
        return PoseFrame(timestamp_s, self.points.copy(), np.ones(N_LANDMARKS), w, h)

    def close(self) -> None:
        self.closed = True


def collect(pipeline: VisionPipeline, timeout_s: float = 60.0) -> list[PipelineUpdate]:
    updates: list[PipelineUpdate] = []
    pipeline.on_update = updates.append
    pipeline.start()
    assert pipeline.wait(timeout_s), "the pipeline did not finish in time"
    return updates


@pytest.fixture(scope="module")
def real_run(pose_model, pose2sim_clip) -> tuple[VisionPipeline, MediapipePoseBackend, list[PipelineUpdate]]:
    """The pipeline once over the real pose2sim clip (100 frames at 60 fps) with the squat analyser."""
    backend = MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model))
    pipeline = VisionPipeline(FrameCapture(str(pose2sim_clip), pace=False, frame_size=(640, 480)), backend,
                              make_analyser("squat"))
    return pipeline, backend, collect(pipeline)


@pytest.mark.slow
def test_real_clip_end_to_end_every_frame_scored_and_the_test_finished(real_run):
    pipeline, backend, updates = real_run
    assert pipeline.error is None
    frames = [u for u in updates if not u.final]
    finals = [u for u in updates if u.final]
    assert len(frames) == 100, f"every one of the 100 frames processed, got {len(frames)}"
    assert sum(u.raw_pose.has_person for u in frames) >= 95, "a person is found in (almost) every frame"
    assert [f.frame_index for f in frames] == list(range(100)), "frames processed once each, in order"
    stamps = [u.pose.timestamp_s for u in frames]
    assert np.allclose(np.diff(stamps), 1 / 60, atol=2e-3), "PoseFrames carry the recording's 60 fps timing"
    assert all(u.framing is not None for u in frames) and any(u.lighting is not None for u in frames)
    assert all(u.latency_s > 0 and u.inference_s > 0 for u in frames)
    assert len(finals) == 1 and any(e.kind is EventKind.TEST_FINISHED for e in finals[0].events)
    result = pipeline.result()
    assert result is not None and result.end_reason == "stream_ended"
    json.dumps(result.to_dict())  # the result must be JSON-able as the CLI prints it
    assert backend.closed, "the pipeline closes the backend it owns"
    stats = pipeline.stats()
    assert stats.frames_processed == 100 and stats.frames_with_person >= 95 and stats.latency.count == 100


@pytest.mark.slow
def test_filtered_pose_in_updates_is_smoother_than_raw(real_run):
    frames = [u for u in real_run[2] if u.raw_pose.points is not None and u.pose.points is not None]

    def jitter(poses: list[np.ndarray]) -> float:
        xy = np.array(poses)[:, :, :2]
        return float(np.median(np.linalg.norm(xy[2:] - 2 * xy[1:-1] + xy[:-2], axis=2)))

    raw, filtered = jitter([u.raw_pose.points for u in frames]), jitter([u.pose.points for u in frames])
    assert filtered < raw / 1.8, f"pipeline output jitter {filtered:.5f} vs raw {raw:.5f}"


async def test_updates_reach_the_event_loop_thread_and_the_loop_keeps_running(grey_clip):
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    seen: list[tuple[int, float]] = []
    ticks: list[float] = []
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend(delay_s=0.01),
                              on_update=loop_callback(loop, lambda u: seen.append((threading.get_ident(),
                                                                                     time.monotonic()))))
    pipeline.start()
    while not pipeline.done.is_set():
        ticks.append(time.monotonic())
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)
    assert len(seen) == 30 and {tid for tid, _ in seen} == {loop_thread}, "every update runs on the loop thread"
    first, last = seen[0][1], seen[-1][1]
    assert sum(first < t < last for t in ticks) >= 5, "the loop kept ticking while inference ran"


def test_slow_backend_on_a_camera_drops_frames_instead_of_building_a_backlog(grey_clip):
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=True, loop=True), ScriptedBackend(delay_s=0.1))
    pipeline.start()
    time.sleep(1.5)
    pipeline.stop()
    stats = pipeline.stats()
    assert stats.frames_dropped_by_capture >= 10, f"a 10 fps consumer of a 30 fps camera must drop, got {stats}"
    latencies = list(pipeline._latency_s)
    assert len(latencies) >= 6
    assert max(latencies[-3:]) < 0.1 + 2 / 30 + 0.1, f"latency must not grow with time: {latencies}"


def test_queue_keeps_the_newest_updates_when_nobody_reads_it(grey_clip):
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend(), queue_size=5)
    pipeline.start()
    assert pipeline.wait(30)
    stats = pipeline.stats()
    kept = [pipeline.updates.get_nowait().frame_index for _ in range(pipeline.updates.qsize())]
    assert kept == [25, 26, 27, 28, 29] and stats.updates_dropped_by_queue == 25


def test_a_failing_listener_does_not_stop_the_test(grey_clip):
    def broken(update: PipelineUpdate) -> None:
        raise ValueError("listener bug")

    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend(), on_update=broken)
    pipeline.start()
    assert pipeline.wait(30) and pipeline.error is None and pipeline.stats().frames_processed == 30


def test_backend_failure_ends_the_pipeline_with_the_error_recorded_and_everything_released(grey_clip):
    backend = ScriptedBackend(fail_at=5)
    capture = FrameCapture(str(grey_clip), pace=False)
    pipeline = VisionPipeline(capture, backend)
    pipeline.start()
    assert pipeline.wait(30)
    assert isinstance(pipeline.error, RuntimeError) and "scripted failure" in str(pipeline.error)
    assert backend.closed and capture.state is CaptureState.STOPPED


def test_stop_mid_run_releases_capture_and_backend(grey_clip):
    backend = ScriptedBackend(delay_s=0.02)
    capture = FrameCapture(str(grey_clip), pace=True, loop=True)
    pipeline = VisionPipeline(capture, backend, make_analyser("chair-stand"))
    pipeline.start()
    time.sleep(0.3)
    pipeline.stop()
    assert pipeline.done.is_set() and backend.closed and capture.state is CaptureState.STOPPED
    assert pipeline.error is None


def test_backend_not_owned_is_left_open(grey_clip):
    backend = ScriptedBackend()
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), backend, close_backend=False)
    pipeline.start()
    assert pipeline.wait(30) and not backend.closed


def test_two_backends_share_the_frames_alternately_and_results_stay_in_order(grey_clip):
    backends = [ScriptedBackend(delay_s=0.02), ScriptedBackend(delay_s=0.02)]
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), backends, make_analyser("chair-stand"))
    updates = collect(pipeline)
    frames = [u for u in updates if not u.final]
    assert [u.frame_index for u in frames] == list(range(30)), "updates come out in frame order"
    assert [b.calls for b in backends] == [15, 15], "frame i goes to backend i mod 2"
    for b in backends:
        assert b.stamps == sorted(b.stamps), "each backend sees its frames in time order (VIDEO mode tracking)"
    assert all(b.closed for b in backends) and pipeline.error is None and updates[-1].final


@pytest.mark.slow
def test_frame_parallel_mediapipe_backends_track_the_real_clip(pose_model, pose2sim_clip):
    settings = PoseLandmarkerSettings(model_path=pose_model)
    backends = [MediapipePoseBackend(settings), MediapipePoseBackend(settings)]
    pipeline = VisionPipeline(FrameCapture(str(pose2sim_clip), pace=False, frame_size=(640, 480)), backends)
    frames = [u for u in collect(pipeline) if not u.final]
    assert [u.frame_index for u in frames] == list(range(100))
    assert sum(u.raw_pose.has_person for u in frames) >= 95, "each backend tracks the person on every 2nd frame"
    assert all(b.closed for b in backends)


def test_a_dark_room_gives_a_spoken_more_light_hint_once_not_every_frame(tmp_path):
    dark = tmp_path / "dark.avi"
    writer = cv2.VideoWriter(str(dark), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for _ in range(60):
        writer.write(np.full((48, 64, 3), 8, np.uint8))
    writer.release()
    updates = collect(VisionPipeline(FrameCapture(str(dark), pace=False), ScriptedBackend(), lighting_every_s=0.0))
    hints = [e for u in updates for e in u.events if e.message.startswith("lighting.")]
    assert [e.message for e in hints] == ["lighting.more_light"], f"one hint for a 2 s dark clip, got {hints}"
    assert hints[0].kind is EventKind.FRAMING and "light" in hints[0].text.lower()
    assert hints[0].evidence["mean_level"] < 50


def test_pipeline_needs_a_backend(grey_clip):
    with pytest.raises(ValueError, match="at least one pose backend"):
        VisionPipeline(FrameCapture(str(grey_clip)), [])


def test_camera_pipeline_from_station_config_runs_and_stops(grey_clip, pose_model):
    updates: list[PipelineUpdate] = []
    cfg = CameraConfig(source=str(grey_clip), loop=True, width=320, height=240, fps=30)
    pipeline = camera_pipeline(cfg, "chair-stand", on_update=updates.append,
                               settings=PoseLandmarkerSettings(model_path=pose_model))
    pipeline.start()
    deadline = time.monotonic() + 20
    while len(updates) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    pipeline.stop()
    assert len(updates) >= 5 and pipeline.error is None
    assert (updates[0].pose.image_width, updates[0].pose.image_height) == (320, 240), "frames letterboxed as configured"
    assert updates[0].framing is not None and not updates[0].framing.ok, "an empty picture is not framed"
    assert pipeline.backend.closed and pipeline.capture.state is CaptureState.STOPPED


def test_scripted_backend_is_a_pose_backend():
    assert isinstance(ScriptedBackend(), PoseBackend)


class VanishingCamera:
    """A camera double (``FrameCapture`` opener) that delivers 30 frames/s until ``gone`` is set, then
    neither reads nor reopens (unplugged)."""

    def __init__(self) -> None:
        self.gone = threading.Event()

    def opener(self, source, width: int, height: int, fps: int) -> VanishingCamera:
        return self

    def isOpened(self) -> bool:
        return not self.gone.is_set()

    def read(self) -> tuple[bool, np.ndarray | None]:
        time.sleep(1 / 30)
        if self.gone.is_set():
            return False, None
        return True, np.full((48, 64, 3), 120, np.uint8)

    def get(self, prop: int) -> float:
        return 30.0

    def set(self, prop: int, value: float) -> bool:
        return True

    def release(self) -> None:
        pass


def test_a_timed_test_still_ends_on_time_when_the_camera_is_unplugged_mid_test():
    """The 30-s clock runs through a lost view; with no frames at all the analyser must still hear that no one
    is seen, so it pauses and finishes at time up instead of waiting forever for the camera."""
    camera = VanishingCamera()
    capture = FrameCapture("0", opener=camera.opener, retry_interval_s=0.1)
    analyser = make_analyser("chair-stand", duration_s=1.0, start_at_s=time.monotonic() + 0.2)
    updates: list[PipelineUpdate] = []
    pipeline = VisionPipeline(capture, ScriptedBackend(), analyser, on_update=updates.append)
    pipeline.start()
    try:
        time.sleep(0.4)
        camera.gone.set()
        deadline = time.monotonic() + 10.0
        while not analyser.finished and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        pipeline.stop()
    assert capture.stats().reopen_count == 0 and pipeline.error is None
    assert analyser.finished and analyser.end_reason == "time_up", (
        f"the 1-s test must end by time up while the camera is gone, got {analyser.end_reason!r}")
    finished = [e for u in updates for e in u.events if e.kind is EventKind.TEST_FINISHED]
    assert finished and finished[0].evidence["reason"] == "time_up", "the closing event must reach the listener"


def test_a_backend_failure_reaches_the_listener_as_a_final_update_naming_the_error(grey_clip):
    """A kiosk screen waits for the final update; an error must end that wait and say what went wrong,
    while the analyser stays unfinished (a cut-short test is not a result)."""
    analyser = make_analyser("chair-stand")
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend(fail_at=5), analyser)
    updates = collect(pipeline, timeout_s=30)
    finals = [u for u in updates if u.final]
    assert len(finals) == 1 and finals[0] is updates[-1], "exactly one final update, the last one"
    assert finals[0].error is not None and "scripted failure" in finals[0].error, (
        f"the final update must name the error, got {finals[0].error!r}")
    assert not analyser.finished, "a test cut short by an error must not be finished as a result"


def test_camera_pipeline_that_cannot_make_every_backend_closes_the_ones_it_made(grey_clip, monkeypatch):
    import vision.pose_backend as pose_backend
    from kiosk.errors import KioskError

    made: list[ScriptedBackend] = []

    def backend_factory(settings=None) -> ScriptedBackend:
        if len(made) == 1:
            raise pose_backend.PoseBackendError("second landmarker refused")
        made.append(ScriptedBackend())
        return made[-1]

    monkeypatch.setattr(pose_backend, "MediapipePoseBackend", backend_factory)
    cfg = CameraConfig(source=str(grey_clip), width=64, height=48, fps=30)
    with pytest.raises(KioskError, match="second landmarker refused"):
        camera_pipeline(cfg, "chair-stand", workers=2)
    assert made and all(b.closed for b in made), "a landmarker made before the failure must be closed, not leaked"


def test_a_test_the_resident_stops_is_ended_by_the_worker_with_that_reason(grey_clip):
    """The station's Stop while counting: the analyser (only ever touched on the worker) closes the test at the
    last frame it saw, so the count so far can stand (SFT), instead of nothing being stored."""
    analyser = make_analyser("squat", check_frame=False)
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend(delay_s=0.01), analyser)
    seen: list[PipelineUpdate] = []

    def on_update(update: PipelineUpdate) -> None:
        seen.append(update)
        if len(seen) == 5:
            pipeline.finish_test("resident_stopped")

    pipeline.on_update = on_update
    pipeline.start()
    assert pipeline.wait(30)
    finished = [e for u in seen for e in u.events if e.kind is EventKind.TEST_FINISHED]
    assert [e.evidence["reason"] for e in finished] == ["resident_stopped"], finished
    assert analyser.end_reason == "resident_stopped" and analyser.ended_at_s <= seen[5].pose.timestamp_s
