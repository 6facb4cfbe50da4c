"""Camera capture: sources, file reading and looping, newest-frame drops, states, and a camera that vanishes."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.capture import (
    CameraSource,
    CaptureError,
    CaptureState,
    FrameCapture,
    SourceKind,
    letterbox,
    parse_source,
)

FPS = 20
N_FRAMES = 24


@pytest.fixture(scope="module")
def numbered_clip(tmp_path_factory) -> Path:
    """A small real video file whose frame i is filled with grey level 10*i (so order can be checked)."""
    path = tmp_path_factory.mktemp("clips") / "numbered.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (64, 48))
    assert writer.isOpened(), "OpenCV cannot write an MJPG test clip"
    for i in range(N_FRAMES):
        writer.write(np.full((48, 64, 3), 10 * i, dtype=np.uint8))
    writer.release()
    return path


def frame_number(image: np.ndarray) -> int:
    return round(float(image.mean()) / 10)


def wait_for(predicate, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


@pytest.mark.parametrize("text, kind", [
    ("0", SourceKind.DEVICE), ("2", SourceKind.DEVICE), ("/dev/video1", SourceKind.DEVICE),
    ("rtsp://10.0.0.5:554/stream1", SourceKind.STREAM), ("http://cam.local/mjpg", SourceKind.STREAM),
    ("videos/demo.mp4", SourceKind.FILE), ("  /tmp/a b.avi ", SourceKind.FILE),
])
def test_source_strings_name_the_right_kind(text, kind):
    assert parse_source(text).kind is kind


def test_device_index_is_parsed():
    assert parse_source("3").device_index == 3
    assert parse_source("/dev/video3").device_index is None


def test_empty_source_is_a_clear_configuration_error():
    with pytest.raises(CaptureError, match=r"camera\.source is empty"):
        parse_source("   ")


def test_missing_video_file_is_refused_up_front(tmp_path):
    with pytest.raises(CaptureError, match="video file not found"):
        FrameCapture(str(tmp_path / "nope.mp4"))


def test_unpaced_file_delivers_every_frame_in_order_with_recording_timing(numbered_clip):
    with FrameCapture(str(numbered_clip), pace=False) as cap:
        frames = []
        while (f := cap.next_frame(timeout_s=5)) is not None:
            frames.append(f)
        stats = cap.stats()
    assert [frame_number(f.image) for f in frames] == list(range(N_FRAMES)), "every frame once, in order"
    steps = np.diff([f.timestamp_s for f in frames])
    assert np.allclose(steps, 1 / FPS, atol=2e-3), f"timestamps follow the file's {FPS} fps, got steps {steps}"
    assert stats.state is CaptureState.ENDED and stats.frames_dropped == 0 and stats.frames_taken == N_FRAMES


def test_looping_file_restarts_and_time_keeps_increasing(numbered_clip):
    with FrameCapture(str(numbered_clip), pace=False, loop=True) as cap:
        frames = [cap.next_frame(timeout_s=5) for _ in range(2 * N_FRAMES + 5)]
        stats = cap.stats()
    assert all(f is not None for f in frames)
    numbers = [frame_number(f.image) for f in frames if f is not None]
    assert numbers[:N_FRAMES] == numbers[N_FRAMES:2 * N_FRAMES] == list(range(N_FRAMES))
    stamps = [f.timestamp_s for f in frames if f is not None]
    assert all(b > a for a, b in itertools.pairwise(stamps)), "time must not jump back on a loop"
    assert stats.loops >= 2 and stats.reopen_count == 0, f"two loops, no reopen counted: {stats}"
    assert cap.state is CaptureState.STOPPED


def test_paced_file_keeps_only_the_newest_frame_and_counts_the_dropped(numbered_clip):
    with FrameCapture(str(numbered_clip), pace=True) as cap:
        assert cap.next_frame(timeout_s=5) is not None
        time.sleep(6 / FPS)  # a slow consumer: several frames arrive meanwhile
        newest = cap.next_frame(timeout_s=5)
        assert wait_for(lambda: cap.state is CaptureState.ENDED, 5)
        stats = cap.stats()
    assert newest is not None and frame_number(newest.image) >= 4, "the frame handed out is the newest one"
    assert stats.frames_dropped >= 3, f"frames overwritten unseen must be counted, got {stats}"
    pending = stats.frames_read - stats.frames_taken - stats.frames_dropped
    assert pending in (0, 1), f"every frame read is taken, dropped or still waiting: {stats}"


def test_paced_file_plays_at_about_its_own_rate(numbered_clip):
    with FrameCapture(str(numbered_clip), pace=True) as cap:
        stamps = []
        while (f := cap.next_frame(timeout_s=5)) is not None:
            stamps.append(f.grabbed_at_s)
    duration = stamps[-1] - stamps[0]
    assert duration >= 0.8 * (N_FRAMES - 1) / FPS, f"{N_FRAMES} frames at {FPS} fps played in {duration:.2f} s"


def test_undecodable_file_fails_with_a_clear_state(tmp_path):
    bad = tmp_path / "garbage.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    states: list[tuple[CaptureState, str]] = []
    with FrameCapture(str(bad), pace=False, on_state=lambda s, d: states.append((s, d))) as cap:
        assert cap.next_frame(timeout_s=5) is None
        assert wait_for(lambda: cap.state is CaptureState.FAILED)
    assert any(s is CaptureState.FAILED and "garbage.mp4" in d for s, d in states), states


class FlakyCamera:
    """Stands in for a USB camera: delivers frames, is unplugged, cannot be opened for a while, returns."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.plugged = True
        self.frames_sent = 0
        self.opens = 0

    def opener(self, source: CameraSource, width: int, height: int, fps: int) -> FlakyCamera.Reader:
        with self.lock:
            self.opens += 1
            return FlakyCamera.Reader(self, self.plugged)

    class Reader:
        def __init__(self, camera: FlakyCamera, opened: bool) -> None:
            self.camera, self.opened = camera, opened

        def isOpened(self) -> bool:
            return self.opened

        def read(self) -> tuple[bool, np.ndarray | None]:
            time.sleep(0.005)
            with self.camera.lock:
                if not self.camera.plugged:
                    return False, None
                self.camera.frames_sent += 1
                return True, np.zeros((48, 64, 3), np.uint8)

        def get(self, prop: int) -> float:
            return 30.0

        def set(self, prop: int, value: float) -> bool:
            return True

        def release(self) -> None:
            self.opened = False


