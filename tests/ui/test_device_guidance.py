"""Device guidance as plain data: trial plans, options, rests and plain words for every error and state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import (
    CodecError,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
)
from kiosk.config import demo_config
from kiosk.domain import ITEMS
from ui import device_guidance as dg

KINDS = ("blood_pressure", "scale", "grip", "vital_capacity", "spirometer", "balance", "sit_and_reach",
         "reaction_time")


def test_every_demo_device_kind_has_guidance_with_known_items() -> None:
    for d in demo_config("/tmp/unused").devices:
        g = dg.guidance(d.kind)
        assert g.steps and g.spoken and g.title
        assert all(item in ITEMS for item in g.items)
        assert g.live in ("cuff", "force", "flow", "sway", "number", "pleth", "vital")
    with pytest.raises(KeyError):
        dg.guidance("toaster")


def test_trials_the_standards_ask_for() -> None:
    trials = {k: (dg.guidance(k).trials, dg.guidance(k).max_attempts) for k in KINDS}
    assert trials == {"blood_pressure": (2, 2), "scale": (1, 1), "grip": (4, 4), "vital_capacity": (2, 2),
                      "spirometer": (3, 8), "balance": (2, 2), "sit_and_reach": (2, 2), "reaction_time": (1, 1)}
    assert 60 <= dg.guidance("blood_pressure").rest_between_s <= 120


def test_grip_alternates_hands_starting_right() -> None:
    g = dg.guidance("grip")
    assert [g.options(n)["side"] for n in range(1, 5)] == ["right", "left", "right", "left"]
    assert dg.guidance("vital_capacity").options(1) == {}


@given(st.floats(60, 260), st.floats(30, 160))
def test_grade3_rest_is_five_minutes_exactly_when_the_reading_is_grade3(sys: float, dia: float) -> None:
    rest = dg.rest_after("blood_pressure", {"systolic": sys, "diastolic": dia})
    grade3 = sys >= 180 or dia >= 110
    assert dg.is_grade3_bp(sys, dia) is grade3
    assert rest == (300.0 if grade3 else dg.BP_REST_S)


def test_rest_only_for_blood_pressure_and_overridable() -> None:
    assert dg.rest_after("grip", {"grip": 200}) == 0
    assert dg.rest_after("blood_pressure", {"systolic": 120, "diastolic": 80}, rest_s=0) == 0
    assert dg.rest_after("blood_pressure", {"systolic": 185, "diastolic": 80}, rest_s=0, grade3_rest_s=3) == 3


def test_every_error_gets_plain_words_without_technical_detail() -> None:
    errors = [DriverError("x"), CodecError("crc 0x1f"), DeviceDisconnected("ENXIO /dev/pts/3"),
              DeviceTimeout("no frame in 2 s"), DeviceReportedError("E03", code="cuff_loose"), DeviceLocked("failed")]
    messages = [dg.error_message(e) for e in errors]
    assert len(set(messages)) == len(messages)
    for e, m in zip(errors, messages, strict=True):
        assert str(e) not in m and "0x" not in m and "/dev" not in m
    assert "not available today" in dg.error_message(DeviceLocked("x"))


def test_a_device_hint_is_shown_only_in_english() -> None:
    e = DeviceReportedError("E01", code="cuff_loose", resident_message="Please wrap the cuff more snugly.")
    assert dg.error_message(e, english=True) == "Please wrap the cuff more snugly."
    assert dg.error_message(e, english=False) != "Please wrap the cuff more snugly."


def test_states_that_stop_a_test_have_messages() -> None:
    assert dg.state_message(DeviceState.READY) == ""
    for s in (DeviceState.LOCKED, DeviceState.ABSENT, DeviceState.CONNECTING, DeviceState.ERROR):
        assert dg.state_message(s)
