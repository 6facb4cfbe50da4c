"""The rules every secret file on the station obeys, and reading and creating such files by them.

A secret file (the database key, the resident secret, the pseudonym key, the OAuth client secret) must
be owned by the user the station runs as and readable by no one else (no group or other permission
bits), and when it is a symlink, the file it points to must obey both rules. A new secret is written
with O_EXCL at mode 0600 and fsynced with its folder, so a power cut cannot leave a half-written one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kiosk.errors import KioskError


class SecretFileError(KioskError):
    """A secret file is exposed, owned by someone else, or damaged."""


def private_file_problem(path: Path, what: str) -> str | None:
    """Why ``path`` may not hold a secret (its owner, its mode, where its symlink points), or None.
    Raises FileNotFoundError when it does not exist."""
    st = path.stat()  # follows a symlink: the rules apply to the file the bytes come from
    via = f" (through the symlink {path} -> {os.path.realpath(path)})" if path.is_symlink() else ""
    if not stat.S_ISREG(st.st_mode):
        return f"{path}: {what} is not a regular file{via}"
    if st.st_uid != os.geteuid():
        return (f"{path}: {what} is owned by user {st.st_uid}, not by the station's user {os.geteuid()}{via}; "
                f"run: chown {os.geteuid()} {os.path.realpath(path)}")
    if st.st_mode & 0o077:
        return (f"{path}: {what} has mode {stat.S_IMODE(st.st_mode):04o}{via}, which lets other users read it; "
                f"it must be 0600 (run: chmod 600 {os.path.realpath(path)})")
    return None


def read_private(path: Path, what: str) -> bytes:
    """The bytes of a secret file that obeys the rules; SecretFileError naming the broken rule otherwise.
    FileNotFoundError passes through (callers decide whether a missing secret is made or refused)."""
    problem = private_file_problem(path, what)
    if problem:
        raise SecretFileError(problem)
    try:
        return path.read_bytes()
    except OSError as e:
        raise SecretFileError(f"{path}: cannot read {what}: {e.strerror or e}") from None


def create_private(path: Path, data: bytes) -> None:
    """Write a new secret file (mode 0600, never over an existing one) and fsync it and its folder.
    FileExistsError when another process made it first; a failed write leaves no partial file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a new file's name durable (its bytes were fsynced already)."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
