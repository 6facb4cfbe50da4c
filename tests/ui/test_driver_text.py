"""Every sentence a driver may put before a resident or a technician is in the catalogue, and shows in Chinese."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import DeviceReportedError, DeviceTimeout, DriverError
from drivers.codecs.oem_bp_serial import ERROR_CODES
from drivers.devices.ble_glucometer import VOIDING
from drivers.devices.vital_capacity import RESIDENT_MESSAGES
from drivers.guided_calibration import STEP_TEXT
from ui.app import qt_application
from ui.device_guidance import error_message
from ui.driver_text import CALIBRATION_TEXTS, RESIDENT_TEXTS, calibration_instruction, resident_hint
from ui.i18n import Translations, build_catalogues

DRIVERS = Path(__file__).resolve().parents[2] / "drivers"
GENERIC = {DriverError.resident_message, DeviceTimeout.resident_message,
           "The device was disconnected. Please ask a member of staff.",
           "This device is waiting for a check by staff and cannot be used right now."}


def _strings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield f"<an f-string at line {node.lineno}: it cannot be translated>"
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def driver_sentences() -> dict[str, str]:
    """Resident sentences written in drivers/: ``resident_message=`` arguments and class attributes, names that
    end in MESSAGE(S) or are called ``resident``, and a Progress's ``message``."""
    found: dict[str, str] = {}
    for path in sorted(DRIVERS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            values: list[ast.AST] = []
            if isinstance(node, ast.keyword) and node.arg == "resident_message":
                values.append(node.value)
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Progress":
                values += [k.value for k in node.keywords if k.arg == "message"]
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [getattr(t, "id", "") for t in targets]
                if any(n == "resident" or n == "resident_message" or n.endswith(("MESSAGE", "MESSAGES"))
                       for n in names) and node.value is not None:
                    values.append(node.value)
            for value in values:
                for text in _strings(value):
                    found.setdefault(text, f"{path.relative_to(DRIVERS.parent)}:{getattr(value, 'lineno', '?')}")
    found.pop("", None)
    found.pop("pulse", None)  # the OEM monitor's Progress marks a detected pulse; a flag, not a sentence
    return found


def test_the_scan_finds_the_drivers_sentences() -> None:
    found = driver_sentences()
    assert "No squeeze was felt. Please squeeze the handle hard." in found  # a keyword argument
    assert "Please let go of the handle and try again." in found  # through a local ``resident``
    assert "Air escaped. Seal your lips round the mouthpiece and blow again." in found  # a MESSAGES table


def test_every_driver_sentence_is_listed_for_translation() -> None:
    listed = set(RESIDENT_TEXTS) | GENERIC
    tables = {e.resident_message for e in ERROR_CODES.values()} | set(VOIDING.values()) | set(
        RESIDENT_MESSAGES.values())
    missing = {text: where for text, where in driver_sentences().items() if text not in listed}
    missing |= {text: "a driver table" for text in tables if text not in listed}
    assert not missing, f"add these to ui/driver_text.py RESIDENT_TEXTS, then translations.py update: {missing}"


def test_every_calibration_step_is_listed_for_translation() -> None:
    assert set(STEP_TEXT.values()) <= set(CALIBRATION_TEXTS)


@pytest.fixture
def chinese() -> Iterator[None]:
    qt_application()  # the station's own (pytest-qt's ``qapp`` would quit the later tests' loops on a window close)
    build_catalogues()
    translations = Translations()
    translations.use("zh")
    yield
    translations.use("en")


@pytest.mark.usefixtures("chinese")
def test_driver_sentences_show_in_chinese() -> None:
    for text in RESIDENT_TEXTS:
        shown = resident_hint(text, english=False)
        assert shown and shown != text and any("\u4e00" <= ch <= "\u9fff" for ch in shown), text
    assert resident_hint("A sentence no catalogue holds.", english=False) is None
    assert resident_hint("A sentence no catalogue holds.", english=True) == "A sentence no catalogue holds."


@pytest.mark.usefixtures("chinese")
def test_a_device_hint_reaches_a_chinese_screen_and_an_unknown_one_falls_back() -> None:
    loose = DeviceReportedError("0x01 cuff_loose", code="cuff_loose", device_id="bp",
                                resident_message="The cuff seems loose. Please wrap it again, snugly.")
    shown = error_message(loose, english=False)
    assert shown == resident_hint(loose.resident_message, english=False)
    odd = DeviceReportedError("0x7f", code="odd", device_id="bp", resident_message="Something new from firmware.")
    general = error_message(odd, english=False)
    assert general != odd.resident_message and any("\u4e00" <= ch <= "\u9fff" for ch in general)
    assert error_message(odd, english=True) == "Something new from firmware."


@pytest.mark.usefixtures("chinese")
def test_calibration_steps_show_in_chinese_with_their_numbers() -> None:
    shown = calibration_instruction(STEP_TEXT["platform_place"], {"mass": "20", "x": "-120", "y": "85"})
    assert "20" in shown and "-120" in shown and "85" in shown and "{" not in shown
    assert any("\u4e00" <= ch <= "\u9fff" for ch in shown)
    for template in CALIBRATION_TEXTS:
        assert calibration_instruction(template, {"mass": "1", "stroke": "1", "strokes": "3", "x": "0", "y": "0",
                                                  "pressure": "50"}) != template
