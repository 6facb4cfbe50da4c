"""The live view's trace and the trial list, with plain data."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import Progress
from kiosk.domain import Measurement, Side
from ui.live_trace import SERIES_MAX, LiveTrace
from ui.trial_results import counts_as_trial, result_rows, result_text


def force(kg: float, at_s: float) -> Progress:
    return Progress("grip", "force_kg", kg, at_s)


def test_a_squeeze_draws_force_against_time_and_keeps_its_peak() -> None:
    trace = LiveTrace()
    for i, kg in enumerate((0.5, 12.0, 30.2, 28.0)):
        trace.add(force(kg, i * 0.1), "force")
    assert trace.series == pytest.approx([0.0, 0.5, 0.1, 12.0, 0.2, 30.2, 0.3, 28.0])
    assert (trace.value, trace.peak, trace.rising) == (28.0, 30.2, False)
    assert trace.seconds == pytest.approx(0.3)


def test_flow_is_drawn_against_volume_and_sway_by_its_distance_from_the_centre() -> None:
    flow = LiveTrace()
    flow.add(Progress("spirometer", "flow_volume", (1.2, 6.5), 0.3), "flow")
    assert flow.series == [1.2, 6.5] and flow.value == 6.5
    sway = LiveTrace()
    sway.add(Progress("balance", "cop_mm", (3.0, 4.0), 1.0), "sway")
    assert sway.value == 5.0 and sway.peak == 5.0


def test_a_count_of_repeats_is_not_a_peak_and_reaction_times_are_numbered() -> None:
    trace = LiveTrace()
    trace.add(Progress("reaction", "reaction_s", 0.42, 1.0), "number")
    trace.add(Progress("reaction", "reaction_s", 0.38, 2.0), "number")
    assert trace.series == [1.0, 0.42, 2.0, 0.38]
    counter = LiveTrace()
    counter.add(Progress("reaction", "repeats_so_far", 7, 3.0), "number")
    assert counter.value == 7 and counter.peak == 0.0


def test_the_view_hears_of_a_change_once() -> None:
    trace = LiveTrace()
    assert trace.take_dirty() and not trace.take_dirty()
    trace.add(force(1.0, 0.0), "force")
    assert trace.take_dirty() and not trace.take_dirty()


@given(st.lists(st.floats(0, 90, allow_nan=False), min_size=1, max_size=4000))
def test_the_curve_keeps_only_the_latest_points_and_the_peak_of_all(values: list[float]) -> None:
    trace = LiveTrace()
    for i, v in enumerate(values):
        trace.add(force(v, i * 0.01), "force")
    assert len(trace.series) == 2 * min(len(values), SERIES_MAX)
    assert trace.series[-1] == values[-1] and trace.peak == max(values)


def grip(value: float, trial: int, side: Side) -> Measurement:
    return Measurement("grip", value, "kg", trial=trial, side=side)


def test_rows_come_in_trial_order_and_mark_the_one_kept() -> None:
    trials = [grip(25.0, 2, Side.LEFT), grip(30.04, 1, Side.RIGHT), grip(36.0, 3, Side.RIGHT)]
    rows = result_rows("grip", trials, trials)
    assert [r["trial"] for r in rows] == [1, 2, 3]
    assert [r["best"] for r in rows] == [0, 0, 1]
    assert rows[0]["text"] == "30.0 kg" and rows[1]["side"] == "left"
    assert result_rows("grip", [], []) == []


def test_a_spirometry_row_names_the_fev1_and_pef_of_the_same_blow_and_bp_its_three_numbers() -> None:
    fvc = Measurement("fvc", 3.21, "L", trial=2, device_id="spiro")
    companions = [fvc, Measurement("fev1", 2.61, "L", trial=2, device_id="spiro"),
                  Measurement("pef", 7.4, "L/s", trial=2, device_id="spiro"),
                  Measurement("fev1", 1.0, "L", trial=1, device_id="spiro")]
    assert result_text(fvc, companions) == "FVC 3.21 L · FEV1 2.61 L · PEF 7.4 L/s"
    bp = Measurement("blood_pressure", 128, "mmHg", components={"systolic": 128, "diastolic": 82, "pulse": 71})
    assert result_text(bp, [bp]) == "128/82 mmHg, pulse 71"


def test_a_rejected_blow_does_not_use_up_a_trial() -> None:
    assert not counts_as_trial("fvc", frozenset({"fvc_not_acceptable"}))
    assert not counts_as_trial("fvc", frozenset({"fev1_not_acceptable", "other"}))
    assert counts_as_trial("fvc", frozenset({"back_extrapolation_high"}))
    assert counts_as_trial("grip", frozenset({"fvc_not_acceptable"}))


def test_a_stimulus_prompt_is_shown_until_the_press_and_is_not_a_value() -> None:
    trace = LiveTrace()
    trace.add(Progress("rt", "stimulus_key", 3.0, 1.0), "number")
    assert (trace.stimulus, trace.value, trace.peak) == (3, 0.0, 0.0), "the button number is not a reaction time"
    trace.add(Progress("rt", "reaction_s", 0.45, 1.5), "number")
    assert (trace.stimulus, trace.value) == (0, 0.45)
