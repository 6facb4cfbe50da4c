"""The older-adult check: its order (seated first, walking last), the safety skips, and planning by item id."""

from __future__ import annotations

from drivers.base import DeviceState
from kiosk.config import DEMO_DEVICES
from kiosk.domain import ITEMS
from ui.menu_plan import (
    CAMERA_EXERCISES,
    OLDER_ADULT_CAMERA,
    battery_order,
    menu_tiles,
    next_in_full_check,
    offered_tests,
    older_adult_battery,
    with_battery,
)

READY = {d.name: DeviceState.READY for d in DEMO_DEVICES}
SEATED = ("bp", "grip", "arm-curl")
WALKING = ("eight-foot-up-and-go", "timed-up-and-go", "gait-speed")


def plan(**kw: object) -> list[str]:
    args = {"camera_configured": True, "camera_consent": True, "exertion_allowed": True, **kw}
    return [t.name for t in older_adult_battery(DEMO_DEVICES, **args)]  # type: ignore[arg-type]


def test_the_battery_runs_seated_tests_first_and_walking_tests_last() -> None:
    order = plan()
    assert order == ["bp", "grip", "arm-curl", "chair-stand", "five-times-sit-to-stand", "balance-side-by-side",
                     "balance-semi-tandem", "balance-tandem", "single-leg-eyes-open", "two-minute-step",
                     "eight-foot-up-and-go", "timed-up-and-go", "gait-speed"]
    assert order[:3] == list(SEATED) and tuple(order[-3:]) == WALKING
    balance = [order.index(n) for n in ("balance-side-by-side", "balance-semi-tandem", "balance-tandem")]
    assert balance == sorted(balance), "the stances run easiest first, as SPPB and STEADI run them"


def test_every_planned_camera_test_stores_a_known_item_and_uses_an_analyser_name_where_one_exists() -> None:
    assert all(item in ITEMS for item, _ in OLDER_ADULT_CAMERA)
    battery = older_adult_battery(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=True)
    by_item = {t.items[0]: t.name for t in battery if t.is_camera}
    for name, item, _ in CAMERA_EXERCISES:
        if item in by_item:
            assert by_item[item] == name, f"{item} runs under its analyser {name}"
    assert by_item["timed_up_and_go"] == "timed-up-and-go", "runs under its analyser's name"


def test_a_safety_yes_leaves_only_resting_blood_pressure() -> None:
    assert plan(exertion_allowed=False) == ["bp"]


def test_no_camera_consent_leaves_the_device_tests() -> None:
    assert plan(camera_consent=False) == ["bp", "grip"]
    assert plan(camera_configured=False) == ["bp", "grip"]


def test_only_runnable_camera_tests_reach_the_menu() -> None:
    runnable = [name for name, _, _ in CAMERA_EXERCISES]
    assert plan(analysers=runnable) == ["bp", "grip", "arm-curl", "chair-stand"]


def test_the_check_follows_the_battery_order_skips_what_is_done_and_can_stop_at_any_time() -> None:
    battery = older_adult_battery(DEMO_DEVICES, camera_configured=True, camera_consent=True, exertion_allowed=True)
    tests = with_battery(offered_tests(DEMO_DEVICES, camera_configured=True, camera_consent=True,
                                       exertion_allowed=True), battery)
    assert len({t.name for t in tests}) == len(tests), "no test twice on the menu"
    tiles = menu_tiles(tests, READY, ["grip", "grip", "grip", "grip"])  # grip already done (four trials)
    order = battery_order(tiles, battery)
    assert order[:3] == ["bp", "arm-curl", "chair-stand"] and "grip" not in order
    assert next_in_full_check(order, "bp", order) == "arm-curl"
    startable_after_stop: list[str] = []  # Stop ends the check: nothing follows
    assert next_in_full_check(order, "arm-curl", startable_after_stop) is None
