"""Every visible string of the interface has a Chinese translation, and the catalogue matches the sources."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_every_visible_string_is_in_the_catalogue_and_translated() -> None:
    found = _tool().problems()
    assert not found, "run `python scripts/translations.py update`, then translate:\n" + "\n".join(found)


def test_placeholders_survive_translation() -> None:
    for (ctx, source), zh in _tool().messages(_tool().TS).items():
        if zh is None:
            continue
        for mark in ("%1", "%2", "%3"):
            assert (mark in source) == (mark in zh), f"[{ctx}] {source!r} → {zh!r} loses or adds {mark}"
        named = sorted(re.findall(r"\{\w+\}", source))  # str.format fields (the drivers' calibration steps)
        assert sorted(re.findall(r"\{\w+\}", zh)) == named, f"[{ctx}] {source!r} → {zh!r} changes {named}"