def test_camera_that_disappears_is_reported_lost_and_recovers_when_it_returns():
    camera = FlakyCamera()
    states: list[CaptureState] = []
    cap = FrameCapture("0", opener=camera.opener, retry_interval_s=0.05, on_state=lambda s, d: states.append(s))
    with cap:
        assert cap.next_frame(timeout_s=5) is not None and cap.state is CaptureState.LIVE
        with camera.lock:
            camera.plugged = False
        assert wait_for(lambda: cap.state is CaptureState.LOST), f"expected LOST, states {states}"
        opens_while_lost = camera.opens
        assert wait_for(lambda: camera.opens >= opens_while_lost + 2), "capture must keep retrying"
        assert cap.next_frame(timeout_s=0.2) is None or cap.state is CaptureState.LOST
        with camera.lock:
            camera.plugged = True
        assert wait_for(lambda: cap.state is CaptureState.LIVE), f"expected LIVE again, states {states}"
        assert cap.next_frame(timeout_s=5) is not None, "frames flow again after recovery"
        stats = cap.stats()
    assert states[:3] == [CaptureState.LIVE, CaptureState.LOST, CaptureState.LIVE]
    assert stats.reopen_count == 1 and cap.state is CaptureState.STOPPED


def test_camera_absent_at_start_stays_opening_then_goes_live_when_plugged_in():
    camera = FlakyCamera()
    camera.plugged = False
    with FrameCapture("0", opener=camera.opener, retry_interval_s=0.05) as cap:
        assert wait_for(lambda: camera.opens >= 2)
        assert cap.state is CaptureState.OPENING
        with camera.lock:
            camera.plugged = True
        assert cap.next_frame(timeout_s=5) is not None and cap.state is CaptureState.LIVE


def test_real_v4l2_device_that_is_not_there_does_not_crash():
    with FrameCapture("/dev/video97", retry_interval_s=0.05) as cap:
        assert cap.next_frame(timeout_s=0.3) is None
        assert cap.state in (CaptureState.OPENING, CaptureState.LOST)
    assert cap.state is CaptureState.STOPPED


def test_network_camera_that_refuses_connections_keeps_retrying_without_hanging():
    with FrameCapture("rtsp://127.0.0.1:9/stream", retry_interval_s=0.05) as cap:
        assert wait_for(lambda: "retrying" in cap.stats().detail, 5)
        assert cap.next_frame(timeout_s=0.2) is None and cap.state is CaptureState.OPENING
    assert cap.state is CaptureState.STOPPED


def test_stop_is_idempotent_and_ends_waiting_consumers(numbered_clip):
    cap = FrameCapture("0", opener=FlakyCamera().opener).start()
    cap.stop()
    cap.stop()
    assert cap.next_frame(timeout_s=1) is None and cap.state is CaptureState.STOPPED


@pytest.mark.parametrize("size, expect_box", [((1920, 1080), (640, 360)), ((1080, 1920), (270, 480)),
                                               ((640, 480), (640, 480))])
