"""The oximeter's live view: the pleth wave is a curve against seconds, SpO2 and pulse are readouts beside it."""

from __future__ import annotations

from drivers.base import Progress
from ui.live_trace import LiveTrace


def test_pleth_is_drawn_against_seconds_and_oximeter_numbers_are_readouts() -> None:
    trace = LiveTrace()
    trace.add(Progress("ox", "pleth", 40.0, 0.01), "pleth")
    trace.add(Progress("ox", "spo2_pct", 97.0, 0.01), "pleth")
    trace.add(Progress("ox", "pulse_rate_bpm", 72.0, 0.01), "pleth")
    trace.add(Progress("ox", "pleth", 90.0, 0.02), "pleth")
    assert trace.series == [0.01, 40.0, 0.02, 90.0]
    assert trace.readouts == {"spo2_pct": 97.0, "pulse_rate_bpm": 72.0}
    assert trace.value == 90.0 and trace.peak == 90.0, "the readouts do not replace the curve's value or peak"
