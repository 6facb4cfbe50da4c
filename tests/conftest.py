"""Suite-wide guards."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

# CI runs the same examples every time (a property that fails there must fail again for whoever looks); a
# developer's run explores new ones. CI sets CI=true.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A CLI run in-process points the root logger at pytest's captured stderr, which closes after that test;
    later tests' log lines then fail with "I/O operation on closed file". Put the root logger back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
