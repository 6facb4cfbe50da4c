"""Body-composition codecs on frames from other people's test suites and devices, and the never-crash rule.

Sources (bytes, and the values each source states they decode to):

- Xiaomi Mi Body Composition Scale (MIBFS) 0x181B service data: Home Assistant's Bluetooth-Devices
  ``xiaomi-ble`` ``tests/test_parser.py`` (tests ``test_Xiaomi_Scale2``, ``..._non_stabilized``,
  ``..._reset``; commit 509f516, Apache-2.0). Captured from a real scale.
- SIG Body Composition Measurement 0x2A9C: ``eisaev/blevalueparser``
  ``tests/bodycompositionmeasurementtest.cpp`` (commit 6180459, MIT). A decoder's own spec vectors
  with every field present, not a recording from a real analyser (none was found in a public suite).
- Tanita MC-780 RS-232 record: ``code4fukui/bodychecker`` ``MC780A.test.js`` (commit 294b91a; the
  repository states no licence: the line is used as a fact, the values are the ones written in it).
- User Control Point: no public capture found; frames are worked from the UDS layout and say so.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs import ble_bcs, tanita_serial, xiaomi_mibcs
from drivers.codecs.ble_bcs import BodyComposition, UcpOpCode, UcpRequest, UcpResponse, UcpResult

MC780_LINE = (Path(__file__).parent / "data" / "tanita_mc780_code4fukui.txt").read_text(encoding="ascii").strip()

# ---- Xiaomi MIBFS advertisement (xiaomi-ble, Apache-2.0) ------------------------------------------------


def test_mibfs_stabilised_weighing_85_15_kg_impedance_428() -> None:
    a = xiaomi_mibcs.decode_advert(b"\x02&\xb2\x07\x05\x04\x0f\x02\x01\xac\x01\x86B")
    assert (a.weight_kg, a.impedance_ohm, a.weight_stabilized, a.final) == (85.15, 428, True, True)
    assert a.unit is xiaomi_mibcs.WeightUnit.KG


def test_mibfs_non_stabilised_105_8_kg_is_not_final() -> None:
    a = xiaomi_mibcs.decode_advert(b"\x02\x04\xb2\x07\x01\x01\x12\x10\x1a\x00\x00\xa8R")
    assert (a.weight_kg, a.impedance_ohm, a.weight_stabilized, a.final) == (105.8, None, False, False)


def test_mibfs_reset_frame_is_a_stepped_off_scale() -> None:
    a = xiaomi_mibcs.decode_advert(b"\x02\x82\xb2\x07\x05\x04\x0f\x02\x01\x00\x00\x00\x00")
    assert (a.weight_kg, a.weight_removed, a.final) == (0.0, True, False)


def test_mibfs_payload_is_not_the_sig_format() -> None:
    # read as SIG 0x2A9C the bytes claim flags 0x2602 (time stamp, muscle %, impedance, weight) and 15 bytes:
    # the UUID alone does not say the format
    frame = b"\x02&\xb2\x07\x05\x04\x0f\x02\x01\xac\x01\x86B"
    with pytest.raises(CodecError, match="promise 15 bytes"):
        ble_bcs.decode_body_composition(frame)


def test_mibfs_encode_round_trips() -> None:
    data = xiaomi_mibcs.encode_advert(63.4, impedance_ohm=512, stabilized=True, when=datetime(2026, 1, 2, 3, 4, 5))
    a = xiaomi_mibcs.decode_advert(data)
    assert (a.weight_kg, a.impedance_ohm, a.final, a.time_stamp) == (63.4, 512, True, datetime(2026, 1, 2, 3, 4, 5))


# ---- SIG Body Composition Measurement (blevalueparser, MIT) --------------------------------------------

ALL_FIELDS = bytes([0xFE, 0xAF, 0x12, 0x34, 0xE7, 0x07, 0x02, 0x06, 0x12, 0x1C, 0x00, 0x2A, 0x23, 0x45, 0x34, 0x56,
                    0x45, 0x67, 0x56, 0x78, 0x67, 0x89, 0x78, 0x9A, 0x89, 0xAB, 0x9A, 0xBC, 0xAB, 0xCD])


def test_bcs_every_field_si_blevalueparser_vector() -> None:
    m = ble_bcs.decode_body_composition(ALL_FIELDS)
    assert m == BodyComposition(1333.0, False, datetime(2023, 2, 6, 18, 28), 42, 17699, 2206.8, 132.185, 154.03,
                                175.875, 197.72, 4391.3, 241.41, 52.651, False)


def test_bcs_every_field_imperial_blevalueparser_vector() -> None:
    m = ble_bcs.decode_body_composition(bytes([ALL_FIELDS[0] | 1]) + ALL_FIELDS[1:])
    # the source states 264.37 lb muscle, 482.82 lb weight, 5265.1 in height
    assert m.muscle_mass_kg == pytest.approx(264.37 * 0.45359237, abs=1e-4)
    assert m.weight_kg == pytest.approx(482.82 * 0.45359237, abs=1e-4)
    assert m.height_m == pytest.approx(5265.1 * 0.0254, abs=1e-4)


def test_bcs_multiple_packet_blevalueparser_vector() -> None:
    m = ble_bcs.decode_body_composition(bytes([0x00, 0x50, 0x12, 0x34]))  # reserved bits 12 and 14 set
    assert (m.body_fat_pct, m.multiple_packet, m.weight_kg) == (1333.0, True, None)


def test_bcs_unsuccessful_has_no_body_fat() -> None:
    assert ble_bcs.decode_body_composition(bytes.fromhex("0000 FFFF")).body_fat_pct is None


def test_bcs_short_frame_names_the_promise() -> None:
    with pytest.raises(CodecError, match="promise"):
        ble_bcs.decode_body_composition(ALL_FIELDS[:-1])


def test_bcs_merge_joins_the_parts() -> None:
    first = BodyComposition(24.5, user_id=1, multiple_packet=True)
    second = BodyComposition(24.5, weight_kg=61.2, impedance_ohm=510.0, multiple_packet=True)
    merged = ble_bcs.merge([first, second])
    assert (merged.body_fat_pct, merged.user_id, merged.weight_kg, merged.multiple_packet) == (24.5, 1, 61.2, False)


def test_bcs_encode_round_trips_a_station_reading() -> None:
    m = BodyComposition(27.3, False, datetime(2026, 3, 1, 9, 0), 3, 5600, 33.1, 42.5, 45.2, 43.0, 31.1, 512.3,
                        61.2, 1.58)
    assert ble_bcs.decode_body_composition(ble_bcs.encode_body_composition(m)) == m


# ---- User Data Service: User Control Point (worked from the UDS layout) --------------------------------


@pytest.mark.parametrize(("request_", "wire"), [
    (UcpRequest(UcpOpCode.REGISTER_NEW_USER, 1234), "01 D204"),
    (UcpRequest(UcpOpCode.CONSENT, 1234, 3), "02 03 D204"),
    (UcpRequest(UcpOpCode.DELETE_USER_DATA), "03"),
])
def test_ucp_requests(request_: UcpRequest, wire: str) -> None:
    assert ble_bcs.encode_ucp_request(request_) == bytes.fromhex(wire)
    assert ble_bcs.decode_ucp_request(bytes.fromhex(wire)) == request_


def test_ucp_register_response_carries_the_user_index() -> None:
    r = ble_bcs.decode_ucp_response(bytes.fromhex("20 01 01 04"))
    assert r == UcpResponse(UcpOpCode.REGISTER_NEW_USER, UcpResult.SUCCESS, 4) and r.ok


def test_ucp_consent_refused() -> None:
    r = ble_bcs.decode_ucp_response(bytes.fromhex("20 02 05"))
    assert r.result is UcpResult.USER_NOT_AUTHORIZED and not r.ok


def test_ucp_consent_code_over_9999_is_refused() -> None:
    with pytest.raises(CodecError, match="consent code"):
        ble_bcs.encode_ucp_request(UcpRequest(UcpOpCode.REGISTER_NEW_USER, 10000))


# ---- Tanita RS-232 (code4fukui/bodychecker's MC-780 line) ----------------------------------------------


def test_tanita_mc780_record_values_as_written_in_the_line() -> None:
    r = tanita_serial.decode_record(MC780_LINE)
    assert r.model == "MC-780"
    assert (r.weight_kg, r.body_fat_pct, r.fat_mass_kg, r.fat_free_mass_kg, r.muscle_mass_kg) == \
        (67.6, 18.3, 12.4, 55.2, 52.3)
    assert (r.bmi, r.height_cm, r.age_years, r.sex_code, r.status_code) == (21.9, 175.5, 47, 1, 0)
    assert r.fields["DT"] == "2026/06/03" and r.number("RH") == 586.1


def test_tanita_checksum_is_the_byte_sum_mod_256() -> None:
    body = MC780_LINE[:MC780_LINE.rfind(",CS,") + 1]
    assert tanita_serial.checksum(body) == 0x24


def test_tanita_changed_value_fails_the_checksum() -> None:
    with pytest.raises(CodecError, match="checksum"):
        tanita_serial.decode_record(MC780_LINE.replace("FW,18.3", "FW,13.3"))


def test_tanita_stream_splits_lines_and_keeps_going_after_a_bad_one() -> None:
    line = MC780_LINE.encode() + b"\r\n"
    items = tanita_serial.TanitaStream().feed(b"noise\r\n" + line[:50])
    items += tanita_serial.TanitaStream().feed(line)
    assert isinstance(items[0], CodecError)
    assert [i.body_fat_pct for i in items if isinstance(i, tanita_serial.TanitaRecord)] == [18.3]


def test_tanita_encode_round_trips() -> None:
    data = tanita_serial.encode_record([("MO", '"MC-780"'), ("Wk", "61.2"), ("FW", "27.3")])
    r = tanita_serial.decode_record(data)
    assert (r.weight_kg, r.body_fat_pct) == (61.2, 27.3)


# ---- fuzz ----------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_garbage_never_crashes_bcs_ucp_mibfs(data: bytes) -> None:
    for decode in (ble_bcs.decode_body_composition, ble_bcs.decode_ucp_request, ble_bcs.decode_ucp_response,
                   xiaomi_mibcs.decode_advert, tanita_serial.decode_record):
        with contextlib.suppress(CodecError):
            decode(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_garbage_text_never_crashes_tanita(text: str) -> None:
    with contextlib.suppress(CodecError):
        tanita_serial.decode_record(tanita_serial.HEADER + text)
    items = tanita_serial.TanitaStream().feed(text.encode("utf-8", "replace"))
    assert all(isinstance(i, tanita_serial.TanitaRecord | CodecError) for i in items)
