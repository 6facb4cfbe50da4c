"""Vernier Go Direct over USB HID: 64-byte reports on a hidraw node, the same drivers as on BLE.

Report framing from Vernier's godirect-py (device_usb.py, GPL-3.0): a length byte and up to 63 packet bytes per
64-byte report; writes carry hidraw's report number 0 first. The far end here is a socket pair that keeps
message boundaries like hidraw; no capture of a real device's USB reports was found.
"""

from __future__ import annotations

import pytest

from drivers.codecs import godirect as gd
from drivers.devices.godirect import GoDirectGrip
from drivers.manager import DeviceManager
from drivers.registry import protocol
from drivers.sim.godirect import GdxHandDynamometerSimulator
from drivers.transport.hidraw import HidrawLink, HidSimulatorHost, hidraw_nodes
from kiosk.config import DeviceConfig, Transport, demo_config
from tests.drivers.ble_sim_support import run_measurement


async def test_gdx_hd_on_usb_reports_the_squeeze_peak() -> None:
    host = HidSimulatorHost(GdxHandDynamometerSimulator(peak_kg=33.0, speed=40.0))
    try:
        grip = GoDirectGrip("gdx-usb", HidrawLink("/dev/hidraw-sim", opener=host.host_fd), None)
        await grip.connect()
        assert grip.info is not None and grip.info.order_code == "GDX-HD" and grip.firmware == "1.6.3"
        reading = (await run_measurement(grip.measure())).final
        assert reading.values["grip"] == pytest.approx(33.0, abs=0.8)
        await grip.close()
    finally:
        host.stop()


def test_kiosk_decode_joins_usb_reports_into_packets() -> None:
    packet = gd.encode_response(0x55, 0xFC, bytes(range(100)))
    (message,) = protocol("godirect-grip-usb").decode(b"".join(gd.usb_reports(packet)), None)
    assert message == gd.Response(0x55, 0xFC, bytes(range(100)))
    (error,) = protocol("godirect-grip-usb").decode(b"\x00" * 10, None)
    assert "64-byte" in str(error)


def test_hidraw_nodes_are_found_by_their_usb_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name, hid_id in (("hidraw0", "0003:0000046D:0000C52B"), ("hidraw3", "0003:000008F7:00000010")):
        (tmp_path / name / "device").mkdir(parents=True)
        (tmp_path / name / "device" / "uevent").write_text(f"DRIVER=hid-generic\nHID_ID={hid_id}\n")
    assert hidraw_nodes(sys_hidraw=tmp_path) == ["/dev/hidraw3"]


async def test_the_manager_runs_a_simulated_usb_spirometer() -> None:
    cfg = demo_config("var", devices=(DeviceConfig("spr", "spirometer", "godirect-spirometer-usb",
                                                   transport=Transport.HID, simulate=True),))
    async with DeviceManager(cfg, None, sim_speed=40.0) as manager:  # no book: no lock, readings flagged
        await manager.wait_until_settled(10.0)
        events = [e async for e in manager.measure("spr")]
    assert events[-1].values["fvc"] == pytest.approx(3.4, abs=0.1)  # type: ignore[union-attr]
