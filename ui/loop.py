"""The station's event loop: qasync's Qt-driven asyncio loop with a safe cross-thread wake-up.

qasync hands ``call_soon_threadsafe`` callbacks to the Qt thread through a queued Qt signal carrying
Python objects, one signal per callback. With PySide6 6.12.0 that path dropped a reference to
``True`` on every delivery and the station aborted (``bool_dealloc``) during a balance test, whose
reader thread posts 100 frames a second (the pin to PySide6 < 6.12 fixes the root cause; see
tests/ui/test_pyside_refcounts.py). Here, callbacks from other threads go into a lock-protected
deque and a byte on a socket pair wakes the Qt thread through a QSocketNotifier: no Python object
crosses threads inside a Qt signal, and a burst of frames costs one wake-up instead of one signal each.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import socket
import threading
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QSocketNotifier


class StationLoop(qasync.QEventLoop):
    def __init__(self, app: Any = None, set_running_loop: bool = False) -> None:
        super().__init__(app, set_running_loop=set_running_loop)
        self._pending: collections.deque[asyncio.Handle] = collections.deque()
        self._pending_lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._notifier = QSocketNotifier(self._wake_r.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain_pending)

    def call_soon_threadsafe(self, callback: Callable[..., object], *args: Any,
                             context: contextvars.Context | None = None) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context)
        with self._pending_lock:
            self._pending.append(handle)
        with contextlib.suppress(BlockingIOError, OSError):  # a full pipe: a wake-up is already waiting
            self._wake_w.send(b"\0")
        return handle

    def _drain_pending(self, *_: object) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        with self._pending_lock:
            handles, self._pending = self._pending, collections.deque()
        for handle in handles:
            if not handle.cancelled():
                self.call_soon(handle._callback, *handle._args, context=handle._context)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        super().close()
        self._wake_r.close()
        self._wake_w.close()
