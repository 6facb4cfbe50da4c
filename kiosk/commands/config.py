"""`kiosk config check PATH` and `kiosk config show`."""

from __future__ import annotations

import argparse
import json

from kiosk.config import config_as_toml_dict, load_config
from kiosk.config_rules import config_warnings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("config", help="check or show the station configuration")
    csub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = csub.add_parser("check", help="validate a station TOML file")
    check.add_argument("path")
    check.set_defaults(func=_check)
    show = csub.add_parser("show", help="print the configuration in force (with --config, or the demo defaults)")
    show.set_defaults(func=_show)


def _check(args: argparse.Namespace) -> int:
    cfg = load_config(args.path)
    print(f"{args.path}: ok — station {cfg.station_id!r}, {len(cfg.devices)} device(s), "
          f"sync {'to ' + cfg.sync.endpoint if cfg.sync.endpoint else 'off'}")
    for warning in config_warnings(cfg):
        print(f"warning: {warning}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config

    print(json.dumps(config_as_toml_dict(station_config(args)), ensure_ascii=False, indent=2))
    return 0
