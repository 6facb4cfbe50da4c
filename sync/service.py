"""The upload service as its own process: `python -m sync.service --config station.toml` (or `kiosk sync run`).

It drains the outbox until SIGTERM or SIGINT, finishing the batch under way; the chaos tests kill it
with SIGKILL instead, which the uploader's persisted state makes safe.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from dataclasses import replace

from kiosk.config import StationConfig
from kiosk.errors import KioskError
from kiosk.sd_notify import notify, watchdog_interval_s
from sync.uploader import Uploader


async def _watchdog_pings() -> None:
    """WATCHDOG=1 from the service's own loop while it turns (systemd restarts a service whose loop froze)."""
    interval = watchdog_interval_s()
    while interval is not None:
        notify("WATCHDOG=1")
        await asyncio.sleep(interval)


def check_database(cfg: StationConfig) -> None:
    """Stop at once (DatabaseMissing) if the station has no database: the worker thread would only log
    the error forever, and the upload service never creates the database (`kiosk db init` does)."""
    from kiosk.storage import Create, open_store

    open_store(cfg, create=Create.NEVER).close()


def serve_until_signalled(uploader: Uploader, *, idle_poll_s: float = 5.0) -> None:
    """Run ``uploader.run_forever`` on a fresh event loop; SIGTERM/SIGINT stop it after the current batch."""

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, uploader.stop)
        notify("READY=1")  # under systemd (Type=notify); a no-op otherwise
        pinger = asyncio.ensure_future(_watchdog_pings())
        try:
            await uploader.run_forever(idle_poll_s=idle_poll_s)
        finally:
            pinger.cancel()
            notify("STOPPING=1")

    asyncio.run(serve())


def main(argv: list[str] | None = None) -> int:
    """Run the uploader as its own process until SIGTERM/SIGINT."""
    from kiosk.config import load_config
    from kiosk.logs import setup_logging

    parser = argparse.ArgumentParser(prog="python -m sync.service", description="Drain the outbox forever.")
    parser.add_argument("--config", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--idle-poll", type=float, default=5.0, help="seconds between looks at an idle outbox")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        cfg = load_config(args.config)
        if args.data_dir:
            cfg = replace(cfg, data_dir=args.data_dir)
        check_database(cfg)
        serve_until_signalled(Uploader(cfg), idle_poll_s=args.idle_poll)
    except KioskError as e:
        print(f"sync.service: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
