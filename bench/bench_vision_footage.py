"""Real-footage benchmark: how right the camera tests count real people (``kiosk vision eval``'s figures).

Every clip of ``vision/clips/manifest.toml`` that is on this machine (the committed ones always; the
local-only ones where they were cached) runs through the real pipeline with the default settings. The
figures are per exercise and split: clips counted exactly right, mean absolute count error, worst clip.
Held-back clips ("holdout") were never used to choose a threshold; their row is the honest one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vision import eval as ev
from vision.pose_backend import DEFAULT_MODEL_PATH, MediapipePoseBackend, PoseLandmarkerSettings


def run(out: Path) -> dict[str, Any]:
    clips = ev.load_manifest(ev.DEFAULT_MANIFEST)
    outcomes = [o for o in ev.evaluate(clips, DEFAULT_MODEL_PATH,
                                       lambda: MediapipePoseBackend(PoseLandmarkerSettings()))
                if o.counted is not None or o.clip.available]
    skipped = sum(1 for c in clips if not c.available)
    figures: dict[str, Any] = {"clips_run": len({o.clip.id for o in outcomes}), "clips_not_on_this_machine": skipped}
    for s in ev.summarise(outcomes):
        key = f"{s.exercise}_{s.split}"
        figures[f"{key}_exact"] = f"{s.exact}/{s.clips}"
        figures[f"{key}_mean_abs_error"] = round(s.mean_abs_error, 2)
        if s.worst is not None:
            figures[f"{key}_worst"] = f"{s.worst.clip.id} ({s.worst.error:+d})"
    (out / "footage-eval.json").write_text(json.dumps([o.to_dict() for o in outcomes], indent=2))
    return figures
