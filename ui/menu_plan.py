"""Which tests the resident is offered today, in what order, and what each tile says (no Qt here).

The menu follows the station's configuration (one tile per configured device, plus the camera
exercises when a camera is configured), the resident's answers (camera consent, the safety screen)
and the devices' live states: a device locked by calibration, in error or disconnected shows as
"not available today" instead of disappearing, so the resident knows to ask staff. The "full check"
runs the offered, usable tests in the catalogue order below, skipping what is already done.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from drivers.base import DeviceState
from kiosk.config import DeviceConfig

# Kinds in the order of a full check: resting measurements first (blood pressure before any effort),
# then strength, lungs, balance, flexibility, reaction; the camera exercises come last.
KIND_ORDER = ("blood_pressure", "pulse_oximeter", "thermometer", "height", "scale", "body_composition", "glucometer",
              "grip", "vital_capacity", "spirometer", "balance", "sit_and_reach", "reaction_time")

# What each kind stores (the first item is the one whose trials are counted).
KIND_ITEMS: Mapping[str, tuple[str, ...]] = {
    "blood_pressure": ("blood_pressure",), "height": ("height",), "scale": ("weight",),
    "glucometer": ("glucose_fasting",), "grip": ("grip",), "vital_capacity": ("vital_capacity",),
    "spirometer": ("fvc", "fev1", "pef"), "balance": ("single_leg_stand_eyes_closed",),
    "sit_and_reach": ("sit_and_reach",), "reaction_time": ("choice_reaction_time",),
    "pulse_oximeter": ("spo2", "pulse_rate"), "thermometer": ("body_temperature",), "body_composition": ("body_fat",),
}

# The standard number of trials (national fitness standard; spirometry: ATS/ERS at least three;
# grip: two per hand, alternating).
KIND_TRIALS: Mapping[str, int] = {
    "blood_pressure": 1, "height": 1, "scale": 1, "glucometer": 1, "grip": 4, "vital_capacity": 2,
    "spirometer": 3, "balance": 2, "sit_and_reach": 2, "reaction_time": 2,
    "pulse_oximeter": 1, "thermometer": 1, "body_composition": 1,
}

# Kinds still offered after a "yes" on the safety screen: resting and body measurements only.
RESTING_KINDS = frozenset({"blood_pressure", "height", "scale", "glucometer", "pulse_oximeter", "thermometer",
                           "body_composition"})

CAMERA_KIND = "camera"
# Camera exercises: (analyser name, stored item, trials).
CAMERA_EXERCISES: tuple[tuple[str, str, int], ...] = (
    ("chair-stand", "chair_stand_30s", 1), ("squat", "squat", 1), ("arm-curl", "arm_curl_30s", 1))

# Self-assessment questionnaires: one tile, last in a full check (which runs the short recommended set).
QUESTIONNAIRE_KIND = "questionnaire"
QUESTIONNAIRE_TEST = "questionnaires"
# The short set a full check offers, by age. 60+: the fall-risk and sarcopenia screens (CDC STEADI; AWGS 2019
# case-finding with SARC-F). Younger: the two-item mood and anxiety screens, and IPAQ-SF (validated 15-69).
RECOMMENDED_60_PLUS = ("steadi_stay_independent", "sarc_f")
RECOMMENDED_UNDER_60 = ("phq2", "gad2", "ipaq_sf")

USABLE_STATES = frozenset({DeviceState.READY, DeviceState.MEASURING})


class TileState(enum.StrEnum):
    READY = "ready"  # can be started, not done yet (or partly done)
    DONE = "done"  # the standard number of trials is stored (it can still be repeated)
    STARTING = "starting"  # the device is still connecting
    UNAVAILABLE = "unavailable"  # locked by calibration, in error or disconnected: ask staff


@dataclass(frozen=True)
class TestSpec:
    """One offered test: a configured device (``name`` from the config) or a camera exercise."""

    name: str
    kind: str  # a device kind from the config, or "camera"
    items: tuple[str, ...]
    trials: int
    exertion: bool

    @property
    def is_camera(self) -> bool:
        return self.kind == CAMERA_KIND

    @property
    def is_questionnaire(self) -> bool:
        return self.kind == QUESTIONNAIRE_KIND


@dataclass(frozen=True)
class Tile:
    spec: TestSpec
    state: TileState
    trials_done: int

    @property
    def startable(self) -> bool:
        return self.state in (TileState.READY, TileState.DONE)


def catalogue(devices: Sequence[DeviceConfig], camera_configured: bool) -> list[TestSpec]:
    """Every test this station could run, in full-check order (unknown kinds go last, still offered)."""
    def rank(d: DeviceConfig) -> int:
        return KIND_ORDER.index(d.kind) if d.kind in KIND_ORDER else len(KIND_ORDER)

    tests = [TestSpec(d.name, d.kind, KIND_ITEMS.get(d.kind, (d.kind,)), KIND_TRIALS.get(d.kind, 1),
                      d.kind not in RESTING_KINDS) for d in sorted(devices, key=rank)]
    if camera_configured:
        tests += [TestSpec(name, CAMERA_KIND, (item,), trials, True) for name, item, trials in CAMERA_EXERCISES]
    return tests


def offered_tests(devices: Sequence[DeviceConfig], *, camera_configured: bool, camera_consent: bool,
                  exertion_allowed: bool) -> list[TestSpec]:
    """The tests shown on the menu: no exertion after a safety "yes", no camera without consent."""
    return [t for t in catalogue(devices, camera_configured)
            if (exertion_allowed or not t.exertion) and (camera_consent or not t.is_camera)]


def tile_state(spec: TestSpec, device_state: DeviceState | None, trials_done: int) -> TileState:
    """A camera exercise or the questionnaires need no device state; a device must be ready (or measuring)."""
    if not spec.is_camera and not spec.is_questionnaire:
        if device_state in (None, DeviceState.CONNECTING):
            return TileState.STARTING
        if device_state not in USABLE_STATES:
            return TileState.UNAVAILABLE
    return TileState.DONE if trials_done >= spec.trials else TileState.READY


def count_trials(spec: TestSpec, measured_items: Iterable[str]) -> int:
    """Trials done = stored measurements of the test's first item (a spirometry manoeuvre stores three)."""
    return sum(1 for item in measured_items if item == spec.items[0])


