"""An asyncio serial port on pyserial: open/read/write/close with typed errors and a reconnect helper.

Contract (consumers: every serial driver, DRV-BLE's OEM BP driver, the device manager):

- ``port = SerialPort(device_id="grip-1")``; ``await port.open("/dev/ttyUSB0", baud=9600, bytesize=8,
  parity="N", stopbits=1)`` opens the port. A missing path or a permission problem raises
  ``DeviceDisconnected`` (the port is not there for us), never a raw ``SerialException``.
- ``await port.read(max_bytes=4096, timeout_s=None)`` returns at least one byte (at most ``max_bytes``).
  No byte within ``timeout_s`` (default: the port's ``read_timeout_s``) raises ``DeviceTimeout``; the
  port vanishing (USB unplugged, pty master closed) raises ``DeviceDisconnected``, on this read and
  on every later one. ``read_exactly(n)``, ``read_until(sep)`` and ``drain()`` (discard until quiet) build on it.
- ``await port.write(data)`` writes all bytes or raises ``DeviceDisconnected`` / ``DeviceTimeout``.
- ``await port.close()`` is idempotent and never raises. ``port.check_alive()`` raises
  ``DeviceDisconnected`` without any I/O if the port has gone (for idle health checks).
- ``Backoff`` + ``reconnect(open_once, backoff)`` retry an open with capped exponential delays.

Why a reader thread and not ``add_reader``: pyserial's blocking ``read`` already knows every way a
port can fail (EIO, readiness-without-data, vanished device) and reports it as one exception; the
thread hands bytes to the loop with ``call_soon_threadsafe``, so the loop never blocks on the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import serial

from drivers.base import DeviceDisconnected, DeviceTimeout
from kiosk.logs import log_event

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD,
            "M": serial.PARITY_MARK, "S": serial.PARITY_SPACE}
STOPBITS = {1: serial.STOPBITS_ONE, 1.5: serial.STOPBITS_ONE_POINT_FIVE, 2: serial.STOPBITS_TWO}


@dataclass(frozen=True)
class SerialSettings:
    """Where and how to open a port ("9600 8N1" = baud 9600, bytesize 8, parity N, stopbits 1)."""

    port: str
    baud: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    read_timeout_s: float = 2.0
    write_timeout_s: float = 1.0

    def __post_init__(self) -> None:
        if self.parity not in PARITIES:
            raise ValueError(f"parity must be one of {sorted(PARITIES)}, not {self.parity!r}")
        if self.stopbits not in STOPBITS:
            raise ValueError(f"stopbits must be 1, 1.5 or 2, not {self.stopbits!r}")
        if self.bytesize not in (5, 6, 7, 8):
            raise ValueError(f"bytesize must be 5..8, not {self.bytesize!r}")
        if self.baud <= 0:
            raise ValueError(f"baud must be positive, not {self.baud!r}")

    @property
    def framing(self) -> str:
        return f"{self.baud} {self.bytesize}{self.parity}{self.stopbits:g}"


class SerialPort:
    """One open serial port, read from the event loop; see the module docstring for the contract."""

    def __init__(self, *, device_id: str | None = None) -> None:
        self.device_id = device_id
        self.settings: SerialSettings | None = None
        self._serial: serial.Serial | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._buffer = bytearray()
        self._data_ready: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: str | None = None

    @property
    def is_open(self) -> bool:
        return self._serial is not None and self._failure is None

    async def open(self, port: str, baud: int = 9600, *, bytesize: int = 8, parity: str = "N",
                   stopbits: float = 1, read_timeout_s: float = 2.0, write_timeout_s: float = 1.0) -> None:
        """Open ``port``; raises DeviceDisconnected if it is absent or cannot be opened."""
        await self.open_with(SerialSettings(port, baud, bytesize, parity, stopbits, read_timeout_s,
                                            write_timeout_s))

    async def open_with(self, settings: SerialSettings) -> None:
        await self.close()
        self.settings = settings
        self._loop = asyncio.get_running_loop()
        self._data_ready = asyncio.Event()
        self._buffer.clear()
        self._failure = None
        self._stopping.clear()
        try:
            self._serial = await asyncio.to_thread(
                serial.Serial, settings.port, settings.baud, bytesize=settings.bytesize,
                parity=PARITIES[settings.parity], stopbits=STOPBITS[settings.stopbits], timeout=0.05,
                write_timeout=settings.write_timeout_s, exclusive=True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise DeviceDisconnected(f"cannot open serial port {settings.port} ({settings.framing}): {exc}",
                                     device_id=self.device_id) from exc
        self._thread = threading.Thread(target=self._reader, name=f"serial-{settings.port}", daemon=True)
        self._thread.start()
        log_event(_log, logging.INFO, "serial port open", device_id=self.device_id, port=settings.port,
                  framing=settings.framing)

    def _reader(self) -> None:
        """Thread body: block on the port, hand bytes (or the failure) to the loop."""
        ser = self._serial
        assert ser is not None and self._loop is not None
        while not self._stopping.is_set():
            try:
                chunk = ser.read(max(1, ser.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                if not self._stopping.is_set():
                    self._post(None, f"port vanished while reading: {exc}")
                return
            if chunk:
                self._post(chunk, None)

    def _post(self, chunk: bytes | None, failure: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # loop already closed: nobody is listening any more
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._deliver, chunk, failure)

    def _deliver(self, chunk: bytes | None, failure: str | None) -> None:
        if chunk:
            self._buffer += chunk
        if failure and self._failure is None:
            self._failure = failure
            log_event(_log, logging.WARNING, "serial port lost", device_id=self.device_id,
                      port=self.settings.port if self.settings else None, reason=failure)
        if self._data_ready is not None:
            self._data_ready.set()

    def check_alive(self) -> None:
        """Raise DeviceDisconnected if the port is closed or the reader saw it vanish (no I/O; for health checks)."""
        if self._serial is None:
            raise DeviceDisconnected("serial port is not open", device_id=self.device_id)
        if self._failure is not None:
            raise DeviceDisconnected(self._failure, device_id=self.device_id)

    def _raise_if_unusable(self) -> None:
        if self._serial is None:
            raise DeviceDisconnected("serial port is not open", device_id=self.device_id)
        if self._failure is not None and not self._buffer:
            raise DeviceDisconnected(self._failure, device_id=self.device_id)

    async def read(self, max_bytes: int = 4096, *, timeout_s: float | None = None) -> bytes:
        """At least one and at most ``max_bytes`` bytes; DeviceTimeout / DeviceDisconnected otherwise."""
        assert self._data_ready is not None or self._serial is None
        timeout = self.settings.read_timeout_s if timeout_s is None and self.settings else timeout_s
        self._raise_if_unusable()
        if not self._buffer:
            assert self._data_ready is not None
            self._data_ready.clear()
            try:
                await asyncio.wait_for(self._data_ready.wait(), timeout)
            except TimeoutError:
                raise DeviceTimeout(f"no data from {self.settings.port if self.settings else '?'} "
                                    f"within {timeout:.2f} s", device_id=self.device_id) from None
            self._raise_if_unusable()
        data = bytes(self._buffer[:max_bytes])
        del self._buffer[:max_bytes]
        return data

    async def drain(self, *, quiet_s: float = 0.05, max_s: float = 1.0) -> int:
        """Discard input until the line has been quiet for ``quiet_s`` (at most ``max_s``); bytes dropped.

        Use before starting a new stream so frames still in flight from the last one are not read as new.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_s
        dropped = 0
        while loop.time() < deadline:
            try:
                dropped += len(await self.read(timeout_s=quiet_s))
            except DeviceTimeout:
                break
        return dropped

    async def read_exactly(self, n: int, *, timeout_s: float | None = None) -> bytes:
        """Exactly ``n`` bytes; the timeout applies to each wait for more bytes."""
        out = bytearray()
        while len(out) < n:
            out += await self.read(n - len(out), timeout_s=timeout_s)
        return bytes(out)

    async def read_until(self, separator: bytes = b"\n", *, limit: int = 4096,
                         timeout_s: float | None = None) -> bytes:
        """Bytes up to and including ``separator``; more than ``limit`` bytes without it is a timeout-like fault."""
        out = bytearray()
        while not out.endswith(separator):
            if len(out) >= limit:
                raise DeviceTimeout(f"no {separator!r} within {limit} bytes", device_id=self.device_id)
            out += await self.read(1, timeout_s=timeout_s)
        return bytes(out)

    async def write(self, data: bytes) -> None:
        """Write all of ``data``; a vanished port raises DeviceDisconnected, a stuck one DeviceTimeout."""
        self._raise_if_unusable()
        if self._failure is not None:
            raise DeviceDisconnected(self._failure, device_id=self.device_id)
        ser = self._serial
        assert ser is not None
        try:
            await asyncio.to_thread(ser.write, data)
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout(f"write of {len(data)} bytes timed out", device_id=self.device_id) from exc
        except (serial.SerialException, OSError) as exc:
            raise DeviceDisconnected(f"port vanished while writing: {exc}", device_id=self.device_id) from exc

    async def close(self) -> None:
        """Stop the reader thread and close the port; safe to call twice, never raises."""
        ser, thread = self._serial, self._thread
        self._serial, self._thread = None, None
        if ser is None:
            return
        self._stopping.set()
        with contextlib.suppress(Exception):
            ser.cancel_read()
        if thread is not None:
            await asyncio.to_thread(thread.join, 1.0)
        with contextlib.suppress(Exception):
            ser.close()
        log_event(_log, logging.INFO, "serial port closed", device_id=self.device_id,
                  port=self.settings.port if self.settings else None)

    async def __aenter__(self) -> SerialPort:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


