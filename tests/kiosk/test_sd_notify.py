"""sd_notify over a real AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from kiosk.sd_notify import notify, watchdog_interval_s


def listener(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path if not path.startswith("@") else "\0" + path[1:])
    sock.settimeout(2)
    return sock


def test_ready_reaches_a_path_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "notify")
    with listener(path) as sock:
        assert notify("READY=1\nSTATUS=8 device(s)", {"NOTIFY_SOCKET": path})
        assert sock.recv(4096) == b"READY=1\nSTATUS=8 device(s)"


def test_an_abstract_socket_is_named_with_an_at_sign(tmp_path: Path) -> None:
    name = f"@kiosk-test-{os.getpid()}-{tmp_path.name}"
    with listener(name) as sock:
        assert notify("WATCHDOG=1", {"NOTIFY_SOCKET": name})
        assert sock.recv(64) == b"WATCHDOG=1"


def test_without_systemd_nothing_is_sent_and_nothing_raises(tmp_path: Path) -> None:
    assert notify("READY=1", {}) is False
    assert notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "nobody-listens")}) is False
    assert notify("READY=1", {"NOTIFY_SOCKET": "relative/path"}) is False


def test_watchdog_interval_is_half_of_watchdog_sec_and_only_for_this_process() -> None:
    env = {"NOTIFY_SOCKET": "/run/user/1000/systemd/notify", "WATCHDOG_USEC": "30000000"}
    assert watchdog_interval_s(env) == 15.0
    assert watchdog_interval_s({**env, "WATCHDOG_PID": str(os.getpid())}) == 15.0
    assert watchdog_interval_s({**env, "WATCHDOG_PID": "1"}) is None  # meant for another process
    assert watchdog_interval_s({**env, "WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) is None  # nowhere to send the pings


@pytest.mark.skipif(shutil.which("systemd-notify") is None, reason="systemd-notify is not installed")
def test_our_datagrams_are_the_bytes_systemds_own_client_sends(tmp_path: Path) -> None:
    """systemd-notify (systemd's reference client) and ours, received on the same socket, must agree."""
    path = str(tmp_path / "notify")
    with listener(path) as sock:
        env = {"NOTIFY_SOCKET": path, "PATH": "/usr/bin:/bin"}
        subprocess.run(["systemd-notify", "--no-block", "--ready", "--status=8 device(s)"], env=env, timeout=10,
                       capture_output=True)
        theirs = sock.recv(4096)
        assert notify("READY=1\nSTATUS=8 device(s)", env)  # what ui.watchdog sends when the station is up
        ours = sock.recv(4096)
        subprocess.run(["systemd-notify", "--no-block", "WATCHDOG=1"], env=env, timeout=10, capture_output=True)
        their_ping = sock.recv(4096)
        assert notify("WATCHDOG=1", env)
        assert (ours, sock.recv(4096)) == (theirs, their_ping) == (b"READY=1\nSTATUS=8 device(s)", b"WATCHDOG=1")
