"""The real-footage benchmark: every clip of a manifest through the real pipeline, counts against eye-counted truth.

The manifest (``vision/clips/manifest.toml``) lists clips of real people with the repetitions counted by
eye from contact sheets. Each clip runs through ``VisionPipeline`` (capture → pose → landmark filter →
analyser) with the analysers' default settings, as ``kiosk vision analyse`` would, except that the test
covers the whole clip (the truth counts every repetition in it). Exercise-free clips (``exercise =
"none"``) run through every counting analyser and must count 0 in each.

The pose model is the slow part, so each clip's raw poses are cached (``.cache/poses/``, keyed by the
clip's and the model's sha256): the replayed poses are exactly what the model gave for those frames, and
everything after the model runs for real every time. ``--no-cache`` runs the model again.
"""

from __future__ import annotations

import functools
import hashlib
import math
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.errors import InputError
from vision.landmarks import PoseFrame
from vision.pose_backend import PoseResult

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MANIFEST = REPO / "vision" / "clips" / "manifest.toml"
LOCAL_FOOTAGE = REPO / ".cache" / "footage" / "real"
POSE_CACHE = REPO / ".cache" / "poses"
COUNTING = ("squat", "arm-curl", "chair-stand")
# Stopwatch tests: a clip's truth is ``time_s``, the time from its ``start_s`` (the start signal, or where the
# movement visibly began) to the test's end event, eye-measured; a time within TIME_TOLERANCE_S is "exact".
TIMED = ("timed-up-and-go", "eight-foot-up-and-go", "five-times-sit-to-stand", "gait-speed")
TIME_TOLERANCE_S = 0.3
KNOWN_EXERCISES = (*COUNTING, "single-leg", "none", *TIMED)


@dataclass(frozen=True)
class ClipSpec:
    """One manifest entry: where the clip is and what a person counted in it."""

    id: str
    path: Path
    committed: bool
    exercise: str
    count: int
    split: str
    view: str = ""
    whole_body: bool = True
    start_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def available(self) -> bool:
        return self.path.is_file()

    @property
    def truth(self) -> int:
        """What every analyser run on it must count (exercise-free footage: 0 in each)."""
        return self.count if self.exercise != "none" else 0

    @property
    def timed(self) -> bool:
        return self.exercise in TIMED

    @property
    def truth_time_s(self) -> float | None:
        """A stopwatch clip's eye-measured time (None: the test should give no time, e.g. never sat down)."""
        value = self.extra.get("time_s")
        return float(value) if value is not None else None