@dataclass(frozen=True)
class Backoff:
    """Capped exponential backoff: initial_s, initial_s*factor, … never above cap_s; ± jitter fraction."""

    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    jitter: float = 0.1

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """An endless sequence of delays (seconds)."""
        rng = rng or random.Random()
        delay = self.initial_s
        while True:
            spread = delay * self.jitter
            yield min(self.cap_s, max(0.0, delay + rng.uniform(-spread, spread)))
            delay = min(self.cap_s, delay * self.factor)


async def reconnect(open_once: Callable[[], Awaitable[_T]], backoff: Backoff = Backoff(), *,
                    attempts: int | None = None, device_id: str | None = None,
                    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> _T:
    """Call ``open_once`` until it succeeds; after each DeviceDisconnected/DeviceTimeout wait the next delay.

    ``attempts=None`` retries forever (the device manager cancels the task to stop); otherwise the
    last error is re-raised after ``attempts`` failures.
    """
    delays = backoff.delays()
    tries = 0
    while True:
        tries += 1
        try:
            return await open_once()
        except (DeviceDisconnected, DeviceTimeout) as exc:
            if attempts is not None and tries >= attempts:
                raise
            delay = next(delays)
            log_event(_log, logging.INFO, "reconnect scheduled", device_id=device_id, attempt=tries,
                      delay_s=round(delay, 2), reason=str(exc))
            await sleep(delay)
