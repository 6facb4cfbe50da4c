"""The resident's way from "start" to the test menu: identify, consent, safety, choose tests (QML ``flow``).

Identify: a QR code from the station camera (``ui.qr_scan``), a typed ID number or mobile number,
or a guest. A typed mistake is answered in plain words on the screen and the resident stays to fix
it; nothing blocks. Phone numbers and guests give sex and birth year so grading can pick the table.
The menu (``ui.menu_plan``) follows the configured devices, their live states, the consent and the
safety answers. Device and camera test screens read ``currentTest``/``currentTestKind`` and call
``testFinished()``, which returns to the menu or starts the next test of a full check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from drivers.manager import DeviceEvent, EventKind
from kiosk.domain import QuestionnaireStatus, Resident, Sex
from kiosk.errors import InputError, KioskError
from kiosk.identity import ResidentId, parse_phone, parse_resident_id
from kiosk.logs import log_event
from ui.i18n import translate
from ui.menu_plan import (
    CAMERA_EXERCISES,
    COURSE_ANALYSERS,
    OLDER_ADULT_ANALYSERS,
    OLDER_ADULT_MIN_AGE,
    QUESTIONNAIRE_KIND,
    TestSpec,
    Tile,
    TileState,
    battery_order,
    full_check_order,
    menu_tiles,
    next_in_full_check,
    offered_tests,
    older_adult_battery,
    with_battery,
    with_questionnaires,
)
from ui.qr_scan import resident_id_from_qr
from ui.viewmodels import resident_flow_text as words
from ui.viewmodels.card_scanner import CardScanner

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.resident_flow")

SAFETY_KEYS = ("chest_pain", "dizziness_or_fainting", "recent_surgery", "doctor_said_no_exercise",
               "bone_or_joint_problem")
IDENTIFY_STEPS = ("choose", "qr", "id", "phone", "details")
OLDEST_AGE, YOUNGEST_AGE = 110, 10  # a typed birth year outside this is a typing mistake


class ResidentFlow(QObject):
    changed = Signal()
    identifyStepChanged = Signal()  # its own signal: the screen clears its keypad on a new step, not on an error
    tilesChanged = Signal()
    currentTestChanged = Signal()
    testOpened = Signal(str)  # a test screen is being opened for this test (not re-emitted on a language switch)

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self._scanner = CardScanner(app, on_code=self._qr_code, on_failure=self._qr_failure)
        self._tiles: list[Tile] | None = None
        self._reset()
        app.session.changed.connect(self._invalidate_tiles)
        app.station.languageChanged.connect(self._language_changed)
        app.station.screenChanged.connect(self._screen_changed)
        app.manager.add_listener(self._device_event)
        self._screen = app.station.screen

    def _reset(self) -> None:
        self._step = "choose"
        self._error: Callable[[], str] = str
        self._scan_problem: Callable[[], str] = str
        self._details_for = ""  # "phone" | "guest"
        self._phone = ""
        self._sex: Sex | None = None
        self._current = ""
        self._full_check: list[str] | None = None

    @Slot()
    def clear(self) -> None:
        """The session ended: stop the camera, forget the typed number and everything chosen."""
        self._stop_scanner()
        self._reset()
        self._tiles = None
        self.identifyStepChanged.emit()
        self.changed.emit()
        self.tilesChanged.emit()
        self.currentTestChanged.emit()

    async def aclose(self) -> None:
        await self._scanner.aclose()

    # ---- identify: properties -------------------------------------------------------------
    @Property(str, notify=identifyStepChanged)
    def identifyStep(self) -> str:
        return self._step

    @Property(str, notify=changed)
    def identifyError(self) -> str:
        return self._error()

    @Property(str, notify=changed)
    def detailsFor(self) -> str:
        return self._details_for

    @Property(str, notify=changed)
    def chosenSex(self) -> str:
        return self._sex.value if self._sex else ""

    @Property(bool, constant=True)
    def cameraConfigured(self) -> bool:
        return self.app.cfg.camera.source != ""

    @Property(bool, notify=changed)
    def scanning(self) -> bool:
        return self._scanner.running

    @Property(str, notify=changed)
    def scanProblem(self) -> str:
        return self._scan_problem()

    @Property(int, constant=True)
    def earliestBirthYear(self) -> int:
        return date.today().year - OLDEST_AGE

    @Property(int, constant=True)
    def latestBirthYear(self) -> int:
        return date.today().year - YOUNGEST_AGE

    # ---- identify: actions ----------------------------------------------------------------
    @Slot(str)
    def chooseIdentify(self, step: str) -> None:
        """Open one way of identifying ("qr", "id", "phone"), or go back to the choice ("choose")."""
        if step not in IDENTIFY_STEPS or step == "details":
            raise ValueError(f"unknown identify step {step!r}")
        if step != "qr":
            self._stop_scanner()
        self._step, self._error, self._details_for, self._phone, self._sex = step, str, "", "", None
        self.identifyStepChanged.emit()
        if step == "qr":
            self._start_scanner()
        self.changed.emit()

    @Slot(str, result=bool)
    def submitIdNumber(self, text: str) -> bool:
        try:
            rid = parse_resident_id(text)
        except InputError as e:
            log_event(log, logging.INFO, "ID number refused", reason=str(e))
            self._set_error(lambda e=e: words.id_error(e))  # bound: `e` is deleted after except
            return False
        self._identify_by_id(rid, "id_number")
        return True

    @Slot(str, result=bool)
    def submitPhone(self, text: str) -> bool:
        try:
            self._phone = parse_phone(text)
        except InputError as e:
            log_event(log, logging.INFO, "phone number refused", reason=str(e))
            self._set_error(lambda: translate(
                "ResidentFlow", "A mobile number has 11 digits and starts with 1. Please check it."))
            return False
        self._step, self._details_for, self._error, self._sex = "details", "phone", str, None
        self.identifyStepChanged.emit()
        self.changed.emit()
        return True

    @Slot()
    def chooseGuest(self) -> None:
        self._stop_scanner()
        self._step, self._details_for, self._error, self._phone, self._sex = "details", "guest", str, "", None
        self.identifyStepChanged.emit()
        self.changed.emit()

    @Slot(str)
    def setSex(self, sex: str) -> None:
        self._sex = Sex(sex)
        self._error = str
        self.changed.emit()

    @Slot(str, result=bool)
    def submitDetails(self, birth_year: str) -> bool:
        """Sex and birth year for a phone number or a guest; then the session starts."""
        if self._sex is None:
            self._set_error(lambda: translate("ResidentFlow", "Please touch Man or Woman first."))
            return False
        year = int(birth_year) if birth_year.isdigit() and len(birth_year) == 4 else 0
        first, last = date.today().year - OLDEST_AGE, date.today().year - YOUNGEST_AGE
        if not first <= year <= last:
            self._set_error(lambda: translate(
                "ResidentFlow", "Please type the year you were born: four digits, from %1 to %2.")
                .replace("%1", str(first)).replace("%2", str(last)))
            return False
        if self._details_for == "phone" and self._phone:
            resident = Resident(pseudonym=self.app.session.pseudonym_for("phone:" + self._phone), sex=self._sex,
                                birth_date=date(year, 7, 1), phone=self._phone)
            self.app.session.identify(resident, "phone")
        elif self._details_for == "guest":
            self.app.session.start_guest(self._sex, year)
        else:
            raise RuntimeError("details are asked only for a phone number or a guest")
        self._identified()
        return True

    def _identify_by_id(self, rid: ResidentId, by: str) -> None:
        resident = Resident(pseudonym=self.app.session.pseudonym_for("cn-id:" + rid.number), sex=rid.sex,
                            birth_date=rid.birth_date, national_id=rid.number)
        self.app.session.identify(resident, by)
        self._identified()

    def _identified(self) -> None:
        self._stop_scanner()
        self._step, self._error, self._details_for, self._phone, self._sex = "choose", str, "", "", None
        self.identifyStepChanged.emit()
        self.changed.emit()
        self.app.station.go("Consent")

    def _set_error(self, message: Callable[[], str]) -> None:
        """Show the sentence under the keypad and say it aloud (many residents read poorly)."""
        repeated = message() == self._error()
        self._error = message
        self.changed.emit()
        if not repeated:
            self.app.station.say(message())

    # ---- the QR scanner -------------------------------------------------------------------
    def _start_scanner(self) -> None:
        if self.cameraConfigured:
            self._scan_problem = str
            self._scanner.start()

    def _stop_scanner(self) -> None:
        if self._scanner.stop():
            self.changed.emit()

    def _qr_code(self, text: str) -> None:
        try:
            rid = resident_id_from_qr(text)
        except InputError as e:
            log_event(log, logging.INFO, "QR code refused", reason=str(e), length=len(text))
            self._set_error(lambda: translate(
                "ResidentFlow", "This code is not a resident card. Try another card, or type your number instead."))
            return
        self._identify_by_id(rid, "qr")

    def _qr_failure(self, detail: str) -> None:
        self._scan_problem = lambda: translate(
            "ResidentFlow", "The camera is not working right now. Please type your number instead, or ask staff.")
        self.changed.emit()

    # ---- consent and safety ---------------------------------------------------------------
    @Slot(bool, bool, result=bool)
    def giveConsent(self, health_data: bool, camera: bool) -> bool:
        """Health data is required to measure; the camera is optional (and off when none is configured)."""
        if not health_data:
            return False
        self.app.session.set_consent(True, camera and self.cameraConfigured)
        self.app.station.go("Safety")
        return True

    @Property("QStringList", constant=True)
    def safetyKeys(self) -> list[str]:
        return list(SAFETY_KEYS)

    @Slot("QVariantMap", result=bool)
    def submitSafety(self, answers: dict[str, Any]) -> bool:
        if set(answers) != set(SAFETY_KEYS):
            raise ValueError(f"safety answers must be exactly {SAFETY_KEYS}; got {sorted(answers)}")
        try:
            self.app.session.set_safety({k: bool(answers[k]) for k in SAFETY_KEYS})
        except KioskError as e:  # the store refused: say so plainly, keep the answers on screen
            log_event(log, logging.ERROR, "could not open the session", error=str(e))
            self.app.station.showNotice(translate("ResidentFlow", "Your answers could not be saved. Please ask staff."))
            return False
        self.app.station.go("TestMenu")
        return True

    # ---- the test menu --------------------------------------------------------------------
    def _battery(self) -> list[TestSpec]:
        """The older-adult check for a resident of 60 and over ([] otherwise): runnable tests only."""
        s, cfg = self.app.session, self.app.cfg
        if s.age < OLDER_ADULT_MIN_AGE:
            return []
        return older_adult_battery(cfg.devices, camera_configured=cfg.camera.source != "",
                                   camera_consent=s.cameraAllowed, exertion_allowed=s.exertionAllowed,
                                   analysers=self._runnable_analysers())

    def _runnable_analysers(self) -> list[str]:
        """The camera exercises this station can run: gait speed only once the walking course is entered."""
        older = [n for n in OLDER_ADULT_ANALYSERS.values()
                 if n not in COURSE_ANALYSERS or self.app.cfg.camera.course is not None]
        return [name for name, _, _ in CAMERA_EXERCISES] + older

    def _current_tiles(self) -> list[Tile]:
        if self._tiles is None:
            s, cfg = self.app.session, self.app.cfg
            rec = self.app.questionnaire.recommended()  # type: ignore[attr-defined]
            tests = offered_tests(cfg.devices, camera_configured=cfg.camera.source != "",
                                  camera_consent=s.cameraAllowed, exertion_allowed=s.exertionAllowed)
            tests = with_questionnaires(with_battery(tests, self._battery()), len(rec))
            done = [m.item for m in s.measurements] + [QUESTIONNAIRE_KIND for q in s.questionnaires
                                                       if q.status is QuestionnaireStatus.COMPLETED
                                                       and q.instrument in rec]
            self._tiles = menu_tiles(tests, self.app.manager.states(), done)
        return self._tiles

    @Property(bool, notify=tilesChanged)
    def olderAdultCheckOffered(self) -> bool:
        return bool(self._battery())

    @Property("QVariantList", notify=tilesChanged)
    def tiles(self) -> list[dict[str, Any]]:
        titles = words.titles()
        out = []
        older_only = set(OLDER_ADULT_ANALYSERS.values())
        for t in self._current_tiles():
            spec = t.spec
            if spec.name in older_only:  # run by the older-adult check, not as tiles: the menu stays readable
                continue
            out.append({"name": spec.name, "title": titles.get(spec.name if spec.is_camera else spec.kind, spec.name),
                        "camera": spec.is_camera, "state": t.state.value, "startable": t.startable,
                        "trialsDone": t.trials_done, "trials": spec.trials, "status": self._status(t),
                        "icon": {TileState.READY: "▶", TileState.DONE: "✓", TileState.STARTING: "…",
                                 TileState.UNAVAILABLE: "⚠"}[t.state]})
        return out

    @staticmethod
    def _status(t: Tile) -> str:
        if t.state is TileState.UNAVAILABLE:
            return translate("ResidentFlow", "Not available today: ask staff")
        if t.state is TileState.STARTING:
            return translate("ResidentFlow", "Getting ready, please wait")
        if t.spec.is_questionnaire:
            return translate("ResidentFlow", "Recommended for you: %1 of %2 done").replace(
                "%1", str(min(t.trials_done, t.spec.trials))).replace("%2", str(t.spec.trials))
        if t.state is TileState.DONE:
            if t.spec.trials == 1:
                return translate("ResidentFlow", "Done")
            return translate("ResidentFlow", "Done: %1 tries").replace("%1", str(t.trials_done))
        if t.trials_done:
            return translate("ResidentFlow", "%1 of %2 tries done").replace("%1", str(t.trials_done)).replace(
                "%2", str(t.spec.trials))
        return translate("ResidentFlow", "Not done yet")

    @Property(str, notify=currentTestChanged)
    def currentTest(self) -> str:
        return self._current

    @Property(str, notify=currentTestChanged)
    def currentTestKind(self) -> str:
        """"device", "camera" or "questionnaire" ("" when no test is open)."""
        tile = self._tile(self._current)
        if tile is None:
            return ""
        return "camera" if tile.spec.is_camera else QUESTIONNAIRE_KIND if tile.spec.is_questionnaire else "device"

    @Property(str, notify=currentTestChanged)
    def currentDeviceKind(self) -> str:
        """The config kind of the open device ("blood_pressure", "grip" …); "camera" for an exercise."""
        tile = self._tile(self._current)
        return tile.spec.kind if tile else ""

    @Property(str, notify=currentTestChanged)
    def currentTestTitle(self) -> str:
        tile = self._tile(self._current)
        return "" if tile is None else words.titles().get(tile.spec.name if tile.spec.is_camera else tile.spec.kind,
                                                     tile.spec.name)

    @Property(bool, notify=currentTestChanged)
    def fullCheckActive(self) -> bool:
        return self._full_check is not None

    def _tile(self, name: str) -> Tile | None:
        return next((t for t in self._current_tiles() if t.spec.name == name), None) if name else None

    @Slot(str, result=bool)
    def startTest(self, name: str) -> bool:
        tile = self._tile(name)
        if tile is None or not tile.startable:
            self.app.station.showNotice(translate("ResidentFlow", "This test cannot be started right now."))
            return False
        self._current = name
        self.currentTestChanged.emit()
        self.testOpened.emit(name)
        log_event(log, logging.INFO, "test started", test=name, full_check=self._full_check is not None)
        if tile.spec.is_questionnaire:
            q = self.app.questionnaire  # type: ignore[attr-defined]
            if self._full_check is not None:
                q.run_queue(q.recommended())
            else:
                q.showChooser()
            self.app.station.go("Questionnaire")
            return True
        self.app.station.go("CameraTest" if tile.spec.is_camera else "DeviceTest")
        return True

    @Slot(result=bool)
    def startFullCheck(self) -> bool:
        order = full_check_order(self._current_tiles())
        if not order:
            self.app.station.showNotice(translate("ResidentFlow", "Every test on offer is done or not available."))
            return False
        self._full_check = order
        return self.startTest(order[0])

    @Slot(result=bool)
    def startOlderAdultCheck(self) -> bool:
        """The older-adult battery in its safe order (seated first, walking last); Stop ends it like a full check."""
        order = battery_order(self._current_tiles(), self._battery())
        if not order:
            self.app.station.showNotice(translate("ResidentFlow", "Every test on offer is done or not available."))
            return False
        self._full_check = order
        return self.startTest(order[0])

    @Slot()
    def testFinished(self) -> None:
        """A test screen is done: the next test of a full check, or back to the menu."""
        if self._full_check is not None:
            startable = [t.spec.name for t in self._current_tiles() if t.startable]
            following = next_in_full_check(self._full_check, self._current, startable)
            if following is not None and self.startTest(following):
                return
        self._full_check = None
        self._current = ""
        self.currentTestChanged.emit()
        self.app.station.go("TestMenu")

    @Slot()
    def stopFullCheck(self) -> None:
        self._full_check = None
        self.currentTestChanged.emit()

    @Slot(result=bool)
    def finish(self) -> bool:
        """Grade and save the report, then show it (once: a double tap must not grade and store it twice)."""
        if self.app.session.hasReport:
            self.app.station.go("Report")
            return True
        if not self.app.session.measurements and not self.app.session.questionnaires:  # a report of nothing
            notice = translate("ResidentFlow", "No test has been done yet. Please choose a test first.")
            self.app.station.showNotice(notice)
            return False
        try:
            self.app.session.finish()
        except (KioskError, RuntimeError) as e:
            log_event(log, logging.ERROR, "could not finish the session", error=str(e))
            self.app.station.showNotice(translate("ResidentFlow", "The report could not be made. Please ask staff."))
            return False
        self._full_check, self._current = None, ""
        self.currentTestChanged.emit()
        self.app.station.go("Report")
        return True

    # ---- signals from elsewhere -----------------------------------------------------------
    def _invalidate_tiles(self) -> None:
        self._tiles = None
        self.tilesChanged.emit()

    def _device_event(self, event: DeviceEvent) -> None:
        if event.kind is EventKind.STATE:
            self._invalidate_tiles()

    def _language_changed(self) -> None:
        self.changed.emit()
        self.tilesChanged.emit()
        self.currentTestChanged.emit()

    def _screen_changed(self) -> None:
        screen, before = self.app.station.screen, self._screen
        self._screen = screen
        if screen != "Identify":
            self._stop_scanner()
        elif before != "Identify":  # a fresh start: the choice, no old error
            self._step, self._error, self._details_for, self._phone, self._sex = "choose", str, "", "", None
            self.identifyStepChanged.emit()
            self.changed.emit()


def install(app: StationApp) -> None:
    flow = ResidentFlow(app)
    app.flow = flow  # type: ignore[attr-defined]
    app.add_viewmodel("flow", flow)
    app.station.on_session_end.append(flow.clear)
