"""The cached real clips (the fetcher lives in ``vision.footage``; tests import it from here as before)."""

from vision.footage import (
    FOOTAGE_DIR,
    POSE2SIM_CAM01,
    REPO,
    SPORTS2D_DEMO,
    Footage,
    FootageUnavailable,
    fetch_footage,
)

__all__ = ["FOOTAGE_DIR", "POSE2SIM_CAM01", "REPO", "SPORTS2D_DEMO", "Footage", "FootageUnavailable", "fetch_footage"]
