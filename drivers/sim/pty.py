"""Run a byte-level device simulator behind a real pseudo-terminal, so drivers open it like a USB serial port.

Contract (consumers: tests, the device manager's simulate mode, ``kiosk simulate``, benches):

- A simulator implements ``ByteSimulator``: ``on_host_bytes(data, now_s) -> bytes`` (what the device
  answers to bytes the host wrote), ``on_tick(now_s) -> bytes`` (what it streams by itself, called
  every ``tick_interval_s``) and ``inject(fault)`` (raise ``ValueError`` for a fault it does not know).
  ``now_s`` is ``time.monotonic()``. Simulators are called from the host's thread only.
- ``host = PtyHost(sim, name="grip")``; ``host.start()`` opens ``os.openpty()``, puts the pair in raw
  mode and starts the thread; ``host.port_path`` is the slave path (``/dev/pts/N``) a driver opens
  with pyserial. ``link_path=`` additionally keeps a symlink pointing at the current slave, like
  ``/dev/serial/by-id/...``, so a driver can reopen the same name after a replug.
- ``host.inject(fault)`` is thread-safe. ``"disconnect"`` is handled by the host: it hangs up the
  master side, so the driver's next read fails exactly as when a USB adapter is pulled; ``replug()``
  then creates a fresh pair (new ``/dev/pts/N``, same ``link_path``). Every other fault goes to the
  simulator (garbage, bad_checksum, stall, drift, … see ``drivers.sim.faults.Fault``).
- ``host.stop()`` ends the thread and closes both fds; idempotent. Also a context manager.

The host keeps its own slave fd open so that the master never sees EIO between driver reconnects;
bytes the driver does not read pile up in the pty buffer, and once it is full the host drops them
(as a UART overflows) rather than block the simulator.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import queue
import select
import threading
import time
import tty
from pathlib import Path
from typing import Protocol

from kiosk.logs import log_event

_log = logging.getLogger(__name__)

DISCONNECT = "disconnect"


class ByteSimulator(Protocol):
    """A device that speaks bytes: answers host bytes, streams on ticks, takes faults."""

    tick_interval_s: float

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes: ...

    def on_tick(self, now_s: float) -> bytes: ...

    def inject(self, fault: str) -> None: ...


class PtyHost:
    """Hosts one simulator on the master side of a pseudo-terminal pair, in a daemon thread."""

    def __init__(self, simulator: ByteSimulator, *, name: str = "sim", link_path: str | Path | None = None) -> None:
        self.simulator = simulator
        self.name = name
        self.link_path = Path(link_path) if link_path else None
        self._master: int | None = None
        self._slave: int | None = None
        self._slave_path: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._commands: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self.bytes_dropped = 0
        self.bytes_written = 0
        self.connected = False

    @property
    def port_path(self) -> str:
        """The path a driver opens: the symlink if one was asked for, else the slave pty."""
        if self.link_path is not None:
            return str(self.link_path)
        if self._slave_path is None:
            raise RuntimeError(f"pty host {self.name!r} is not started")
        return self._slave_path

    @property
    def slave_path(self) -> str | None:
        return self._slave_path

    def start(self) -> PtyHost:
        """Open the pair and start serving; returns self so ``PtyHost(sim).start()`` chains."""
        if self._thread is not None:
            return self
        self._open_pair()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name=f"pty-{self.name}", daemon=True)
        self._thread.start()
        return self

    def _open_pair(self) -> None:
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        flags = fcntl.fcntl(master, fcntl.F_GETFL)
        fcntl.fcntl(master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        with self._lock:
            self._master, self._slave = master, slave
            self._slave_path = os.ttyname(slave)
            self.connected = True
        if self.link_path is not None:
            tmp = self.link_path.with_name(self.link_path.name + ".tmp")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self._slave_path)
            tmp.replace(self.link_path)
        log_event(_log, logging.INFO, "simulator listening", sim=self.name, port=self.port_path)

    def _hang_up(self) -> None:
        with self._lock:
            fds = (self._master, self._slave)
            self._master, self._slave = None, None
            self.connected = False
        for fd in fds:
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if self.link_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link_path.unlink()

    def inject(self, fault: str) -> None:
        """Queue a fault; ``disconnect`` hangs up the line, others go to the simulator (thread-safe)."""
        if fault != DISCONNECT:
            # validate now so the caller gets the ValueError, not the host thread
            known = getattr(self.simulator, "FAULTS", None)
            if known is not None and fault not in known:
                raise ValueError(f"simulator {self.name!r} knows faults {sorted(known)}, not {fault!r}")
        self._commands.put(fault)

    def replug(self) -> None:
        """After a disconnect: a new pty pair (new slave path; the same ``link_path``)."""
        if self.connected:
            return
        self._open_pair()

    def _serve(self) -> None:
        sim = self.simulator
        interval = max(0.001, float(sim.tick_interval_s))
        next_tick = time.monotonic()
        while not self._stop.is_set():
            self._run_commands()
            master = self._master
            if master is None:  # hung up: wait for replug or stop
                self._stop.wait(interval)
                next_tick = time.monotonic()
                continue
            timeout = max(0.0, next_tick - time.monotonic())
            try:
                readable, _, _ = select.select([master], [], [], timeout)
            except (OSError, ValueError):
                continue  # fd closed under us by a disconnect
            self._run_commands()  # a fault injected before the host wrote applies to what it wrote
            if self._master is None:
                continue
            now = time.monotonic()
            if readable:
                try:
                    data = os.read(master, 4096)
                except BlockingIOError:
                    data = b""
                except OSError:
                    data = b""
                if data:
                    self._send(sim.on_host_bytes(data, now))
            if now >= next_tick:
                self._send(sim.on_tick(now))
                next_tick += interval
                if next_tick < now - 10 * interval:  # we fell far behind (loaded machine): do not burst
                    next_tick = now + interval

    def _run_commands(self) -> None:
        while True:
            try:
                fault = self._commands.get_nowait()
            except queue.Empty:
                return
            if fault == DISCONNECT:
                log_event(_log, logging.INFO, "simulator hang-up", sim=self.name)
                self._hang_up()
            else:
                self.simulator.inject(fault)

    def _send(self, data: bytes) -> None:
        master = self._master
        if not data or master is None:
            return
        try:
            written = os.write(master, data)
        except BlockingIOError:
            written = 0
        except OSError as exc:
            if exc.errno not in (errno.EIO, errno.EBADF):
                raise
            written = 0
        self.bytes_written += written
        self.bytes_dropped += len(data) - written

    def stop(self) -> None:
        """Stop the thread and close the pair; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        self._hang_up()

    def __enter__(self) -> PtyHost:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
