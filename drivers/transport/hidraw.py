"""Vernier Go Direct over USB: the Linux hidraw node presented to the drivers as a ``GattClient``.

A Go Direct device on USB (vendor 0x08F7, product 0x0010) is a HID device with 64-byte reports, each a length
byte and up to 63 bytes of a protocol packet (``drivers.codecs.godirect.usb_reports``; from Vernier's
godirect-py ``device_usb.py``). ``HidrawLink`` writes each report to ``/dev/hidrawN`` behind a 0 report
number (hidraw's rule for devices without numbered reports) and hands the packet bytes of every report it
reads to the driver as notifications of the Go Direct response characteristic, so the BLE drivers
(``drivers.devices.godirect``) run unchanged on USB. ``HidSimulatorHost`` plays the device end over a
socket pair that keeps message boundaries as hidraw does (a simulated device needs no privileges).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable, Mapping
from pathlib import Path

from drivers.base import DeviceDisconnected
from drivers.ble.gatt import DisconnectCallback, NotifyCallback
from drivers.codecs import godirect as gd

REPORT_SIZE = gd.USB_REPORT


class HidrawLink:
    """``GattClient`` over a hidraw node (``opener`` returns a file descriptor; the default opens ``path``)."""

    def __init__(self, path: str, *, device_id: str | None = None,
                 opener: Callable[[], int] | None = None) -> None:
        self.address = path
        self.device_id = device_id
        self._opener = opener or (lambda: os.open(path, os.O_RDWR | os.O_NONBLOCK))
        self._fd: int | None = None
        self._notify: NotifyCallback | None = None
        self._on_disconnect: DisconnectCallback | None = None
        self._outgoing = bytearray()

    @property
    def is_connected(self) -> bool:
        return self._fd is not None

    def set_disconnected_callback(self, callback: DisconnectCallback | None) -> None:
        self._on_disconnect = callback

    async def connect(self, timeout_s: float = 10.0) -> None:
        try:
            self._fd = self._opener()
        except OSError as e:
            raise DeviceDisconnected(f"cannot open {self.address}: {e}", device_id=self.device_id) from e
        os.set_blocking(self._fd, False)
        asyncio.get_running_loop().add_reader(self._fd, self._readable)

    async def disconnect(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)

    def _lost(self, why: str) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(fd)
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._on_disconnect is not None:
            self._on_disconnect()

    def _readable(self) -> None:
        assert self._fd is not None
        try:
            report = os.read(self._fd, REPORT_SIZE)
        except BlockingIOError:
            return
        except OSError as e:
            self._lost(str(e))
            return
        if not report:
            self._lost("end of file")
            return
        chunk = report[1:1 + min(report[0], REPORT_SIZE - 1)]
        if self._notify is not None and chunk:
            self._notify(gd.RESPONSE_UUID, chunk)

    async def discover(self) -> Mapping[str, tuple[str, ...]]:
        return {gd.SERVICE_UUID: (gd.COMMAND_UUID, gd.RESPONSE_UUID)}

    async def start_notify(self, char_uuid: str, callback: NotifyCallback) -> None:
        self._notify = callback

    async def stop_notify(self, char_uuid: str) -> None:
        self._notify = None

    async def write(self, char_uuid: str, data: bytes, *, response: bool = True) -> None:
        """Collect the driver's (BLE-sized) chunks into a packet, then send it as reports."""
        if self._fd is None:
            raise DeviceDisconnected(f"{self.address} is not open", device_id=self.device_id)
        self._outgoing += data
        while len(self._outgoing) >= 2 and len(self._outgoing) >= self._outgoing[1]:
            size = self._outgoing[1]
            packet, self._outgoing = bytes(self._outgoing[:size]), self._outgoing[size:]
            for report in gd.usb_reports(packet):
                try:
                    os.write(self._fd, b"\x00" + report)
                except OSError as e:
                    self._lost(str(e))
                    raise DeviceDisconnected(f"write to {self.address} failed: {e}", device_id=self.device_id) from e

    async def read(self, char_uuid: str) -> bytes:
        raise DeviceDisconnected("Go Direct over USB has nothing to read but notifications", device_id=self.device_id)


class HidSimulatorHost:
    """Runs a Go Direct simulator (``drivers.sim.godirect``) as the far end of a hidraw-like socket pair."""

    def __init__(self, simulator: object, *, name: str = "hid-sim") -> None:
        self.simulator = simulator
        self.name = name
        self._host, self._device = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._device.setblocking(False)
        self._incoming = gd.PacketAssembler()
        self._outgoing = bytearray()
        self._pending = bytearray()
        self._reading = False

    def host_fd(self) -> int:
        """The station's end (a fresh duplicate per connect, as a reopened hidraw node would be)."""
        if not self._reading:
            asyncio.get_running_loop().add_reader(self._device.fileno(), self._from_host)
            self._reading = True
            self.simulator.attach(self)  # type: ignore[attr-defined]
        return os.dup(self._host.fileno())

    def _from_host(self) -> None:
        try:
            message = self._device.recv(REPORT_SIZE + 1)
        except BlockingIOError:
            return
        report = message[1:]  # the report number 0
        chunk = report[1:1 + min(report[0], REPORT_SIZE - 1)] if report else b""
        self._outgoing += chunk
        while len(self._outgoing) >= 2 and len(self._outgoing) >= self._outgoing[1]:
            size = self._outgoing[1]
            packet, self._outgoing = bytes(self._outgoing[:size]), self._outgoing[size:]
            self.simulator.on_write(gd.COMMAND_UUID, packet)  # type: ignore[attr-defined]

    # PeripheralLink: what the simulator sends comes back to the host as reports
    def send(self, char_uuid: str, data: bytes) -> None:
        self._pending += data
        while len(self._pending) >= 2 and len(self._pending) >= self._pending[1]:
            size = self._pending[1]
            packet, self._pending = bytes(self._pending[:size]), self._pending[size:]
            for report in gd.usb_reports(packet):
                with contextlib.suppress(OSError):
                    self._device.send(report)

    def drop(self) -> None:
        self.stop()

    def inject(self, fault: str) -> None:
        self.simulator.inject(fault)  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self._reading:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._device.fileno())
            self._reading = False
        for s in (self._device, self._host):
            with contextlib.suppress(OSError):
                s.close()


def hidraw_nodes(vendor: int = gd.USB_VENDOR_ID, product: int = gd.USB_PRODUCT_ID,
                 sys_hidraw: Path = Path("/sys/class/hidraw")) -> list[str]:
    """The /dev/hidraw* nodes of the USB devices with these ids (from each node's uevent HID_ID)."""
    wanted = f"{vendor:08X}:{product:08X}"
    out = []
    for node in sorted(sys_hidraw.glob("hidraw*")) if sys_hidraw.is_dir() else []:
        with contextlib.suppress(OSError):
            if wanted in (node / "device" / "uevent").read_text(encoding="utf-8", errors="replace").upper():
                out.append(f"/dev/{node.name}")
    return out
