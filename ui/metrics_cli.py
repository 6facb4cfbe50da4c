"""`kiosk metrics show`: the station's metrics printed once (OpenMetrics, or Prometheus text for node_exporter)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="fleet metrics: print them once (the station serves them when configured)",
                       description="The station serves OpenMetrics on [metrics] listen while it runs (off by "
                                   "default). `kiosk metrics show` prints the database's figures once, without "
                                   "device states (the running station owns the devices). Names: docs/metrics.md.")
    msub = p.add_subparsers(dest="metrics_command", metavar="ACTION", required=True)
    show = msub.add_parser("show", help="print the metrics once")
    show.add_argument("--format", choices=("openmetrics", "prometheus"), default="openmetrics",
                      help="prometheus = the classic text format (node_exporter's textfile collector)")
    show.set_defaults(func=_show)


def _show(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.metrics import StationCollector, exposition, new_registry
    from kiosk.storage import Create, open_store
    from ui.metrics_station import offline_snapshot

    cfg = station_config(args)
    with open_store(cfg, create=Create.NEVER) as store:
        registry = new_registry(StationCollector(offline_snapshot(cfg, store)))
    sys.stdout.write(exposition(registry, openmetrics=args.format == "openmetrics").decode("utf-8"))
    return 0
