"""BLE health-profile codecs: hand-worked frames for every message and flag, and the never-crash rule.

Each frame below is worked by hand from the characteristic layout in the Bluetooth SIG specifications
(field order, flag bits, SFLOAT words), written as it appears on the air.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import ble_bps, ble_glucose, ble_weight
from drivers.codecs.ble_bps import MeasurementStatus, PressureUnit, PulseRateRange
from drivers.codecs.ble_glucose import RacpOpCode, RacpOperator, RacpResponseCode
from drivers.codecs.ble_time import encode_date_time
from drivers.codecs.sfloat import SpecialValue


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# ---- Blood Pressure Measurement 0x2A35 -----------------------------------------------------------------


def test_bpm_all_fields_mmhg() -> None:
    # flags 1E: mmHg, time stamp, pulse, user id, status; 120/80 MAP 93; 2024-05-01 08:30:00; pulse 70; user 1;
    # status 0x0004 = irregular pulse
    m = ble_bps.decode_measurement(h("1E 7800 5000 5D00 E807 05 01 08 1E 00 4600 01 0400"))
    assert (m.unit, m.systolic, m.diastolic, m.mean_arterial) == (PressureUnit.MMHG, 120, 80, 93)
    assert m.time_stamp == datetime(2024, 5, 1, 8, 30, 0)
    assert (m.pulse_rate_bpm, m.user_id) == (70, 1)
    assert m.status == MeasurementStatus(irregular_pulse=True)
    assert m.status.problems() == ("irregular_pulse",)


def test_bpm_minimal_frame_has_no_optional_fields() -> None:
    m = ble_bps.decode_measurement(h("00 7800 5000 5D00"))
    assert (m.time_stamp, m.pulse_rate_bpm, m.user_id, m.status) == (None, None, None, None)


def test_bpm_kpa_values_convert_to_mmhg() -> None:
    # flags 01: kPa; 16.0 (0xF0A0) / 10.7 (0xF06B) / 12.4 (0xF07C)
    m = ble_bps.decode_measurement(h("01 A0F0 6BF0 7CF0"))
    assert m.unit is PressureUnit.KPA
    assert (m.systolic, m.diastolic, m.mean_arterial) == (16.0, 10.7, 12.4)
    assert m.systolic_mmhg == pytest.approx(120.01, abs=0.01)
    assert m.diastolic_mmhg == pytest.approx(80.26, abs=0.01)


def test_bpm_unknown_map_is_nan_and_named() -> None:
    m = ble_bps.decode_measurement(h("00 7800 5000 FF07"))
    assert m.mean_arterial is None
    assert m.specials == (("mean_arterial", SpecialValue.NAN),)


@pytest.mark.parametrize(("bits", "status"), [
    (0x0001, MeasurementStatus(body_movement=True)),
    (0x0002, MeasurementStatus(cuff_too_loose=True)),
    (0x0004, MeasurementStatus(irregular_pulse=True)),
    (0x0008, MeasurementStatus(pulse_rate_range=PulseRateRange.ABOVE_UPPER_LIMIT)),
    (0x0010, MeasurementStatus(pulse_rate_range=PulseRateRange.BELOW_LOWER_LIMIT)),
    (0x0018, MeasurementStatus(pulse_rate_range=PulseRateRange.RESERVED)),
    (0x0020, MeasurementStatus(improper_position=True)),
    (0xFFC0, MeasurementStatus()),  # reserved bits are ignored
])
def test_bpm_each_measurement_status_bit(bits: int, status: MeasurementStatus) -> None:
    m = ble_bps.decode_measurement(h("10 7800 5000 5D00") + bits.to_bytes(2, "little"))
    assert m.status == status, f"status 0x{bits:04X} should decode to {status}"


def test_bpm_unknown_time_and_unknown_user() -> None:
    m = ble_bps.decode_measurement(h("0A 7800 5000 5D00 0000 00 00 00 00 00 FF"))
    assert m.time_stamp is None
    assert m.user_id == ble_bps.UNKNOWN_USER


def test_bpm_reserved_flag_bits_are_reported_not_fatal() -> None:
    assert ble_bps.decode_measurement(h("E0 7800 5000 5D00")).reserved_flags == 0xE0


@pytest.mark.parametrize(("frame", "why"), [
    ("", "empty"),
    ("1E 7800 5000", "promise"),
    ("02 7800 5000 5D00 E807 0D 01 08 1E 00", "valid date"),  # month 13
    ("02 7800 5000 5D00 E807 05 01 18 1E 00", "time of day"),  # hour 24
])
def test_bpm_bad_frames_are_codec_errors(frame: str, why: str) -> None:
    with pytest.raises(CodecError, match=why):
        ble_bps.decode_measurement(h(frame))


def test_bpm_encode_round_trips() -> None:
    m = ble_bps.BloodPressureMeasurement(PressureUnit.MMHG, 131, 84, 99.7, datetime(2025, 1, 2, 3, 4, 5), 66, 3,
                                         MeasurementStatus(body_movement=True,
                                                           pulse_rate_range=PulseRateRange.BELOW_LOWER_LIMIT))
    assert ble_bps.decode_measurement(ble_bps.encode_measurement(m)) == m


def test_intermediate_cuff_pressure_carries_the_live_pressure() -> None:
    p = ble_bps.decode_intermediate_cuff_pressure(h("00 9600 FF07 FF07"))
    assert p.cuff_pressure_mmhg == 150
    assert ble_bps.encode_intermediate_cuff_pressure(p) == h("00 9600 FF07 FF07")


def test_intermediate_cuff_pressure_in_kpa() -> None:
    p = ble_bps.decode_intermediate_cuff_pressure(h("01 C8F0 FF07 FF07"))  # 20.0 kPa
    assert p.cuff_pressure_mmhg == pytest.approx(150.01, abs=0.01)


def test_feature_bits() -> None:
    f = ble_bps.decode_feature(h("2500"))  # bits 0, 2, 5
    assert f == ble_bps.BloodPressureFeature(body_movement_detection=True, irregular_pulse_detection=True,
                                             multiple_bonds=True)
    assert ble_bps.encode_feature(f) == h("2500")
    with pytest.raises(CodecError):
        ble_bps.decode_feature(h("25"))


# ---- Weight Measurement 0x2A9D ----------------------------------------------------------------------------


def test_weight_si_with_everything() -> None:
    # flags 0E: SI, time, user, BMI+height; 72.5 kg = 14500 * 0.005 (0x38A4); user 2; BMI 24.2 (242 = 0x00F2);
    # height 1.731 m (1731 = 0x06C3)
    m = ble_weight.decode_weight_measurement(h("0E A438 E807 05 01 09 00 00 02 F200 C306"))
    assert m.weight_kg == 72.5 and not m.imperial
    assert m.time_stamp == datetime(2024, 5, 1, 9, 0, 0)
    assert (m.user_id, m.bmi_kg_m2, m.height_m) == (2, 24.2, 1.731)


def test_weight_imperial_converts_to_kg_and_m() -> None:
    # flags 09: imperial, BMI+height; 160.00 lb (16000 = 0x3E80); BMI 24.2; 68.0 in (680 = 0x02A8)
    m = ble_weight.decode_weight_measurement(h("09 803E F200 A802"))
    assert m.imperial
    assert m.weight_kg == pytest.approx(72.5748, abs=1e-4)
    assert m.height_m == pytest.approx(1.7272, abs=1e-4)


def test_weight_unsuccessful_measurement_has_no_weight() -> None:
    assert ble_weight.decode_weight_measurement(h("00 FFFF")).weight_kg is None


def test_weight_short_frame_is_a_codec_error() -> None:
    with pytest.raises(CodecError, match="promise 7 bytes"):
        ble_weight.decode_weight_measurement(h("08 A438 F200"))


def test_weight_encode_round_trips_both_systems() -> None:
    for imperial in (False, True):
        m = ble_weight.WeightMeasurement(65.2, imperial, datetime(2024, 6, 1, 10, 0), 1, 22.9, 1.688)
        got = ble_weight.decode_weight_measurement(ble_weight.encode_weight_measurement(m))
        assert got.weight_kg == pytest.approx(65.2, abs=0.005)
        assert got.height_m == pytest.approx(1.688, abs=0.003)


# ---- Glucose Measurement 0x2A18 and RACP 0x2A52 -----------------------------------------------------------


def test_glucose_mol_per_l_with_type_and_location() -> None:
    # flags 06: concentration present, mol/L; seq 1; 2024-05-01 07:00:00; 0.0056 mol/L (0xC038); capillary
    # plasma (2) at the finger (1) = 0x12
    m = ble_glucose.decode_glucose_measurement(h("06 0100 E807 05 01 07 00 00 38C0 12"))
    assert m.sequence_number == 1
    assert m.concentration_mmol_l == pytest.approx(5.6)
    assert (m.sample_type, m.sample_location) == ("capillary_plasma", "finger")
    assert m.taken_at == datetime(2024, 5, 1, 7, 0)


def test_glucose_kg_per_l_converts_through_mg_dl() -> None:
    # flags 03: time offset + concentration in kg/L; seq 7; offset -30 min (0xFFE2); 100 mg/dL = 100e-5 kg/L (0xB064);
    # venous whole blood (3), location not available (F)
    m = ble_glucose.decode_glucose_measurement(h("03 0700 E807 05 01 07 00 00 E2FF 64B0 F3"))
    assert m.concentration_mmol_l == pytest.approx(100 / 18.016, abs=1e-6)
    assert m.time_offset_min == -30
    assert m.taken_at == datetime(2024, 5, 1, 6, 30)
    assert (m.sample_type, m.sample_location) == ("venous_whole_blood", "not_available")


@pytest.mark.parametrize("bit", range(12))
def test_glucose_each_annunciation_bit(bit: int) -> None:
    m = ble_glucose.decode_glucose_measurement(h("08 0100 E807 05 01 07 00 00") + (1 << bit).to_bytes(2, "little"))
    assert m.annunciations == (ble_glucose.ANNUNCIATIONS[bit],)


def test_glucose_context_follows_flag() -> None:
    assert ble_glucose.decode_glucose_measurement(h("10 0100 E807 05 01 07 00 00")).context_follows


def test_glucose_nan_concentration_is_no_value() -> None:
    assert ble_glucose.decode_glucose_measurement(h("06 0100 E807 05 01 07 00 00 FF07 12")).concentration_mmol_l is None


def test_glucose_encode_round_trips() -> None:
    m = ble_glucose.GlucoseMeasurement(42, datetime(2024, 7, 8, 6, 45), -5, 6.1, "capillary_whole_blood", "finger",
                                       ("battery_low", "time_fault"))
    assert ble_glucose.decode_glucose_measurement(ble_glucose.encode_glucose_measurement(m)) == m


@pytest.mark.parametrize(("request_", "wire"), [
    (ble_glucose.report_all_records(), "01 01"),
    (ble_glucose.report_records_from(5), "01 03 01 0500"),
    (ble_glucose.report_number_of_records(), "04 01"),
    (ble_glucose.report_number_of_records(300), "04 03 01 2C01"),
    (ble_glucose.abort_operation(), "03 00"),
    (ble_glucose.RacpRequest(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.WITHIN_RANGE, 2, 9), "01 04 01 0200 0900"),
    (ble_glucose.RacpRequest(RacpOpCode.DELETE_STORED_RECORDS, RacpOperator.LESS_OR_EQUAL, max_sequence=4),
     "02 02 01 0400"),
])
def test_racp_requests_encode_and_decode(request_: ble_glucose.RacpRequest, wire: str) -> None:
    assert ble_glucose.encode_racp_request(request_) == h(wire)
    assert ble_glucose.decode_racp_request(h(wire)) == request_


def test_racp_request_missing_operand_is_a_codec_error() -> None:
    with pytest.raises(CodecError, match="sequence number"):
        ble_glucose.encode_racp_request(ble_glucose.RacpRequest(RacpOpCode.REPORT_STORED_RECORDS,
                                                                RacpOperator.GREATER_OR_EQUAL))
    with pytest.raises(CodecError, match="filter"):
        ble_glucose.decode_racp_request(h("01 03 02 0500"))


def test_racp_number_of_records_response() -> None:
    assert ble_glucose.decode_racp_response(h("05 00 0A00")) == ble_glucose.RacpNumberOfRecords(10)


@pytest.mark.parametrize("code", list(RacpResponseCode))
def test_racp_every_response_code(code: RacpResponseCode) -> None:
    got = ble_glucose.decode_racp_response(bytes([6, 0, 1, int(code)]))
    assert got == ble_glucose.RacpResponse(1, code)
    assert got.ok is (code is RacpResponseCode.SUCCESS)
    assert ble_glucose.encode_racp_response(1, code) == bytes([6, 0, 1, int(code)])


@pytest.mark.parametrize("frame", ["", "06", "06 00 01", "06 00 01 0A", "01 01", "05 00 0A"])
def test_racp_malformed_responses_are_codec_errors(frame: str) -> None:
    with pytest.raises(CodecError):
        ble_glucose.decode_racp_response(h(frame))


# ---- never crash ---------------------------------------------------------------------------------------------

DECODERS = [ble_bps.decode_measurement, ble_bps.decode_intermediate_cuff_pressure, ble_bps.decode_feature,
            ble_weight.decode_weight_measurement, ble_glucose.decode_glucose_measurement,
            ble_glucose.decode_racp_request, ble_glucose.decode_racp_response]


@settings(max_examples=150)
@given(st.sampled_from(DECODERS), st.binary(max_size=40))
def test_any_bytes_give_a_message_or_a_codec_error(decoder, data: bytes) -> None:
    with contextlib.suppress(CodecError):
        decoder(data)


# ---- round trips over generated values ------------------------------------------------------------------

_times = st.one_of(st.none(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)))
_mmhg = st.integers(0, 2045).map(float)


@settings(max_examples=150)
@given(_mmhg, _mmhg, st.one_of(st.none(), _mmhg), _times, st.one_of(st.none(), st.integers(30, 220).map(float)),
       st.one_of(st.none(), st.integers(0, 255)), st.one_of(st.none(), st.integers(0, 0x3F)))
def test_bpm_measurement_round_trips(systolic, diastolic, mean, when, pulse, user, status_bits) -> None:
    status = None if status_bits is None else MeasurementStatus.from_bits(status_bits)
    m = ble_bps.BloodPressureMeasurement(PressureUnit.MMHG, systolic, diastolic, mean, when, pulse, user, status,
                                         (("mean_arterial", SpecialValue.NAN),) if mean is None else ())
    assert ble_bps.decode_measurement(ble_bps.encode_measurement(m)) == m


@settings(max_examples=150)
@given(st.integers(0, 0xFFFE), st.booleans(), _times, st.one_of(st.none(), st.integers(0, 255)))
def test_weight_counts_round_trip_exactly(count: int, imperial: bool, when, user) -> None:
    step = ble_weight.IMPERIAL_WEIGHT_STEP_LB * ble_weight.LB_TO_KG if imperial else ble_weight.SI_WEIGHT_STEP_KG
    frame = bytes([(1 if imperial else 0) | (2 if when else 0) | (4 if user is not None else 0)]) \
        + count.to_bytes(2, "little") + (encode_date_time(when) if when else b"") \
        + (bytes([user]) if user is not None else b"")
    m = ble_weight.decode_weight_measurement(frame)
    assert m.weight_kg == pytest.approx(count * step, abs=1e-4)
    assert ble_weight.encode_weight_measurement(m)[1:3] == count.to_bytes(2, "little"), "the count survives"


@settings(max_examples=150)
@given(st.integers(0, 0xFFFF), _times, st.integers(-32768, 32767), st.integers(1, 2045), st.sampled_from(
    sorted(ble_glucose.GLUCOSE_TYPES.values())), st.sampled_from(sorted(ble_glucose.SAMPLE_LOCATIONS.values())),
    st.sets(st.sampled_from(ble_glucose.ANNUNCIATIONS)))
def test_glucose_round_trips(seq, when, offset, tenths, kind, location, annunciations) -> None:
    m = ble_glucose.GlucoseMeasurement(seq, when, offset, tenths / 10, kind, location,
                                       tuple(a for a in ble_glucose.ANNUNCIATIONS if a in annunciations))
    assert ble_glucose.decode_glucose_measurement(ble_glucose.encode_glucose_measurement(m)) == m
