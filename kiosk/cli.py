"""The `kiosk` command: core subcommands from kiosk.commands, wing subcommands from entry points.

Wings (drivers, vision, sync, ui) register through the ``kiosk.commands`` entry-point group, so the
core imports none of them. A wing that fails to load is reported and the rest still work.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import logging
import pkgutil
import sys
from collections.abc import Sequence

import kiosk.commands
from kiosk import __version__
from kiosk.config import StationConfig, load_config
from kiosk.errors import KioskError
from kiosk.logs import setup_logging

log = logging.getLogger("kiosk.cli")


def station_config(args: argparse.Namespace) -> StationConfig:
    """The configuration named by --config (demo defaults without it), with --data-dir applied."""
    cfg = load_config(args.config)
    if getattr(args, "data_dir", None):
        from dataclasses import replace

        cfg = replace(cfg, data_dir=args.data_dir)
    return cfg


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Community smart health station (智慧健康驿站): measure, grade, guide, sync.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", metavar="PATH", help="station TOML file (default: a demo station on simulators)")
    parser.add_argument("--data-dir", metavar="DIR", help="override the configured data directory")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(kiosk.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"kiosk.commands.{info.name}").register(sub)
    for ep in sorted(importlib.metadata.entry_points(group="kiosk.commands"), key=lambda e: e.name):
        try:
            ep.load()(sub)
        except Exception as e:  # a broken wing must not take the core's commands down with it
            print(f"kiosk: the {ep.name!r} commands are unavailable: {e}", file=sys.stderr)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KioskError as e:
        print(f"kiosk: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
