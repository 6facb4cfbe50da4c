"""Wii Balance Board over hid-wiimote/evdev: the kernel's event codes and units, the assembler, the driver on replays.

Facts under test come from the Linux kernel source (drivers/hid/hid-wiimote-modules.c, GPL-2.0):
ABS_HAT0X = top right, ABS_HAT0Y = bottom right, ABS_HAT1X = top left, ABS_HAT1Y = bottom left, one unit
= 10 g after the kernel's calibration; and the sensor spacing 433 × 238 mm from Leach et al., Sensors 2014.
No public recording of a board's event stream exists that we found: sequences are built from these facts.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.balance import centre_of_pressure
from drivers.base import DeviceDisconnected, DriverError
from drivers.calibration import MemoryCalibrationBook
from drivers.codecs import wii_balance_board as wbb
from drivers.devices.wii_balance_board import WiiBalanceBoard
from drivers.sim.wii_balance_board import WiiBalanceBoardSimulator
from drivers.transport.evdev_input import EV_ABS, EV_SYN, SYN_DROPPED, SYN_REPORT, InputEvent, ReplayEventSource
from tests.drivers.ble_sim_support import run_measurement


def report(t: float, tr: int, br: int, tl: int, bl: int) -> list[InputEvent]:
    return [InputEvent.at(t, EV_ABS, 16, tr), InputEvent.at(t, EV_ABS, 17, br), InputEvent.at(t, EV_ABS, 18, tl),
            InputEvent.at(t, EV_ABS, 19, bl), InputEvent.at(t, EV_SYN, SYN_REPORT, 0)]


def test_event_codes_are_the_kernels() -> None:
    evdev = pytest.importorskip("evdev")
    e = evdev.ecodes
    assert (wbb.ABS_HAT0X, wbb.ABS_HAT0Y, wbb.ABS_HAT1X, wbb.ABS_HAT1Y) == (e.ABS_HAT0X, e.ABS_HAT0Y, e.ABS_HAT1X,
                                                                            e.ABS_HAT1Y)
    assert (EV_ABS, EV_SYN, SYN_REPORT, SYN_DROPPED, wbb.BTN_A) == (e.EV_ABS, e.EV_SYN, e.SYN_REPORT, e.SYN_DROPPED,
                                                                   e.BTN_A)


def test_corners_map_to_left_front_right_front_left_rear_right_rear_in_kg() -> None:
    # 1700 units = 17 kg on top right, 100 = 1 kg bottom right, 250 top left, 3400 = 34 kg bottom left
    (frame,) = wbb.BoardFrameAssembler().feed_all(report(5.0, 1700, 100, 250, 3400))
    assert frame.kg == (2.5, 17.0, 34.0, 1.0)
    assert frame.at_s == 5.0 and frame.total_kg == pytest.approx(54.5)


def test_all_load_on_the_right_edge_puts_the_cop_433_over_2_to_the_right() -> None:
    (frame,) = wbb.BoardFrameAssembler().feed_all(report(0.0, 3000, 3000, 0, 0))
    x, y = centre_of_pressure(frame.kg, wbb.GEOMETRY) or (None, None)
    assert (x, y) == (216.5, 0.0)
    (frame,) = wbb.BoardFrameAssembler().feed_all(report(0.0, 3000, 0, 3000, 0))
    assert centre_of_pressure(frame.kg, wbb.GEOMETRY) == (0.0, 119.0), "top = front = +y, half of 238 mm"


def test_an_unchanged_axis_keeps_its_last_value() -> None:
    a = wbb.BoardFrameAssembler()
    a.feed_all(report(0.0, 1000, 1000, 1000, 1000))
    frames = a.feed_all([InputEvent.at(0.01, EV_ABS, 16, 1200), InputEvent.at(0.01, EV_SYN, SYN_REPORT, 0)])
    assert frames[0].kg == (10.0, 12.0, 10.0, 10.0)


def test_nothing_comes_out_until_all_four_axes_are_known() -> None:
    a = wbb.BoardFrameAssembler()
    assert a.feed_all([InputEvent.at(0, EV_ABS, 16, 5), InputEvent.at(0, EV_SYN, SYN_REPORT, 0)]) == []


def test_syn_dropped_discards_until_the_next_report_and_marks_the_resync() -> None:
    a = wbb.BoardFrameAssembler()
    a.feed_all(report(0.0, 1000, 1000, 1000, 1000))
    events = [InputEvent.at(0.01, EV_SYN, SYN_DROPPED, 0), *report(0.02, 1, 1, 1, 1), *report(0.03, 2, 2, 2, 2)]
    (frame,) = a.feed_all(events)
    assert frame.resynced and frame.kg == (0.02, 0.02, 0.02, 0.02)


def test_frame_events_write_only_changed_axes() -> None:
    events = wbb.frame_events(1.0, (10.0, 12.0, 10.0, 10.0), (10.0, 11.0, 10.0, 10.0))
    assert [(e.ev_type, e.code, e.value) for e in events] == [(EV_ABS, 16, 1200), (EV_SYN, SYN_REPORT, 0)]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 400), st.integers(-2**31, 2**31 - 1)), max_size=60))
def test_any_event_sequence_gives_frames_with_non_negative_loads(raw: list[tuple[int, int, int]]) -> None:
    events = [InputEvent.at(i * 0.01, t, c, v) for i, (t, c, v) in enumerate(raw)]
    for frame in wbb.BoardFrameAssembler().feed_all(events):
        assert all(k >= 0 for k in frame.kg)


async def board(sim: WiiBalanceBoardSimulator, book: MemoryCalibrationBook | None = None) -> WiiBalanceBoard:
    driver = WiiBalanceBoard("wbb", sim.source(), book)
    await driver.connect()
    return driver


async def test_driver_times_the_simulated_stand_from_kernel_time_stamps() -> None:
    sim = WiiBalanceBoardSimulator(speed=50.0, stand_s=6.0, standing_foot="left")
    run = await run_measurement((await board(sim)).measure(trial=1))
    reading = run.final
    assert reading.item == "single_leg_stand_eyes_closed"
    assert reading.values["single_leg_stand_eyes_closed"] == pytest.approx(6.0, abs=0.4)
    assert reading.side == "left"
    assert reading.details["body_kg"] == pytest.approx(64.0, abs=1.0)
    assert "uncalibrated" in reading.quality_flags
    assert run.progress and all(p.quantity == "cop_mm" for p in run.progress)


async def test_a_board_under_another_name_is_refused() -> None:
    source = ReplayEventSource(lambda: [], name="Nintendo Wii Remote")
    with pytest.raises(DriverError, match="expected 'Nintendo Wii Remote Balance Board'"):
        await WiiBalanceBoard("wbb", source).connect()


async def test_dropped_events_during_the_stand_lose_the_trial() -> None:
    sim = WiiBalanceBoardSimulator(speed=50.0, stand_s=6.0)
    sim.inject("dropped")
    run = await run_measurement((await board(sim)).measure())
    assert isinstance(run.error, DriverError) and "lost" in str(run.error) and not run.finals


async def test_a_board_switched_off_mid_stand_is_a_disconnect_not_a_reading() -> None:
    sim = WiiBalanceBoardSimulator(speed=50.0, stand_s=6.0)
    sim.inject("unplug")
    driver = await board(sim)
    run = await run_measurement(driver.measure())
    assert isinstance(run.error, DeviceDisconnected) and not run.finals
    assert driver.state.value == "absent"


async def test_read_corners_reads_a_placed_mass() -> None:
    sim = WiiBalanceBoardSimulator(speed=50.0)
    sim.placed_mass = (20.0, 0.0, 0.0)
    corners = await (await board(sim)).read_corners_kg(0.5)
    assert sum(corners) == pytest.approx(20.0, abs=0.1)
    assert all(c == pytest.approx(5.0, abs=0.1) for c in corners)
