"""Language switching: Qt Linguist catalogues (``ui/i18n/station_<lang>.qm``) installed at run time.

Source strings are English; Chinese comes from ``station_zh.qm``, built from the committed
``station_zh.ts`` by ``make`` (``pyside6-lrelease``). Switching installs or removes the translator
and asks the QML engine to re-evaluate every ``qsTr`` binding, so a screen changes language in place.
Python-side strings go through :func:`translate` with a context, which ``pyside6-lupdate`` extracts too.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.logs import log_event

log = logging.getLogger("ui.i18n")

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES = ("zh", "en")
SOURCE_LANGUAGE = "en"


def catalogue(lang: str) -> Path:
    return I18N_DIR / f"station_{lang}.qm"


def build_catalogues() -> list[Path]:
    """Compile every ``.ts`` whose ``.qm`` is missing or older (the Makefile does this; tests call it too)."""
    built = []
    for ts in sorted(I18N_DIR.glob("station_*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        lrelease = Path(sys.executable).with_name("pyside6-lrelease")
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def translate(context: str, text: str) -> str:
    """Translate a Python-side visible string (``pyside6-lupdate`` finds calls written exactly like this)."""
    return QCoreApplication.translate(context, text)


_installed: list[QTranslator] = []  # process-wide: one application object, one translator at a time


class Translations:
    """Switches the whole application's language; ``use(lang)`` replaces whatever translator is installed."""

    def __init__(self) -> None:
        self.language = SOURCE_LANGUAGE

    def use(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
        app = QCoreApplication.instance()
        while _installed:
            app.removeTranslator(_installed.pop())
        if lang != SOURCE_LANGUAGE:
            translator = QTranslator()
            path = catalogue(lang)
            if not translator.load(str(path)):
                log_event(log, logging.ERROR, "translation catalogue missing; showing English", path=str(path))
            else:
                app.installTranslator(translator)
                _installed.append(translator)
        self.language = lang
