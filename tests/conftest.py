"""Suite-wide guards."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

# CI (and `make test`) runs the same examples every time: a property that fails there must fail again for whoever
# looks, and a good submission is never refused by one unlucky draw replayed from the example database. A
# developer's plain `pytest` explores new examples ("dev"); `make fuzz` searches long ("nightly").
# HYPOTHESIS_PROFILE picks one; otherwise CI=true means "ci".
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", derandomize=False)
settings.register_profile("nightly", derandomize=False, max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """A CLI run in-process points the root logger at pytest's captured stderr, which closes after that test;
    later tests' log lines then fail with "I/O operation on closed file". Put the root logger back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
