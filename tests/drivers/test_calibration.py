"""Calibration procedures, their pass/fail rules, expiry and the lockout rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from drivers.balance import PlatformGeometry
from drivers.base import DeviceLocked
from drivers.calibration import (
    BP_STATIC_POINTS_MMHG,
    LinearCorrection,
    MemoryCalibrationBook,
    PlatformCorrection,
    Procedure,
    calibrate_grip,
    calibrate_platform,
    check_bp_static,
    check_usable,
    run_bp_static_check,
    verify_syringe,
)
from drivers.sim.balance_platform import corner_forces_kg
from kiosk.domain import CalibrationResult
from kiosk.errors import InputError

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def grip_record(**kwargs):
    return calibrate_grip("grip-1", "tech-7", T0, [0, 10, 20, 40], [0.4, 10.9, 21.4, 42.4], **kwargs)


def test_check_usable_returns_the_passed_unexpired_record():
    record = grip_record()
    assert record.result is CalibrationResult.PASSED
    assert check_usable("grip-1", MemoryCalibrationBook([record]), T0 + timedelta(days=29)) is record


def test_a_device_without_any_calibration_is_locked_only_if_it_requires_one():
    with pytest.raises(DeviceLocked, match="no calibration on record") as info:
        check_usable("grip-1", MemoryCalibrationBook(), T0)
    assert "staff" in info.value.resident_message and info.value.device_id == "grip-1"
    assert check_usable("grip-1", MemoryCalibrationBook(), T0, required=False) is None


def test_an_expired_calibration_locks_the_device_saying_since_when():
    book = MemoryCalibrationBook([grip_record()])
    with pytest.raises(DeviceLocked, match="expired at 2026-12-01 09:00"):
        check_usable("grip-1", book, T0 + timedelta(days=30))  # valid_until itself is already expired


def test_a_failed_calibration_locks_the_device_with_its_notes():
    failed = calibrate_grip("grip-1", "tech-7", T0, [0, 10, 20], [0, 12.5, 25.0])  # 25 % high: damaged cell
    assert failed.result is CalibrationResult.FAILED and "needs service" in failed.notes
    with pytest.raises(DeviceLocked, match=r"failed: gain 0\.800"):
        check_usable("grip-1", MemoryCalibrationBook([failed]), T0)


def test_the_latest_run_decides_even_if_an_older_one_passed():
    older = grip_record()
    newer = calibrate_grip("grip-1", "tech-7", T0 + timedelta(days=2), [0, 10, 20], [0, 12.5, 25.0])
    book = MemoryCalibrationBook([newer, older])
    assert book.latest_calibration("grip-1") is newer
    with pytest.raises(DeviceLocked):
        check_usable("grip-1", book, T0 + timedelta(days=3))


def test_grip_fit_recovers_gain_and_offset_and_records_the_run():
    record = grip_record()
    c = LinearCorrection.from_record(record)
    assert c.gain == pytest.approx(40 / 42.0, abs=1e-3) and c.apply(21.4) == pytest.approx(20.0, abs=0.05)
    assert record.procedure == Procedure.GRIP_KNOWN_MASSES and record.performed_by == "tech-7"
    assert record.references == (0, 10, 20, 40) and record.readings == (0.4, 10.9, 21.4, 42.4)
    assert record.valid_until == T0 + timedelta(days=30)


def test_a_non_linear_grip_cell_fails_even_though_a_line_can_be_fitted():
    record = calibrate_grip("grip-1", "tech-7", T0, [0, 10, 20, 40], [0.0, 12.0, 20.0, 40.0])
    assert record.result is CalibrationResult.FAILED and "not linear" in record.notes


@pytest.mark.parametrize(("masses", "readings", "field"), [
    ([0, 10], [0, 10], "grip.references"),
    ([0, 10, 20], [0, 10], "grip.readings"),
    ([10, 10, 10], [10, 10, 10], "grip.references"),
])
def test_grip_calibration_input_errors_name_the_field(masses, readings, field):
    with pytest.raises(InputError) as info:
        calibrate_grip("grip-1", "tech-7", T0, masses, readings)
    assert info.value.field == field


@pytest.mark.parametrize(("strokes", "passed"), [
    ([2.91, 3.00, 3.09], True),
    ([3.00, 3.00, 2.90], False),
    ([3.095], False),
])
def test_syringe_check_is_plus_or_minus_three_percent_of_three_litres(strokes, passed):
    record = verify_syringe("spiro-1", "tech-7", T0, strokes)
    assert (record.result is CalibrationResult.PASSED) is passed, record.notes
    assert record.valid_until == T0 + timedelta(days=1), "ATS/ERS: at least daily"
    assert record.correction["gain"] == pytest.approx(3.0 / (sum(strokes) / len(strokes)))


def test_syringe_check_needs_a_stroke():
    with pytest.raises(InputError, match="at least one syringe stroke"):
        verify_syringe("spiro-1", "tech-7", T0, [])


def test_bp_static_check_passes_within_three_mmhg_and_names_the_failing_points():
    good = check_bp_static("bp-1", "tech-7", T0, BP_STATIC_POINTS_MMHG, [0.0, 52.0, 97.0, 150.5, 203.0, 249.0])
    assert good.result is CalibrationResult.PASSED and good.valid_until == T0 + timedelta(days=365)
    bad = check_bp_static("bp-1", "tech-7", T0, BP_STATIC_POINTS_MMHG, [0.0, 50.0, 100.0, 154.0, 200.0, 245.0])
    assert bad.result is CalibrationResult.FAILED
    assert "150 mmHg (read 154.0)" in bad.notes and "250 mmHg (read 245.0)" in bad.notes


async def test_bp_static_run_takes_readings_from_a_sync_or_async_callable():
    asked: list[float] = []

    def manometer_matched(point: float) -> float:
        asked.append(point)
        return point + 1.0

    async def drifting(point: float) -> float:
        return point * 1.015 + 6.0

    ok = await run_bp_static_check("bp-1", "tech-7", T0, manometer_matched)
    assert asked == list(BP_STATIC_POINTS_MMHG) and ok.result is CalibrationResult.PASSED
    drifted = await run_bp_static_check("bp-1", "tech-7", T0, drifting)
    assert drifted.result is CalibrationResult.FAILED and drifted.readings[0] == 6.0


GEOMETRY = PlatformGeometry(400, 400)
TRUE_GAIN = (1.04, 0.97, 1.00, 0.95)
TRUE_ZERO = (0.5, 0.3, 0.2, 0.4)


def raw(mass: float, x: float, y: float) -> tuple[float, ...]:
    return tuple(g * f + z for g, f, z in zip(TRUE_GAIN, corner_forces_kg(mass, x, y, GEOMETRY), TRUE_ZERO,
                                              strict=True))


def test_platform_calibration_solves_each_cell_from_corner_placements():
    placements = [(20.0, raw(20.0, x, y)) for x, y in ((-150, 150), (150, 150), (-150, -150), (150, -150))]
    record = calibrate_platform("bal-1", "tech-7", T0, TRUE_ZERO, [*placements, (50.0, raw(50.0, 0, 0))])
    assert record.result is CalibrationResult.PASSED, record.notes
    correction = PlatformCorrection.from_record(record)
    for cell, gain in zip(correction.cells, TRUE_GAIN, strict=True):
        assert cell.gain == pytest.approx(1 / gain, rel=1e-9)
    assert sum(correction.apply(raw(70.0, 30, -60))) == pytest.approx(70.0, abs=1e-6)
    assert record.references == (0.0, 20.0, 20.0, 20.0, 20.0, 50.0) and len(record.readings) == 24


def test_platform_with_one_central_placement_gets_a_common_gain():
    record = calibrate_platform("bal-1", "tech-7", T0, (0.1, 0.1, 0.1, 0.1), [(40.0, (10.1, 10.1, 10.1, 10.1))])
    assert record.result is CalibrationResult.PASSED and "common gain" in record.notes
    assert {round(record.correction[f"gain_{i}"], 6) for i in range(4)} == {1.0}


def test_platform_calibration_fails_when_a_cell_is_far_off_and_refuses_wrong_shapes():
    record = calibrate_platform("bal-1", "tech-7", T0, (0, 0, 0, 0), [(40.0, (5.0, 5.0, 5.0, 5.0))])
    assert record.result is CalibrationResult.FAILED and "gain outside" in record.notes
    with pytest.raises(InputError, match="four load cells"):
        calibrate_platform("bal-1", "tech-7", T0, (0, 0, 0), [(40.0, (10, 10, 10, 10))])
    with pytest.raises(InputError, match="known mass"):
        calibrate_platform("bal-1", "tech-7", T0, (0, 0, 0, 0), [])


def test_corrections_round_trip_through_a_record_mapping():
    linear = LinearCorrection(1.02, -0.3)
    assert LinearCorrection.from_record(None) == LinearCorrection()
    assert linear.to_mapping() == {"gain": 1.02, "offset": -0.3}
    platform = PlatformCorrection((linear, LinearCorrection(), LinearCorrection(0.9, 0.1), LinearCorrection()))
    assert platform.to_mapping()["gain_2"] == 0.9 and platform.apply((1, 1, 1, 1)) == pytest.approx(
        (0.72, 1.0, 1.0, 1.0))
