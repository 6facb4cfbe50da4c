"""`kiosk service install|uninstall|show`: the systemd user units that keep the station and its upload running.

``kiosk-station.service`` runs `kiosk station` in the kiosk user's graphical session (Type=notify: the
station says READY=1 once its screen and devices are up, then WATCHDOG=1 from its Qt event loop; a
loop frozen for ``WatchdogSec`` is killed and restarted, and so is a crash). ``kiosk-upload.service``
runs the upload service the same way from its asyncio loop. Both are user units of the kiosk account:
the display manager's autologin starts the graphical session at boot, and ``loginctl enable-linger``
lets the upload run even before anyone logs in. See docs/service.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

STATION_UNIT = "kiosk-station.service"
UPLOAD_UNIT = "kiosk-upload.service"
STATION_WATCHDOG_S = 30  # the Qt loop pings every 15 s; no legitimate work blocks it that long
UPLOAD_WATCHDOG_S = 120  # HTTP runs in a worker thread, but a slow disk during a purge can stall the loop


def _command(python: str, config: str | None, *args: str) -> str:
    parts = [python, "-m", "kiosk"] + (["--config", config] if config else []) + list(args)
    return shlex.join(parts)


def station_unit(python: str, config: str | None, workdir: str) -> str:
    return f"""[Unit]
Description=Community health station touch screen (kiosk station)
Documentation=file://{workdir}/docs/service.md
PartOf=graphical-session.target
After=graphical-session.target
Wants={UPLOAD_UNIT}
StartLimitIntervalSec=600
StartLimitBurst=10

[Service]
Type=notify
NotifyAccess=main
WorkingDirectory={workdir}
ExecStart={_command(python, config, "station")}
Restart=on-failure
RestartSec=3
WatchdogSec={STATION_WATCHDOG_S}
TimeoutStartSec=180
TimeoutStopSec=30
Environment=PYTHONUNBUFFERED=1

[Install]
WantedBy=graphical-session.target
"""


def upload_unit(python: str, config: str | None, workdir: str) -> str:
    return f"""[Unit]
Description=Community health station upload service (results to the regional FHIR cloud)
Documentation=file://{workdir}/docs/service.md
After=network-online.target
Wants=network-online.target
StartLimitIntervalSec=600
StartLimitBurst=10

[Service]
Type=notify
NotifyAccess=main
WorkingDirectory={workdir}
ExecStart={_command(python, config, "sync", "run")}
Restart=on-failure
RestartSec=10
WatchdogSec={UPLOAD_WATCHDOG_S}
TimeoutStopSec=60
Environment=PYTHONUNBUFFERED=1

[Install]
WantedBy=default.target
"""


def user_unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("service", help="install the systemd user units that keep the station and upload running",
                       description="Writes kiosk-station.service (the touch screen, restarted on a crash or a "
                                   "frozen event loop) and kiosk-upload.service to ~/.config/systemd/user, then "
                                   "enables them with systemctl --user. Pass the station file with --config.")
    ssub = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    for name, helptext in (("install", "write and enable the units"), ("show", "print the units, change nothing"),
                           ("uninstall", "disable and remove the units")):
        a = ssub.add_parser(name, help=helptext)
        a.add_argument("--user", action="store_true", default=True,
                       help="user units of the kiosk account (the only kind: the station needs its graphical session)")
        a.add_argument("--unit-dir", metavar="DIR", help="where the units go (default: ~/.config/systemd/user)")
        if name == "install":
            a.add_argument("--no-enable", action="store_true", help="write the files only")
        a.set_defaults(func={"install": _install, "show": _show, "uninstall": _uninstall}[name])


def _units(args: argparse.Namespace) -> dict[str, str]:
    config = str(Path(args.config).resolve()) if args.config else None
    workdir = str(Path.cwd())
    return {STATION_UNIT: station_unit(sys.executable, config, workdir),
            UPLOAD_UNIT: upload_unit(sys.executable, config, workdir)}


def _systemctl(*args: str) -> bool:
    if shutil.which("systemctl") is None:
        return False
    done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        print(f"  systemctl --user {' '.join(args)}: {done.stderr.strip() or done.returncode}", file=sys.stderr)
    return done.returncode == 0


def _show(args: argparse.Namespace) -> int:
    for name, text in _units(args).items():
        print(f"# {name}\n{text}")
    return 0


def _install(args: argparse.Namespace) -> int:
    if not args.config:
        print("kiosk service: no --config given: the units will run the demo station on simulators", file=sys.stderr)
    folder = Path(args.unit_dir) if args.unit_dir else user_unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in _units(args).items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {folder / name}")
    steps = [("daemon-reload",), ("enable", STATION_UNIT, UPLOAD_UNIT)]
    if args.no_enable or args.unit_dir:
        return 0
    if not all(_systemctl(*s) for s in steps):
        print("systemd (user) is not reachable here; on the station, as the kiosk user, run:")
        for s in steps:
            print(f"  systemctl --user {' '.join(s)}")
        print("  loginctl enable-linger $USER   # the upload runs from boot, before the session starts")
        return 1
    print(f"enabled {STATION_UNIT} and {UPLOAD_UNIT}; they start with the graphical session "
          "(`systemctl --user start kiosk-station` to start now)")
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    folder = Path(args.unit_dir) if args.unit_dir else user_unit_dir()
    if not args.unit_dir:
        _systemctl("disable", "--now", STATION_UNIT, UPLOAD_UNIT)
    for name in (STATION_UNIT, UPLOAD_UNIT):
        path = folder / name
        if path.exists():
            path.unlink()
            print(f"removed {path}")
    if not args.unit_dir:
        _systemctl("daemon-reload")
    return 0