def menu_tiles(tests: Sequence[TestSpec], states: Mapping[str, DeviceState],
               measured_items: Sequence[str]) -> list[Tile]:
    """``measured_items``: one entry per stored measurement (repeats count as trials)."""
    tiles = []
    for spec in tests:
        done = count_trials(spec, measured_items)
        tiles.append(Tile(spec, tile_state(spec, states.get(spec.name), done), done))
    return tiles


def full_check_order(tiles: Sequence[Tile]) -> list[str]:
    """The tests a "full check" runs: every startable tile not yet done, in menu order; the older-adult camera
    tests are left to the older-adult check (their tiles stay on the menu, one by one)."""
    older_only = set(OLDER_ADULT_ANALYSERS.values())
    return [t.spec.name for t in tiles if t.state is TileState.READY and t.spec.name not in older_only]


QUESTIONNAIRE_SPEC = TestSpec(QUESTIONNAIRE_TEST, QUESTIONNAIRE_KIND, (QUESTIONNAIRE_KIND,), 1, False)


def with_questionnaires(tests: Sequence[TestSpec], recommended: int = 1) -> list[TestSpec]:
    """The menu's tests plus the questionnaires tile, last (no device, no exertion: always offered).

    The tile is done when the ``recommended`` questionnaires are (its "trials" are those questionnaires)."""
    return [*tests, replace(QUESTIONNAIRE_SPEC, trials=max(1, recommended))]


def recommended_questionnaires(age: int | None, instruments: Mapping[str, object]) -> list[str]:
    """The short questionnaire set of a full check for this age, each one shipped and suited to the age."""
    ids = RECOMMENDED_60_PLUS if age is not None and age >= 60 else RECOMMENDED_UNDER_60
    return [i for i in ids if i in instruments and getattr(instruments[i], "offered_at", lambda _a: True)(age)]


