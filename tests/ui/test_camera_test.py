"""The camera exercise test screen on real footage: instructions, framing, countdown, counting with the
skeleton, the stored count; the plain words when the camera cannot be used; leaving stops the threads."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.config import StationConfig
from kiosk.domain import Method, Sex
from tests.ui.conftest import with_camera
from tests.vision.footage import SPORTS2D_DEMO, FootageUnavailable, fetch_footage
from ui.driver import ScreenDriver, run_station
from ui.skeleton_overlay import BONE_BGR, JOINT_BGR, draw_skeleton
from vision.landmarks import N_LANDMARKS, L

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "pose_landmarker_full.task"


@pytest.fixture(scope="module")
def clip() -> Path:
    if not MODEL.is_file():
        pytest.skip("the pose model is not built (make models)")
    try:
        return fetch_footage(SPORTS2D_DEMO)
    except FootageUnavailable as e:
        pytest.skip(str(e))


def _pose_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "vision-pipeline" or t.name.startswith(("pose-", "capture-"))]


def _open_session(d: ScreenDriver, camera: bool = True) -> None:
    d.app.session.start_guest(Sex.FEMALE, 1950)
    d.app.session.set_consent(True, camera)
    d.app.session.set_safety({})


# ---- the overlay, on plain arrays --------------------------------------------------------------------
def _standing_points() -> tuple[np.ndarray, np.ndarray]:
    pts = np.full((N_LANDMARKS, 3), 0.5)
    xy = {L.NOSE: (0.5, 0.15), L.LEFT_SHOULDER: (0.6, 0.3), L.RIGHT_SHOULDER: (0.4, 0.3),
          L.LEFT_ELBOW: (0.65, 0.45), L.RIGHT_ELBOW: (0.35, 0.45), L.LEFT_WRIST: (0.66, 0.58),
          L.RIGHT_WRIST: (0.34, 0.58), L.LEFT_HIP: (0.57, 0.6), L.RIGHT_HIP: (0.43, 0.6),
          L.LEFT_KNEE: (0.58, 0.75), L.RIGHT_KNEE: (0.42, 0.75), L.LEFT_ANKLE: (0.58, 0.9),
          L.RIGHT_ANKLE: (0.42, 0.9)}
    vis = np.zeros(N_LANDMARKS)
    for i, (x, y) in xy.items():
        pts[i, :2] = (x, y)
        vis[i] = 0.95
    return pts, vis


def test_skeleton_is_drawn_at_the_landmarks_and_nowhere_for_hidden_ones() -> None:
    image = np.zeros((480, 640, 3), np.uint8)
    pts, vis = _standing_points()
    vis[L.LEFT_ANKLE] = 0.1  # hidden: neither its joint nor the shin is drawn
    out = draw_skeleton(image, pts, vis)
    assert not image.any(), "the input picture is left untouched"
    for i in (L.LEFT_SHOULDER, L.RIGHT_KNEE, L.LEFT_HIP, L.RIGHT_WRIST):
        x, y = int(pts[i, 0] * 640 + 0.5), int(pts[i, 1] * 480 + 0.5)
        assert tuple(out[y, x]) == JOINT_BGR, i
    # a bone's midpoint (the right thigh) is bone-coloured
    mid = ((pts[L.RIGHT_HIP, :2] + pts[L.RIGHT_KNEE, :2]) / 2 * (640, 480)).astype(int)
    assert tuple(out[mid[1], mid[0]]) == BONE_BGR
    ankle = (int(0.58 * 640), int(0.9 * 480))
    assert not out[ankle[1] - 3:ankle[1] + 4, ankle[0] - 3:ankle[0] + 4].any()
    shin_mid = (int(0.58 * 640), int(0.83 * 480))
    assert not out[shin_mid[1], shin_mid[0]].any()
    assert out.any(axis=2).mean() < 0.1, "only the skeleton is drawn"


def test_no_person_or_unusable_points_leave_the_picture_as_it_was() -> None:
    image = np.random.default_rng(1).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    assert np.array_equal(draw_skeleton(image, None), image)
    assert np.array_equal(draw_skeleton(image, np.zeros((3,))), image)
    off = np.full((N_LANDMARKS, 3), np.nan)
    assert np.array_equal(draw_skeleton(image, off, np.ones(N_LANDMARKS)), image)
    outside = np.full((N_LANDMARKS, 3), 1.5)
    assert np.array_equal(draw_skeleton(image, outside, np.ones(N_LANDMARKS)), image)


# ---- the screen on real footage ----------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chair_stand_on_real_footage_without_a_chair_stand_is_not_measured_and_says_why(
        station_cfg: StationConfig, clip: Path, shots_dir: Path, lang: str) -> None:
    cfg = with_camera(station_cfg, clip)

    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage(lang)
        _open_session(d)
        model = d.app.viewmodels["cameraTest"]
        model.duration_s, model.countdown_s = 4.0, 1
        model.framing_hold_s = 60.0  # the clip's walkers are never seated: start by the button
        d.app.station.go("CameraTest")
        model.begin("chair-stand")
        await d.wait_item("readyButton")
        assert "arms" in " ".join(model.steps) or lang == "zh"
        assert d.app.voice.history, "the instructions are spoken"
        await d.shot("camera-test-instructions")
        await d.click("readyButton")
        await d.until(lambda: model.hasPicture and model.published_pose is not None
                      and model.published_pose.has_person, 60, "a picture with a person")
        assert model.phase == "framing" and d.text("hintText")
        await d.shot("camera-test-framing")
        await d.click("startNowButton")
        await d.until(lambda: model.phase == "counting", 5, "Go")
        await d.settle(1.5)  # a few frames after Go: the walkers are not seated, so counting waits and says why
        assert model.paused and d.visible("pausedBanner") and d.text("hintText")
        await d.until(lambda: model.published_pose is not None and model.published_pose.has_person, 10, "a person")
        # the skeleton is on the published picture: joint colour at the visible joints' pixels
        pose, picture = model.published_pose, d.app.camera_frames.latest("exercise")
        await d.shot("camera-test-counting")
        assert picture is not None
        joints = [i for i in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE)
                  if pose.visibility[i] >= 0.5 and 0 <= pose.points[i, 0] < 1 and 0 <= pose.points[i, 1] < 1]
        assert joints
        hits = sum(picture.pixelColor(int(pose.points[i, 0] * picture.width()),
                                      int(pose.points[i, 1] * picture.height())).getRgb()[:3] == JOINT_BGR[::-1]
                   for i in joints)
        assert hits >= len(joints) / 2, (hits, joints)
        assert d.app.idle.idle_s() < 3.0, "a resident moving in front of the camera is not idle"
        assert d.visible("timeLeft") and d.visible("repCount")
        # the clip's walkers never sit: the test did not run validly, so there is no score, only why
        await d.until(lambda: model.phase == "not_measured", 20, "the end of the test")
        await d.shot("camera-test-not-measured-footage")
        assert not d.app.session.measurements, "a test that did not run validly must store no value (not a 0)"
        (nm,) = d.app.session.not_measured
        assert nm.item == "chair_stand_30s" and nm.method is Method.CAMERA and nm.device_id == "camera"
        assert nm.reason.value in ("no_start_posture", "out_of_view", "never_seen"), nm.reason
        assert d.visible("notMeasuredText") and d.text("notMeasuredText") and not d.visible("resultCount")
        assert d.app.session.store.load_session(d.app.session.session.id).not_measured == (nm,)
        await d.until(lambda: not _pose_threads(), 15, "the pipeline's threads to end")
        await d.click("continueButton")
        await d.wait_screen("TestMenu")

    run_station(cfg, scenario, shots_dir=shots_dir, start_uploader=False)


def test_camera_declined_or_missing_gives_plain_words_and_no_camera_runs(
        station_cfg: StationConfig, clip: Path, shots_dir: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        model = d.app.viewmodels["cameraTest"]
        _open_session(d, camera=False)
        d.app.station.go("CameraTest")
        model.begin("squat")
        await d.wait_item("problemText")
        assert "chose not to use the camera" in d.text("problemText")
        assert not d.visible("readyButton") and model.pipeline is None
        await d.shot("camera-test-declined")
        await d.click("continueButton")
        await d.wait_screen("TestMenu")

    run_station(with_camera(station_cfg, clip), scenario, shots_dir=shots_dir, start_uploader=False)

    async def no_camera(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        _open_session(d)
        d.app.station.go("CameraTest")
        d.app.viewmodels["cameraTest"].begin("arm-curl")
        await d.wait_item("problemText")
        assert "no camera" in d.text("problemText") and not _pose_threads()

    run_station(replace(station_cfg, camera=replace(station_cfg.camera, source="")), no_camera, start_uploader=False)


def test_a_camera_that_cannot_be_opened_is_explained_not_a_crash(station_cfg: StationConfig, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")

    async def scenario(d: ScreenDriver) -> None:
        d.app.station.setLanguage("en")
        _open_session(d)
        model = d.app.viewmodels["cameraTest"]
        d.app.station.go("CameraTest")
        model.begin("chair-stand")
        await d.click("readyButton")
        await d.until(lambda: model.phase == "unavailable", 30, "the camera problem")
        assert "camera is not working" in d.text("problemText")
        assert not d.app.session.measurements, "a stream that ended early is no score"
        await d.until(lambda: not _pose_threads(), 15, "the pipeline's threads to end")

    run_station(with_camera(station_cfg, broken), scenario, start_uploader=False)


def test_leaving_mid_test_or_ending_the_session_stops_the_pipeline(station_cfg: StationConfig, clip: Path) -> None:
    async def scenario(d: ScreenDriver) -> None:
        _open_session(d)
        model = d.app.viewmodels["cameraTest"]
        d.app.station.go("CameraTest")
        model.begin("chair-stand")
        await d.click("readyButton")
        await d.until(lambda: model.hasPicture, 60, "the live picture")
        assert _pose_threads()
        d.app.station.go("TestMenu")  # e.g. the help path or another screen took over
        assert model.pipeline is None
        await d.until(lambda: not _pose_threads(), 15, "the pipeline's threads to end")
        assert d.app.camera_frames.latest("exercise") is None
        seen = model.updates_seen
        # again, ended by the session this time (idle timeout, or the resident walks away)
        d.app.station.go("CameraTest")
        model.begin("chair-stand")
        await d.click("readyButton")
        await d.until(lambda: model.updates_seen > seen, 60, "updates")
        d.app.station.endSession()
        assert model.phase == "idle" and model.count == 0
        await d.until(lambda: not _pose_threads(), 15, "the pipeline's threads to end")

    run_station(with_camera(station_cfg, clip), scenario, start_uploader=False)


# ---- what the screen added to the pipeline -----------------------------------------------------------
@pytest.fixture
def grey_clip(tmp_path: Path) -> Path:
    import cv2

    path = tmp_path / "grey.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    for i in range(30):
        writer.write(np.full((48, 64, 3), 100 + i, np.uint8))
    writer.release()
    return path


def test_pipeline_hands_out_frames_takes_go_from_another_thread_and_can_infer_every_other_frame(
        grey_clip: Path) -> None:
    from tests.vision.test_pipeline import ScriptedBackend
    from vision.analysers import EventKind, make_analyser
    from vision.capture import FrameCapture
    from vision.pipeline import VisionPipeline

    backend = ScriptedBackend()
    analyser = make_analyser("squat", view="front", auto_start=False, duration_s=30)
    pipeline = VisionPipeline(FrameCapture(str(grey_clip), pace=True, loop=False), backend, analyser,
                              keep_images=True, frame_stride=2)
    updates = []
    pipeline.on_update = updates.append
    go_at = time.monotonic() + 0.4
    pipeline.start_test_at(go_at)  # from this (not the worker's) thread
    pipeline.start()
    assert pipeline.wait(30)
    frames = [u for u in updates if u.frame_index >= 0]
    assert frames and all(u.image is not None and u.image.shape == (48, 64, 3) for u in frames)
    assert 10 <= len(frames) <= 16 and backend.calls == len(frames), "every 2nd of 30 frames inferred"
    started = [e for u in updates for e in u.events if e.kind is EventKind.TEST_STARTED]
    assert len(started) == 1 and started[0].at_s == go_at and analyser.started_at_s == go_at
    before = [u for u in frames if u.pose.timestamp_s < go_at]
    assert before and not any(e.kind is EventKind.TEST_STARTED for u in before for e in u.events)
    plain = VisionPipeline(FrameCapture(str(grey_clip), pace=False), ScriptedBackend())
    assert all(u.image is None for u in collect_all(plain))


def collect_all(pipeline: Any) -> list[Any]:
    updates: list[Any] = []
    pipeline.on_update = updates.append
    pipeline.start()
    assert pipeline.wait(30)
    return updates
