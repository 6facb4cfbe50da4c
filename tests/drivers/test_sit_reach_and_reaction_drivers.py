"""Sit-and-reach and choice reaction-time drivers against their simulators over a real pty, with faults."""

from __future__ import annotations

import random

import pytest

from drivers.base import (
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
    Progress,
)
from drivers.calibration import MemoryCalibrationBook
from drivers.devices.reaction_time import ITEM, ReactionTimer, trial_result_s
from drivers.devices.sit_and_reach import ReachTracker, SitAndReachMeter
from drivers.sim.reaction_time import ReactionBoxSimulator
from drivers.sim.sit_and_reach import SitAndReachSimulator, slider_cm
from kiosk.domain import CalibrationResult
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted, measure_until, passed_record, run_measurement

FAST = {"foreperiod_s": (0.01, 0.03)}


def reach_meter(book=None):
    return lambda path: SitAndReachMeter("reach-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW)


def reaction_box(book=None):
    return lambda path: ReactionTimer("rt-1", path, book=book, frame_timeout_s=FRAME_TIMEOUT_S, clock=lambda: NOW,
                                      rng=random.Random(5))


def test_reach_tracker_keeps_the_furthest_point_and_waits_two_seconds_of_no_progress():
    tracker = ReachTracker()
    positions = [slider_cm(i / 20, -20.0, 4.2) for i in range(200)]
    done_at = next(i for i, cm in enumerate(positions) if tracker.feed(cm))
    assert tracker.best_cm == pytest.approx(4.2, abs=0.01)
    # the push ends at 3.5 s; its last 0.2 cm creeps in slowly, so the 2-s wait starts a little before that
    assert 3.0 + 2.0 <= done_at / 20 <= 3.5 + 2.05, f"should end ~2 s after the slider stopped: {done_at / 20}"


def test_reach_tracker_does_not_end_before_the_slider_has_moved():
    tracker = ReachTracker()
    assert not any(tracker.feed(-20.0) for _ in range(200)), "a slider left at the start is not a result"


@pytest.mark.parametrize("reach_cm", [7.4, -3.6])
async def test_sit_and_reach_reports_the_signed_furthest_reach(reach_cm):
    async with hosted(SitAndReachSimulator(reach_cm=reach_cm, speed=5), reach_meter(), "reach") as (_, driver):
        progress, final = await run_measurement(driver, trial=1)
    assert final.item == "sit_and_reach" and final.unit == "cm"
    assert final.values["sit_and_reach"] == pytest.approx(reach_cm, abs=0.1)
    assert progress[0].value == pytest.approx(-20.0) and all(p.quantity == "displacement_cm" for p in progress)


async def test_sit_and_reach_faults():
    async with hosted(SitAndReachSimulator(speed=5), reach_meter(), "reach") as (host, driver):
        host.inject("not_at_start")
        with pytest.raises(DeviceReportedError) as info:
            await run_measurement(driver)
        assert info.value.code == "not_at_start"
        moving = lambda e: isinstance(e, Progress) and e.value > -10  # noqa: E731
        seen = await measure_until(driver, moving, lambda: host.inject("garbage"), final_allowed=True)
        assert seen[-1].values["sit_and_reach"] == pytest.approx(6.3, abs=0.1)
        with pytest.raises(DeviceTimeout):
            await measure_until(driver, moving, lambda: host.inject("stall"))
    async with hosted(SitAndReachSimulator(speed=5), reach_meter(), "reach") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, moving, lambda: host.inject("disconnect"))


async def test_sit_and_reach_applies_its_linear_correction():
    book = MemoryCalibrationBook([passed_record("reach-1", {"gain": 1.0, "offset": -0.5})])
    async with hosted(SitAndReachSimulator(reach_cm=5.0, speed=5), reach_meter(book), "reach") as (_, driver):
        _, final = await run_measurement(driver)
    assert final.values["sit_and_reach"] == pytest.approx(4.5, abs=0.1) and not final.quality_flags


def test_trial_result_is_the_mean_to_a_hundredth_of_a_second():
    assert trial_result_s([500, 520, 541]) == 0.52
    assert trial_result_s([455]) == 0.46  # the float 0.455 is 0.45500000000000002, so it rounds up
    with pytest.raises(ValueError):
        trial_result_s([])


async def test_reaction_trial_is_the_mean_of_the_boxs_own_times():
    sim = ReactionBoxSimulator(mean_ms=480, sd_ms=50, speed=4)
    async with hosted(sim, reaction_box(), "rt") as (_, driver):
        progress, final = await run_measurement(driver, trial=1, **FAST)
    assert final.item == ITEM and final.unit == "s"
    assert final.details["reaction_ms"] == sim.pressed_ms, "the box's times, not host arrival times, are used"
    assert final.values[ITEM] == pytest.approx(sum(sim.pressed_ms) / 5 / 1000, abs=0.005)
    assert [p.quantity for p in progress] == ["reaction_s"] * 5


