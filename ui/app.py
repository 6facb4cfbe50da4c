"""The station application: one Qt event loop driving asyncio (qasync), the QML engine and the view-models.

``StationApp`` owns the store, the device manager, the camera configuration, the upload service and
the QML engine. Tests and the headless demo build it the same way the kiosk does and drive its real
screens; only the Qt platform differs (offscreen with no display, see ``ui.qt_env``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import time
from pathlib import Path
from typing import Any

from ui import qt_env

qt_env.prepare()

from PySide6 import QtQuick  # noqa: E402  (imported first so the root object is a QQuickWindow)
from PySide6.QtCore import QObject, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtQml import QQmlApplicationEngine  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from drivers.manager import DeviceManager  # noqa: E402
from kiosk.config import StationConfig  # noqa: E402
from kiosk.logs import log_event  # noqa: E402
from kiosk.storage import Store, open_store  # noqa: E402
from ui.camera_view import CameraFeeds, CameraFrames  # noqa: E402
from ui.i18n import Translations, build_catalogues  # noqa: E402
from ui.idle import IdleWatch  # noqa: E402
from ui.speech import VoiceGuide  # noqa: E402
from ui.viewmodels.session import SessionModel  # noqa: E402
from ui.viewmodels.station import StationModel  # noqa: E402
from ui.watchdog import SystemdWatchdog  # noqa: E402

log = logging.getLogger("ui.app")

QML_DIR = Path(__file__).with_name("qml")

# Each module has ``install(app: StationApp) -> None``: it builds its view-model(s) and sets them as
# QML context properties. Order matters only in that later modules may use earlier ones.
VIEWMODEL_MODULES = ("ui.viewmodels.resident_flow", "ui.viewmodels.device_test", "ui.viewmodels.camera_test",
                     "ui.viewmodels.questionnaire",
                     "ui.viewmodels.report", "ui.viewmodels.doctor", "ui.viewmodels.doctor_evidence",
                     "ui.viewmodels.technician")


def qt_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(["health-station"])
        app.setApplicationName("health-station")
        app.setOrganizationName("community-health-station")
        app.setQuitOnLastWindowClosed(False)  # the station quits only through the staff exit (or a signal)
    return app  # type: ignore[return-value]


class StationApp:
    """Everything the station runs, joined up. Build it, ``await start()``, then the screens are live."""

    def __init__(self, cfg: StationConfig, *, store: Store | None = None, sim_speed: float = 1.0,
                 start_uploader: bool = True) -> None:
        started = time.perf_counter()
        self.cfg = cfg
        self.qt = qt_application()
        build_catalogues()
        self.store = store or open_store(cfg)
        self._owns_store = store is None
        self.manager = DeviceManager(cfg, self.store, sim_speed=sim_speed)
        self.translations = Translations()
        self.voice = VoiceGuide(cfg.ui.tts_engine, enabled=cfg.ui.voice)
        self.idle = IdleWatch(cfg.idle_timeout_s, cfg.ui.idle_warning_s)
        self.qt.installEventFilter(self.idle)
        self.engine = QQmlApplicationEngine()
        self.engine.addImportPath(str(QML_DIR))
        self.station = StationModel(cfg, self.store, self.voice, self.translations, self.idle,
                                    retranslate=self.engine.retranslate)
        self.session = SessionModel(cfg, self.store)
        self.station.on_session_end.append(self.session.clear)
        self.on_exit = self.qt.quit  # what the staff exit does (tests replace it to keep their loop)
        self.station.exitRequested.connect(lambda: self.on_exit())
        self.camera_frames = CameraFrames()
        self.engine.addImageProvider("camera", self.camera_frames)
        self.camera = CameraFeeds(self.camera_frames)
        self.station.on_session_end.append(self.camera_frames.clear)
        self.viewmodels: dict[str, QObject] = {"station": self.station, "session": self.session,
                                               "voice": self.voice, "camera": self.camera}
        for name in VIEWMODEL_MODULES:
            importlib.import_module(name).install(self)
        ctx = self.engine.rootContext()
        for name, obj in self.viewmodels.items():
            ctx.setContextProperty(name, obj)
        self._start_uploader = start_uploader and bool(cfg.sync.endpoint)
        self.uploader: Any = None
        self.metrics: Any = None  # the fleet metrics endpoint, when [metrics] listen is set
        self.watchdog = SystemdWatchdog()  # READY=1 and WATCHDOG=1 to systemd, when it runs the station
        self._tasks: list[asyncio.Task[Any]] = []
        self.build_s = time.perf_counter() - started

    def add_viewmodel(self, name: str, obj: QObject) -> None:
        self.viewmodels[name] = obj

    def show(self) -> QtQuick.QQuickWindow:
        """Load Main.qml (the attract screen shows at once; devices connect behind it)."""
        self.engine.load(QML_DIR / "Main.qml")
        roots = self.engine.rootObjects()
        if not roots:
            raise RuntimeError("the QML interface failed to load; the log has the QML errors")
        self.window: QtQuick.QQuickWindow = roots[0]  # type: ignore[assignment]
        return self.window

    async def start(self) -> None:
        """Connect the devices and start the upload service on the running loop."""
        await self.manager.start()
        if self._start_uploader:
            from sync.uploader import Uploader

            self.uploader = Uploader(self.cfg)
            self._tasks.append(asyncio.ensure_future(self.uploader.run_forever()))
        if self.cfg.metrics.listen:
            from ui.metrics_station import MetricsService

            self.metrics = MetricsService(self)
            self.metrics.start()
        log_event(log, logging.INFO, "station started", devices=len(self.manager.devices),
                  sync=bool(self.uploader))
        self.watchdog.ready(f"{len(self.manager.devices)} device(s)")

    async def close(self) -> None:
        self.watchdog.stopping()
        self.station.endSession()
        for root in self.engine.rootObjects():  # the screens go first, so no binding outlives its view-model
            root.close()
            root.deleteLater()
        await asyncio.sleep(0.05)
        if self.metrics is not None:
            await self.metrics.close()
        if self.uploader is not None:
            self.uploader.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=10)
        for obj in self.viewmodels.values():
            closer = getattr(obj, "aclose", None)
            if closer is not None:
                await closer()
        await self.manager.close()
        self.engine.deleteLater()
        if self._owns_store:
            self.store.close()

    # ---- used by tests, the headless demo and the benchmark ---------------------------------
    def item(self, object_name: str) -> QtQuick.QQuickItem | None:
        """The visible QML item with this objectName on the current screen (or the window chrome)."""
        return next((i for i in _items_named(self.window.contentItem(), object_name) if _really_visible(i)), None)

    def items_named(self, object_name: str) -> list[QtQuick.QQuickItem]:
        return _items_named(self.window.contentItem(), object_name)

    def click(self, object_name: str) -> None:
        """Click the middle of a visible item, as a finger would (through the window, not a slot call)."""
        from PySide6.QtTest import QTest

        item = self.item(object_name)
        if item is None:
            raise LookupError(f"no visible item {object_name!r} on screen {self.station.screen!r}")
        if not item.isEnabled():
            raise LookupError(f"item {object_name!r} on screen {self.station.screen!r} is disabled")
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
        if not (0 <= centre.x() < self.window.width() and 0 <= centre.y() < self.window.height()):
            # a finger cannot touch it: the layout pushed it off the screen (a row of buttons too wide)
            raise LookupError(f"item {object_name!r} on screen {self.station.screen!r} is off the screen "
                              f"(its middle is at {centre.x()},{centre.y()}; the window is "
                              f"{self.window.width()}x{self.window.height()})")
        QTest.mouseClick(self.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)

    def grab(self, path: Path | None = None) -> QImage:
        image = self.window.grabWindow()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            image.save(str(path))
        return image


def _items_named(root: QtQuick.QQuickItem, object_name: str) -> list[QtQuick.QQuickItem]:
    """Walk the visual tree (Repeater and Loader children are not always QObject children of the window)."""
    found, stack = [], [root]
    while stack:
        item = stack.pop()
        if item.objectName() == object_name:
            found.append(item)
        stack.extend(reversed(item.childItems()))
    return found


def _really_visible(item: QtQuick.QQuickItem) -> bool:
    node: QtQuick.QQuickItem | None = item
    while node is not None:
        if not node.isVisible() or node.opacity() == 0:
            return False
        node = node.parentItem()
    return True
