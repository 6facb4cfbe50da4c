"""Blood Pressure Measurement 0x2A35 frames captured from real cuffs, decoded to the values their source states.

Sources (bytes and expected values taken as test facts, the code not copied):
- blood-pressure-monitor-fl (github.com/derdilla/blood-pressure-monitor-fl, GPL-3.0), commit 17aba3d,
  app/test/features/bluetooth/logic/characteristics/ble_measurement_data_test.dart: a standard frame
  ("decodes sample data"; the device is not named there) and four frames "recorded from a Beurer BM85"
  (pull requests #735 and #737), which send the pulse and status big-endian and always a user id.
- the same project's issue #80 (a user's debug log, 2024-06-23): the frames a cuff sent when it showed
  "Err" (movement) and "Err CUF" (loose cuff): NaN in every pressure and the pulse, status 0.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import ble_bps
from drivers.codecs.ble_bps import BEURER, STANDARD, MeasurementStatus, PressureUnit, PulseRateRange


def frame(*values: int) -> bytes:
    return bytes(values)


STANDARD_SAMPLE = frame(22, 124, 0, 86, 0, 97, 0, 232, 7, 6, 15, 17, 17, 27, 51, 0, 0, 0)


def test_standard_sample_frame_decodes_to_its_source_values() -> None:
    m = ble_bps.decode_measurement(STANDARD_SAMPLE)
    assert (m.unit, m.systolic, m.diastolic, m.mean_arterial) == (PressureUnit.MMHG, 124, 86, 97)
    assert m.pulse_rate_bpm == 51
    assert m.time_stamp == datetime(2024, 6, 15, 17, 17, 27)
    assert m.user_id is None
    assert m.status == MeasurementStatus()
    assert not m.failed


@pytest.mark.parametrize(("status_byte", "expected"), [
    (39, MeasurementStatus(body_movement=True, cuff_too_loose=True, irregular_pulse=True, improper_position=True)),
    (8, MeasurementStatus(pulse_rate_range=PulseRateRange.ABOVE_UPPER_LIMIT)),
    (16, MeasurementStatus(pulse_rate_range=PulseRateRange.BELOW_LOWER_LIMIT)),
])
def test_standard_sample_status_words(status_byte: int, expected: MeasurementStatus) -> None:
    m = ble_bps.decode_measurement(STANDARD_SAMPLE[:-2] + bytes((status_byte, 0)))
    assert m.status == expected, f"status byte {status_byte} should decode to {expected}"


# Beurer BM85 (blood-pressure-monitor-fl PR #735/#737): (frame, systolic, diastolic, pulse, user, time)
BEURER_BM85 = [
    (frame(86, 106, 0, 71, 0, 0, 0, 234, 7, 8, 11, 18, 31, 0, 0, 63, 0, 0, 0), 106, 71, 63, 0,
     datetime(2026, 8, 11, 18, 31)),
    (frame(86, 113, 0, 73, 0, 0, 0, 234, 7, 8, 11, 20, 56, 0, 0, 65, 1, 0, 0), 113, 73, 65, 1,
     datetime(2026, 8, 11, 20, 56)),
    (frame(86, 119, 0, 70, 0, 0, 0, 234, 7, 8, 11, 20, 57, 0, 0, 87, 1, 0, 64), 119, 70, 87, 1,
     datetime(2026, 8, 11, 20, 57)),
]


@pytest.mark.parametrize(("data", "systolic", "diastolic", "pulse", "user", "when"), BEURER_BM85)
def test_beurer_bm85_frames_decode_with_its_quirks(data: bytes, systolic: float, diastolic: float, pulse: float,
                                                   user: int, when: datetime) -> None:
    m = ble_bps.decode_measurement(data, BEURER)
    assert (m.unit, m.systolic, m.diastolic) == (PressureUnit.MMHG, systolic, diastolic)
    assert m.pulse_rate_bpm == pulse
    assert m.user_id == user
    assert m.time_stamp == when
    assert m.reserved_flags == 0x40  # the BM85 sets reserved flag bit 6
    assert m.status is not None and m.status.problems() == ()


def test_beurer_bm85_status_is_big_endian() -> None:
    # trailing "0, 4": the status word 0x0004 sent high byte first = irregular pulse
    m = ble_bps.decode_measurement(frame(86, 118, 0, 80, 0, 0, 0, 234, 7, 8, 11, 20, 27, 0, 0, 60, 0, 0, 4), BEURER)
    assert (m.systolic, m.diastolic, m.pulse_rate_bpm) == (118, 80, 60)
    assert m.status == MeasurementStatus(irregular_pulse=True)


def test_beurer_frame_read_by_the_letter_of_the_spec_gives_an_impossible_pulse() -> None:
    # why the quirk exists: little-endian 00 3F is SFLOAT 0x3F00 = -256 × 10³
    m = ble_bps.decode_measurement(BEURER_BM85[0][0], STANDARD)
    assert m.pulse_rate_bpm == -256000
    assert m.user_id is None


@pytest.mark.parametrize(("name", "quirks"), [
    ("BM85", BEURER), ("Beurer BM 85", BEURER), ("bm59", BEURER), ("BM48/1", BEURER), ("ELITE 900", BEURER),
    ("X4 Smart", STANDARD), ("SBM69", STANDARD), ("", STANDARD), (None, STANDARD),
])
def test_quirks_follow_the_advertised_name(name: str | None, quirks: ble_bps.BpsQuirks) -> None:
    assert ble_bps.quirks_for_name(name) == quirks


@pytest.mark.parametrize("data", [
    frame(22, 255, 7, 255, 7, 255, 7, 232, 7, 6, 23, 14, 35, 10, 255, 7, 0, 0),  # "Err" (movement)
    frame(22, 255, 7, 255, 7, 255, 7, 232, 7, 6, 23, 14, 47, 59, 255, 7, 0, 0),  # "Err CUF" (loose cuff)
])
def test_cuff_error_frames_are_failed_measurements_not_2047_mmhg(data: bytes) -> None:
    m = ble_bps.decode_measurement(data)
    assert m.failed
    assert (m.systolic, m.diastolic, m.mean_arterial, m.pulse_rate_bpm) == (None, None, None, None)
    assert m.time_stamp is not None and m.time_stamp.date() == datetime(2024, 6, 23).date()


@given(st.binary(max_size=40), st.sampled_from([STANDARD, BEURER]))
def test_any_bytes_decode_or_raise_codec_error(data: bytes, quirks: ble_bps.BpsQuirks) -> None:
    with contextlib.suppress(CodecError):
        ble_bps.decode_measurement(data, quirks)


@given(st.integers(60, 250), st.integers(30, 150), st.integers(30, 200), st.integers(0, 0x3F))
def test_beurer_encoding_round_trips(systolic: int, diastolic: int, pulse: int, status_bits: int) -> None:
    m = ble_bps.BloodPressureMeasurement(PressureUnit.MMHG, systolic, diastolic, 0, datetime(2026, 8, 11, 18, 31),
                                         pulse, 1, MeasurementStatus.from_bits(status_bits), reserved_flags=0x40)
    data = ble_bps.encode_measurement(m, BEURER)
    assert data[0] & 0x08 == 0, "a Beurer cuff does not set the user-id flag"
    assert ble_bps.decode_measurement(data, BEURER) == m
