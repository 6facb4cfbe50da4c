"""Performance measurements of the vision pipeline, shared by `kiosk vision bench` and `bench/bench_vision.py`.

Three figures answer "does it keep up with the camera": bare inference (the backend alone on decoded
frames), the whole pipeline fed like a camera (a file played at its own frame rate, newest frame only,
so slow processing shows up as dropped frames and latency), and the whole pipeline as fast as it goes
(throughput, to compare with bare inference). Memory is sampled as resident set size through a run.
"""

from __future__ import annotations

import gc
import os
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from vision.capture import CaptureError, FrameCapture, letterbox
from vision.pipeline import LatencySummary, VisionPipeline
from vision.pose_backend import PoseBackend, detect_with

BackendFactory = Callable[[], PoseBackend]
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    """This process's resident set size now, in MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MemorySampler:
    """Samples RSS every ``interval_s`` in a thread; ``trend_mib_per_min`` is the least-squares slope."""

    def __init__(self, interval_s: float = 0.5) -> None:
        self.interval_s = interval_s
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((time.monotonic() - t0, rss_mib()))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self, settle_fraction: float = 0.2) -> dict[str, float]:
        """Start/end/max RSS and the slope after the first ``settle_fraction`` of the run (warm-up)."""
        if len(self.samples) < 2:
            return {}
        t = np.array([s[0] for s in self.samples])
        m = np.array([s[1] for s in self.samples])
        keep = t >= t[-1] * settle_fraction
        slope = float(np.polyfit(t[keep], m[keep], 1)[0]) * 60.0 if keep.sum() >= 2 else float("nan")
        return {"rss_start_mib": round(float(m[0]), 1), "rss_end_mib": round(float(m[-1]), 1),
                "rss_max_mib": round(float(m.max()), 1), "rss_trend_mib_per_min": round(slope, 2)}


@dataclass(frozen=True)
class BareInference:
    frames: int
    fps: float
    cpu_ms_per_frame: float  # process CPU time (all threads) per frame: robust to other load on the machine
    latency: LatencySummary
    people_found: int


@dataclass(frozen=True)
class PipelineRun:
    mode: str  # "camera" (paced, newest frame only) or "throughput" (as fast as it goes)
    workers: int
    seconds: float
    frames_processed: int
    frames_dropped: int
    fps: float
    cpu_ms_per_frame: float
    inference: LatencySummary
    processing: LatencySummary
    latency: LatencySummary
    memory: dict[str, float] = field(default_factory=dict)


def load_frames(video: Path, size: tuple[int, int] | None, max_frames: int = 300) -> tuple[list[np.ndarray], float]:
    """Up to ``max_frames`` decoded frames of ``video`` (letterboxed to ``size``) and its frame rate."""
    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        raise CaptureError(f"cannot open video file {video}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    frames: list[np.ndarray] = []
    while len(frames) < max_frames:
        ok, image = cap.read()
        if not ok:
            break
        frames.append(letterbox(image, *size) if size else image)
    cap.release()
    if not frames:
        raise CaptureError(f"no frame could be decoded from {video}")
    return frames, float(fps if 1 <= fps <= 240 else 30.0)


def camera_like_clip(video: Path, size: tuple[int, int], out_dir: Path, max_frames: int = 300) -> Path:
    """``video`` re-encoded at ``size`` as Motion-JPEG, which is what a USB camera delivers at 640×480.

    Benchmarks then pay the decode cost of a camera frame, not of the (much larger) source recording.
    """
    frames, fps = load_frames(video, size, max_frames)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{video.stem}_{size[0]}x{size[1]}.avi"
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise CaptureError(f"cannot write {out}")
    for frame in frames:
        writer.write(frame)
    writer.release()
    return out


def bare_inference(make_backend: BackendFactory, frames: list[np.ndarray], fps: float, seconds: float) -> BareInference:
    """The backend alone on in-memory frames (looped, one backend, timestamps at the clip's rate)."""
    backend = make_backend()
    times: list[float] = []
    found = 0
    try:
        for i in range(3):  # warm-up: first calls allocate
            detect_with(backend, frames[i % len(frames)], i / fps)
        t_end = time.monotonic() + seconds
        cpu0 = time.process_time()
        i = 3
        while time.monotonic() < t_end:
            t0 = time.perf_counter()
            result = detect_with(backend, frames[i % len(frames)], i / fps)
            times.append(time.perf_counter() - t0)
            found += int(result.frame.has_person)
            i += 1
        cpu_ms = (time.process_time() - cpu0) * 1000 / max(1, len(times))
    finally:
        backend.close()
    return BareInference(len(times), len(times) / sum(times) if times else 0.0, cpu_ms, LatencySummary.of(times),
                         found)


def pipeline_run(make_backend: BackendFactory, video: Path, seconds: float, *, paced: bool,
                 size: tuple[int, int] | None, make_analyser: Callable[[], object] | None = None,
                 workers: int = 1) -> PipelineRun:
    """The whole pipeline for ``seconds`` on ``video`` looped: paced like a camera, or as fast as it goes.

    ``workers`` backends infer alternate frames in parallel (frame-parallel inference).
    """
    gc.collect()
    capture = FrameCapture(str(video), loop=True, pace=paced, frame_size=size)
    analyser = make_analyser() if make_analyser is not None else None
    backends = [make_backend() for _ in range(workers)]
    pipeline = VisionPipeline(capture, backends, analyser, queue_size=4)  # type: ignore[arg-type]
    with MemorySampler() as sampler:
        cpu0 = time.process_time()
        pipeline.start()
        pipeline.wait(seconds)
        pipeline.stop()
        cpu_s = time.process_time() - cpu0
    if pipeline.error is not None:
        raise pipeline.error
    s = pipeline.stats()
    return PipelineRun("camera" if paced else "throughput", workers, round(s.elapsed_s, 2), s.frames_processed,
                       s.frames_dropped_by_capture, round(s.fps, 2), cpu_s * 1000 / max(1, s.frames_processed),
                       s.inference, s.processing, s.latency, sampler.summary())


def overheads(bare: BareInference, pipeline: PipelineRun) -> dict[str, float | None]:
    """How much the whole pipeline costs over bare inference, three ways (percent, ratio)."""

    def pct(a: float, b: float) -> float | None:
        return round((a / b - 1.0) * 100.0, 1) if b > 0 and np.isfinite(a) and np.isfinite(b) else None

    return {"overhead_cpu_pct": pct(pipeline.cpu_ms_per_frame, bare.cpu_ms_per_frame),
            "overhead_throughput_pct": pct(bare.fps, pipeline.fps),
            "ratio_p50": round(pipeline.processing.p50_ms / bare.latency.p50_ms, 3) if bare.latency.count else None}


def flatten(prefix: str, value: object) -> dict[str, object]:
    """``{"prefix_field": number}`` for a dataclass/dict of figures (rounded), for bench.json and printing."""
    items = asdict(value).items() if hasattr(value, "__dataclass_fields__") else dict(value).items()  # type: ignore[call-overload]
    out: dict[str, object] = {}
    for k, v in items:
        if isinstance(v, dict):
            out.update(flatten(f"{prefix}_{k}", v))
        elif isinstance(v, float):
            out[f"{prefix}_{k}"] = round(v, 2) if np.isfinite(v) else None
        else:
            out[f"{prefix}_{k}"] = v
    return out
