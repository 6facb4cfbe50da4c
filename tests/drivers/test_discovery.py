"""What is attached and which protocol it speaks; the station file's protocol names checked with the key named.

The /proc/bus/input/devices text is written in the kernel's format (Documentation/input/input.rst shows the
same fields); the names are the ones the drivers' sources give ("Nintendo Wii Remote Balance Board" from
hid-wiimote). No capture of a real station's /proc or /sys exists: this machine has no input devices.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers import discovery
from drivers.discovery import Found, suggest
from drivers.registry import check_devices
from drivers.transport.evdev_input import parse_proc_input_devices
from kiosk.config import REAL_PROTOCOL_DEMO_DEVICES, DeviceConfig, Transport, demo_config
from kiosk.errors import ConfigError

PROC = """\
I: Bus=0005 Vendor=057e Product=0306 Version=8600
N: Name="Nintendo Wii Remote Balance Board"
P: Phys=00:1b:dc:0f:23:11
S: Sysfs=/devices/virtual/misc/uhid/0005:057E:0306.0003/input/input21
U: Uniq=00:1f:32:aa:bb:cc
H: Handlers=event7 js1
B: PROP=0
B: EV=b

I: Bus=0003 Vendor=1a86 Product=e026 Version=0110
N: Name="USB Response Button Box"
P: Phys=usb-0000:00:14.0-2/input0
H: Handlers=sysrq kbd leds event8
B: EV=120013
"""


def test_proc_input_devices_are_parsed() -> None:
    board, box = parse_proc_input_devices(PROC)
    assert (board.name, board.bus, board.usb_id, board.event_node) == (
        "Nintendo Wii Remote Balance Board", 5, "057e:0306", "/dev/input/event7")
    assert box.handlers == ("sysrq", "kbd", "leds", "event8") and box.uniq == ""


def test_suggestions_for_attached_devices() -> None:
    found = [*discovery.input_things(parse_proc_input_devices(PROC)),
             Found("usb", "Vernier Go Direct", "/sys/bus/usb/devices/1-2", "08f7:0010"),
             Found("hid", "Vernier Go Direct", "/dev/hidraw3", "08f7:0010"),
             Found("serial", "ttyUSB0", "/dev/ttyUSB0", "0403:6001"),
             Found("ble", "GDX-HD 0F1004E7", "AA:BB:CC:DD:EE:01"),
             Found("ble", "BM85", "AA:BB:CC:DD:EE:02", services=("00001810-0000-1000-8000-00805f9b34fb",)),
             Found("ble", "Progressor_7125", "AA:BB:CC:DD:EE:03"),
             Found("ble", "", "AA:BB:CC:DD:EE:04", services=("0000181d-0000-1000-8000-00805f9b34fb",)),
             Found("ble", "Someone's phone", "AA:BB:CC:DD:EE:05"),
             Found("ble", "BLEsmart_0000025828FFB20591B5", "28:FF:B2:05:91:B5")]  # ble_monitor issue #1003
    by_where = {s.found.where: s for s in suggest(found)}
    assert by_where["/dev/input/event7"].protocol \
        == "wii-balance-board-evdev"
    assert by_where["/dev/input/event7"].settings == {"port": "Nintendo Wii Remote Balance Board"}
    assert by_where["/dev/input/event8"].protocol == "button-box-evdev"
    assert "/sys/bus/usb/devices/1-2" not in by_where  # the USB device itself: its hidraw node is suggested
    (alone,) = suggest([Found("usb", "Vernier Go Direct", "/sys/bus/usb/devices/1-2", "08f7:0010")])
    assert alone.protocol is None and "hidraw" in alone.note
    assert by_where["/dev/hidraw3"].protocol == "godirect-grip-usb"
    assert by_where["/dev/hidraw3"].settings == {"port": "/dev/hidraw3"}
    assert by_where["/dev/ttyUSB0"].protocol == "cedrus-xid" and "confirm" in by_where["/dev/ttyUSB0"].note
    assert by_where["AA:BB:CC:DD:EE:01"].protocol == "godirect-grip"
    assert by_where["AA:BB:CC:DD:EE:02"].protocol == "ble-bps-beurer"
    assert by_where["AA:BB:CC:DD:EE:03"].protocol == "tindeq-progressor"
    assert by_where["AA:BB:CC:DD:EE:04"].protocol == "ble-weight"
    assert "AA:BB:CC:DD:EE:05" not in by_where
    assert by_where["28:FF:B2:05:91:B5"].protocol == "ble-bps-omron"


def test_a_suggestion_is_a_valid_station_file_entry(tmp_path: Path) -> None:
    from kiosk.config import load_config

    (s,) = suggest([Found("ble", "GDX-SPR 0F1004E8", "AA:BB:CC:DD:EE:06")])
    path = tmp_path / "station.toml"
    path.write_text(s.toml("spirometer"), encoding="utf-8")
    cfg = load_config(path)
    check_devices(cfg)
    assert cfg.devices[0].protocol == "godirect-spirometer" and cfg.devices[0].transport is Transport.BLE


def test_usb_and_serial_are_read_from_sysfs(tmp_path: Path) -> None:
    dev = tmp_path / "sys" / "1-2"
    dev.mkdir(parents=True)
    (dev / "idVendor").write_text("08f7\n")
    (dev / "idProduct").write_text("0010\n")
    (dev / "product").write_text("Go Direct\n")
    assert discovery.usb_things(tmp_path / "sys") == [Found("usb", "Go Direct", str(dev), "08f7:0010")]
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "ttyUSB0").write_text("")
    usb = tmp_path / "usbdev"
    (usb / "iface").mkdir(parents=True)
    (usb / "idVendor").write_text("0403")
    (usb / "idProduct").write_text("6001")
    (tmp_path / "tty" / "ttyUSB0").mkdir(parents=True)
    (tmp_path / "tty" / "ttyUSB0" / "device").symlink_to(usb / "iface")
    (found,) = discovery.serial_things(tmp_path / "dev", tmp_path / "tty")
    assert (found.where, found.usb_id) == (str(tmp_path / "dev" / "ttyUSB0"), "0403:6001")


def test_unknown_protocol_names_the_key_and_the_protocols_of_that_kind() -> None:
    cfg = demo_config("var", devices=(DeviceConfig("grip", "grip", "grip-bluetooth", simulate=True),))
    with pytest.raises(ConfigError, match=r"devices\[0\]\.protocol: .*'grip-bluetooth'.*godirect-grip"):
        check_devices(cfg)


@pytest.mark.parametrize(("device", "key"), [
    (DeviceConfig("b", "grip", "wii-balance-board-evdev", transport=Transport.INPUT, simulate=True),
     r"devices\[0\]\.protocol: .*is for kind 'balance'"),
    (DeviceConfig("b", "balance", "wii-balance-board-evdev", simulate=True), r"devices\[0\]\.transport"),
])
def test_protocol_of_another_kind_or_transport_is_refused(device: DeviceConfig, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        check_devices(demo_config("var", devices=(device,)))


def test_the_real_protocol_demo_station_is_valid() -> None:
    check_devices(demo_config("var", devices=REAL_PROTOCOL_DEMO_DEVICES))
    check_devices(demo_config("var"))


def test_probe_without_a_name_lists_and_suggests(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.cli import main

    monkeypatch.setattr(discovery, "attached_input_devices", lambda: parse_proc_input_devices(PROC))
    monkeypatch.setattr(discovery, "usb_things", lambda: [])
    monkeypatch.setattr(discovery, "serial_things", lambda: [])
    monkeypatch.setattr(discovery, "hid_things", lambda: [])
    assert main(["devices", "probe", "--ble-seconds", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["protocol"] for s in out["suggestions"]] == ["wii-balance-board-evdev", "button-box-evdev"]


def test_the_real_protocol_station_file_matches_the_demo_devices() -> None:
    from kiosk.config import load_config

    cfg = load_config(Path(__file__).resolve().parents[2] / "docs" / "station.real-protocols.toml")
    check_devices(cfg)
    assert cfg.devices == REAL_PROTOCOL_DEMO_DEVICES