async def test_wrong_keys_false_starts_and_misses_are_repeated_and_counted():
    sim = ReactionBoxSimulator(speed=4)
    async with hosted(sim, reaction_box(), "rt") as (host, driver):
        events = []
        async for event in driver.measure(stimuli=3, **FAST):
            events.append(event)
            if len(events) == 1:
                host.inject("wrong_key")
            elif len(events) == 2:
                host.inject("anticipate")
            elif len(events) == 3:
                host.inject("no_response")
    details = events[-1].details
    assert (details["wrong_keys"], details["false_starts"], details["misses"]) == (1, 1, 1), details
    assert len(details["reaction_ms"]) == 3


async def test_a_resident_who_keeps_pressing_the_wrong_key_ends_the_trial_with_a_plain_message():
    sim = ReactionBoxSimulator(error_rate=1.0, speed=4)
    async with hosted(sim, reaction_box(), "rt") as (_, driver):
        with pytest.raises(DriverError) as info:
            await run_measurement(driver, **FAST)
    assert "only the key that lights up" in info.value.resident_message


@pytest.mark.slow
async def test_reaction_box_stall_and_unplug_give_no_result():
    async with hosted(ReactionBoxSimulator(), reaction_box(), "rt") as (host, driver):
        with pytest.raises(DeviceTimeout):
            await measure_until(driver, lambda e: isinstance(e, Progress), lambda: host.inject("stall"), **FAST)
        assert driver.state is DeviceState.ERROR
    async with hosted(ReactionBoxSimulator(), reaction_box(), "rt") as (host, driver):
        with pytest.raises(DeviceDisconnected):
            await measure_until(driver, lambda e: isinstance(e, Progress), lambda: host.inject("disconnect"), **FAST)


async def test_a_drifting_box_clock_reads_long():
    sim = ReactionBoxSimulator(drift_gain=1.10, speed=4)
    async with hosted(sim, reaction_box(), "rt") as (host, driver):
        host.inject("drift")
        _, final = await run_measurement(driver, **FAST)
    assert final.values[ITEM] == pytest.approx(1.10 * sum(sim.pressed_ms) / 5 / 1000, abs=0.01)


async def test_instruments_without_a_calibration_procedure_need_no_record_but_a_failed_one_locks_them():
    async with hosted(ReactionBoxSimulator(speed=4), reaction_box(MemoryCalibrationBook()), "rt") as (_, driver):
        _, final = await run_measurement(driver, stimuli=1, **FAST)
    assert not final.quality_flags, "an empty book is fine for the reaction box: its clock needs no calibration"
    failed = passed_record("reach-1", result=CalibrationResult.FAILED)
    async with hosted(SitAndReachSimulator(speed=5), reach_meter(MemoryCalibrationBook([failed])), "r") as (_, d):
        with pytest.raises(DeviceLocked, match="failed"):
            await run_measurement(d)


async def test_sit_and_reach_shrugs_off_a_corrupted_position_and_a_drifted_encoder_reads_long():
    async with hosted(SitAndReachSimulator(reach_cm=10.0, speed=5), reach_meter(), "reach") as (host, driver):
        moving = lambda e: isinstance(e, Progress) and e.value > -10  # noqa: E731
        seen = await measure_until(driver, moving, lambda: host.inject("bad_checksum"), final_allowed=True)
        assert seen[-1].values["sit_and_reach"] == pytest.approx(10.0, abs=0.1) and driver.codec_errors >= 1
        host.inject("drift")
        _, drifted = await run_measurement(driver)
    assert drifted.values["sit_and_reach"] == pytest.approx(10.4, abs=0.1), "a 4 % encoder drift reads 4 % long"


async def test_a_lost_press_frame_re_presents_the_stimulus_and_garbage_is_skipped():
    sim = ReactionBoxSimulator(speed=4)
    async with hosted(sim, reaction_box(), "rt") as (host, driver):
        host.inject("garbage")
        host.inject("bad_checksum")  # corrupts the first Press: its stimulus must be shown again
        _, final = await run_measurement(driver, stimuli=2, **FAST)
    assert len(final.details["reaction_ms"]) == 2 and driver.codec_errors >= 2
    assert final.details["reaction_ms"] == sim.pressed_ms[-2:], "the lost press is not counted"


@pytest.mark.parametrize("options", [{"stimuli": 0}, {"stimuli": 2.5}, {"stimuli": "five"},
                                     {"foreperiod_s": (2.0, 1.0)}, {"foreperiod_s": "soon"}])
async def test_impossible_reaction_options_are_refused_before_any_stimulus(options):
    sim = ReactionBoxSimulator(speed=4)
    async with hosted(sim, reaction_box(), "rt") as (_, driver):
        with pytest.raises(DriverError, match="option"):
            await run_measurement(driver, **options)
        assert sim.commands_seen == [] and driver.state is DeviceState.READY


async def test_impossible_time_limits_are_refused_for_every_instrument():
    async with hosted(SitAndReachSimulator(speed=5), reach_meter(), "reach") as (_, driver):
        with pytest.raises(DriverError, match="reach_within_s must be a number"):
            await run_measurement(driver, reach_within_s=-1)
