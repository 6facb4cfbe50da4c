"""Camera pictures for QML: the newest frame of each feed, served as ``image://camera/<feed>``.

Producers (the QR scanner, the exercise test, the technician's framing check) call ``publish`` from
any thread with a BGR array; QML shows ``Image { source: "image://camera/<feed>?" + camera.frameCount(feed) }``
with ``cache: false``, so each new frame is fetched once. Only the newest frame is kept per feed.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Property, QObject, QSize, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider


def bgr_to_qimage(bgr: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()  # copy: own the pixels


class CameraFrames(QQuickImageProvider):
    """Thread-safe store of the newest picture per feed, and the QML image provider serving them."""

    def __init__(self) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self._lock = threading.Lock()
        self._frames: dict[str, QImage] = {}
        self.counts: dict[str, int] = {}

    def publish(self, feed: str, image: np.ndarray | QImage) -> None:
        picture = image if isinstance(image, QImage) else bgr_to_qimage(image)
        with self._lock:
            self._frames[feed] = picture
            self.counts[feed] = self.counts.get(feed, 0) + 1

    def clear(self, feed: str | None = None) -> None:
        """Forget a feed's picture (a resident's image must not outlive their session)."""
        with self._lock:
            for key in [feed] if feed else list(self._frames):
                self._frames.pop(key, None)

    def latest(self, feed: str) -> QImage | None:
        with self._lock:
            return self._frames.get(feed)

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:
        feed = image_id.split("?", 1)[0]
        with self._lock:
            picture = self._frames.get(feed)
        if picture is None:
            picture = QImage(4, 3, QImage.Format.Format_RGB888)
            picture.fill(0x202020)
        if size is not None:
            size.setWidth(picture.width())
            size.setHeight(picture.height())
        if requested is not None and requested.isValid() and requested.width() > 0 and requested.height() > 0:
            return picture.scaled(requested)
        return picture


class CameraFeeds(QObject):
    """The QML side: ``camera.revision`` changes with every published frame, so an Image re-fetches."""

    revisionChanged = Signal()

    def __init__(self, frames: CameraFrames, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames = frames
        self._revision = 0

    def publish(self, feed: str, image: np.ndarray | QImage) -> None:
        """Call on the GUI thread (or via the loop) so the revision signal reaches QML in order."""
        self.frames.publish(feed, image)
        self._revision += 1
        self.revisionChanged.emit()

    @Property(int, notify=revisionChanged)
    def revision(self) -> int:
        return self._revision

    @Slot(str, result=str)
    def source(self, feed: str) -> str:
        return f"image://camera/{feed}?{self._revision}"
