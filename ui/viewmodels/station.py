"""The station shell: which screen shows, the language, voice, idle timeout, staff sign-in and kiosk exit.

Screens are QML files in ``ui/qml/screens``; ``go(name)`` switches to one. Resident screens time out
(warn, then clear everything personal and return to the attract screen); staff screens time out the
same way and sign the member out. Nothing here knows what a screen shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.audit import AuditLog
from kiosk.config import StationConfig
from kiosk.errors import KioskError
from kiosk.logs import log_event
from kiosk.staff import LockedOut, StaffMember, StaffRegistry, StaffRole, WrongPin
from kiosk.storage import Store
from kiosk.storage.connection import Connection
from ui.i18n import Translations, translate
from ui.idle import IdleWatch
from ui.speech import VoiceGuide

log = logging.getLogger("ui.station")

ATTRACT = "Attract"
# Screens where no one is being served: the idle clock does not run there.
RESTING_SCREENS = {ATTRACT}


class StationModel(QObject):
    screenChanged = Signal()
    languageChanged = Signal()
    idleChanged = Signal()
    staffChanged = Signal()
    noticeChanged = Signal()
    exitRequested = Signal()
    fullscreenChanged = Signal()

    def __init__(self, cfg: StationConfig, store: Store, voice: VoiceGuide, translations: Translations,
                 idle: IdleWatch, *, retranslate: Callable[[], None] = lambda: None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cfg, self.store, self.voice, self.translations, self.idle = cfg, store, voice, translations, idle
        self._retranslate = retranslate
        self.staff = StaffRegistry(store)
        self.audit = AuditLog(store)
        self._screen = ATTRACT
        self.history: list[str] = [ATTRACT]  # every screen shown, in order (the demo and tests read it)
        self._idle_left = -1
        self._staff: StaffMember | None = None
        self._notice = ""
        self._fullscreen = cfg.ui.fullscreen
        self.on_session_end: list[Callable[[], None]] = []  # view-models that hold personal data register here
        idle.warning.connect(self._idle_warning)
        idle.cleared.connect(self._idle_cleared)
        idle.timedOut.connect(self._idle_timed_out)
        self.setLanguage(cfg.ui.language if cfg.ui.language in cfg.languages else cfg.languages[0])

    # ---- navigation ------------------------------------------------------------------------
    @Property(str, notify=screenChanged)
    def screen(self) -> str:
        return self._screen

    @Slot(str)
    def go(self, name: str) -> None:
        if name == self._screen:
            return
        self._screen = name
        self.history.append(name)
        self.idle.arm(name not in RESTING_SCREENS)
        self._set_notice("")
        log_event(log, logging.DEBUG, "screen", name=name)
        self.screenChanged.emit()

    @Slot()
    def endSession(self) -> None:
        """Finish or abandon: clear every personal detail, sign staff out, show the attract screen."""
        for forget in reversed(self.on_session_end):  # screens stop their work before the session is wiped
            forget()
        self.signOut()
        self.voice.stop()
        self.voice.history.clear()  # what was said to the resident (results, notices) goes too
        self.setLanguage(self.cfg.ui.language if self.cfg.ui.language in self.cfg.languages else self.cfg.languages[0])
        self.voice.enabled = self.cfg.ui.voice
        self.go(ATTRACT)

    # ---- language and voice ----------------------------------------------------------------
    @Property(str, notify=languageChanged)
    def language(self) -> str:
        return self.translations.language

    @Property("QStringList", constant=True)
    def languages(self) -> list[str]:
        return list(self.cfg.languages)

    @Slot(str)
    def setLanguage(self, lang: str) -> None:
        if lang not in self.cfg.languages:
            return
        self.voice.set_language(lang)
        if lang == self.translations.language:
            return  # a no-op switch must not re-evaluate every binding (under a finger, or mid-click)
        self.translations.use(lang)
        # After the click that asked for it has been handled: a retranslate inside a QML handler is lost.
        QTimer.singleShot(0, self._retranslate)
        self.languageChanged.emit()

    @Slot(str)
    def say(self, sentence: str) -> None:
        self.voice.say(sentence)

    # ---- idle ------------------------------------------------------------------------------
    @Property(int, notify=idleChanged)
    def idleSecondsLeft(self) -> int:
        """-1 when no warning shows; else the seconds until the session closes itself."""
        return self._idle_left

    @Slot()
    def stillHere(self) -> None:
        self.idle.touch()

    def _idle_warning(self, left: int) -> None:
        if left != self._idle_left:
            first = self._idle_left < 0
            self._idle_left = left
            self.idleChanged.emit()
            if first:
                self.voice.say(translate("Station", "Are you still there? Touch the screen to continue."))

    def _idle_cleared(self) -> None:
        self._idle_left = -1
        self.idleChanged.emit()

    def _idle_timed_out(self) -> None:
        log_event(log, logging.INFO, "idle timeout; session closed", screen=self._screen)
        self._idle_left = -1
        self.idleChanged.emit()
        self.endSession()

    # ---- staff -----------------------------------------------------------------------------
    @Property(str, notify=staffChanged)
    def staffName(self) -> str:
        return self._staff.name if self._staff else ""

    @Property(str, notify=staffChanged)
    def staffRole(self) -> str:
        return self._staff.role.value if self._staff else ""

    @Slot(str, result="QStringList")
    def staffNames(self, role: str) -> list[str]:
        return [m.name for m in self.staff.list() if m.active and m.role.value == role]

    @Slot(str, str, str, result=str)
    def signIn(self, role: str, name: str, pin: str) -> str:
        """"" on success; else a plain sentence for the screen (the audit log has the detail)."""
        try:
            member = self.staff.authenticate(name, pin)
        except LockedOut:
            return translate("Station", "Too many wrong PINs. This account is locked for five minutes.")
        except WrongPin as e:
            left = e.attempts_left
            if left is None:
                return translate("Station", "That name or PIN was not accepted.")
            return translate("Station", "That PIN was not accepted. Tries left before a five-minute lock: %1").replace(
                "%1", str(left))
        except KioskError as e:
            log_event(log, logging.ERROR, "staff sign-in failed", error=str(e))
            return translate("Station", "Sign-in is not possible right now. Please try again.")
        if member.role is not StaffRole(role):
            self.audit.record(member.name, member.role.value, "staff.signin_wrong_role", details={"wanted": role})
            return translate("Station", "This account cannot open that mode.")
        self._staff = member
        self.idle.arm(True)
        self.staffChanged.emit()
        return ""

    @Slot()
    def signOut(self) -> None:
        if self._staff is not None:
            self.audit.record(self._staff.name, self._staff.role.value, "staff.signout")
            self._staff = None
            self.staffChanged.emit()

    def audit_view(self, action: str, target: str | None = None, **details: object) -> None:
        """Audit what the signed-in staff member opened or changed (doctor and technician screens call this)."""
        self.audit_in(None, action, target, **details)

    def audit_in(self, conn: Connection | None, action: str, target: str | None = None, **details: object) -> None:
        """The same, inside the caller's open write transaction (``conn``), or in its own when None."""
        if self._staff is None:
            raise RuntimeError("no staff member is signed in")
        who = (self._staff.name, self._staff.role.value, action, target, details or None)
        if conn is None:
            self.audit.record(*who)
        else:
            self.audit.append(conn, *who)

    @property
    def signed_in(self) -> StaffMember | None:
        return self._staff

    # ---- notices and kiosk -----------------------------------------------------------------
    @Property(str, notify=noticeChanged)
    def notice(self) -> str:
        """A non-blocking line shown at the foot of the screen (cleared when the screen changes)."""
        return self._notice

    def _set_notice(self, text: str) -> None:
        if text != self._notice:
            self._notice = text
            self.noticeChanged.emit()

    @Slot(str)
    def showNotice(self, text: str) -> None:
        self._set_notice(text)

    @Property(bool, notify=fullscreenChanged)
    def fullscreen(self) -> bool:
        return self._fullscreen

    @Slot(str, str, result=str)
    def exitKiosk(self, name: str, pin: str) -> str:
        """Staff leave kiosk mode: any active staff member's PIN; returns "" and quits, or says why not."""
        try:
            member = self.staff.authenticate(name, pin)
        except LockedOut:
            return translate("Station", "Too many wrong PINs. This account is locked for five minutes.")
        except WrongPin:
            return translate("Station", "That name or PIN was not accepted.")
        self.audit.record(member.name, member.role.value, "station.exit_kiosk")
        self.exitRequested.emit()
        return ""

    @Slot(result="QStringList")
    def allStaffNames(self) -> list[str]:
        return [m.name for m in self.staff.list() if m.active]