def test_letterbox_keeps_aspect_and_pads_to_the_requested_size(size, expect_box):
    w, h = size
    out = letterbox(np.full((h, w, 3), 200, np.uint8), 640, 480)
    assert out.shape == (480, 640, 3)
    rows, cols = np.nonzero(out[..., 0] > 100)
    assert (cols.max() - cols.min() + 1, rows.max() - rows.min() + 1) == expect_box


def test_frames_are_letterboxed_when_a_size_is_asked(numbered_clip):
    with FrameCapture(str(numbered_clip), pace=False, frame_size=(640, 480)) as cap:
        f = cap.next_frame(timeout_s=5)
    assert f is not None and (f.width, f.height) == (640, 480)


@given(w=st.integers(1, 800), h=st.integers(1, 800), tw=st.integers(8, 700), th=st.integers(8, 700))
@settings(max_examples=60, deadline=None)
def test_letterbox_always_gives_the_exact_size_and_keeps_the_aspect(w, h, tw, th):
    out = letterbox(np.full((h, w, 3), 255, np.uint8), tw, th)
    assert out.shape == (th, tw, 3)
    rows, cols = np.nonzero(out[..., 0] > 127)
    bw, bh = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    scale = min(tw / w, th / h)
    assert bw == tw or bh == th, "the picture fills one dimension"
    assert abs(bw - w * scale) <= 1 and abs(bh - h * scale) <= 1, f"{w}x{h} scaled by {scale:.3f} became {bw}x{bh}"


class RaisingCamera(FlakyCamera):
    """A camera whose driver raises (cv2.error, as some OpenCV backends do) instead of returning False when
    the device is unplugged."""

    class Reader(FlakyCamera.Reader):
        def read(self) -> tuple[bool, np.ndarray | None]:
            time.sleep(0.005)
            with self.camera.lock:
                if not self.camera.plugged:
                    raise cv2.error("VIDIOC_DQBUF: No such device")
                self.camera.frames_sent += 1
                return True, np.zeros((48, 64, 3), np.uint8)

    def opener(self, source: CameraSource, width: int, height: int, fps: int) -> RaisingCamera.Reader:
        with self.lock:
            self.opens += 1
            return RaisingCamera.Reader(self, self.plugged)


def test_camera_whose_driver_raises_on_unplug_is_lost_and_recovers_not_failed():
    camera = RaisingCamera()
    with FrameCapture("0", opener=camera.opener, retry_interval_s=0.05) as cap:
        assert cap.next_frame(timeout_s=5) is not None
        with camera.lock:
            camera.plugged = False
        assert wait_for(lambda: cap.state is not CaptureState.LIVE), "the unplug must be noticed"
        assert cap.state is CaptureState.LOST, f"an unplugged camera is LOST (retrying), not {cap.state}"
        with camera.lock:
            camera.plugged = True
        assert wait_for(lambda: cap.state is CaptureState.LIVE), f"expected LIVE again, got {cap.state}"
        assert cap.next_frame(timeout_s=5) is not None, "frames flow again after recovery"


class HangingCamera(FlakyCamera):
    """A network camera whose read blocks (up to its read timeout) and then fails."""

    def __init__(self) -> None:
        super().__init__()
        self.hang = threading.Event()
        self.release_read = threading.Event()

    class Reader(FlakyCamera.Reader):
        def read(self) -> tuple[bool, np.ndarray | None]:
            camera = self.camera
            assert isinstance(camera, HangingCamera)
            if camera.hang.is_set():
                camera.release_read.wait(5)
                return False, None
            return super().read()

    def opener(self, source: CameraSource, width: int, height: int, fps: int) -> HangingCamera.Reader:
        with self.lock:
            self.opens += 1
            return HangingCamera.Reader(self, True)


def test_a_read_that_returns_after_stop_does_not_turn_stopped_into_lost():
    camera = HangingCamera()
    states: list[CaptureState] = []
    cap = FrameCapture("rtsp://camera.invalid/stream", opener=camera.opener, retry_interval_s=0.05,
                       on_state=lambda s, d: states.append(s))
    cap.start()
    assert cap.next_frame(timeout_s=5) is not None
    camera.hang.set()
    time.sleep(0.05)
    cap.stop(timeout_s=0.1)  # the read is still blocked: the join times out
    assert cap.state is CaptureState.STOPPED
    camera.release_read.set()  # the read now fails, after stop()
    wait_for(lambda: states[-1] is not CaptureState.STOPPED, timeout_s=0.5)
    assert cap.state is CaptureState.STOPPED, f"stopped is final, got {cap.state} (states {states})"
    assert states[-1] is CaptureState.STOPPED, f"no state may be reported after STOPPED, got {states}"
    cap.stop(timeout_s=5)
