"""What is attached to this station, and which protocol each thing probably speaks (``kiosk devices probe``).

Looks without touching: Linux input devices (``/proc/bus/input/devices``: names, USB ids, event nodes), USB
devices (``/sys/bus/usb/devices/*/idVendor``…), serial ports (``/dev/ttyUSB*``, ``/dev/ttyACM*`` and their USB
ids) and, when bleak can reach a Bluetooth adapter, the BLE advertisements in range (names, service UUIDs). No
byte is written to any device: a serial port's protocol is suggested from its USB ids only, and marked
"to confirm". ``suggest()`` is pure and maps what was found to station-file entries.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drivers.codecs import ble_bps, godirect, tindeq
from drivers.codecs import wii_balance_board as wbb
from drivers.transport.evdev_input import InputDeviceInfo, attached_input_devices


@dataclass(frozen=True)
class Found:
    """One attached thing: ``bus`` is "input", "usb", "hid", "serial" or "ble"; ``where`` its path, name or address."""

    bus: str
    name: str
    where: str
    usb_id: str = ""  # "vvvv:pppp"
    services: tuple[str, ...] = ()  # BLE service UUIDs (lower case)
    handlers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    found: Found
    protocol: str | None  # None: recognised, but no protocol of this station fits (the note says why)
    kind: str = ""
    transport: str = ""
    note: str = ""
    settings: dict[str, str] = field(default_factory=dict)  # port / address for the station file

    def toml(self, name: str) -> str:
        lines = ["[[devices]]", f'name = "{name}"', f'kind = "{self.kind}"', f'protocol = "{self.protocol}"',
                 f'transport = "{self.transport}"', *(f'{k} = "{v}"' for k, v in self.settings.items())]
        return "\n".join(lines)


BUTTON_BOX_WORDS = re.compile(r"button|response|foot ?switch|buzzer|reaction", re.IGNORECASE)
GODIRECT_USB = f"{godirect.USB_VENDOR_ID:04x}:{godirect.USB_PRODUCT_ID:04x}"
FTDI_IDS = {"0403:6001", "0403:6015"}  # Cedrus pads use FTDI USB-serial chips (pyxid2 opens them through ftd2xx)


def _ble_suggestion(f: Found) -> Suggestion | None:
    short = {s[4:8] for s in f.services if s.endswith("-0000-1000-8000-00805f9b34fb")}
    name = f.name or ""
    address = {"address": f.where}
    if name.startswith("GDX-HD") or (godirect.SERVICE_UUID in f.services and "HD" in name):
        return Suggestion(f, "godirect-grip", "grip", "ble", "Vernier Go Direct hand dynamometer", address)
    if name.startswith("GDX-SPR"):
        return Suggestion(f, "godirect-spirometer", "spirometer", "ble", "Vernier Go Direct spirometer", address)
    if name.startswith(tindeq.NAME_PREFIX) or tindeq.SERVICE_UUID in f.services:
        return Suggestion(f, "tindeq-progressor", "grip", "ble", "Tindeq Progressor force gauge", address)
    if name.startswith("BLEsmart_"):  # Omron's advertised name (e.g. "BLEsmart_0000025828FFB20591B5")
        return Suggestion(f, "ble-bps-omron", "blood_pressure", "ble",
                          "Omron cuff: its last record is asked for through RACP", address)
    if "1810" in short or ble_bps.quirks_for_name(name) is ble_bps.BEURER:
        beurer = ble_bps.quirks_for_name(name) is ble_bps.BEURER
        return Suggestion(f, "ble-bps-beurer" if beurer else "ble-bps", "blood_pressure", "ble",
                          "Beurer byte order (big-endian pulse and status)" if beurer
                          else "Bluetooth Blood Pressure Service", address)
    if name == "MIBFS":  # the Xiaomi scale's advertised name (xiaomi-ble's captures); it also lists 0x181B
        return Suggestion(f, "xiaomi-mibcs", "scale", "ble",
                          "Xiaomi Mi Body Composition Scale, heard from its advertisements (weight, impedance)",
                          address)
    if "181d" in short:
        return Suggestion(f, "ble-weight", "scale", "ble", "Bluetooth Weight Scale Service", address)
    if "1808" in short:
        return Suggestion(f, "ble-glucose", "glucometer", "ble", "Bluetooth Glucose Service", address)
    if name.startswith(godirect.NAME_PREFIX):
        return Suggestion(f, None, note=f"Vernier Go Direct sensor {name!r}: this station reads only the GDX-HD "
                                        "and GDX-SPR")
    return None


def suggest(found: Iterable[Found]) -> list[Suggestion]:
    """A suggestion for every recognised thing (unrecognised ones are left out)."""
    found = list(found)
    go_direct_hid = any(f.bus == "hid" and f.usb_id == GODIRECT_USB for f in found)
    out: list[Suggestion] = []
    for f in found:
        s: Suggestion | None = None
        if f.bus == "input" and f.name == wbb.DEVICE_NAME:
            s = Suggestion(f, "wii-balance-board-evdev", "balance", "input",
                           "Wii Balance Board through hid-wiimote", {"port": f.name})
        elif f.bus == "input" and BUTTON_BOX_WORDS.search(f.name) and "kbd" in f.handlers:
            s = Suggestion(f, "button-box-evdev", "reaction_time", "input",
                           "a keyboard-like input device whose name suggests a response box (confirm it)",
                           {"port": f.name})
        elif f.bus == "hid" and f.usb_id == GODIRECT_USB:
            s = Suggestion(f, "godirect-grip-usb", "grip", "hid",
                           "Vernier Go Direct on USB: the ids do not say which sensor; for a GDX-SPR use "
                           "godirect-spirometer-usb (kiosk devices probe NAME shows the order code)", {"port": f.where})
        elif f.bus == "usb" and f.usb_id == GODIRECT_USB and not go_direct_hid:
            s = Suggestion(f, None, note="Vernier Go Direct on USB, but no /dev/hidraw node of it was found "
                                         "(is the hid driver loaded?)")
        elif f.bus == "serial" and f.usb_id in FTDI_IDS:
            s = Suggestion(f, "cedrus-xid", "reaction_time", "serial",
                           "an FTDI USB-serial port, as Cedrus XID pads use: to confirm (kiosk devices probe NAME "
                           "after adding it sends _c1 and names the pad)", {"port": f.where})
        elif f.bus == "ble":
            s = _ble_suggestion(f)
        if s is not None:
            out.append(s)
    return out


# ---- looking (I/O; every gatherer returns [] where its source does not exist) -----------------------------


def input_things(devices: Sequence[InputDeviceInfo] | None = None) -> list[Found]:
    devices = attached_input_devices() if devices is None else devices
    return [Found("input", d.name, d.event_node or d.name, d.usb_id, handlers=d.handlers) for d in devices]


def _read(path: Path) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(encoding="utf-8", errors="replace").strip()
    return ""


def usb_things(root: Path = Path("/sys/bus/usb/devices")) -> list[Found]:
    out = []
    for dev in sorted(root.glob("*")) if root.is_dir() else []:
        vendor, product = _read(dev / "idVendor"), _read(dev / "idProduct")
        if vendor and product:
            name = " ".join(p for p in (_read(dev / "manufacturer"), _read(dev / "product")) if p)
            out.append(Found("usb", name, str(dev), f"{vendor}:{product}".lower()))
    return out


def serial_things(dev: Path = Path("/dev"), sys_tty: Path = Path("/sys/class/tty")) -> list[Found]:
    out = []
    for port in sorted([*dev.glob("ttyUSB*"), *dev.glob("ttyACM*")]):
        usb_id = ""
        node = sys_tty / port.name / "device"
        for parent in (node / "..", node / ".." / ".."):  # the interface, then the USB device holding the ids
            vendor, product = _read(parent / "idVendor"), _read(parent / "idProduct")
            if vendor and product:
                usb_id = f"{vendor}:{product}".lower()
                break
        out.append(Found("serial", port.name, str(port), usb_id))
    return out


def hid_things() -> list[Found]:
    """The hidraw nodes of Go Direct devices (the only USB HID devices this station reads)."""
    from drivers.transport.hidraw import hidraw_nodes

    return [Found("hid", "Vernier Go Direct", node, GODIRECT_USB) for node in hidraw_nodes()]


async def ble_things(seconds: float = 5.0) -> tuple[list[Found], str]:
    """BLE advertisements in range, or [] and why not (no bleak, no adapter, no D-Bus)."""
    try:
        from bleak import BleakScanner

        found = await asyncio.wait_for(BleakScanner.discover(timeout=seconds, return_adv=True), seconds + 5)
    except Exception as e:  # bleak raises its own errors, OSError or FileNotFoundError without BlueZ/D-Bus
        return [], f"no BLE scan: {type(e).__name__}: {e}"
    return [Found("ble", adv.local_name or dev.name or "", dev.address,
                  services=tuple(u.lower() for u in adv.service_uuids)) for dev, adv in found.values()], ""


async def look(ble_seconds: float = 5.0) -> tuple[list[Found], list[str]]:
    """Everything attached, and notes on what could not be looked at."""
    ble, why = await ble_things(ble_seconds) if ble_seconds > 0 else ([], "BLE scan skipped")
    notes = [why] if why else []
    found = [*input_things(), *usb_things(), *hid_things(), *serial_things(), *ble]
    if not Path("/proc/bus/input/devices").exists():
        notes.append("no /proc/bus/input/devices: input devices not listed")
    return found, notes
