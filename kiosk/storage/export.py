"""Exporting the database as CSV or JSON files, one per table; personal data only when asked for.

PIN hashes never leave the database. Files that hold personal data are written with mode 0600. The
caller audits the export before calling ``export`` (kiosk.commands.db); an export that fails part-way
removes every file it wrote, so no personal data is left on disk by an export that did not finish.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.errors import StorageError
from kiosk.storage.errors import SPACE_ERRNOS, os_error
from kiosk.storage.migrations import schema_version
from kiosk.storage.rows import iso
from kiosk.storage.store import Store

PERSONAL_TABLES = ("session_personal",)
EXPORTED_TABLES = ("sessions", "session_personal", "measurements", "not_measured", "reports", "reviews", "calibrations",
                   "outbox", "quarantine", "sync_state", "staff", "audit", "questionnaire_responses")
NEVER_EXPORTED_COLUMNS = {"staff": {"pin_hash", "pin_salt"}}


def table_counts(store: Store) -> dict[str, int]:
    return {t: store.db[t].count for t in store.db.table_names()}


def planned_counts(store: Store, *, include_personal: bool) -> dict[str, int]:
    """Rows per table an export would write now (what the audit entry records before the files exist)."""
    present = set(store.db.table_names())
    return {t: store.db[t].count for t in EXPORTED_TABLES
            if t in present and (include_personal or t not in PERSONAL_TABLES)}


def _rows(store: Store, table: str) -> tuple[list[str], Iterator[dict[str, Any]]]:
    hidden = NEVER_EXPORTED_COLUMNS.get(table, set())
    columns = [c.name for c in store.db[table].columns if c.name not in hidden]
    quoted = ", ".join(f'"{c}"' for c in columns)
    cur = store.conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')
    return columns, (dict(zip(columns, r, strict=True)) for r in cur)


def _open_for_writing(path: Path, private: bool, created: list[Path]):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    created.append(path)
    if private:
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def export(store: Store, out_dir: Path, fmt: str, *, include_personal: bool, now: datetime) -> dict[str, int]:
    """Write one file per table to ``out_dir``; returns rows written per table (and writes manifest.json)."""
    if fmt not in ("csv", "json"):
        raise ValueError(f"unknown export format {fmt!r}; expected csv or json")
    created_dir = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stale = sorted(p.name for p in out_dir.iterdir() if p.stem in PERSONAL_TABLES)
    except (OSError, ValueError) as e:
        raise StorageError(f"{out_dir}: cannot export there: {getattr(e, 'strerror', None) or e}") from None
    if stale and not include_personal:
        # the folder would hold personal data beside a manifest saying it holds none
        raise StorageError(f"{out_dir}: already holds personal data from an earlier export ({', '.join(stale)}); "
                           "export into an empty folder, or delete those files first")
    created: list[Path] = []
    try:
        return _export(store, out_dir, fmt, include_personal, now, created)
    except BaseException as e:
        _remove(created, out_dir if created_dir else None)
        if isinstance(e, OSError):
            if e.errno in SPACE_ERRNOS:
                raise os_error(e, out_dir, "writing the export (its files were removed)") from None
            raise StorageError(f"{out_dir}: writing the export failed: {e.strerror or e}; the files it had "
                               "written were removed") from None
        raise


def _remove(files: list[Path], folder: Path | None) -> None:
    """Take back a failed export: its own files, and its folder if it made it (never anything else)."""
    for path in files:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    if folder is not None:
        with contextlib.suppress(OSError):  # not empty: something else is in it, so it stays
            folder.rmdir()


def _export(store: Store, out_dir: Path, fmt: str, include_personal: bool, now: datetime,
            created: list[Path]) -> dict[str, int]:
    present = set(store.db.table_names())
    written: dict[str, int] = {}
    for table in EXPORTED_TABLES:
        if table not in present or (table in PERSONAL_TABLES and not include_personal):
            continue
        private = table in PERSONAL_TABLES
        columns, rows = _rows(store, table)
        n = 0
        path = out_dir / f"{table}.{fmt}"
        with _open_for_writing(path, private, created) as f:
            if fmt == "csv":
                writer = csv.DictWriter(f, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow(row)
                    n += 1
            else:
                all_rows = list(rows)
                json.dump(all_rows, f, ensure_ascii=False, indent=1)
                n = len(all_rows)
        written[table] = n
    manifest = {"exported_at": iso(now), "format": fmt, "schema_version": schema_version(store.db),
                "encryption": store.encryption.value, "include_personal": include_personal, "rows": written}
    with _open_for_writing(out_dir / "manifest.json", include_personal, created) as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
    return written
