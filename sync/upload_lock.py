"""The uploader's lock: one drain at a time per station, whichever process (service or `kiosk sync push`) runs it.

Without it, `kiosk sync push` during the service's drain resent the service's in-flight batch under the
same Idempotency-Key concurrently and sent the same rows in parallel batches, which a server's
conditional create (``ifNoneExist``) can race into duplicates.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from kiosk.errors import StorageError

LOCK_NAME = "uploader.lock"  # in the data directory


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[bool]:
    """A non-blocking exclusive ``flock`` on ``path`` for the ``with`` block: yields whether it was obtained.
    The kernel drops it when the process dies, so a killed uploader never leaves it stuck."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise StorageError(f"cannot open the uploader lock {path}: {e.strerror or e}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock
