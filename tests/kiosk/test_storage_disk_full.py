"""A file-size limit (EFBIG) or a full disk (ENOSPC) is reported as "disk full", at open and at write (issue 16 item 8).

SQLite maps ENOSPC on a write to SQLITE_FULL but EFBIG, and ENOSPC while setting up the WAL, to a generic
"disk I/O error"; the technician must still be told that space is the problem. The limit is real: each
case runs in a child process under ``RLIMIT_FSIZE`` (with SIGXFSZ ignored, so writes fail with EFBIG).
"""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.storage import DiskFull, StorageIOError
from kiosk.storage.errors import os_error

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from kiosk.storage import open_store
    from kiosk.storage.testing import sample_session, store_config
    tmp, mode = Path(sys.argv[1]), sys.argv[2]
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        if mode == "open":
            resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
            open_store(store_config(tmp))
        else:
            store = open_store(store_config(tmp))
            resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))
            for i in range(5000):
                store.create_session(sample_session(pseudonym="x" * 2000 + str(i)))
    except Exception as e:
        print(type(e).__name__ + ": " + str(e))
""")


@pytest.mark.parametrize("mode", ["open", "write"])
def test_a_file_size_limit_is_reported_as_disk_full(tmp_path: Path, mode: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path), mode], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    assert line.startswith("DiskFull: "), f"expected DiskFull, got {line!r}"
    assert "file-size limit" in line and "full" in line


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_os_errors_of_space_are_disk_full(code: int) -> None:
    err = os_error(OSError(code, "simulated"), Path("/data/station.key"), "writing the key file")
    assert isinstance(err, DiskFull) and "full" in str(err) and "/data/station.key" in str(err)


def test_other_os_errors_stay_io_errors() -> None:
    err = os_error(OSError(errno.EACCES, "Permission denied"), Path("/data/x"), "writing")
    assert type(err) is StorageIOError and "Permission denied" in str(err)
