"""Soak run of the camera pipeline (not part of `make bench`): memory over many minutes, camera-paced.

`python -m bench.soak_vision --minutes 10 [--workers 2]` prints the RSS start/end/max and its slope
after warm-up, and the frame rate and latency over the whole run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.bench_vision import SIZE, _factory
from models.build_pose_model import MODELS_DIR, build
from vision import perf
from vision.analysers import make_analyser
from vision.footage import SPORTS2D_DEMO, fetch_footage


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak_vision", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2, 3, 4))
    parser.add_argument("--out", default="out/bench")
    args = parser.parse_args()
    model = MODELS_DIR / "pose_landmarker_full.task"
    build(model)
    clip = perf.camera_like_clip(fetch_footage(SPORTS2D_DEMO), SIZE, Path(args.out) / "vision")
    run = perf.pipeline_run(_factory(model), clip, args.minutes * 60, paced=True, size=None,
                            make_analyser=lambda: make_analyser("chair-stand"), workers=args.workers)
    figures = {"minutes": args.minutes, "workers": run.workers, "fps": run.fps, "frames": run.frames_processed,
               "dropped": run.frames_dropped, **perf.flatten("latency", run.latency), **run.memory}
    print(json.dumps(figures, indent=2, default=str))
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "soak_vision.json").write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
