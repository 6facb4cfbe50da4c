"""systemd's notify protocol (sd_notify): READY=1, WATCHDOG=1, STOPPING=1 as datagrams to $NOTIFY_SOCKET.

The protocol is one AF_UNIX datagram of newline-separated KEY=VALUE lines to the socket systemd names
in ``NOTIFY_SOCKET`` (a path, or an abstract socket when it starts with ``@``). ``WATCHDOG_USEC`` (and
``WATCHDOG_PID``, when set, naming this process) says how often systemd expects ``WATCHDOG=1``. With
no ``NOTIFY_SOCKET`` (not under systemd, or Type=simple) every call is a no-op returning False.
Written here rather than depending on a library: it is twenty lines of the documented protocol
(sd_notify(3)).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping


def _address(env: Mapping[str, str]) -> str | None:
    path = env.get("NOTIFY_SOCKET", "")
    if not path or not (path.startswith("/") or path.startswith("@")):
        return None
    return "\0" + path[1:] if path.startswith("@") else path


def notify(state: str, env: Mapping[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``); True when a datagram went out. Never raises for a missing socket."""
    address = _address(os.environ if env is None else env)
    if address is None:
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        try:
            sock.sendto(state.encode("utf-8"), address)
        except OSError:
            return False
    return True


def watchdog_interval_s(env: Mapping[str, str] | None = None) -> float | None:
    """How often to send WATCHDOG=1: half of systemd's WatchdogSec, or None when no watchdog is asked of us."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())) or _address(env) is None:
        return None
    return int(usec) / 1e6 / 2
