"""The camera's self-check lines: a live picture (not black, not frozen, at a usable frame rate), the light,
and the framing of whoever stands at the mark.

The camera is read for a couple of seconds. Framing needs a person: with nobody in view the line
warns and says to use the technician's camera check with someone at the mark, rather than guessing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import CameraConfig
from kiosk.selfcheck import CheckLine, Status
from vision.capture import CaptureError, FrameCapture, SourceKind, parse_source
from vision.framing import FramingHint, check_framing, check_lighting, without_letterbox

MIN_FPS = 5.0  # the analysers work from 5 frames/s (thresholds are in seconds, not frames)
FRAMING_PROFILE = "squat"  # a whole standing body, feet included: the strictest any camera test needs


def picture_verdicts(frames: list[np.ndarray], elapsed_s: float, *, live: bool) -> list[CheckLine]:
    """Picture and light from frames already read (pure: tests pass arrays)."""
    if not frames:
        return [CheckLine("camera", "picture", Status.FAIL, "no frames arrived",
                          "check the camera's cable and camera.source in the station file")]
    first, last = frames[0], frames[-1]
    frozen = len(frames) >= 3 and all(np.array_equal(first, f) for f in frames[1:])
    fps = (len(frames) - 1) / elapsed_s if elapsed_s > 0 and len(frames) > 1 else 0.0
    size = f"{last.shape[1]}x{last.shape[0]}"
    if frozen and live:
        picture = CheckLine("camera", "picture", Status.FAIL, f"{size}, but the picture is frozen",
                            "unplug and replug the camera; if it stays frozen, replace it")
    elif live and fps < MIN_FPS:
        picture = CheckLine("camera", "picture", Status.WARN, f"{size} at {fps:.1f} frames/s (needs {MIN_FPS:g})",
                            "use a USB port of its own, lower camera.width/height, or check the CPU load")
    else:
        picture = CheckLine("camera", "picture", Status.PASS,
                            f"{size}" + (f" at {fps:.0f} frames/s" if live else " (a video file)"))
    lighting = check_lighting(without_letterbox(last))
    stats = lighting.stats
    level = f"mean level {stats.mean_level:.0f}/255, contrast {stats.contrast_std:.0f}"
    if lighting.ok:
        light = CheckLine("camera", "light", Status.PASS, level)
    else:
        light = CheckLine("camera", "light", Status.WARN, f"{level}: {lighting.text}",
                          "adjust the room's lights or curtains; avoid a bright window behind the resident")
    return [picture, light]


def framing_verdict(frame: Any, people: int | None) -> CheckLine:
    """Framing of one pose frame against the strictest profile."""
    if frame is None or not frame.has_person:
        return CheckLine("camera", "framing", Status.WARN, "nobody in view, so framing was not checked",
                         "have someone stand at the floor mark and run the camera check on the technician screen")
    report = check_framing(frame, FRAMING_PROFILE, require_posture=False, people_count=people)
    if report.ok:
        return CheckLine("camera", "framing", Status.PASS, "a person at the mark is seen head to feet")
    if report.primary_hint is FramingHint.ONE_PERSON_ONLY:
        return CheckLine("camera", "framing", Status.WARN, "more than one person in view",
                         "check again with one person at the mark")
    return CheckLine("camera", "framing", Status.WARN, f"framing: {report.text}",
                     "move or tilt the camera until a person at the mark is seen head to feet")


def camera_lines(camera: CameraConfig, *, seconds: float = 2.0, model: Path | None = None,
                 backend_factory: Callable[[], Any] | None = None) -> list[CheckLine]:
    """Read the configured camera for ``seconds`` and judge picture, light and framing."""
    if not camera.source:
        return [CheckLine("camera", "picture", Status.WARN, "no camera configured; camera tests are off",
                          "set camera.source in the station file (\"0\" for the first USB camera)")]
    try:
        source = parse_source(camera.source)
        capture = FrameCapture(source, loop=True, pace=True, request_size=(camera.width, camera.height),
                               request_fps=camera.fps, retry_interval_s=0.5)
    except CaptureError as e:
        return [CheckLine("camera", "picture", Status.FAIL, str(e),
                          "check camera.source in the station file and that the camera is plugged in")]
    frames: list[np.ndarray] = []
    capture.start()
    started = time.monotonic()
    try:
        while time.monotonic() - started < seconds:
            got = capture.next_frame(timeout_s=0.5)
            if got is not None:
                frames.append(got.image)
        elapsed = time.monotonic() - started
        detail = capture.stats().detail
    finally:
        capture.stop()
    lines = picture_verdicts(frames, elapsed, live=source.kind is not SourceKind.FILE)
    if not frames:
        lines[0] = CheckLine("camera", "picture", Status.FAIL, f"no frames from {camera.source}: {detail or 'silent'}",
                             lines[0].action)
        return lines
    lines.append(_framing(frames[-1], model, backend_factory))
    return lines


def _framing(image: np.ndarray, model: Path | None, backend_factory: Callable[[], Any] | None) -> CheckLine:
    from vision.pose_backend import MediapipePoseBackend, PoseBackendError, PoseLandmarkerSettings, detect_with

    try:
        backend = backend_factory() if backend_factory else MediapipePoseBackend(
            PoseLandmarkerSettings(model_path=model, num_poses=2) if model else PoseLandmarkerSettings(num_poses=2))
    except PoseBackendError as e:
        return CheckLine("camera", "pose model", Status.FAIL, str(e),
                         "rebuild it: `python -m models.build_pose_model --out models/pose_landmarker_full.task`")
    try:
        result = detect_with(backend, image, 0.0)
    finally:
        backend.close()
    return framing_verdict(result.frame, result.people_count)
