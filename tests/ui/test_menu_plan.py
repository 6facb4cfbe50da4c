"""Which tests the menu offers, what each tile says, and the full-check order (plain data, no Qt)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import DeviceState
from kiosk.config import DEMO_DEVICES, DeviceConfig
from ui.menu_plan import (
    CAMERA_EXERCISES,
    RESTING_KINDS,
    TileState,
    catalogue,
    full_check_order,
    menu_tiles,
    next_in_full_check,
    offered_tests,
    tile_state,
)

DEVICE_NAMES = [d.name for d in DEMO_DEVICES]
CAMERA_NAMES = [name for name, _, _ in CAMERA_EXERCISES]
READY = {name: DeviceState.READY for name in DEVICE_NAMES}


def names(tests: list) -> list[str]:
    return [t.name for t in tests]


def test_everything_is_offered_with_consent_and_no_safety_yes() -> None:
    tests = offered_tests(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=True)
    assert names(tests) == ["bp", "oximeter", "thermometer", "scale", "body_composition", "grip", "vital_capacity",
                            "spirometer", "balance", "sit_and_reach", "reaction", *CAMERA_NAMES]


def test_a_safety_yes_leaves_blood_pressure_and_body_measurements() -> None:
    tests = offered_tests(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=False)
    assert names(tests) == ["bp", "oximeter", "thermometer", "scale", "body_composition"]
    assert all(t.kind in RESTING_KINDS and not t.exertion for t in tests)


def test_no_camera_tests_without_consent_or_without_a_camera() -> None:
    for configured, consent in ((True, False), (False, True), (False, False)):
        tests = offered_tests(DEMO_DEVICES, camera_configured=configured, camera_consent=consent,
                              exertion_allowed=True)
        assert not any(t.is_camera for t in tests), (configured, consent)
        assert len(tests) == len(DEMO_DEVICES)


def test_config_order_does_not_change_the_full_check_order() -> None:
    shuffled = (DEMO_DEVICES[4], DEMO_DEVICES[0], DEMO_DEVICES[7], DEMO_DEVICES[2])
    assert names(catalogue(shuffled, False)) == ["bp", "grip", "spirometer", "reaction"]
    odd = catalogue((DeviceConfig("ecg", "ecg_recorder", "x"), DEMO_DEVICES[0]), False)
    assert names(odd) == ["bp", "ecg"] and odd[1].exertion, "an unknown kind goes last and counts as exertion"


def test_tile_states_follow_the_device_and_the_trials() -> None:
    bp, grip = catalogue(DEMO_DEVICES[:1], False)[0], catalogue(DEMO_DEVICES[2:3], False)[0]
    assert tile_state(bp, DeviceState.READY, 0) is TileState.READY
    assert tile_state(bp, DeviceState.READY, 1) is TileState.DONE
    assert tile_state(grip, DeviceState.READY, 3) is TileState.READY, "grip is four trials, two per hand"
    assert tile_state(grip, DeviceState.MEASURING, 4) is TileState.DONE
    for state in (DeviceState.LOCKED, DeviceState.ERROR, DeviceState.ABSENT):
        assert tile_state(bp, state, 0) is TileState.UNAVAILABLE, state
        assert tile_state(bp, state, 1) is TileState.UNAVAILABLE, "a done test on a locked device is not restarted"
    assert tile_state(bp, DeviceState.CONNECTING, 0) is TileState.STARTING
    assert tile_state(bp, None, 0) is TileState.STARTING
    camera = catalogue((), True)[0]
    assert tile_state(camera, None, 0) is TileState.READY


def test_spirometry_trials_count_manoeuvres_not_values() -> None:
    tests = catalogue(DEMO_DEVICES, False)
    measured = ["fvc", "fev1", "pef", "fvc", "fev1", "pef", "blood_pressure"]
    tiles = {t.spec.name: t for t in menu_tiles(tests, READY, measured)}
    assert tiles["spirometer"].trials_done == 2 and tiles["spirometer"].state is TileState.READY
    assert tiles["bp"].state is TileState.DONE and tiles["scale"].trials_done == 0


def test_the_full_check_skips_done_and_locked_tests() -> None:
    tests = offered_tests(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=True)
    states = {**READY, "grip": DeviceState.LOCKED, "balance": DeviceState.ERROR}
    tiles = menu_tiles(tests, states, ["blood_pressure", "weight", "spo2", "pulse_rate", "body_temperature",
                                       "body_fat"])
    assert full_check_order(tiles) == ["vital_capacity", "spirometer", "sit_and_reach", "reaction", *CAMERA_NAMES]


def test_next_in_full_check_goes_on_past_tests_that_became_unusable() -> None:
    order = ["bp", "grip", "spirometer", "chair-stand"]
    assert next_in_full_check(order, None, order) == "bp"
    assert next_in_full_check(order, "bp", order) == "grip"
    assert next_in_full_check(order, "bp", ["bp", "spirometer", "chair-stand"]) == "spirometer"
    assert next_in_full_check(order, "chair-stand", order) is None
    assert next_in_full_check(order, "grip", []) is None


@settings(max_examples=60, deadline=None)
@given(order=st.lists(st.sampled_from(DEVICE_NAMES + CAMERA_NAMES), unique=True, max_size=11),
       usable=st.sets(st.sampled_from(DEVICE_NAMES + CAMERA_NAMES)))
def test_a_full_check_visits_each_usable_test_once_in_order(order: list[str], usable: set[str]) -> None:
    visited, current = [], None
    while (current := next_in_full_check(order, current, usable)) is not None:
        visited.append(current)
        assert len(visited) <= len(order), "the full check must end"
    assert visited == [n for n in order if n in usable]


def test_the_questionnaires_tile_comes_last_needs_no_device_and_is_never_exertion() -> None:
    from ui.menu_plan import QUESTIONNAIRE_TEST, with_questionnaires

    tests = with_questionnaires(offered_tests(DEMO_DEVICES, camera_configured=False, camera_consent=False,
                                              exertion_allowed=False))
    spec = tests[-1]
    assert spec.name == QUESTIONNAIRE_TEST and spec.is_questionnaire and not spec.exertion
    assert tile_state(spec, None, 0) is TileState.READY and tile_state(spec, None, 1) is TileState.DONE
    # the resting measurements still to do come first; the questionnaires end the full check
    assert full_check_order(menu_tiles(tests, READY, ["blood_pressure", "weight"])) == [
        "oximeter", "thermometer", "body_composition", QUESTIONNAIRE_TEST]


def test_the_recommended_set_is_chosen_by_age() -> None:
    from kiosk.instruments.model import load_instruments
    from ui.menu_plan import recommended_questionnaires

    shipped = load_instruments()
    assert recommended_questionnaires(60, shipped) == ["steadi_stay_independent", "sarc_f"]
    assert recommended_questionnaires(85, shipped) == ["steadi_stay_independent", "sarc_f"]
    assert recommended_questionnaires(59, shipped) == ["phq2", "gad2", "ipaq_sf"]
    assert recommended_questionnaires(14, shipped) == ["phq2", "gad2"], "IPAQ-SF starts at 15"
    assert recommended_questionnaires(None, shipped) == ["phq2", "gad2"]


def test_the_older_adult_check_runs_every_older_adult_camera_analyser_by_its_own_name() -> None:
    from ui.menu_plan import OLDER_ADULT_ANALYSERS, older_adult_battery
    from ui.viewmodels.camera_test_older import OLDER_PLANS

    # the menu's item -> analyser table and the camera screen's plans name the same tests
    assert {name: item for item, name in OLDER_ADULT_ANALYSERS.items()} == {n: p[0] for n, p in OLDER_PLANS.items()}
    plan = older_adult_battery(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=True,
                               analysers=["arm-curl", "chair-stand", *OLDER_ADULT_ANALYSERS.values()])
    names = [t.name for t in plan]
    assert names[:2] == ["bp", "grip"] and names[-2:] == ["timed-up-and-go", "gait-speed"], names
    assert set(OLDER_ADULT_ANALYSERS.values()) <= set(names)
    without_course = older_adult_battery(DEMO_DEVICES, camera_configured=True, camera_consent=True,
                                         exertion_allowed=True, analysers=["arm-curl", "timed-up-and-go"])
    assert [t.name for t in without_course if t.is_camera] == ["arm-curl", "timed-up-and-go"]
