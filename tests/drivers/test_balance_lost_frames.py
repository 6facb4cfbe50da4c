"""The single-leg-stand time follows the platform's frame counter: frames lost on the line do not shorten it."""

from __future__ import annotations

import pytest

from drivers.balance import sway_metrics
from drivers.base import DriverError, FinalReading, Progress
from drivers.devices.balance_platform import ITEM, BalancePlatform
from drivers.sim.balance_platform import BalancePlatformSimulator
from tests.drivers.instrument_harness import FRAME_TIMEOUT_S, NOW, hosted


async def test_many_corrupted_frames_during_the_stand_do_not_shorten_the_time():
    sim = BalancePlatformSimulator(stand_s=4.0, speed=6)
    driver_of = lambda path: BalancePlatform("balance-1", path, frame_timeout_s=FRAME_TIMEOUT_S,  # noqa: E731
                                             clock=lambda: NOW)
    async with hosted(sim, driver_of, "balance") as (host, driver):
        finals: list[FinalReading] = []
        corrupted = 0
        async for event in driver.measure():
            if isinstance(event, FinalReading):
                finals.append(event)
            elif isinstance(event, Progress) and event.message == "timing" and corrupted < 60:
                host.inject("bad_checksum")  # the next frame the platform sends is lost
                corrupted += 1
        errors = driver.codec_errors
    assert errors >= 30, f"the test needs many lost frames during the stand, only {errors} were lost"
    assert len(finals) == 1
    measured = finals[0].values[ITEM]
    assert measured == pytest.approx(4.0, abs=0.15), \
        f"the resident stood 4.0 s; with {errors} frames (10 ms each) lost the driver measured {measured} s"
    sway = finals[0].details["sway"]
    # the stance path starts once the lift is confirmed (0.15 s after it): it spans the rest of the stand
    assert sway["duration_s"] == pytest.approx(measured - 0.15, abs=0.1), \
        f"the sway duration is the time the path spans, not the count of frames kept: {sway}"


def test_mean_velocity_over_a_path_with_lost_samples_uses_the_time_it_spans():
    # 10 mm/s along x for 2 s at 10 Hz, with every other sample of the second second lost on the line
    times = [i / 10 for i in range(21) if i <= 10 or i % 2 == 0]
    path = [(10.0 * t, 0.0) for t in times]
    m = sway_metrics(path, 10, duration_s=times[-1] - times[0])
    assert m.path_length_mm == pytest.approx(20.0) and m.duration_s == pytest.approx(2.0)
    assert m.mean_velocity_mm_s == pytest.approx(10.0), f"the CoP moved at 10 mm/s, got {m.mean_velocity_mm_s}"


async def test_a_frame_counter_jump_is_an_error_not_a_time_limit_reading():
    sim = BalancePlatformSimulator(stand_s=4.0, speed=6)
    driver_of = lambda path: BalancePlatform("balance-1", path, frame_timeout_s=FRAME_TIMEOUT_S,  # noqa: E731
                                             clock=lambda: NOW)
    async with hosted(sim, driver_of, "balance") as (_, driver):
        finals: list[FinalReading] = []
        with pytest.raises(DriverError, match="frame counter jumped"):
            async for event in driver.measure():
                if isinstance(event, FinalReading):
                    finals.append(event)
                elif isinstance(event, Progress) and event.message == "timing":
                    sim._seq = (sim._seq + 30000) & 0xFFFF  # the platform restarted its counter mid-stand
    assert finals == [], f"a stand whose time is unknown must not be stored: {finals}"
