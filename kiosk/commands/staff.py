"""`kiosk staff add --role doctor|technician NAME` and `kiosk staff list`."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("staff", help="doctor and technician accounts")
    ssub = p.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = ssub.add_parser("add", help="add an account; the PIN (6-8 digits) is asked for, or read from stdin")
    add.add_argument("--role", choices=("doctor", "technician"), required=True)
    add.add_argument("name")
    add.set_defaults(func=_add)
    ssub.add_parser("list", help="list accounts with their role and lock state").set_defaults(func=_list)


def _read_pin() -> str:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN (6-8 digits): ")
        if getpass.getpass("PIN again: ") != pin:
            raise InputError("the two PINs differ", field="pin")
        return pin
    return sys.stdin.readline().strip()


def _add(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.staff import StaffRegistry
    from kiosk.storage import Create, open_store

    pin = _read_pin()
    # adding the first account is a first-run step: it may create the database in a new, empty folder
    with open_store(station_config(args), create=Create.IF_FRESH) as store:
        member = StaffRegistry(store).add(args.name, args.role, pin)
    print(f"added {member.role.value} {member.name!r}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.domain import utcnow
    from kiosk.staff import StaffRegistry
    from kiosk.storage import Create, open_store

    with open_store(station_config(args), create=Create.NEVER) as store:
        members = StaffRegistry(store).list()
    now = utcnow()
    if not members:
        print("no staff accounts; add one with: kiosk staff add --role doctor NAME")
    for m in members:
        state = "active" if m.active else "inactive"
        if m.locked_until and m.locked_until > now:
            state = f"locked until {m.locked_until:%Y-%m-%d %H:%M:%S}Z"
        print(f"{m.role.value:<11} {m.name:<32} {state}")
    return 0
