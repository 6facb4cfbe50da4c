"""The core's self-checks: database, disk space and the days of data it leaves, the clock, the upload queue,
and the calibration due date of a device.

Each verdict is a pure function of figures (so tests give it a nearly full disk or a clock an hour off
with plain numbers); the ``*_figures`` functions gather those figures from the store, the file system
and the time-sync daemon.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.domain import CalibrationRecord, CalibrationResult
from kiosk.selfcheck import CheckLine, Status

MIB = 1024 * 1024
DISK_FAIL_DAYS, DISK_WARN_DAYS = 7, 30  # days of data the free space leaves
DEFAULT_BYTES_PER_DAY = 5 * MIB  # with no history: ~50 sessions a day at ~100 kB each (database, PDF), generous
CALIBRATION_WARN_DAYS = 7
CLOCK_WARN_S, CLOCK_FAIL_S = 10.0, 120.0  # TLS and OAuth tokens tolerate a minute or two; results want seconds
QUEUE_WARN_AGE = timedelta(hours=6)
QUEUE_FAIL_AGE = timedelta(days=1)


# ---- devices' calibration ----------------------------------------------------------------------------------

def calibration_line(device: str, record: CalibrationRecord | None, now: datetime, *, required: bool = True,
                     warn_days: int = CALIBRATION_WARN_DAYS) -> CheckLine:
    """The device's calibration: fail when missing, failed or expired; warn when it expires within ``warn_days``
    (or within the last quarter of its validity, for checks that hold only a day)."""
    name = f"{device} calibration"
    if record is None:
        if not required:
            return CheckLine("device", name, Status.PASS, "needs no calibration")
        return CheckLine("device", name, Status.FAIL, "no calibration on record; the device is locked",
                         f"calibrate it: technician screen > {device} > Calibrate, or "
                         f"`kiosk devices calibrate {device} --technician NAME`")
    if record.result is not CalibrationResult.PASSED:
        return CheckLine("device", name, Status.FAIL,
                         f"the last calibration ({record.performed_at:%Y-%m-%d}) failed: {record.notes}",
                         "check the reference masses or syringe and calibrate again")
    if now >= record.valid_until:
        return CheckLine("device", name, Status.FAIL,
                         f"expired on {record.valid_until:%Y-%m-%d}; the device is locked", "calibrate it again")
    left = record.valid_until - now
    # a daily check (the spirometer's syringe) warns in its last quarter, a monthly one in its last week
    window = min(timedelta(days=warn_days), (record.valid_until - record.performed_at) / 4)
    if left <= window:
        return CheckLine("device", name, Status.WARN,
                         f"due {record.valid_until:%Y-%m-%d %H:%M} (in {_age_text(left)})",
                         "plan a calibration before that date, or the device locks itself")
    return CheckLine("device", name, Status.PASS, f"due {record.valid_until:%Y-%m-%d}")


# ---- database --------------------------------------------------------------------------------------------

def database_lines(store: Any) -> list[CheckLine]:
    """SQLite's quick check and the schema version against this software's."""
    from kiosk.storage.connection import quick_check
    from kiosk.storage.migrations import LATEST_VERSION, schema_version

    problems = quick_check(store.conn, store.path)
    if problems:
        integrity = CheckLine("database", "integrity", Status.FAIL, "; ".join(problems[:3]),
                              "stop the station, keep the file, run `kiosk db check` and restore a backup")
    else:
        integrity = CheckLine("database", "integrity", Status.PASS, f"ok ({store.path.name})")
    version = schema_version(store.db)
    if version == LATEST_VERSION:
        schema = CheckLine("database", "schema version", Status.PASS, f"{version} (current)")
    else:
        schema = CheckLine("database", "schema version", Status.FAIL,
                           f"{version}, this software expects {LATEST_VERSION}", "run `kiosk db migrate`")
    return [integrity, schema]


# ---- disk ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiskFigures:
    free_bytes: int
    data_bytes: int  # what the station has stored so far
    days_of_history: float  # since the first session (0 when there is none)
    min_free_bytes: int  # below this the store refuses new sessions


def bytes_per_day(fig: DiskFigures) -> float:
    """The station's own rate when it has a week of history, else the larger of its rate and the default."""
    if fig.days_of_history >= 7:
        return max(fig.data_bytes / fig.days_of_history, 1.0)
    observed = fig.data_bytes / max(fig.days_of_history, 1.0)
    return max(observed, DEFAULT_BYTES_PER_DAY)


