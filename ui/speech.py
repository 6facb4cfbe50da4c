"""Voice guidance: QtTextToSpeech (speech-dispatcher on Linux; the ``mock`` engine in tests), switchable.

A station whose speech engine is missing or broken still works silently: the failure is logged once
with the engine's own words and ``available`` turns false, so the voice toggle can say so.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Property, QLocale, QObject, Signal, Slot
from PySide6.QtTextToSpeech import QTextToSpeech

from kiosk.logs import log_event

log = logging.getLogger("ui.speech")

_LOCALES = {"zh": QLocale(QLocale.Language.Chinese, QLocale.Country.China),
            "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)}


class VoiceGuide(QObject):
    """Speaks one sentence at a time; a new sentence interrupts the last (the screen has moved on)."""

    enabledChanged = Signal()
    spoken = Signal(str)  # every sentence handed to the engine (tests and the demo summary read these)

    def __init__(self, engine: str = "", *, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._enabled = enabled
        self._engine_name = engine
        self._tts: QTextToSpeech | None = None
        self._failed = False
        self.history: list[str] = []

    def _engine(self) -> QTextToSpeech | None:
        if self._tts is None and not self._failed:
            self._tts = QTextToSpeech(self._engine_name, self) if self._engine_name else QTextToSpeech(self)
            if self._tts.state() == QTextToSpeech.State.Error:
                log_event(log, logging.WARNING, "speech engine unavailable; voice guidance off",
                          engine=self._engine_name or "default", error=self._tts.errorString())
                self._failed = True
                self._tts = None
        return self._tts

    @Property(bool, notify=enabledChanged)
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        if on != self._enabled:
            self._enabled = on
            if not on and self._tts is not None:
                self._tts.stop()
            self.enabledChanged.emit()

    @Property(bool, notify=enabledChanged)
    def available(self) -> bool:
        return self._engine() is not None

    def set_language(self, lang: str) -> None:
        tts = self._engine()
        if tts is not None and lang in _LOCALES:
            tts.setLocale(_LOCALES[lang])

    @Slot(str)
    def say(self, sentence: str) -> None:
        if not self._enabled or not sentence:
            return
        tts = self._engine()
        if tts is None:
            return
        tts.stop()
        tts.say(sentence)
        self.history.append(sentence)
        del self.history[:-200]
        self.spoken.emit(sentence)

    def stop(self) -> None:
        if self._tts is not None:
            self._tts.stop()
