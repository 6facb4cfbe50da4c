"""Benchmark of the exercise analysers: per-frame cost and accuracy against synthetic truth.

Figures: per-frame ``feed`` latency (p50/p95/p99, microseconds) for each analyser, the cost of the
framing and lighting checks, and accuracy on synthetic sequences with known truth — exact counts on
clean data and the share of exact counts (or the single-leg timing error) under 2-pixel jitter with
2 % dropped frames, over several seeds.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from vision.analysers import make_analyser
from vision.framing import check_framing, check_lighting
from vision.synthetic import add_jitter, drop_frames
from vision.synthetic_exercises import (
    SyntheticSequence,
    arm_curl_sequence,
    chair_stand_sequence,
    single_leg_sequence,
    squat_sequence,
)

SEEDS = range(5)
OPTIONS: dict[str, dict[str, Any]] = {
    "chair-stand": {"start_at_s": 1.0}, "squat": {}, "arm-curl": {"start_at_s": 1.0, "view": "side"},
    "single-leg": {},
}


def _sequences() -> dict[str, SyntheticSequence]:
    return {
        "chair-stand": chair_stand_sequence(12),
        "squat": squat_sequence(8),
        "arm-curl": arm_curl_sequence(17, view="side"),
        "single-leg": single_leg_sequence(hold_s=12.0),
    }


def _score(exercise: str, frames: list, seq: SyntheticSequence) -> float:
    """0 error = exact: count difference, or single-leg raw hold time error in seconds."""
    a = make_analyser(exercise, **OPTIONS[exercise])
    for f in frames:
        a.feed(f)
    a.finish()
    r = a.result()
    if exercise == "single-leg":
        raw = r.measures["raw_hold_s"]
        return float("inf") if raw is None else abs(raw - seq.truth.hold_time_s)
    return float(r.count - seq.truth.count)


def run(out_dir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    sequences = _sequences()
    for exercise in sequences:  # the older-adult analysers are timed; tests/vision/test_analyser_*.py measure them
        seq = sequences[exercise]
        a = make_analyser(exercise, **OPTIONS[exercise])
        costs = []
        for f in seq.frames:
            t0 = time.perf_counter_ns()
            a.feed(f)
            costs.append((time.perf_counter_ns() - t0) / 1000)
        p50, p95, p99 = np.percentile(costs, [50, 95, 99])
        key = exercise.replace("-", "_")
        figures[f"{key}_feed_us_p50/p95/p99"] = f"{p50:.0f}/{p95:.0f}/{p99:.0f}"
        figures[f"{key}_clean_error"] = round(_score(exercise, seq.frames, seq), 3)
        noisy = [_score(exercise, drop_frames(add_jitter(seq.frames, 2.0, seed=s), 0.02, seed=s), seq) for s in SEEDS]
        if exercise == "single-leg":
            figures[f"{key}_noisy_hold_error_s_max"] = round(max(noisy), 3)
        else:
            figures[f"{key}_noisy_exact_share"] = sum(e == 0 for e in noisy) / len(noisy)
            figures[f"{key}_noisy_overcount_max"] = max(noisy)
    frame = sequences["squat"].frames[0]
    t0 = time.perf_counter()
    for _ in range(2000):
        check_framing(frame, "squat")
    figures["check_framing_us"] = round((time.perf_counter() - t0) / 2000 * 1e6, 1)
    image = np.random.default_rng(0).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    t0 = time.perf_counter()
    for _ in range(50):
        check_lighting(image)
    figures["check_lighting_640x480_ms"] = round((time.perf_counter() - t0) / 50 * 1e3, 2)
    return figures
