"""IEEE-11073-20601 medical number formats used by the Bluetooth SIG health profiles: SFLOAT and FLOAT.

Protocol
--------
SFLOAT (16 bits, little-endian on the air)::

    bits 15..12  exponent  E, 4-bit two's complement (-8 .. +7)
    bits 11..0   mantissa  M, 12-bit two's complement (-2048 .. +2047)
    value = M * 10**E          (the exponent is NOT biased; libraries that add a bias are wrong)

FLOAT (32 bits, little-endian on the air)::

    bits 31..24  exponent  E, 8-bit two's complement (-128 .. +127)
    bits 23..0   mantissa  M, 24-bit two's complement
    value = M * 10**E

Special values are whole words with exponent 0 (11073-20601 §F.8):

    ==========  =======  ==========
    meaning     SFLOAT   FLOAT
    ==========  =======  ==========
    NaN         0x07FF   0x007FFFFF
    NRes        0x0800   0x00800000   (not at this resolution)
    +INFINITY   0x07FE   0x007FFFFE
    -INFINITY   0x0802   0x00800002
    reserved    0x0801   0x00800001
    ==========  =======  ==========

Assumption: the five reserved mantissas (+2046, +2047, -2048, -2047, -2046 for SFLOAT) are decoded as
their special value whatever the exponent (as the Continua design guidelines advise for receivers);
the encoder therefore never produces them for a finite number, so finite values use |M| <= 2045
(SFLOAT) or |M| <= 8388605 (FLOAT).

Decoding yields a ``MedFloat`` (mantissa, exponent, special); ``.value`` is the nearest Python float
(NaN/inf for specials) and ``.reading`` is the float or ``None`` when the device sent no number.
Encoding takes a float, picks the exponent that keeps every significant digit the mantissa can hold
(shortest exact form, e.g. 120 → 0x0078, 36.5 → 0xF16D) and raises ``CodecError`` when the value
cannot be represented.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from drivers.base import CodecError


class SpecialValue(enum.StrEnum):
    NAN = "NaN"
    NRES = "NRes"
    POSITIVE_INFINITY = "+INFINITY"
    NEGATIVE_INFINITY = "-INFINITY"
    RESERVED = "reserved"


@dataclass(frozen=True)
class _Format:
    name: str
    bits: int
    exponent_bits: int
    mantissa_bits: int

    @property
    def mantissa_max(self) -> int:  # largest finite mantissa (below +INFINITY)
        return (1 << (self.mantissa_bits - 1)) - 3

    @property
    def exponent_min(self) -> int:
        return -(1 << (self.exponent_bits - 1))

    @property
    def exponent_max(self) -> int:
        return (1 << (self.exponent_bits - 1)) - 1

    def specials(self) -> dict[int, SpecialValue]:
        """Mantissa (as unsigned field) -> special meaning."""
        top = 1 << (self.mantissa_bits - 1)
        return {top - 1: SpecialValue.NAN, top: SpecialValue.NRES, top - 2: SpecialValue.POSITIVE_INFINITY,
                top + 2: SpecialValue.NEGATIVE_INFINITY, top + 1: SpecialValue.RESERVED}


SFLOAT = _Format("SFLOAT", 16, 4, 12)
FLOAT = _Format("FLOAT", 32, 8, 24)
_SPECIALS = {SFLOAT.name: SFLOAT.specials(), FLOAT.name: FLOAT.specials()}
_SPECIAL_WORDS = {fmt.name: {v: k for k, v in _SPECIALS[fmt.name].items()} for fmt in (SFLOAT, FLOAT)}


@dataclass(frozen=True)
class MedFloat:
    """A decoded 11073 number: ``mantissa * 10**exponent``, or a special value (then mantissa/exponent are 0)."""

    mantissa: int
    exponent: int
    special: SpecialValue | None = None

    @property
    def value(self) -> float:
        """The nearest float; NaN for NaN/NRes/reserved, ±inf for the infinities."""
        if self.special is SpecialValue.POSITIVE_INFINITY:
            return math.inf
        if self.special is SpecialValue.NEGATIVE_INFINITY:
            return -math.inf
        if self.special is not None:
            return math.nan
        if self.exponent >= 0:
            return float(self.mantissa * 10**self.exponent)
        return self.mantissa / 10 ** (-self.exponent)  # int / int is correctly rounded

    def as_decimal(self) -> Decimal | None:
        """The exact value with the device's precision kept (0xE0C8 → Decimal("2.00")); None for specials."""
        if self.special is not None:
            return None
        return Decimal(self.mantissa).scaleb(self.exponent)

    @property
    def reading(self) -> float | None:
        """The value as a reading, or ``None`` when the device sent a special value (no usable number)."""
        return None if self.special is not None else self.value


def _signed(field: int, bits: int) -> int:
    return field - (1 << bits) if field & (1 << (bits - 1)) else field