def load_manifest(path: Path, *, local_dir: Path = LOCAL_FOOTAGE) -> list[ClipSpec]:
    """The clips of a manifest, validated; raises InputError naming the entry and key that is wrong."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"manifest not found: {path}", field="MANIFEST") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"manifest {path.name} is not valid TOML: {e}", field="MANIFEST") from None
    clips: list[ClipSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(doc.get("clip", [])):
        where = f"{path.name}: clip {i + 1}"
        try:
            clip_id, file, exercise = str(entry["id"]), str(entry["file"]), str(entry["exercise"])
            count, split, committed = entry["count"], str(entry["split"]), bool(entry["committed"])
        except KeyError as e:
            raise InputError(f"{where} lacks the key {e.args[0]!r}", field="MANIFEST") from None
        if clip_id in seen:
            raise InputError(f"{where}: id {clip_id!r} is used twice", field="MANIFEST")
        seen.add(clip_id)
        if exercise not in KNOWN_EXERCISES:
            raise InputError(f"{where} ({clip_id}): unknown exercise {exercise!r}", field="MANIFEST")
        if not isinstance(count, int) or count < 0:
            raise InputError(f"{where} ({clip_id}): count must be a whole number ≥ 0, not {count!r}", field="MANIFEST")
        if split not in ("tune", "holdout"):
            raise InputError(f"{where} ({clip_id}): split must be 'tune' or 'holdout', not {split!r}",
                             field="MANIFEST")
        start = entry.get("start_s")
        if exercise in TIMED and ("time_s" not in entry or start is None):
            raise InputError(f"{where} ({clip_id}): a stopwatch clip needs time_s and start_s", field="MANIFEST")
        clips.append(ClipSpec(clip_id, (path.parent if committed else local_dir) / file, committed, exercise, count,
                              split, str(entry.get("view", "")), bool(entry.get("whole_body", True)),
                              float(start) if start is not None else None,
                              {k: v for k, v in entry.items() if k not in ("id", "file")}))
    return clips


def file_sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.cache
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """The file's sha256, read once per run for a file that has not changed (the model is hashed per clip)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ReplayBackend:
    """A PoseBackend that hands back poses recorded from the real model for the same frames, in order."""

    name = "replay"

    def __init__(self, results: Sequence[PoseResult]) -> None:
        self._results = list(results)
        self._next = 0

    def process(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseFrame:
        return self.detect(image_bgr, timestamp_s).frame

    def detect(self, image_bgr: np.ndarray, timestamp_s: float) -> PoseResult:
        if self._next >= len(self._results):
            raise IndexError("more frames than were recorded for this clip")
        rec = self._results[self._next]
        self._next += 1
        f = rec.frame
        frame = PoseFrame(timestamp_s, f.points, f.visibility, f.image_width, f.image_height, f.world)
        return PoseResult(frame, rec.people_count, rec.inference_s)

    def close(self) -> None:
        pass


def record_poses(clip: Path, make_backend: Callable[[], Any]) -> list[PoseResult]:
    """The real model's pose for every frame of ``clip``, read as the pipeline reads a video file."""
    from vision.capture import FrameCapture
    from vision.pose_backend import detect_with

    capture = FrameCapture(str(clip), pace=False)
    backend = make_backend()
    out: list[PoseResult] = []
    try:
        capture.start()
        while True:
            frame = capture.next_frame(timeout_s=1.0)
            if frame is None:
                if capture.state.value in ("ended", "failed", "stopped"):
                    break
                continue
            out.append(detect_with(backend, frame.image, frame.timestamp_s))
    finally:
        capture.stop()
        backend.close()
    return out


def _save(results: list[PoseResult], path: Path) -> None:
    n = len(results)
    pts = np.full((n, 33, 3), np.nan, np.float32)
    vis = np.zeros((n, 33), np.float32)
    has = np.zeros(n, bool)
    people = np.zeros(n, np.int16)
    size = np.zeros((n, 2), np.int32)
    for i, r in enumerate(results):
        f = r.frame
        has[i] = f.points is not None
        if f.points is not None:
            pts[i] = f.points[:, :3]
            vis[i] = f.visibility if f.visibility is not None else 1.0
        people[i] = r.people_count
        size[i] = (f.image_width, f.image_height)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, points=pts, visibility=vis, has=has, people=people, size=size)
    tmp.replace(path)


def _load(path: Path) -> list[PoseResult]:
    d = np.load(path)
    out = []
    for i in range(len(d["has"])):
        w, h = (int(v) for v in d["size"][i])
        pts = d["points"][i].astype(np.float64) if d["has"][i] else None
        vis = d["visibility"][i].astype(np.float64) if d["has"][i] else None
        out.append(PoseResult(PoseFrame(0.0, pts, vis, w, h), int(d["people"][i]), 0.0))
    return out


def cached_poses(clip: Path, model: Path, make_backend: Callable[[], Any], *, cache: Path = POSE_CACHE,
                 use_cache: bool = True) -> list[PoseResult]:
    """The model's poses for ``clip``, from the cache when the same clip and model were run before."""
    key = f"{file_sha256(clip)[:16]}-{file_sha256(model)[:12]}.npz"
    target = cache / key
    if use_cache and target.is_file():
        return _load(target)
    results = record_poses(clip, make_backend)
    _save(results, target)
    return results