def next_in_full_check(order: Sequence[str], current: str | None, startable: Iterable[str]) -> str | None:
    """The test after ``current`` in ``order`` that can still be started (a device may have been locked
    meanwhile); None when the full check is over. ``current`` None (or not in the order) starts at the top."""
    usable = set(startable)
    start = order.index(current) + 1 if current in order else 0
    return next((name for name in order[start:] if name in usable), None)


# ---- the older-adults battery ----------------------------------------------------------------------------
# The tests of the older-adult check in a safe order: resting blood pressure first; then the seated tests
# (grip, arm curl); the chair tests; the balance stances next to a support, easiest first (as SPPB and STEADI
# run them); stepping on the spot; the walking tests last. Camera tests are planned by their stored item; a
# camera test runs under its analyser's name where one exists (ANALYSER_OF_ITEM), else under the item id.
OLDER_ADULT_DEVICE_KINDS = ("blood_pressure", "grip")
OLDER_ADULT_CAMERA: tuple[tuple[str, int], ...] = (  # (stored item, trials)
    ("arm_curl_30s", 1), ("chair_stand_30s", 1), ("five_times_sit_to_stand", 1),
    ("balance_side_by_side", 1), ("balance_semi_tandem", 1), ("balance_tandem", 1), ("single_leg_stand_eyes_open", 1),
    ("two_minute_step", 1), ("eight_foot_up_and_go", 2), ("timed_up_and_go", 1), ("gait_speed_4m", 2))
# The older-adult camera analysers (vision/analysers; their words and plans in ui/viewmodels/camera_test_older.py).
OLDER_ADULT_ANALYSERS: Mapping[str, str] = {
    "timed_up_and_go": "timed-up-and-go", "eight_foot_up_and_go": "eight-foot-up-and-go",
    "five_times_sit_to_stand": "five-times-sit-to-stand", "two_minute_step": "two-minute-step",
    "gait_speed_4m": "gait-speed", "balance_side_by_side": "balance-side-by-side",
    "balance_semi_tandem": "balance-semi-tandem", "balance_tandem": "balance-tandem",
    "single_leg_stand_eyes_open": "single-leg-eyes-open"}
ANALYSER_OF_ITEM: Mapping[str, str] = {**{item: name for name, item, _ in CAMERA_EXERCISES}, **OLDER_ADULT_ANALYSERS}
COURSE_ANALYSERS = frozenset({"gait-speed"})  # run only where a technician has entered the walking course
OLDER_ADULT_MIN_AGE = 60


def older_adult_battery(devices: Sequence[DeviceConfig], *, camera_configured: bool, camera_consent: bool,
                        exertion_allowed: bool, analysers: Iterable[str] | None = None) -> list[TestSpec]:
    """The older-adult check in its order, after the same skips as the menu (no exertion after a safety "yes",
    no camera without consent). ``analysers``: the camera exercises this station can run; None plans every
    camera test (by item id where no analyser exists yet), a set keeps only the runnable ones."""
    runnable = None if analysers is None else set(analysers)
    devs = {d.kind: d for d in devices}
    plan = [TestSpec(devs[k].name, k, KIND_ITEMS[k], KIND_TRIALS[k], k not in RESTING_KINDS)
            for k in OLDER_ADULT_DEVICE_KINDS if k in devs]
    if camera_configured:
        plan += [TestSpec(ANALYSER_OF_ITEM.get(item, item), CAMERA_KIND, (item,), trials, True)
                 for item, trials in OLDER_ADULT_CAMERA]
    return [t for t in plan if (exertion_allowed or not t.exertion) and (camera_consent or not t.is_camera)
            and (runnable is None or not t.is_camera or t.name in runnable)]


def with_battery(tests: Sequence[TestSpec], battery: Sequence[TestSpec]) -> list[TestSpec]:
    """The menu's tests plus the battery's tests it lacks (appended in battery order)."""
    names = {t.name for t in tests}
    return [*tests, *(t for t in battery if t.name not in names)]


def battery_order(tiles: Sequence[Tile], battery: Sequence[TestSpec]) -> list[str]:
    """The tests the older-adult check runs: the battery's startable tiles not yet done, in battery order."""
    ready = {t.spec.name for t in tiles if t.state is TileState.READY}
    return [t.name for t in battery if t.name in ready]