def _decode(word: int, fmt: _Format) -> MedFloat:
    if not 0 <= word < (1 << fmt.bits):
        raise CodecError(f"{fmt.name} word {word!r} is outside 0..0x{(1 << fmt.bits) - 1:X}")
    mantissa_field = word & ((1 << fmt.mantissa_bits) - 1)
    special = _SPECIALS[fmt.name].get(mantissa_field)
    if special is not None:
        return MedFloat(0, 0, special)
    return MedFloat(_signed(mantissa_field, fmt.mantissa_bits), _signed(word >> fmt.mantissa_bits, fmt.exponent_bits))


def decode_sfloat(word: int) -> MedFloat:
    """Decode a 16-bit SFLOAT word (already assembled from its two little-endian bytes)."""
    return _decode(word, SFLOAT)


def decode_float(word: int) -> MedFloat:
    """Decode a 32-bit FLOAT word (already assembled from its four little-endian bytes)."""
    return _decode(word, FLOAT)


def _special_for(value: float) -> SpecialValue | None:
    if math.isnan(value):
        return SpecialValue.NAN
    if value == math.inf:
        return SpecialValue.POSITIVE_INFINITY
    if value == -math.inf:
        return SpecialValue.NEGATIVE_INFINITY
    return None


def _mantissa_exponent(value: float, fmt: _Format) -> tuple[int, int]:
    """The shortest (mantissa, exponent) pair for ``value`` that fits ``fmt``, rounding half-even if needed."""
    sign, digits, exp = Decimal(repr(float(value))).as_tuple()
    assert isinstance(exp, int)
    mantissa = int("".join(map(str, digits)) or "0")
    if mantissa == 0:
        return 0, 0
    while mantissa % 10 == 0 and exp < 0:
        mantissa //= 10
        exp += 1
    limit = fmt.mantissa_max
    if mantissa > limit or exp < fmt.exponent_min:
        # drop digits: round to the smallest exponent at which the mantissa fits
        exp_needed = max(exp, fmt.exponent_min)
        while True:
            q = Decimal(mantissa).scaleb(exp - exp_needed).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
            if abs(int(q)) <= limit:
                mantissa = int(q)
                exp = exp_needed
                break
            exp_needed += 1
        if mantissa == 0:
            return 0, 0
        while mantissa % 10 == 0 and exp < 0:
            mantissa //= 10
            exp += 1
    while exp > fmt.exponent_max and mantissa * 10 <= limit:
        mantissa *= 10
        exp -= 1
    if exp > fmt.exponent_max:
        raise CodecError(f"{value!r} is too large for an {fmt.name} (largest is {limit}e{fmt.exponent_max})")
    return (-mantissa if sign else mantissa), exp


def _encode(value: float | SpecialValue, fmt: _Format) -> int:
    special = value if isinstance(value, SpecialValue) else _special_for(value)
    if special is not None:
        return _SPECIAL_WORDS[fmt.name][special]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CodecError(f"cannot encode {value!r} as {fmt.name}: not a number")
    mantissa, exponent = _mantissa_exponent(float(value), fmt)
    mantissa_mask = (1 << fmt.mantissa_bits) - 1
    exponent_mask = (1 << fmt.exponent_bits) - 1
    return ((exponent & exponent_mask) << fmt.mantissa_bits) | (mantissa & mantissa_mask)


def encode_sfloat(value: float | SpecialValue) -> int:
    """The 16-bit SFLOAT word for ``value`` (NaN/±inf and SpecialValue map to the special words)."""
    return _encode(value, SFLOAT)


def encode_float(value: float | SpecialValue) -> int:
    """The 32-bit FLOAT word for ``value`` (NaN/±inf and SpecialValue map to the special words)."""
    return _encode(value, FLOAT)


def sfloat_from_bytes(data: bytes | bytearray | memoryview, offset: int = 0) -> MedFloat:
    """Decode the little-endian SFLOAT at ``data[offset:offset+2]``; CodecError if the bytes are missing."""
    if offset < 0 or len(data) < offset + 2:
        raise CodecError(f"SFLOAT at offset {offset} needs 2 bytes, the frame has {len(data)}")
    return decode_sfloat(data[offset] | (data[offset + 1] << 8))


def float_from_bytes(data: bytes | bytearray | memoryview, offset: int = 0) -> MedFloat:
    """Decode the little-endian FLOAT at ``data[offset:offset+4]``; CodecError if the bytes are missing."""
    if offset < 0 or len(data) < offset + 4:
        raise CodecError(f"FLOAT at offset {offset} needs 4 bytes, the frame has {len(data)}")
    return decode_float(int.from_bytes(bytes(data[offset:offset + 4]), "little"))


def sfloat_bytes(value: float | SpecialValue) -> bytes:
    """``value`` as the two little-endian bytes of an SFLOAT."""
    return encode_sfloat(value).to_bytes(2, "little")


def float_bytes(value: float | SpecialValue) -> bytes:
    """``value`` as the four little-endian bytes of a FLOAT."""
    return encode_float(value).to_bytes(4, "little")
