"""The technician's log export: station log, audit log (chain verified) and device states in one zip.

No Qt here, so it is tested with plain data. The export leaves the station on a USB stick or by
e-mail to the maintainer, so nothing personal may be in it: the audit log never holds personal data
by construction (``kiosk.audit`` refuses personal keys), and every text written is still scanned for
what would identify a resident — an 18-character ID number or an 11-digit mobile number — and such a
run is replaced by ``[removed]`` (a log line written by mistake must not leak through an export).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import zipfile
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.logs import KeyValueFormatter

# GB 11643 resident ID numbers (17 digits + check digit or X) and mainland mobile numbers, not inside longer digit runs.
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")
REDACTED = "[removed]"


def redact_personal(text: str) -> tuple[str, int]:
    """``text`` with ID numbers and mobile numbers replaced; returns it and how many were replaced."""
    return _PERSONAL.subn(REDACTED, text)


class RecentLog(logging.Handler):
    """Keeps the station's last log lines in memory, formatted as the console shows them, for the export."""

    def __init__(self, lines: int = 5000) -> None:
        super().__init__()
        self.setFormatter(KeyValueFormatter())
        self._lines: deque[str] = deque(maxlen=lines)
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a broken record must not break the logging of the rest
            return
        with self._guard:
            self._lines.append(line)

    def lines(self) -> list[str]:
        with self._guard:
            return list(self._lines)


def write_export(folder: Path, station_id: str, log_lines: Iterable[str], audit_entries: Iterable[Mapping[str, Any]],
                 audit_check: Mapping[str, Any], device_states: Iterable[Mapping[str, Any]],
                 sync_status: Mapping[str, Any], *, now: datetime | None = None) -> tuple[Path, int]:
    """Write ``<folder>/station-logs-<station>-<time>.zip``; returns its path and how many runs were redacted."""
    at = now or datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    safe_station = re.sub(r"[^A-Za-z0-9_.-]", "_", station_id) or "station"
    path = folder / f"station-logs-{safe_station}-{at:%Y%m%d-%H%M%S}.zip"
    audit = list(audit_entries)
    parts = {
        "station.log": "\n".join(log_lines) + "\n",
        "audit.jsonl": "".join(json.dumps(dict(e), ensure_ascii=False, default=str) + "\n" for e in audit),
        "audit-verify.json": json.dumps({**audit_check, "entries": len(audit)}, indent=2, default=str),
        "devices.json": json.dumps(list(device_states), indent=2, ensure_ascii=False, default=str),
        "sync-status.json": json.dumps(dict(sync_status), indent=2, ensure_ascii=False, default=str),
    }
    removed = 0
    part_path = path.with_suffix(".part")
    with zipfile.ZipFile(part_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            clean, n = redact_personal(text)
            removed += n
            zf.writestr(name, clean)
        zf.writestr("README.txt", f"Log export of station {station_id} at {at.isoformat(timespec='seconds')}.\n"
                                  f"Personal-number runs removed: {removed}.\n")
    part_path.replace(path)
    return path, removed
