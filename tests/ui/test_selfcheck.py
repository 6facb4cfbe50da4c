"""`kiosk selfcheck` end to end: the demo station passes; each injected fault gives a clear failing line.

The faults are real, not mocked: a serial device whose port does not exist, a calibration record that
expired, a disk reported nearly full (the one injected figure: we cannot fill the test machine's disk),
an endpoint on a closed port, and a station clock an hour ahead of the server's real Date header.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from drivers.manager import DeviceManager
from kiosk.config import DeviceConfig, StationConfig
from kiosk.domain import utcnow
from kiosk.selfcheck import CheckLine, Status, exit_code, run_checks
from kiosk.selfcheck.core import disk_figures, disk_line
from kiosk.storage import open_store
from sync.selfcheck import endpoint_lines, read_capabilities
from sync.testing.fhir_test_server import FhirTestServer
from ui.demo import calibrate_station
from ui.demo_screens import demo_config
from ui.selfcheck import station_lines


@pytest.fixture
def station_qt() -> object:
    """The station's own application object (pytest-qt's ``qapp`` would quit later tests' loops on a window close)."""
    from ui.app import qt_application

    return qt_application()


@pytest.fixture(scope="module")
def server():
    with FhirTestServer() as s:
        yield s


CLIPS = Path(__file__).resolve().parents[2] / "vision" / "clips"


def by_name(lines: list[CheckLine]) -> dict[str, CheckLine]:
    return {f"{li.area}:{li.name}": li for li in lines}


@pytest.fixture(scope="module")
def calibrated_template(tmp_path_factory: pytest.TempPathFactory, server: FhirTestServer) -> Path:
    """A demo station's data folder after the simulated technician calibrated every device (done once)."""
    root = tmp_path_factory.mktemp("calibrated")
    cfg = demo_config(root, server.base_url, "")

    async def run() -> None:
        with open_store(cfg) as store:
            async with DeviceManager(cfg, store, sim_speed=20.0) as manager:
                await manager.wait_until_settled(15.0)
                await calibrate_station(manager, store, performed_by="Tech Test")

    asyncio.run(run())
    return root


@pytest.fixture
def demo_station(tmp_path: Path, server: FhirTestServer, calibrated_template: Path) -> StationConfig:
    shutil.copytree(calibrated_template / "var", tmp_path / "var")
    return demo_config(tmp_path, server.base_url, str(CLIPS / "squat-side-gym-barbell-portrait.mp4"))


def test_the_demo_station_passes(demo_station: StationConfig, station_qt: object) -> None:
    with open_store(demo_station) as store:
        lines = station_lines(demo_station, store, camera_s=1.5)
    failing = [li for li in lines if li.status is not Status.PASS]
    assert not failing, "\n".join(f"{li.area} {li.name}: {li.status} {li.detail}" for li in failing)
    names = by_name(lines)
    for key in ("device:bp", "device:bp calibration", "camera:picture", "camera:light", "camera:framing",
                "database:integrity", "database:schema version", "disk:space", "sync:endpoint", "sync:capabilities",
                "sync:queue", "clock:time", "printer:printer", "speech:engine", "fonts:CJK fonts"):
        assert key in names, f"no {key} line"
    assert "FHIR 4.0.1" in names["sync:capabilities"].detail
    assert exit_code(lines) == 0


def test_a_device_that_is_gone_fails_with_its_port(demo_station: StationConfig, station_qt: object) -> None:
    gone = DeviceConfig("bp2", "blood_pressure", "oem-bp-serial", port="/dev/ttyUSB-not-plugged-in")
    cfg = replace(demo_station, devices=(*demo_station.devices[:1], gone))
    from drivers.selfcheck import started_device_lines

    with open_store(cfg) as store:
        lines = by_name(asyncio.run(started_device_lines(cfg, store, wait_s=3.0)))
    assert lines["device:bp"].status is Status.PASS
    line = lines["device:bp2"]
    assert line.status is Status.FAIL and "/dev/ttyUSB-not-plugged-in" in line.detail
    assert "cable" in line.action


def test_an_expired_calibration_fails(demo_station: StationConfig) -> None:
    from drivers.selfcheck import started_device_lines

    forty_days_on = utcnow() + timedelta(days=40)  # the demo's 30-day calibrations have all run out by then
    with open_store(demo_station) as store:
        lines = by_name(asyncio.run(started_device_lines(demo_station, store, now=forty_days_on)))
    line = lines["device:grip calibration"]
    assert line.status is Status.FAIL and "expired on" in line.detail and "locked" in line.detail
    assert line.action == "calibrate it again"
    assert lines["device:reaction calibration"].status is Status.PASS  # needs none


def test_a_nearly_full_disk_fails(demo_station: StationConfig) -> None:
    nearly_full = SimpleNamespace(total=64 * 2**30, used=64 * 2**30 - 30 * 2**20, free=30 * 2**20)
    with open_store(demo_station) as store:
        line = disk_line(disk_figures(store, demo_station.data_path, utcnow(), disk_usage=lambda _: nearly_full))
    assert line.status is Status.FAIL and "30 MiB free" in line.detail


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_endpoint_that_is_down_fails(demo_station: StationConfig) -> None:
    sync = replace(demo_station.sync, endpoint=f"http://127.0.0.1:{closed_port()}/fhir", connect_timeout_s=1.0)
    lines = endpoint_lines(sync, read_capabilities(sync))
    assert [li.status for li in lines] == [Status.FAIL]
    assert "not reachable" in lines[0].detail and "ConnectError" in lines[0].detail
    assert "results wait safely in the queue" in lines[0].action


def test_a_clock_an_hour_ahead_of_the_server_fails(demo_station: StationConfig, station_qt: object) -> None:
    def an_hour_ahead(cfg):  # the real server's real Date header, read by a station whose clock is off
        return read_capabilities(cfg, now=lambda: time.time() + 3600)

    with open_store(demo_station) as store:
        from ui.selfcheck import sync_and_clock_checks

        lines = by_name(run_checks(sync_and_clock_checks(demo_station, store, an_hour_ahead)))
    clock = lines["clock:time"]
    assert clock.status is Status.FAIL and "ahead of the sync server" in clock.detail
    assert 3590 <= float(clock.detail.split(" s ")[0].replace(",", "")) <= 3610


def test_the_command_line_prints_json_and_exits_2_on_a_failure(tmp_path: Path, capsys) -> None:
    from kiosk.cli import main
    from kiosk.native_stderr import ROUTER

    assert main(["--data-dir", str(tmp_path / "var"), "db", "init"]) == 0  # only init creates a database
    capsys.readouterr()
    try:
        code = main(["--data-dir", str(tmp_path / "var"), "selfcheck", "--json", "--no-camera"])
    finally:
        ROUTER.uninstall()  # the command moved fd 2 for its process; give pytest's capture back
    out = json.loads(capsys.readouterr().out)
    assert code == out["exit_code"] == 2  # a fresh station: nothing calibrated yet
    fails = {c["name"] for c in out["checks"] if c["status"] == "fail"}
    assert "bp calibration" in fails
    assert all(c["action"] for c in out["checks"] if c["status"] == "fail")


def test_the_headless_demo_ends_with_a_passing_self_check(demo_station: StationConfig, station_qt: object) -> None:
    from ui.demo_screens import demo_selfcheck

    got = demo_selfcheck(demo_station)  # what `kiosk demo` puts in summary.json and prints at the end
    assert got["status"] == "pass", [c for c in got["checks"] if c["status"] != "pass"]
    assert got["exit_code"] == 0 and len(got["checks"]) >= 20
