"""Blood-oxygen and temperature codecs on frames from other people's test suites, and the never-crash rule.

Sources of the frames (bytes and the values each source states they decode to):

- PLX 0x2A5E/0x2A5F/0x2A60: Stanford Spezi, ``SpeziBluetooth`` ``Tests/SpeziBluetoothServicesTests/PLXTests.swift``
  (commit c52a637, MIT licence). These are vectors of an independent implementation of the SIG layout,
  not bytes recorded from a real oximeter: no public capture of a real PLX device was found.
- Health Thermometer 0x2A1C: Nordic Semiconductor, ``Android-BLE-Common-Library``
  ``ble-common/src/test/.../ht/TemperatureMeasurementDataCallbackTest.java`` (BSD-3-Clause).
- BerryMed BCI: no captured bytes were found in a public test suite; the packets here are worked by
  hand from BerryMed's published table ("BCI Protocol V1.2", github.com/zh2x/BCI_Protocol) and say so.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import berrymed_bci as bci
from drivers.codecs import ble_hts, ble_plx
from drivers.codecs.ble_hts import TemperatureMeasurement, TemperatureType
from drivers.codecs.ble_plx import PlxContinuous, PlxSpotCheck

# ---- PLX (Spezi's vectors, MIT) ------------------------------------------------------------------------


def test_plx_continuous_minimal_spezi_vector() -> None:
    m = ble_plx.decode_continuous(bytes([0, 100, 0, 90, 0]))  # Spezi: oxygenSaturation 100, pulseRate 90
    assert (m.spo2_pct, m.pulse_rate_bpm, m.fast, m.slow, m.measurement_status) == (100, 90, None, None, None)
    assert m.usable


def test_plx_continuous_simple_spezi_vector() -> None:
    m = ble_plx.decode_continuous(bytes([28, 95, 0, 90, 0, 32, 0, 0, 0, 0, 87, 240]))
    assert (m.spo2_pct, m.pulse_rate_bpm) == (95, 90)
    assert m.measurement_status == {"measurement_ongoing"}
    assert m.sensor_status == frozenset()
    assert m.pulse_amplitude_index_pct == 8.7


def test_plx_continuous_full_spezi_vector() -> None:
    data = bytes([31, 222, 243, 202, 243, 202, 243, 90, 245, 212, 243, 178, 242, 32, 1, 0, 0, 0, 122, 227])
    m = ble_plx.decode_continuous(data)
    assert (m.spo2_pct, m.pulse_rate_bpm, m.fast, m.slow) == (99, 97, (97, 137), (98, 69))
    assert m.measurement_status == {"measurement_ongoing", "fully_qualified_data"}
    assert m.pulse_amplitude_index_pct == pytest.approx(8.9)
    assert ble_plx.decode_continuous(ble_plx.encode_continuous(m)) == m


def test_plx_spot_check_spezi_vector_flags_malfunction_and_low_perfusion() -> None:
    data = bytes([15, 172, 243, 190, 245, 232, 7, 11, 29, 23, 8, 57, 32, 64, 34, 0, 0, 102, 227])
    m = ble_plx.decode_spot_check(data)
    assert (m.spo2_pct, m.pulse_rate_bpm) == (94, 147)
    assert m.time_stamp == datetime(2024, 11, 29, 23, 8, 57)
    assert m.measurement_status == {"measurement_ongoing", "questionable_measurement_detected"}
    assert m.sensor_status == {"equipment_malfunction_detected", "low_perfusion_detected"}
    assert m.pulse_amplitude_index_pct == pytest.approx(8.7)
    assert not m.usable, "a reading with equipment malfunction must not be stored"
    assert ble_plx.decode_spot_check(ble_plx.encode_spot_check(m)) == m


def test_plx_features_spezi_vector() -> None:
    f = ble_plx.decode_features(bytes([163, 0, 64, 16, 128, 1, 0]))
    assert f.supported == {"measurement_status_support", "device_and_sensor_status_support", "spo2pr_slow",
                           "multiple_bonds"}
    assert f.measurement_status_support == {"calibration_ongoing", "early_estimated_data"}
    assert f.sensor_status_support == {"nonpulsatile_signal_detected", "questionable_pulse_detected"}
    assert ble_plx.encode_features(f) == bytes([163, 0, 64, 16, 128, 1, 0])


def test_plx_nan_spo2_is_no_reading() -> None:
    m = ble_plx.decode_continuous(bytes([0, 0xFF, 0x07, 90, 0]))
    assert m.spo2_pct is None and not m.usable


@pytest.mark.parametrize(("frame", "field"), [("", "flags"), ("00 5F", "SpO2"), ("04 5F00 5A00 20", "measurement")])
def test_plx_short_frames_name_the_missing_field(frame: str, field: str) -> None:
    with pytest.raises(CodecError, match=field):
        ble_plx.decode_continuous(bytes.fromhex(frame))


def test_plx_spot_check_round_trip_with_clock_not_set() -> None:
    m = PlxSpotCheck(97.0, 72.0, None, frozenset({"validated_data"}), None, None, clock_not_set=True)
    assert ble_plx.decode_spot_check(ble_plx.encode_spot_check(m)) == m


# ---- Health Thermometer (Nordic's vector, BSD-3-Clause) ------------------------------------------------


def test_hts_nordic_vector_37_6_c_finger() -> None:
    data = bytes([0x06, 0xB0, 0x0E, 0x00, 0xFE, 0xDC, 0x07, 0x0C, 0x05, 0x0B, 0x32, 0x1B, 0x04])
    m = ble_hts.decode_temperature_measurement(data)
    assert m == TemperatureMeasurement(37.6, False, datetime(2012, 12, 5, 11, 50, 27), TemperatureType.FINGER, 4)
    assert ble_hts.decode_temperature_measurement(ble_hts.encode_temperature_measurement(m)) == m


def test_hts_nordic_truncated_vector_is_a_codec_error() -> None:
    # Nordic's invalid case: the flags promise a type byte that is missing
    with pytest.raises(CodecError, match="promise 13 bytes"):
        ble_hts.decode_temperature_measurement(bytes([0x06, 0xB0, 0x0E, 0x00, 0xFE, 0xDC, 0x07, 0x0C, 0x05, 0x0B,
                                                      0x32, 0x1B]))


def test_hts_fahrenheit_converts_to_celsius() -> None:
    # 98.6 °F = FLOAT mantissa 986, exponent -1 (worked by hand from the layout)
    m = ble_hts.decode_temperature_measurement(bytes.fromhex("01 DA0300FF"))
    assert (m.temperature_c, m.fahrenheit, m.site) == (37.0, True, None)


def test_hts_reserved_site_code_is_kept() -> None:
    m = ble_hts.decode_temperature_measurement(bytes.fromhex("04 6D0100FF 17"))
    assert (m.temperature_c, m.site, m.site_code) == (36.5, None, 23)


def test_hts_nan_temperature_is_no_reading() -> None:
    assert ble_hts.decode_temperature_measurement(bytes.fromhex("00 FFFF7F00")).temperature_c is None


# ---- BerryMed BCI (worked from the maker's published table) --------------------------------------------


def test_bci_packet_worked_from_the_table() -> None:
    # byte1 C5: sync, beep, strength 5; pleth 0x39 = 57; byte3 46: PR bit 7 set, bar 6; byte4 16; SpO2 0x61 = 97
    p = bci.decode_packet(bytes.fromhex("C5 39 46 16 61"))
    assert (p.signal_strength, p.pulse_beep, p.pleth, p.bar_graph) == (5, True, 57, 6)
    assert (p.pulse_rate_bpm, p.spo2_pct) == (0x80 | 0x16, 97)
    assert p.usable


def test_bci_invalid_markers_and_no_finger() -> None:
    p = bci.decode_packet(bytes.fromhex("80 00 50 7F 7F"))  # no finger, PR 0xFF, SpO2 0x7F
    assert (p.pulse_rate_bpm, p.spo2_pct, p.no_finger, p.usable) == (None, None, True, False)


@pytest.mark.parametrize(("frame", "why"), [("45 39 46 16 61", "sync bit"), ("C5 B9 46 16 61", "bit 7"),
                                            ("C5 65 46 16 61", "pleth 101"), ("C5 39 46 16 65", "SpO2 101"),
                                            ("C9 39 46 16 61", "strength 9"), ("C5 39 46 16", "5 bytes")])
def test_bci_bad_packets_name_the_rule(frame: str, why: str) -> None:
    with pytest.raises(CodecError, match=why):
        bci.decode_packet(bytes.fromhex(frame))


def test_bci_stream_resyncs_after_noise_and_a_cut_packet() -> None:
    good = bytes.fromhex("C5 39 46 16 61")
    items = bci.BciStream().feed(bytes.fromhex("01 02") + good[:3] + good + good)
    packets = [i for i in items if isinstance(i, bci.BciPacket)]
    errors = [i for i in items if isinstance(i, CodecError)]
    assert len(packets) == 2 and len(errors) == 1 and "5 byte(s)" in str(errors[0])


def test_bci_encode_round_trips_every_pulse_rate() -> None:
    for pr in (0, 30, 127, 128, 200, 254):
        p = bci.BciPacket(8, False, False, False, 50, 9, False, False, pr, 99)
        assert bci.decode_packet(bci.encode_packet(p)) == p


def test_bci_corrupt_packet_is_refused_by_the_decoder() -> None:
    p = bci.BciPacket(8, False, False, False, 50, 9, False, False, 70, 99)
    assert isinstance(bci.BciStream().feed(bci.CODEC.encode(p, corrupt_crc=True))[0], CodecError)


# ---- fuzz: garbage never crashes, only CodecError ------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_garbage_never_crashes_plx_hts_bci(data: bytes) -> None:
    for decode in (ble_plx.decode_continuous, ble_plx.decode_spot_check, ble_plx.decode_features,
                   ble_hts.decode_temperature_measurement, bci.decode_packet):
        with contextlib.suppress(CodecError):
            decode(data)
    items = bci.BciStream().feed(data)
    assert all(isinstance(i, bci.BciPacket | CodecError) for i in items)


@settings(max_examples=200, deadline=None)
@given(st.floats(70, 100).map(lambda v: round(v, 1)), st.floats(30, 220).map(lambda v: round(v, 0)))
def test_plx_continuous_round_trips(spo2: float, pr: float) -> None:
    m = PlxContinuous(spo2, pr, measurement_status=frozenset({"validated_data"}))
    assert ble_plx.decode_continuous(ble_plx.encode_continuous(m)) == m


@settings(max_examples=200, deadline=None)
@given(st.floats(30, 45).map(lambda v: round(v, 2)), st.booleans())
def test_hts_round_trips_within_a_hundredth(celsius: float, fahrenheit: bool) -> None:
    back = ble_hts.decode_temperature_measurement(
        ble_hts.encode_temperature_measurement(TemperatureMeasurement(celsius, fahrenheit)))
    assert back.temperature_c == pytest.approx(celsius, abs=0.01)
