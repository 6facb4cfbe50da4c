"""Native stderr routed into the log: mediapipe's real model-load chatter goes to debug, real errors still show.

The routing moves file descriptor 2, so each case runs in a child process (pytest captures fd 2 itself).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.native_stderr import classify

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "pose_landmarker_full.task"

# lines mediapipe 1.x printed while loading and first running the pose model on this station (copied from a run)
SEEN_ON_LOAD = [
    "WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.",
    "INFO: [environment.cc:36] Creating LiteRT environment with options",
    "INFO: [cpu_registry.cc:75] XNNPACK CPU accelerator registered.",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: Logging before InitGoogle() is written to STDERR",
    "W0000 00:00:1796669158.770559   22043 inference_runner_litert.cc:1433] Input tensor memory is not aligned "
    "according to LiteRt's memory alignment requirements. Reallocating memory and copying data.",
    "qt.multimedia.symbolsresolver: Couldn't load pipewire-0.3 library",
]


@pytest.mark.parametrize("line", SEEN_ON_LOAD)
def test_model_load_chatter_is_debug(line: str) -> None:
    assert classify(line) == logging.DEBUG


def test_errors_and_unknown_lines_keep_their_weight() -> None:
    assert classify("E0000 00:00:17.1 12 calculator_graph.cc:928] INVALID_ARGUMENT: model broken") == logging.ERROR
    assert classify("F0000 00:00:17.1 12 check.cc:1] Check failed") == logging.CRITICAL
    assert classify("ERROR: failed to open model") == logging.ERROR
    assert classify("W0000 00:00:17.1 12 foo.cc:1] something new") == logging.WARNING
    assert classify("a line nobody has seen before") == logging.WARNING
    assert classify("   ") == logging.NOTSET


CHILD = r"""
import os, sys
from pathlib import Path
from kiosk.logs import setup_logging
from kiosk.native_stderr import route_native_stderr
setup_logging(0)
route_native_stderr()
import numpy as np
from vision.pose_backend import MediapipePoseBackend, PoseBackendError, PoseLandmarkerSettings
model = sys.argv[1]
try:
    b = MediapipePoseBackend(PoseLandmarkerSettings(model_path=Path(model)))
    b.process(np.zeros((480, 640, 3), np.uint8), 0.0)
    b.close()
    print("loaded")
except PoseBackendError as e:
    print(f"pose model error: {e}", file=sys.stderr)
os.write(2, b"E0000 00:00:17.1 12 graph.cc:1] a native failure the technician must see\n")
"""


def run_child(model: Path, *, routed: bool = True) -> subprocess.CompletedProcess[str]:
    code = CHILD if routed else CHILD.replace("route_native_stderr()\n", "")
    return subprocess.run([sys.executable, "-c", code, str(model)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


@pytest.mark.skipif(not MODEL.is_file(), reason="the pose model is built by `make model`")
def test_loading_the_real_model_prints_no_chatter() -> None:
    done = run_child(MODEL)
    assert done.stdout.strip() == "loaded", done.stderr
    assert "Sparsity" not in done.stderr and "XNNPACK" not in done.stderr, done.stderr
    assert "a native failure the technician must see" in done.stderr  # routed, at error level
    assert " error native " in done.stderr
    unrouted = run_child(MODEL, routed=False)  # the control: without the routing the chatter is there
    assert unrouted.stderr.count("Sparsity tensors") >= 10


def test_a_broken_model_file_still_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "pose_landmarker_full.task"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a truncated zip, as a failed copy leaves it
    done = run_child(broken)
    assert "pose model error: mediapipe refused the pose model" in done.stderr, done.stderr
    assert str(broken) in done.stderr
