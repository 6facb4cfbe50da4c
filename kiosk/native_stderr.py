"""Native libraries' stderr (mediapipe's C++ glog and LiteRT lines, Qt's own messages) routed into the station's log.

mediapipe prints dozens of "Sparsity tensors may not yet be fully supported" warnings and LiteRT
set-up lines straight to file descriptor 2 from C++, where neither ``logging`` nor environment
variables (GLOG_minloglevel, TF_CPP_MIN_LOG_LEVEL: tried, they do not silence them) reach. So the
station points fd 2 at a pipe, keeps Python's own ``sys.stderr`` on the real terminal (a duplicate of
the old fd 2), and a reader thread logs each native line under the ``native`` logger at a level read
from the line: known set-up chatter at DEBUG, glog W/E/F at WARNING/ERROR/CRITICAL, anything
unrecognised at WARNING, so nothing that matters is lost (a broken model's error still shows).

At exit the pipe is drained before the process ends. Limitation: a native crash (abort) can lose the
last lines still in the pipe; systemd's journal then has the exit status and Python's faulthandler
output (which goes to the real terminal).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import sys
import threading
from typing import IO

log = logging.getLogger("native")

# Chatter a technician cannot act on (all seen when mediapipe 0.10.3x / 1.x loads the pose model).
KNOWN_NOISE = re.compile(
    r"Sparsity tensors may not yet be fully supported|XNNPACK|LiteRT environment|RegisterAccelerator|"
    r"DestroyAccelerator|Logging before InitGoogle|Input tensor memory is not aligned|"
    r"Flatbuffer model initialized|Created TensorFlow Lite|Feedback manager requires a model|"
    r"GL version:|gl_context|OpenGL error checking is disabled|landmark_projection_calculator|"
    r"Using NORM_RECT without IMAGE_DIMENSIONS|"
    r"qt\.multimedia\.symbolsresolver: Couldn't (load|resolve) pipewire|"  # Qt falls back to its other backends
    r"qt\.qml\.propertyCache\.append: Member \w+ of the object PopupList")  # Qt's own virtual-keyboard QML
GLOG = re.compile(r"^([IWEF])\d{4}\s")
LEVELLED = re.compile(r"^(INFO|WARNING|ERROR|FATAL)\b")
GLOG_LEVELS = {"I": logging.DEBUG, "W": logging.WARNING, "E": logging.ERROR, "F": logging.CRITICAL}
WORD_LEVELS = {"INFO": logging.DEBUG, "WARNING": logging.WARNING, "ERROR": logging.ERROR, "FATAL": logging.CRITICAL}


def classify(line: str) -> int:
    """The logging level a native stderr line deserves."""
    text = line.strip()
    if not text:
        return logging.NOTSET
    if KNOWN_NOISE.search(text):
        return logging.DEBUG
    m = GLOG.match(text)
    if m:
        return GLOG_LEVELS[m.group(1)]
    m = LEVELLED.match(text)
    if m:
        return WORD_LEVELS[m.group(1)]
    return logging.WARNING


class NativeStderr:
    """Owns the fd-2 redirection; ``install()`` once per process (idempotent), ``uninstall()`` restores it."""

    def __init__(self) -> None:
        self._saved_fd: int | None = None
        self._read_fd: int | None = None
        self._thread: threading.Thread | None = None
        self._old_stderr: IO[str] | None = None

    @property
    def installed(self) -> bool:
        return self._saved_fd is not None

    def install(self) -> None:
        if self.installed:
            return
        sys.stderr.flush()
        self._saved_fd = os.dup(2)
        read_fd, write_fd = os.pipe()
        os.dup2(write_fd, 2)
        os.close(write_fd)
        self._read_fd = read_fd
        self._old_stderr = sys.stderr
        terminal = os.fdopen(os.dup(self._saved_fd), "w", buffering=1, encoding="utf-8", errors="replace")
        sys.stderr = terminal
        _retarget_handlers(self._old_stderr, terminal)
        self._thread = threading.Thread(target=self._pump, args=(read_fd,), name="native-stderr", daemon=True)
        self._thread.start()
        atexit.register(self.uninstall)  # at exit, the lines still in the pipe are logged before the process ends

    def _pump(self, fd: int) -> None:
        with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as pipe:
            for line in pipe:
                level = classify(line)
                if level:
                    log.log(level, line.rstrip())

    def uninstall(self) -> None:
        if self._saved_fd is None:
            return
        sys.stderr.flush()
        os.dup2(self._saved_fd, 2)  # closes the pipe's write end: the reader sees EOF and stops
        os.close(self._saved_fd)
        self._saved_fd = None
        if self._thread is not None:
            self._thread.join(timeout=2)
        terminal, sys.stderr = sys.stderr, self._old_stderr or sys.__stderr__
        _retarget_handlers(terminal, sys.stderr)
        with contextlib.suppress(OSError):
            terminal.close()


def _retarget_handlers(old: object, new: IO[str]) -> None:
    """Log handlers writing to the old ``sys.stderr`` object follow it, so our own log never enters the pipe."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is old:
            handler.setStream(new)


ROUTER = NativeStderr()


def route_native_stderr() -> NativeStderr:
    """Send native stderr into the log for the rest of the process (the station and the demo call this)."""
    ROUTER.install()
    return ROUTER
