"""IEEE-11073 SFLOAT / FLOAT: hand-worked words, special values, and round-trip properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.base import CodecError
from drivers.codecs.sfloat import (
    MedFloat,
    SpecialValue,
    decode_float,
    decode_sfloat,
    encode_float,
    encode_sfloat,
    float_from_bytes,
    sfloat_bytes,
    sfloat_from_bytes,
)

# (word, mantissa, exponent, value): worked by hand from "value = M * 10**E", E and M two's complement
SFLOAT_WORDS = [
    (0x0078, 120, 0, 120.0),  # 120 mmHg, the usual systolic in profile examples
    (0x0050, 80, 0, 80.0),
    (0xF16D, 365, -1, 36.5),  # E = 0xF = -1
    (0xFFF1, -15, -1, -1.5),  # M = 0xFF1 = -15
    (0x100C, 12, 1, 120.0),  # the same 120 with E = +1: not biased (a biased decoder reads 12e-7)
    (0x8001, 1, -8, 1e-8),  # smallest exponent
    (0x77FD, 2045, 7, 2.045e10),  # largest finite positive
    (0x0803, -2045, 0, -2045.0),  # 0x803: the most negative finite mantissa
    (0x0000, 0, 0, 0.0),
]


@pytest.mark.parametrize(("word", "mantissa", "exponent", "value"), SFLOAT_WORDS)
def test_sfloat_decodes_hand_worked_words(word: int, mantissa: int, exponent: int, value: float) -> None:
    got = decode_sfloat(word)
    assert (got.mantissa, got.exponent) == (mantissa, exponent), f"0x{word:04X} should be {mantissa}e{exponent}"
    assert got.value == pytest.approx(value), f"0x{word:04X} should be {value}"


# Published examples: HL7 Personal Health Device IG, "MDER FLOATs and SFLOATs"
# (https://hl7.org/fhir/uv/phd/2019May/MderFLOATsandSFLOATs.html): the same number at different precisions.
@pytest.mark.parametrize(("word", "exponent", "mantissa", "text"), [
    (0x0002, 0, 2, "2"), (0xF014, -1, 20, "2.0"), (0xE0C8, -2, 200, "2.00"), (0x1002, 1, 2, "2E+1"),
])
def test_sfloat_published_examples_keep_their_precision(word: int, exponent: int, mantissa: int, text: str) -> None:
    got = decode_sfloat(word)
    assert (got.exponent, got.mantissa) == (exponent, mantissa)
    assert str(got.as_decimal()) == text, "the device's precision must survive decoding"
    assert got.value == (20.0 if exponent == 1 else 2.0)


@pytest.mark.parametrize(("word", "special"), [
    (0x07FF, SpecialValue.NAN), (0x0800, SpecialValue.NRES), (0x07FE, SpecialValue.POSITIVE_INFINITY),
    (0x0802, SpecialValue.NEGATIVE_INFINITY), (0x0801, SpecialValue.RESERVED),
])
def test_sfloat_special_words_are_not_readings(word: int, special: SpecialValue) -> None:
    got = decode_sfloat(word)
    assert got.special is special, f"0x{word:04X} is {special}"
    assert got.reading is None, "a special value must never become a reading"


def test_sfloat_nan_value_is_nan_and_infinities_are_signed() -> None:
    assert math.isnan(decode_sfloat(0x07FF).value)
    assert decode_sfloat(0x07FE).value == math.inf
    assert decode_sfloat(0x0802).value == -math.inf


def test_sfloat_reserved_mantissa_with_nonzero_exponent_is_still_special() -> None:
    assert decode_sfloat(0x27FF).special is SpecialValue.NAN


@pytest.mark.parametrize(("value", "word"), [
    (120, 0x0078), (36.5, 0xF16D), (-1.5, 0xFFF1), (0, 0x0000), (0.001, 0xD001), (5.6, 0xF038),
    (math.nan, 0x07FF), (math.inf, 0x07FE), (-math.inf, 0x0802), (SpecialValue.NRES, 0x0800),
    (2046, 0x10CD),  # 2046 is the +INF mantissa: rounded to 205e1, never sent as 0x07FE
])
def test_sfloat_encodes_the_shortest_exact_word(value: float, word: int) -> None:
    assert encode_sfloat(value) == word, f"{value} should encode as 0x{word:04X}, got 0x{encode_sfloat(value):04X}"


def test_sfloat_rounds_extra_digits_half_even() -> None:
    assert decode_sfloat(encode_sfloat(72.25)).value == 72.2
    assert decode_sfloat(encode_sfloat(123456)).value == 123500


def test_sfloat_too_large_is_a_codec_error() -> None:
    with pytest.raises(CodecError, match="too large"):
        encode_sfloat(1e20)


def test_sfloat_bytes_are_little_endian() -> None:
    assert sfloat_bytes(36.5) == b"\x6d\xf1"
    assert sfloat_from_bytes(b"\x00\x6d\xf1", 1).value == 36.5


def test_sfloat_missing_bytes_is_a_codec_error() -> None:
    with pytest.raises(CodecError, match="needs 2 bytes"):
        sfloat_from_bytes(b"\x01", 0)


def test_float_decodes_thermometer_example_36_4() -> None:
    # 36.4 °C as FLOAT: exponent 0xFF (-1), mantissa 0x00016C (364): bytes 6C 01 00 FF on the air
    assert float_from_bytes(bytes([0x6C, 0x01, 0x00, 0xFF])).value == pytest.approx(36.4)
    assert encode_float(36.4) == 0xFF00016C


@pytest.mark.parametrize(("word", "special"), [
    (0x007FFFFF, SpecialValue.NAN), (0x00800000, SpecialValue.NRES), (0x007FFFFE, SpecialValue.POSITIVE_INFINITY),
    (0x00800002, SpecialValue.NEGATIVE_INFINITY), (0x00800001, SpecialValue.RESERVED),
])
def test_float_special_words(word: int, special: SpecialValue) -> None:
    assert decode_float(word).special is special


def test_float_negative_exponent_and_mantissa() -> None:
    got = decode_float(0xFDFFFF85)  # E = -3, M = -123
    assert (got.mantissa, got.exponent) == (-123, -3)
    assert got.value == pytest.approx(-0.123)


def test_word_out_of_range_is_a_codec_error() -> None:
    with pytest.raises(CodecError):
        decode_sfloat(0x10000)


# ---- properties ----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.integers(0, 0xFFFF))
def test_sfloat_every_word_decodes_and_reencodes_to_the_same_value(word: int) -> None:
    got = decode_sfloat(word)
    assert isinstance(got, MedFloat)
    if got.special is None:
        again = decode_sfloat(encode_sfloat(got.value))
        assert again.value == got.value, f"0x{word:04X} = {got.value} did not survive encode/decode"


@settings(max_examples=200)
@given(st.integers(0, 0xFFFFFFFF))
def test_float_every_word_decodes_and_reencodes_to_the_same_value(word: int) -> None:
    got = decode_float(word)
    if got.special is None:
        again = decode_float(encode_float(got.value))
        assert again.value == got.value, f"0x{word:08X} = {got.value} did not survive encode/decode"


@settings(max_examples=300)
@given(st.integers(-2045, 2045), st.integers(-8, 7))
def test_sfloat_any_representable_decimal_round_trips_exactly(mantissa: int, exponent: int) -> None:
    value = mantissa * 10**exponent if exponent >= 0 else mantissa / 10 ** (-exponent)
    assert decode_sfloat(encode_sfloat(value)).value == value


@settings(max_examples=300)
@given(st.floats(min_value=-2e10, max_value=2e10, allow_nan=False, allow_infinity=False))
def test_sfloat_encoding_error_is_within_half_a_step(value: float) -> None:
    got = decode_sfloat(encode_sfloat(value))
    step = 10.0**got.exponent if got.mantissa else 1e-8
    assert abs(got.value - value) <= step / 2 + 1e-9 * abs(value) + 1e-8, f"{value} became {got.value}"


@settings(max_examples=200)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_float_encoder_never_crashes(value: float) -> None:
    try:
        word = encode_float(value)
    except CodecError:
        return
    assert 0 <= word <= 0xFFFFFFFF
