"""`kiosk db init|migrate|check|export|purge`: the technician's tools for the station database.

Only `init` creates a database; the others refuse a missing or empty one (kiosk.storage.presence).
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from kiosk.audit import AuditLog
from kiosk.config import StorageEncryption
from kiosk.domain import utcnow


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="migrate, check, export or purge the station database")
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    init = dsub.add_parser("init", help="create the database of a new station (the only command that creates one)")
    init.add_argument("--force", action="store_true",
                      help="create an empty database even though the data folder shows the station held data "
                           "(after a lost or truncated database that cannot be restored)")
    init.set_defaults(func=_init)
    dsub.add_parser("migrate", help="bring the database to the current schema (backing it up first)").set_defaults(
        func=_migrate)
    dsub.add_parser("check", help="integrity check, schema version, row counts, encryption mode").set_defaults(
        func=_check)
    exp = dsub.add_parser("export", help="write every table as CSV or JSON (personal data only with a flag)")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")
    exp.add_argument("--out", metavar="DIR", help="output folder (default: DATA_DIR/export-<time>)")
    exp.add_argument("--include-personal", action="store_true",
                     help="also export names, ID numbers, phones and birth dates (files written mode 0600)")
    exp.set_defaults(func=_export)
    dsub.add_parser("purge", help="delete personal data of synced sessions older than the retention period"
                    ).set_defaults(func=_purge)


def _open(args: argparse.Namespace):
    from kiosk.cli import station_config
    from kiosk.storage import Create, open_store

    return station_config(args), open_store(station_config(args), create=Create.NEVER)


def _init(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.storage import Create, open_store
    from kiosk.storage.connection import database_path
    from kiosk.storage.presence import file_is_empty

    cfg = station_config(args)
    path = database_path(cfg)
    if not file_is_empty(path):
        with open_store(cfg, create=Create.NEVER) as store:
            version = store.migrated[1]
        print(f"{path}: a database is already here (schema version {version}); nothing to do")
        return 0
    with open_store(cfg, create=Create.FORCE if args.force else Create.IF_FRESH) as store:
        AuditLog(store).record("console", "system", "db.init", details={"forced": bool(args.force)})
    print(f"{path}: created a new, empty station database ({cfg.storage.encryption.value})"
          + (" over an empty one, as --force asked" if args.force else ""))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from kiosk.storage.migrations import backup_path

    _, store = _open(args)
    with store:
        before, after = store.migrated
        if before == after:
            print(f"{store.path}: schema version {after} is current; nothing to do")
        else:
            note = f" (backup: {backup_path(store.path, before)})" if before else ""
            print(f"{store.path}: migrated schema version {before} -> {after}{note}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk.storage.connection import key_file_path, key_id, load_or_create_key, quick_check
    from kiosk.storage.export import table_counts
    from kiosk.storage.migrations import LATEST_VERSION, schema_version

    cfg, store = _open(args)
    with store:
        problems = quick_check(store.conn, store.path, full=True)
        if cfg.storage.encryption is StorageEncryption.SQLCIPHER:
            key_path = key_file_path(cfg)
            mode = f"sqlcipher (key file {key_path}, key id {key_id(load_or_create_key(key_path))})"
        else:
            mode = "none — NOT ENCRYPTED (demo and tests only)"
        print(f"database:        {store.path}")
        print(f"encryption:      {mode}")
        print(f"schema version:  {schema_version(store.db)} (this software: {LATEST_VERSION})")
        print(f"integrity check: {'ok' if not problems else '; '.join(problems[:10])}")
        stats = store.outbox_stats()
        print(f"outbox:          {stats['pending']} pending, {stats['acked']} acknowledged, "
              f"{stats['quarantined_batches']} quarantined batch(es)")
        print("rows per table:")
        for table, n in sorted(table_counts(store).items()):
            print(f"  {table:<18} {n}")
    return 0 if not problems else 1


def _export(args: argparse.Namespace) -> int:
    """Audit first, then write: an export that cannot be audited writes nothing, one that fails part-way
    removes its files (kiosk.storage.export) and is audited as failed."""
    from kiosk.errors import StorageError
    from kiosk.storage.export import export, planned_counts

    cfg, store = _open(args)
    now = utcnow()
    out = Path(args.out) if args.out else cfg.data_path / f"export-{now:%Y%m%dT%H%M%SZ}"
    with store:
        audit = AuditLog(store)
        details = {"format": args.format, "include_personal": args.include_personal,
                   "rows": planned_counts(store, include_personal=args.include_personal)}
        audit.record("console", "system", "db.export", target=str(out), details=details)
        try:
            written = export(store, out, args.format, include_personal=args.include_personal, now=now)
        except (StorageError, ValueError) as e:
            # the export entry above stands if this one cannot be written; the export's own error matters more
            with contextlib.suppress(StorageError):
                audit.record("console", "system", "db.export_failed", target=str(out),
                             details={"error": type(e).__name__})
            raise
    total = sum(written.values())
    print(f"exported {total} row(s) from {len(written)} table(s) as {args.format} to {out}"
          + (" — INCLUDING PERSONAL DATA (session_personal)" if args.include_personal else " (no personal data)"))
    for table, n in written.items():
        print(f"  {table:<18} {n}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    cfg, store = _open(args)
    with store:
        counts = store.purge_personal_data(utcnow())
        AuditLog(store).record("console", "system", "db.purge", details=counts)
    print(f"purged the personal data of {counts['purged']} session(s) older than {cfg.storage.retention_days} days; "
          f"{counts['waiting_for_sync']} older session(s) keep theirs until the cloud has acknowledged them")
    return 0
