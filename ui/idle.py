"""Inactivity: any touch, click or key restarts the clock; a warning shows before the session closes.

The warning never blocks: it is a banner with a big "I'm still here" button, and any touch anywhere
extends the time too (MIIT: no time limit a person cannot extend).
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal

# Releases, not presses: the warning banner goes away when the finger lifts, so the layout never moves
# under a finger that is still down (a press that hid the banner once sent the release to another button).
_ACTIVITY = {QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.KeyRelease, QEvent.Type.Wheel}


class IdleWatch(QObject):
    """Emits ``warning(seconds_left)`` each second of the last ``warning_s``, then ``timedOut`` once."""

    warning = Signal(int)
    cleared = Signal()
    timedOut = Signal()

    def __init__(self, timeout_s: float, warning_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeout_s, self.warning_s = timeout_s, warning_s
        self.armed = False
        self._since = QElapsedTimer()
        self._since.start()
        self._warned = False
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._check)

    def arm(self, on: bool) -> None:
        """Only a session (or a signed-in staff member) times out; the attract screen waits for ever."""
        self.armed = on
        self.touch()
        if on:
            self._tick.start()
        else:
            self._tick.stop()

    def touch(self) -> None:
        self._since.restart()
        if self._warned:
            self._warned = False
            self.cleared.emit()

    def idle_s(self) -> float:
        return self._since.elapsed() / 1000.0

    def _check(self) -> None:
        if not self.armed:
            return
        left = self.timeout_s - self.idle_s()
        if left <= 0:
            self.arm(False)
            self._warned = False
            self.timedOut.emit()
        elif left <= self.warning_s:
            self._warned = True
            self.warning.emit(int(left + 0.999))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.touch()
        return False
