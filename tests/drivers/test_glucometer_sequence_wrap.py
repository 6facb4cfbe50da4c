"""The glucometer's record sequence number is a uint16: after 65535 comes 0, and measuring must go on.

The rule is pinned twice: as plain arithmetic (which record is newer, modulo 2^16) and end to end,
driver against the simulated meter started just below the wrap, through 65534 → 65535 → 0 → 1.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drivers.ble.gatt import FakeGattPeer
from drivers.codecs.ble_glucose import SEQUENCE_MODULUS, sequence_after, sequence_is_newer
from drivers.devices.ble_glucometer import BleGlucometer
from drivers.sim.ble_glucose import BleGlucoseSimulator
from tests.drivers.ble_sim_support import book_with, run_measurement

SPEED = 60.0
_sequence = st.integers(0, SEQUENCE_MODULUS - 1)


# ---- which record is newer ------------------------------------------------------------------------


def test_zero_and_one_after_65535_are_newer() -> None:
    assert sequence_after(65535) == 0 and sequence_after(65534) == 65535
    assert sequence_is_newer(0, 65535) and sequence_is_newer(1, 65535)
    assert not sequence_is_newer(65535, 0), "a 65535 record kept on the meter is older than a 0 made since"
    assert not sequence_is_newer(65533, 1)


def test_a_record_is_not_newer_than_itself_and_anything_beats_an_empty_meter() -> None:
    assert not sequence_is_newer(7, 7)
    assert sequence_is_newer(0, None) and sequence_is_newer(65535, None)


@given(_sequence, st.integers(1, SEQUENCE_MODULUS // 2 - 1))
def test_up_to_half_the_circle_ahead_is_newer_and_never_both_ways(known: int, steps: int) -> None:
    later = (known + steps) % SEQUENCE_MODULUS
    assert sequence_is_newer(later, known), f"{later} is {steps} record(s) after {known}"
    assert not sequence_is_newer(known, later), f"{known} is {steps} record(s) before {later}"


@given(_sequence)
def test_the_next_record_is_always_newer(known: int) -> None:
    following = sequence_after(known)
    assert 0 <= following < SEQUENCE_MODULUS
    assert sequence_is_newer(following, known)


# ---- the simulated meter counts like a real one ---------------------------------------------------


def test_simulator_numbers_stored_records_across_the_wrap() -> None:
    sim = BleGlucoseSimulator(stored=4, first_sequence=65534)
    assert [r.sequence_number for r in sim.records] == [65534, 65535, 0, 1]


# ---- the driver across the wrap -------------------------------------------------------------------


async def glucometer(sim: BleGlucoseSimulator) -> BleGlucometer:
    device = BleGlucometer("glu-1", FakeGattPeer(sim), book_with("glu-1"))
    device.poll_interval_s = 0.01
    device.start_timeout_s = 2.0
    device.racp_timeout_s = 1.5
    await device.connect()
    return device


async def test_measuring_goes_on_through_65535_to_0_and_1() -> None:
    sim = BleGlucoseSimulator(5.0, stored=3, first_sequence=65532, speed=SPEED)
    device = await glucometer(sim)
    assert device.last_sequence == 65534
    for expected_sequence, result in ((65535, 6.1), (0, 6.2), (1, 6.3)):
        sim.next_result_mmol_l = result
        run = await run_measurement(device.measure())
        assert run.error is None, f"the test numbered {expected_sequence} must be measured, got {run.error!r}"
        assert run.final.details["sequence_number"] == expected_sequence, run.final.details
        assert run.final.values["glucose"] == result, "the resident's own test, not a stored one"


async def test_records_from_before_the_wrap_are_never_taken_as_new() -> None:
    # stored: 65533 (5.0), 65534 (5.4), 65535 (5.8), 0 (6.2); the numbers ≥ 1 on the meter are all older
    sim = BleGlucoseSimulator(7.7, stored=4, first_sequence=65533, speed=SPEED)
    device = await glucometer(sim)
    assert device.last_sequence == 0
    run = await run_measurement(device.measure())
    assert run.error is None, f"expected the new test, got {run.error!r}"
    assert run.final.details["sequence_number"] == 1 and run.final.values["glucose"] == 7.7, run.final


async def test_a_full_meter_that_forgets_its_oldest_record_across_the_wrap() -> None:
    # a full meter keeps its record count: each new test pushes the oldest out, so "how many" never grows
    sim = BleGlucoseSimulator(6.6, stored=4, first_sequence=65532, capacity=4, speed=SPEED)
    device = await glucometer(sim)
    for expected_sequence in (0, 1):
        run = await run_measurement(device.measure())
        assert run.error is None, f"the test numbered {expected_sequence} must be measured, got {run.error!r}"
        assert run.final.details["sequence_number"] == expected_sequence and run.final.values["glucose"] == 6.6
    assert [r.sequence_number for r in sim.records] == [65534, 65535, 0, 1]
