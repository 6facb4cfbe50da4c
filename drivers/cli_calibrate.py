"""`kiosk devices calibrate NAME --technician WHO`: a technician's guided calibration at the terminal.

The technician signs in with their PIN, follows the printed steps (pressing Enter when each
reference is in place), and the record is saved in the station's book and the audit log; the
device unlocks when it passed and stays locked, with the reason, when it failed.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from typing import Any

from drivers.base import DeviceState, DriverError
from drivers.guided_calibration import CalibrationStep, guided_calibration
from kiosk.config import StationConfig
from kiosk.errors import AuthError, KioskError


def add_parser(dsub: Any) -> None:
    p = dsub.add_parser("calibrate", help="run a device's calibration procedure, guided step by step",
                        description="Signs the technician in with their PIN, prints each step (press Enter when "
                                    "the reference is in place), saves the calibration record and audits it. "
                                    "A simulated device plays the references itself.")
    p.add_argument("name", help="the device's name in the station configuration")
    p.add_argument("--technician", required=True, metavar="NAME", help="technician account (kiosk staff add)")
    p.set_defaults(func=_calibrate)


def _read_line(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        raise KioskError("input ended before the procedure finished; nothing was saved")
    return line.rstrip("\n")


def _pin(name: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"PIN for {name}: ")
    return _read_line("")


async def _ask(step: CalibrationStep, simulated: bool) -> None:
    note = "  [simulated: the simulator plays this reference]" if simulated else ""
    await asyncio.get_running_loop().run_in_executor(
        None, _read_line, f"Step {step.number}/{step.of}: {step.instruction}{note}\n  Press Enter when ready. ")


async def _run(cfg: StationConfig, name: str, technician: str) -> int:
    from drivers.manager import DeviceManager
    from kiosk.audit import AuditLog
    from kiosk.staff import StaffRegistry, StaffRole
    from kiosk.storage import Create, open_store

    with open_store(cfg, create=Create.NEVER) as store:
        member = StaffRegistry(store).authenticate(technician, _pin(technician))
        if member.role is not StaffRole.TECHNICIAN:
            raise AuthError(f"{technician} is a {member.role.value}; calibration needs a technician account")
        async with DeviceManager(cfg, store, only=(name,)) as manager:
            await manager.wait_until_settled(10.0)
            managed = manager.device(name)
            if managed.state in (DeviceState.ABSENT, DeviceState.ERROR):
                print(f"kiosk: {name} is not connected: {managed.last_error or managed.state.value}", file=sys.stderr)
                return 1
            simulated = managed.simulator is not None
            try:
                record = await guided_calibration(manager, name, technician, lambda s: _ask(s, simulated))
            except DriverError as e:
                print(f"kiosk: calibration of {name} stopped: {e}", file=sys.stderr)
                return 1
            store.save_calibration(record)
            AuditLog(store).record(technician, "technician", "calibration.saved", target=name,
                                   details={"procedure": record.procedure, "result": record.result.value,
                                            "record_id": str(record.id)})
            manager.refresh_calibration()
            print(f"{name}: {record.procedure} {record.result.value.upper()} — {record.notes}")
            print(f"  valid until {record.valid_until:%Y-%m-%d %H:%M} UTC; device is now {managed.state.value}"
                  + (f" ({managed.locked_reason})" if managed.locked_reason else ""))
            return 0 if record.result.value == "passed" else 1


def _calibrate(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config

    cfg = station_config(args)
    cfg.device(args.name)  # ConfigError listing the configured devices
    return asyncio.run(_run(cfg, args.name, args.technician))
