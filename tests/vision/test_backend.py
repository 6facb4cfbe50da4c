"""The mediapipe pose backend on real footage: people are found, landmarks are sane and, filtered, stable.

Jitter is quantified as the second difference of each landmark's image position (pixels at 640×480),
|p[t+1] − 2·p[t] + p[t−1]|: for real movement filmed at 30–60 frames/s it is small, so its median is
dominated by frame-to-frame noise.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.capture import letterbox
from vision.filtering import LandmarkSmoother
from vision.landmarks import N_LANDMARKS, L, PoseFrame
from vision.pose_backend import (
    MediapipePoseBackend,
    PoseBackend,
    PoseBackendError,
    PoseLandmarkerSettings,
)


def run_clip(model: Path, clip: Path) -> list[PoseFrame]:
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames: list[PoseFrame] = []
    with MediapipePoseBackend(PoseLandmarkerSettings(model_path=model)) as backend:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            frames.append(backend.process(letterbox(image, 640, 480), len(frames) / fps))
    cap.release()
    return frames


@pytest.fixture(scope="module")
def pose2sim_frames(pose_model, pose2sim_clip) -> list[PoseFrame]:
    return run_clip(pose_model, pose2sim_clip)


@pytest.fixture(scope="module")
def sports2d_frames(pose_model, sports2d_clip) -> list[PoseFrame]:
    return run_clip(pose_model, sports2d_clip)


def second_difference_px(frames: list[PoseFrame]) -> np.ndarray:
    """Per-landmark second differences in pixels over runs of frames that all show a person."""
    xy = np.array([f.points[:, :2] * (f.image_width, f.image_height) if f.points is not None
                   else np.full((N_LANDMARKS, 2), np.nan) for f in frames])
    d2 = np.linalg.norm(xy[2:] - 2 * xy[1:-1] + xy[:-2], axis=2)
    return d2[np.isfinite(d2)]


@pytest.mark.slow
def test_person_found_in_every_frame_of_the_pose2sim_clip(pose2sim_frames):
    found = sum(f.has_person for f in pose2sim_frames)
    assert len(pose2sim_frames) == 100
    assert found >= 95, f"one person walks through all 100 frames; found in {found}"


@pytest.mark.slow
def test_person_found_in_most_frames_of_the_sports2d_clip(sports2d_frames):
    found = sum(f.has_person for f in sports2d_frames)
    assert found >= 0.85 * len(sports2d_frames), f"person found in {found}/{len(sports2d_frames)} frames"


@pytest.mark.slow
def test_landmarks_are_anatomically_plausible(pose2sim_frames):
    """The person stays on their feet: head and shoulders above the hips, hips above the standing foot."""
    upright = 0
    with_person = [f for f in pose2sim_frames if f.points is not None]
    for f in with_person:
        assert f.points is not None and f.visibility is not None
        assert f.points.shape == (N_LANDMARKS, 3) and f.visibility.shape == (N_LANDMARKS,)
        assert np.all((f.visibility >= 0) & (f.visibility <= 1))
        y = f.points[:, 1]
        hips = (y[L.LEFT_HIP] + y[L.RIGHT_HIP]) / 2
        standing_foot = max(y[L.LEFT_ANKLE], y[L.RIGHT_ANKLE])  # the other leg may be raised or kicked out
        # The head may drop to shoulder height when they lean forward (they do, mid-clip).
        if max(y[L.NOSE], (y[L.LEFT_SHOULDER] + y[L.RIGHT_SHOULDER]) / 2) < hips < standing_foot:
            upright += 1
    assert upright >= 0.9 * len(with_person), f"upright ordering held in {upright}/{len(with_person)} frames"
    assert all(f.world is not None for f in with_person), "world landmarks (metres) come with every pose"


@pytest.mark.slow
def test_filtered_landmarks_jitter_far_less_than_raw(pose2sim_frames, sports2d_frames):
    cases = (("pose2sim", pose2sim_frames, 0.5), ("sports2d", sports2d_frames, 1.5))
    for name, frames, max_median_px in cases:
        smoother = LandmarkSmoother()
        filtered = [smoother(f) for f in frames]
        raw_d2, filt_d2 = second_difference_px(frames), second_difference_px(filtered)
        raw_med, filt_med = float(np.median(raw_d2)), float(np.median(filt_d2))
        assert filt_med < raw_med / 1.8, f"{name}: filtering cut jitter only from {raw_med:.2f} to {filt_med:.2f} px"
        assert filt_med <= max_median_px, f"{name}: filtered jitter {filt_med:.2f} px (expected ≤ {max_median_px})"


def test_mediapipe_backend_satisfies_the_protocol(pose_model):
    with MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model)) as backend:
        assert isinstance(backend, PoseBackend)


def test_empty_scene_gives_a_frame_without_a_person(pose_model):
    with MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model)) as backend:
        frame = backend.process(np.full((480, 640, 3), 90, np.uint8), 1.0)
    assert not frame.has_person and frame.points is None
    assert (frame.image_width, frame.image_height, frame.timestamp_s) == (640, 480, 1.0)


def test_repeated_timestamps_are_accepted_in_order(pose_model):
    """VIDEO mode needs strictly increasing milliseconds; equal capture times must not crash the test."""
    with MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model)) as backend:
        img = np.zeros((240, 320, 3), np.uint8)
        for t in (2.0, 2.0, 2.0004, 1.9):
            assert backend.process(img, t).timestamp_s == t


def test_close_is_idempotent_and_use_after_close_is_a_clear_error(pose_model):
    backend = MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model))
    backend.close()
    backend.close()
    with pytest.raises(PoseBackendError, match="after close"):
        backend.process(np.zeros((48, 64, 3), np.uint8), 0.0)


def test_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(PoseBackendError, match="build_pose_model"):
        MediapipePoseBackend(PoseLandmarkerSettings(model_path=tmp_path / "none.task"))


def test_a_file_that_is_not_a_model_is_refused_clearly(tmp_path):
    bogus = tmp_path / "bogus.task"
    bogus.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    with pytest.raises(PoseBackendError, match="refused the pose model"):
        MediapipePoseBackend(PoseLandmarkerSettings(model_path=bogus))


@pytest.mark.parametrize("image", [np.zeros((48, 64), np.uint8), np.zeros((48, 64, 4), np.uint8),
                                   np.zeros((48, 64, 3), np.float32)])
def test_wrong_image_format_is_a_clear_error(pose_model, image):
    with (MediapipePoseBackend(PoseLandmarkerSettings(model_path=pose_model)) as backend,
          pytest.raises(PoseBackendError, match="uint8 BGR")):
        backend.process(image, 0.0)