def disk_line(fig: DiskFigures) -> CheckLine:
    """Free space and the days of data it leaves: fail under a week (or the store's floor), warn under a month."""
    usable = max(fig.free_bytes - fig.min_free_bytes, 0)
    days = usable / bytes_per_day(fig)
    rate = bytes_per_day(fig) / MIB
    detail = f"{fig.free_bytes / MIB:,.0f} MiB free, about {days:,.0f} day(s) of data at {rate:.1f} MiB/day"
    if fig.free_bytes <= fig.min_free_bytes or days < DISK_FAIL_DAYS:
        return CheckLine("disk", "space", Status.FAIL, detail,
                         "free space now: export and purge old data (`kiosk db export`, `kiosk db purge`) "
                         "or fit a larger disk; the station refuses new sessions when it runs out")
    if days < DISK_WARN_DAYS:
        return CheckLine("disk", "space", Status.WARN, detail, "plan to free space or fit a larger disk this month")
    return CheckLine("disk", "space", Status.PASS, detail)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def disk_figures(store: Any, data_path: Path, now: datetime, *,
                 disk_usage: Callable[[str], Any] = shutil.disk_usage) -> DiskFigures:
    row = store.conn.execute("SELECT min(started_at) FROM sessions").fetchone()
    first = datetime.fromisoformat(row[0]) if row and row[0] else None
    days = max((now - first).total_seconds() / 86400, 0.0) if first else 0.0
    return DiskFigures(free_bytes=int(disk_usage(str(data_path)).free), data_bytes=folder_bytes(data_path),
                       days_of_history=days, min_free_bytes=store.min_free_bytes)


# ---- clock ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeSync:
    """What the time-sync daemon says: ``synchronized`` None when no daemon could be asked."""

    synchronized: bool | None
    source: str  # "timedatectl", "chronyc" or "none"
    detail: str = ""


def read_time_sync(run: Callable[..., Any] = subprocess.run) -> TimeSync:
    """Ask systemd-timesyncd (timedatectl) then chrony; ``synchronized=None`` when neither answers."""
    tried = []
    for argv, source in ((["timedatectl", "show", "-p", "NTPSynchronized", "--value"], "timedatectl"),
                         (["chronyc", "-n", "tracking"], "chronyc")):
        try:
            done = run(argv, capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError) as e:
            tried.append(f"{source}: {'not installed' if isinstance(e, FileNotFoundError) else type(e).__name__}")
            continue
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            tried.append(f"{source}: {said[0][:60] if said else f'exit {done.returncode}'}")
            continue
        out = done.stdout.strip()
        if source == "timedatectl":
            return TimeSync(out == "yes", source, f"NTPSynchronized={out}")
        leap = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Leap status")), "")
        return TimeSync(leap == "Normal", source, f"leap status {leap or 'unknown'}")
    return TimeSync(None, "none", "; ".join(tried))


def clock_line(sync: TimeSync, server_offset_s: float | None, server: str = "the sync server") -> CheckLine:
    """Fail when the clock is far from the server's; warn when it is a little off or nothing keeps it in sync."""
    fix = "turn time sync on (`timedatectl set-ntp true`, or chrony) and let the station reach an NTP server"
    if server_offset_s is not None:
        off = abs(server_offset_s)
        ahead = "ahead of" if server_offset_s > 0 else "behind"
        where = f"{off:,.0f} s {ahead} {server}"
        if off > CLOCK_FAIL_S:
            return CheckLine("clock", "time", Status.FAIL,
                             f"{where}: certificates, tokens and result times depend on it", fix)
        if off > CLOCK_WARN_S:
            return CheckLine("clock", "time", Status.WARN, where, fix)
    synced = {True: "in sync", False: "NOT in sync", None: "sync state unknown"}[sync.synchronized]
    said = f"{synced} ({sync.source}{': ' + sync.detail if sync.detail else ''})"
    agrees = f"; within {abs(server_offset_s):.0f} s of {server}" if server_offset_s is not None else ""
    if sync.synchronized is False:
        return CheckLine("clock", "time", Status.WARN, said + agrees, fix)
    if sync.synchronized is None and server_offset_s is None:
        return CheckLine("clock", "time", Status.WARN, said + "; no server to compare with", fix)
    return CheckLine("clock", "time", Status.PASS, said + agrees)


# ---- upload queue -----------------------------------------------------------------------------------------

def queue_lines(stats: dict[str, Any], now: datetime, *, sync_on: bool) -> list[CheckLine]:
    """Queue depth and the age of the oldest unsent row; quarantined batches."""
    depth, oldest = stats["pending"], stats.get("oldest_pending_at")
    age = (now - oldest) if (depth and oldest) else timedelta(0)
    detail = f"{depth} row(s) waiting" + (f", oldest {_age_text(age)} old" if depth else "")
    if not sync_on:
        queue = CheckLine("sync", "queue", Status.WARN if depth else Status.PASS, detail + " (sync is off)",
                          "configure [sync] endpoint so results reach the regional cloud" if depth else "")
    elif age >= QUEUE_FAIL_AGE:
        queue = CheckLine("sync", "queue", Status.FAIL, detail,
                          "results are not leaving the station: see `kiosk sync status` and the endpoint line")
    elif age >= QUEUE_WARN_AGE:
        queue = CheckLine("sync", "queue", Status.WARN, detail, "see `kiosk sync status`")
    else:
        queue = CheckLine("sync", "queue", Status.PASS, detail)
    batches = stats.get("quarantined_batches", 0)
    if batches:
        quarantine = CheckLine("sync", "quarantine", Status.WARN,
                               f"{batches} batch(es), {stats.get('quarantined', 0)} row(s) refused by the server",
                               "inspect with `kiosk sync quarantine list`; retry once the cause is fixed")
    else:
        quarantine = CheckLine("sync", "quarantine", Status.PASS, "empty")
    return [queue, quarantine]


def _age_text(age: timedelta) -> str:
    s = age.total_seconds()
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 86400 * 2:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"
