"""UI tests: the real station, offscreen, on simulated devices; screenshots go to out/screens/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ui import qt_env

qt_env.prepare(headless=True)  # before anything imports Qt: tests always render offscreen

from kiosk.config import CameraConfig, StationConfig, demo_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screens"


def station_config(tmp_path: Path, **ui: object) -> StationConfig:
    """The demo station in ``tmp_path``: simulators, the mock speech engine, windowed, printing to files,
    starting in English (tests that check Chinese switch, as a resident would)."""
    cfg = demo_config(str(tmp_path / "var"))
    ui = {"language": "en", **ui}
    ui_cfg = replace(cfg.ui, tts_engine="mock", fullscreen=False, printer="none", **ui)
    return replace(cfg, ui=ui_cfg)


def with_camera(cfg: StationConfig, clip: Path) -> StationConfig:
    return replace(cfg, camera=CameraConfig(source=str(clip), loop=True))


@pytest.fixture(autouse=True)
def english_between_tests() -> Iterator[None]:
    """The translator is process-wide: a test that ends in Chinese must not change the next test's words."""
    yield
    from PySide6.QtCore import QCoreApplication

    from ui import i18n

    app = QCoreApplication.instance()
    while app is not None and i18n._installed:
        app.removeTranslator(i18n._installed.pop())


@pytest.fixture
def station_cfg(tmp_path: Path) -> StationConfig:
    return station_config(tmp_path)


@pytest.fixture
def shots_dir() -> Path:
    return SCREENSHOTS


def add_staff(cfg: StationConfig, name: str, role: str, pin: str) -> None:
    """Create a staff account in the station's store before the app opens it."""
    from kiosk.staff import StaffRegistry
    from kiosk.storage import open_store

    store = open_store(cfg)
    try:
        StaffRegistry(store).add(name, role, pin, added_by="test")
    finally:
        store.close()
