"""`kiosk audit verify` (exit 0 ok, 1 naming the first bad entry) and `kiosk audit show [--last N]`."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="verify or show the hash-chained audit log")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    asub.add_parser("verify", help="check every link of the chain").set_defaults(func=_verify)
    show = asub.add_parser("show", help="print entries, oldest first")
    show.add_argument("--last", type=_at_least_one, metavar="N", help="only the newest N entries (N >= 1)")
    show.set_defaults(func=_show)


def _at_least_one(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number; expected at least 1") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} entries: expected at least 1")
    return n


def _log(args: argparse.Namespace):
    from kiosk.audit import AuditLog
    from kiosk.cli import station_config
    from kiosk.storage import Create, open_store

    store = open_store(station_config(args), create=Create.NEVER)
    return store, AuditLog(store)


def _verify(args: argparse.Namespace) -> int:
    store, log = _log(args)
    with store:
        result = log.verify()
    from kiosk.audit import LIMITS

    if result.ok:
        acked = (f"the cloud acknowledged entries up to {result.acknowledged_seq}" if result.acknowledged_seq
                 else "the cloud has acknowledged none yet")
        print(f"audit log ok: {result.checked} entries, chain intact, every entry queued for the cloud; {acked}")
        print(LIMITS)
        return 0
    print(f"audit log BROKEN at entry {result.first_bad_seq}: {result.problem} "
          f"({result.checked} entries before it verified)")
    return 1


def _show(args: argparse.Namespace) -> int:
    store, log = _log(args)
    with store:
        entries = log.last(args.last) if args.last is not None else list(log.entries())
    for e in entries:
        details = json.dumps(dict(e.details), ensure_ascii=False, sort_keys=True) if e.details else ""
        print(f"{e.seq:>6} {e.at:%Y-%m-%d %H:%M:%S}Z {e.role:<10} {e.actor:<24} {e.action:<22} "
              f"{e.target or '-'} {details} {e.hash[:12]}")
    return 0
