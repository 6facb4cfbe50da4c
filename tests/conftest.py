"""Suite-wide guards."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A CLI run in-process points the root logger at pytest's captured stderr, which closes after that test;
    later tests' log lines then fail with "I/O operation on closed file". Put the root logger back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
