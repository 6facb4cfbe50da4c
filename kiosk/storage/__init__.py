"""Local storage of the station: sessions, results, reports, the sync outbox, staff and audit.

``open_store(cfg)`` gives a Store (one connection, one thread); see kiosk.storage.store.
"""

from kiosk.storage.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    DiskFull,
    KeyFileError,
    NotAcceptingSessions,
    RecordConflict,
    SchemaTooNew,
    StorageIOError,
    UnknownRecord,
    WrongKey,
)
from kiosk.storage.migrations import LATEST_VERSION
from kiosk.storage.outbox import OutboxItem
from kiosk.storage.presence import Create
from kiosk.storage.store import Store, open_store

__all__ = [
    "LATEST_VERSION",
    "Create",
    "DatabaseCorrupt",
    "DatabaseLocked",
    "DatabaseMissing",
    "DiskFull",
    "KeyFileError",
    "NotAcceptingSessions",
    "OutboxItem",
    "RecordConflict",
    "SchemaTooNew",
    "StorageIOError",
    "Store",
    "UnknownRecord",
    "WrongKey",
    "open_store",
]