@dataclass(frozen=True)
class ClipOutcome:
    clip: ClipSpec
    analyser: str
    counted: int | None  # None: the clip could not be run (missing)
    valid: bool = False
    invalid_reason: str | None = None
    view: str = ""
    frames: int = 0
    note: str = ""
    deviations: tuple[str, ...] = ()
    time_s: float | None = None  # a stopwatch test's raw time (seconds, before rounding to 0.1 s)

    @property
    def error(self) -> float | None:
        """Count error; for a stopwatch clip the time error in seconds (inf: no time where one was due, or a
        time where none was)."""
        if self.counted is None:
            return None
        if not self.clip.timed:
            return self.counted - self.clip.truth
        truth = self.clip.truth_time_s
        if truth is None or self.time_s is None:
            return 0.0 if truth is None and self.time_s is None else math.inf
        return round(self.time_s - truth, 3)

    @property
    def exact(self) -> bool:
        err = self.error
        return err is not None and (abs(err) <= TIME_TOLERANCE_S if self.clip.timed else err == 0)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.clip.id, "exercise": self.clip.exercise, "analyser": self.analyser,
                "split": self.clip.split, "truth": self.clip.truth, "counted": self.counted, "error": self.error,
                "valid": self.valid, "invalid_reason": self.invalid_reason, "view": self.view, "note": self.note,
                "deviations": list(self.deviations), "truth_time_s": self.clip.truth_time_s,
                "time_s": self.time_s}


def run_clip(clip: ClipSpec, exercise: str, poses: Sequence[PoseResult], **options: Any) -> ClipOutcome:
    """One clip through the real pipeline (replayed model output), with the analyser's default options."""
    from vision.analysers import make_analyser
    from vision.capture import FrameCapture
    from vision.pipeline import VisionPipeline

    opts: dict[str, Any] = {"duration_s": None} if exercise not in ("single-leg", *TIMED) else {}
    opts.update(clip.extra.get("options", {}))  # e.g. the gait-speed course lines of the clip
    if clip.start_s is not None:
        opts.update(start_at_s=clip.start_s, auto_start=False)
    opts.update(options)
    analyser = make_analyser(exercise, **opts)
    pipeline = VisionPipeline(FrameCapture(str(clip.path), pace=False), ReplayBackend(poses), analyser,
                              queue_size=1)
    pipeline.run()
    if pipeline.error is not None:
        return ClipOutcome(clip, exercise, None, note=f"pipeline error: {pipeline.error}")
    result = analyser.result()
    time_s = None
    if clip.timed and result.valid:
        time_s = next((float(result.measures[k]) for k in ("raw_time_s", "walk_time_s")
                       if result.measures.get(k) is not None), None)
    return ClipOutcome(clip, exercise, result.count, result.valid, result.invalid_reason, result.view.value,
                       pipeline.stats().frames_processed, deviations=result.deviations, time_s=time_s)


@dataclass(frozen=True)
class ExerciseSummary:
    exercise: str
    split: str
    clips: int
    exact: int
    mean_abs_error: float
    worst: ClipOutcome | None


def summarise(outcomes: Iterable[ClipOutcome]) -> list[ExerciseSummary]:
    """Per exercise and split (and "all"): clips counted exactly right (a stopwatch clip: timed within
    TIME_TOLERANCE_S), mean absolute error (counts, or seconds over the clips that gave a time), the worst clip."""
    ran = [o for o in outcomes if o.counted is not None]
    groups: dict[tuple[str, str], list[ClipOutcome]] = {}
    for o in ran:
        key = o.clip.exercise if o.clip.exercise != "none" else "none"
        for split in (o.clip.split, "all"):
            groups.setdefault((key, split), []).append(o)
    out = []
    for (exercise, split), items in sorted(groups.items()):
        errors = [abs(o.error or 0) for o in items if math.isfinite(o.error or 0)]
        worst = max(items, key=lambda o: abs(o.error or 0))
        out.append(ExerciseSummary(exercise, split, len(items), sum(o.exact for o in items),
                                   float(np.mean(errors)) if errors else math.nan,
                                   worst if not worst.exact else None))
    return out


def analysers_for(clip: ClipSpec) -> tuple[str, ...]:
    return COUNTING if clip.exercise == "none" else (clip.exercise,)


def evaluate(clips: Iterable[ClipSpec], model: Path, make_backend: Callable[[], Any], *,
             use_cache: bool = True) -> Iterator[ClipOutcome]:
    """Each clip through every analyser it is for, outcome by outcome (a clip not on this machine gives
    outcomes with no count, noted so)."""
    for clip in clips:
        if not clip.available:
            for exercise in analysers_for(clip):
                yield ClipOutcome(clip, exercise, None, note="clip not on this machine")
            continue
        poses = cached_poses(clip.path, model, make_backend, use_cache=use_cache)
        for exercise in analysers_for(clip):
            yield run_clip(clip, exercise, poses)
