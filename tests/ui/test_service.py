"""The supervised service: units systemd accepts, READY=1 and WATCHDOG=1 from the running loop, silence when the
loop freezes, and no stored result lost when the station is killed mid-session and started again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import demo_config
from kiosk.storage import open_store
from kiosk.storage.connection import quick_check
from ui.cli_service import STATION_UNIT, UPLOAD_UNIT, station_unit, upload_unit

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    (tmp_path / STATION_UNIT).write_text(station_unit(sys.executable, "/etc/kiosk/station.toml", str(ROOT)))
    (tmp_path / UPLOAD_UNIT).write_text(upload_unit(sys.executable, "/etc/kiosk/station.toml", str(ROOT)))
    done = subprocess.run(["systemd-analyze", "verify", STATION_UNIT, UPLOAD_UNIT], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Unknown key" not in done.stderr and "Failed to parse" not in done.stderr, done.stderr
    # the same verifier catches a mistake (so the check above can fail)
    (tmp_path / "bad.service").write_text(station_unit(sys.executable, None, str(ROOT)).replace(
        "WatchdogSec=", "WatchdogSecs="))
    bad = subprocess.run(["systemd-analyze", "verify", "bad.service"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert "Unknown key" in bad.stderr


def test_the_station_unit_is_supervised_as_the_issue_asks() -> None:
    unit = station_unit("/opt/kiosk/bin/python", "/etc/kiosk/station.toml", "/opt/kiosk")
    for line in ("Type=notify", "Restart=on-failure", "WatchdogSec=30", "WantedBy=graphical-session.target",
                 "ExecStart=/opt/kiosk/bin/python -m kiosk --config /etc/kiosk/station.toml station"):
        assert line in unit.splitlines(), line
    assert "ExecStart=/opt/kiosk/bin/python -m kiosk --config /etc/kiosk/station.toml sync run" in upload_unit(
        "/opt/kiosk/bin/python", "/etc/kiosk/station.toml", "/opt/kiosk").splitlines()


def test_install_writes_both_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import main

    assert main(["--config", str(ROOT / "docs" / "station.example.toml"), "service", "install",
                 "--unit-dir", str(tmp_path)]) == 0
    assert (tmp_path / STATION_UNIT).read_text().count("station.example.toml station") == 1
    assert "sync run" in (tmp_path / UPLOAD_UNIT).read_text()


class FakeSystemd:
    """A NOTIFY_SOCKET that records every datagram with its arrival time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.got: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                self.got.append((time.monotonic(), self.sock.recv(4096).decode()))
            except TimeoutError:
                continue

    def times(self, message: str) -> list[float]:
        return [t for t, m in self.got if m.splitlines()[0] == message]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def fake_systemd(tmp_path: Path) -> Iterator[FakeSystemd]:
    s = FakeSystemd(tmp_path / "notify")
    yield s
    s.close()


def start_child(data: Path, mode: str, notify_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify_path), "WATCHDOG_USEC": "400000",  # WatchdogSec=0.4
           "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software",
           "QSG_RENDER_LOOP": "basic"}
    env.pop("WATCHDOG_PID", None)
    return subprocess.Popen([sys.executable, "-m", "tests.ui.station_child", str(data), mode], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def read_until(proc: subprocess.Popen[str], prefix: str, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line.strip()
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"the station never printed {prefix!r} (exit {proc.poll()})")


@pytest.mark.slow
def test_a_frozen_loop_stops_the_pings_and_a_kill_mid_session_loses_nothing(tmp_path: Path,
                                                                            fake_systemd: FakeSystemd) -> None:
    data = tmp_path / "var"
    proc = start_child(data, "mid-session", fake_systemd.path)
    try:
        session_id = read_until(proc, "SAVED ", 180).split()[1]
        read_until(proc, "FREEZING", 20)
        frozen_at = time.monotonic()
        time.sleep(2.0)  # five watchdog periods: systemd (WatchdogSec=0.4) would have restarted it by now
        ready, pings = fake_systemd.times("READY=1"), fake_systemd.times("WATCHDOG=1")
        assert len(ready) == 1, fake_systemd.got
        before = [t for t in pings if ready[0] < t < frozen_at]
        assert len(before) >= 5, f"expected pings every 0.2 s while the loop ran, got {len(before)}"
        after = [t for t in pings if t > frozen_at + 0.3]
        assert after == [], f"{len(after)} ping(s) arrived from a frozen loop"
        assert proc.poll() is None  # still alive, only frozen: exactly what the watchdog exists for
    finally:
        proc.send_signal(signal.SIGKILL)  # what systemd's watchdog ends with; also a crash
        proc.wait(10)

    cfg = demo_config(str(data))
    with open_store(cfg) as store:
        assert quick_check(store.conn, store.path) == []
        stored = store.load_session(uuid.UUID(session_id)).measurements
        assert len([m for m in stored if m.item == "grip"]) == 2, "both committed grip trials survive the kill"
        assert store.outbox_stats()["pending"] >= 2  # and are still queued for the cloud

    again = FakeSystemd(tmp_path / "notify2")
    proc = start_child(data, "restart", again.path)
    try:
        assert read_until(proc, "OPEN ", 120) == "OPEN 1"
        deadline = time.monotonic() + 10
        while not again.times("READY=1") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert again.times("READY=1"), "the restarted station tells systemd it is ready"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        again.close()
