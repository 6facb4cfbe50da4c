"""The station's systemd watchdog: WATCHDOG=1 from a timer on the Qt event loop, READY=1 once started.

The ping comes from a QTimer, so it is sent only while the loop turns: a loop that freezes (a blocking
call, a deadlock) stops the pings, and systemd restarts the station after ``WatchdogSec``. Results are
committed before the screen says "saved", so a restart loses none.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from kiosk.logs import log_event
from kiosk.sd_notify import notify, watchdog_interval_s

log = logging.getLogger("ui.watchdog")


class SystemdWatchdog(QObject):
    """Does nothing unless systemd asked for notifications (``NOTIFY_SOCKET``; ``WATCHDOG_USEC`` for pings)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_s = watchdog_interval_s()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)

    def ready(self, status: str = "") -> None:
        """The station is up: READY=1, and the pings start when a watchdog is configured."""
        sent = notify("READY=1" + (f"\nSTATUS={status}" if status else ""))
        if self.interval_s is not None:
            self._timer.start(max(int(self.interval_s * 1000), 50))
        if sent:
            log_event(log, logging.INFO, "told systemd the station is ready", watchdog_s=self.interval_s)

    def ping(self) -> None:
        notify("WATCHDOG=1")

    def stopping(self) -> None:
        self._timer.stop()
        notify("STOPPING=1")
