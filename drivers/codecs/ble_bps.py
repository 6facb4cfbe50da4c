"""Bluetooth SIG Blood Pressure Service (0x1810): Measurement 0x2A35, Intermediate Cuff Pressure 0x2A36, Feature 0x2A49.

Protocol (Blood Pressure Service 1.1 / GATT Specification Supplement), all little-endian:

Blood Pressure Measurement 0x2A35 (indicated) and Intermediate Cuff Pressure 0x2A36 (notified)::

    uint8   flags
              bit 0  units: 0 = mmHg, 1 = kPa
              bit 1  time stamp present
              bit 2  pulse rate present
              bit 3  user id present
              bit 4  measurement status present
              bits 5..7 reserved (ignored on receipt, reported in ``reserved_flags``)
    SFLOAT  systolic          (0x2A36: the current cuff pressure)
    SFLOAT  diastolic         (0x2A36: NaN 0x07FF)
    SFLOAT  mean arterial pressure  (0x2A36: NaN 0x07FF)
    7 bytes time stamp        if bit 1 (see ble_time)
    SFLOAT  pulse rate, beats/min  if bit 2
    uint8   user id           if bit 3 (0xFF = unknown user)
    uint16  measurement status if bit 4
              bit 0  body movement detected
              bit 1  cuff too loose
              bit 2  irregular pulse detected
              bits 3..4 pulse rate range: 0 within, 1 above upper limit, 2 below lower limit, 3 reserved
              bit 5  improper measurement position
              bits 6..15 reserved

Blood Pressure Feature 0x2A49 (read)::

    uint16  bit 0 body movement detection, bit 1 cuff fit detection, bit 2 irregular pulse detection,
            bit 3 pulse rate range detection, bit 4 measurement position detection,
            bit 5 multiple bonds, bit 6 E2E-CRC, bit 7 user data service, bit 8 user facing time

Trailing bytes after the last field present are ignored (later revisions may append fields); a frame
shorter than its flags promise is a ``CodecError``.

Real cuffs that break the specification (``BpsQuirks``; seen in captured frames, see the tests):
- Beurer BM48 / BM59 / BM85 and the Sanitas/Beurer ELITE900 send the pulse SFLOAT and the status uint16
  most significant byte first, and always send a user id byte, without setting flag bit 3 (the
  blood-pressure-monitor-fl project keeps this model list, taken from Beurer's own app). Their flags
  also carry reserved bit 6. ``quirks_for_name(advertised name)`` picks the quirks; protocol
  ``ble-bps-beurer`` applies them.
- Several cuffs report a failed measurement (movement, loose cuff) as NaN in every pressure and the
  pulse, with a status word of 0: ``BloodPressureMeasurement.failed`` says so.

Values are kept in the unit the device sent (``unit`` says which); ``*_mmhg`` properties convert kPa
with 1 kPa = 7.50061683 mmHg.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime

from drivers.base import CodecError
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time
from drivers.codecs.sfloat import MedFloat, SpecialValue, sfloat_bytes, sfloat_from_bytes

SERVICE_UUID = "00001810-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a35-0000-1000-8000-00805f9b34fb"
INTERMEDIATE_CUFF_PRESSURE_UUID = "00002a36-0000-1000-8000-00805f9b34fb"
FEATURE_UUID = "00002a49-0000-1000-8000-00805f9b34fb"

KPA_TO_MMHG = 7.50061683
UNKNOWN_USER = 0xFF


class PressureUnit(enum.StrEnum):
    MMHG = "mmHg"
    KPA = "kPa"


class PulseRateRange(enum.StrEnum):
    WITHIN = "within_range"
    ABOVE_UPPER_LIMIT = "above_upper_limit"
    BELOW_LOWER_LIMIT = "below_lower_limit"
    RESERVED = "reserved"


@dataclass(frozen=True)
class BpsQuirks:
    """How a cuff departs from the specification (the default: it does not)."""

    big_endian_fields: bool = False  # pulse SFLOAT and status uint16 sent most significant byte first
    always_user_id: bool = False  # a user id byte follows the pulse even when flag bit 3 is clear


STANDARD = BpsQuirks()
BEURER = BpsQuirks(big_endian_fields=True, always_user_id=True)
BIG_ENDIAN_MODELS = ("BM48", "BM59", "BM85", "ELITE900")


def quirks_for_name(advertised_name: str | None) -> BpsQuirks:
    """The quirks of a cuff known by its advertised name ("BM85" → ``BEURER``), else ``STANDARD``."""
    normal = "".join(c for c in (advertised_name or "").upper() if c.isalnum())
    return BEURER if any(model in normal for model in BIG_ENDIAN_MODELS) else STANDARD


_RANGES = (PulseRateRange.WITHIN, PulseRateRange.ABOVE_UPPER_LIMIT, PulseRateRange.BELOW_LOWER_LIMIT,
           PulseRateRange.RESERVED)


@dataclass(frozen=True)
class MeasurementStatus:
    body_movement: bool = False
    cuff_too_loose: bool = False
    irregular_pulse: bool = False
    pulse_rate_range: PulseRateRange = PulseRateRange.WITHIN
    improper_position: bool = False

    @classmethod
    def from_bits(cls, bits: int) -> MeasurementStatus:
        return cls(bool(bits & 0x01), bool(bits & 0x02), bool(bits & 0x04), _RANGES[(bits >> 3) & 0x03],
                   bool(bits & 0x20))

    def to_bits(self) -> int:
        return (int(self.body_movement) | int(self.cuff_too_loose) << 1 | int(self.irregular_pulse) << 2
                | _RANGES.index(self.pulse_rate_range) << 3 | int(self.improper_position) << 5)

    def problems(self) -> tuple[str, ...]:
        """Names of the conditions the device flagged (empty when the measurement was clean)."""
        names = [n for n in ("body_movement", "cuff_too_loose", "irregular_pulse", "improper_position")
                 if getattr(self, n)]
        if self.pulse_rate_range is not PulseRateRange.WITHIN:
            names.append(f"pulse_rate_{self.pulse_rate_range.value}")
        return tuple(names)


@dataclass(frozen=True)
class BloodPressureMeasurement:
    """One 0x2A35 indication. Pressures are in ``unit``; ``None`` where the device sent a special value."""

    unit: PressureUnit
    systolic: float | None
    diastolic: float | None
    mean_arterial: float | None
    time_stamp: datetime | None = None
    pulse_rate_bpm: float | None = None
    user_id: int | None = None
    status: MeasurementStatus | None = None
    specials: tuple[tuple[str, SpecialValue], ...] = ()  # which fields carried NaN/NRes/INF and which
    reserved_flags: int = 0

    def _mmhg(self, value: float | None) -> float | None:
        if value is None or self.unit is PressureUnit.MMHG:
            return value
        return value * KPA_TO_MMHG

    @property
    def failed(self) -> bool:
        """True when the cuff sent no systolic or diastolic value (its way of reporting a failed measurement)."""
        return self.systolic is None or self.diastolic is None

    @property
    def systolic_mmhg(self) -> float | None:
        return self._mmhg(self.systolic)

    @property
    def diastolic_mmhg(self) -> float | None:
        return self._mmhg(self.diastolic)

    @property
    def mean_arterial_mmhg(self) -> float | None:
        return self._mmhg(self.mean_arterial)


@dataclass(frozen=True)
class IntermediateCuffPressure:
    """One 0x2A36 notification: the live cuff pressure (plus optional fields like a measurement)."""

    unit: PressureUnit
    cuff_pressure: float | None
    time_stamp: datetime | None = None
    pulse_rate_bpm: float | None = None
    user_id: int | None = None
    status: MeasurementStatus | None = None

    @property
    def cuff_pressure_mmhg(self) -> float | None:
        if self.cuff_pressure is None or self.unit is PressureUnit.MMHG:
            return self.cuff_pressure
        return self.cuff_pressure * KPA_TO_MMHG


@dataclass(frozen=True)
class BloodPressureFeature:
    body_movement_detection: bool = False
    cuff_fit_detection: bool = False
    irregular_pulse_detection: bool = False
    pulse_rate_range_detection: bool = False
    measurement_position_detection: bool = False
    multiple_bonds: bool = False
    e2e_crc: bool = False
    user_data_service: bool = False
    user_facing_time: bool = False


_FEATURE_ORDER = ("body_movement_detection", "cuff_fit_detection", "irregular_pulse_detection",
                  "pulse_rate_range_detection", "measurement_position_detection", "multiple_bonds", "e2e_crc",
                  "user_data_service", "user_facing_time")


def _field(data: bytes, offset: int, name: str, specials: list[tuple[str, SpecialValue]]) -> float | None:
    value: MedFloat = sfloat_from_bytes(data, offset)
    if value.special is not None:
        specials.append((name, value.special))
    return value.reading


def _need(data: bytes, size: int, what: str) -> None:
    if len(data) < size:
        raise CodecError(f"{what}: the flags promise at least {size} bytes, the frame has {len(data)}")


def decode_measurement(data: bytes | bytearray, quirks: BpsQuirks = STANDARD) -> BloodPressureMeasurement:
    """Decode a Blood Pressure Measurement (0x2A35) value; CodecError naming the problem otherwise."""
    data = bytes(data)
    if not data:
        raise CodecError("blood pressure measurement: empty frame")
    flags = data[0]
    has_user = bool(flags & 0x08) or quirks.always_user_id
    order = "big" if quirks.big_endian_fields else "little"
    size = 7 + (DATE_TIME_SIZE if flags & 0x02 else 0) + (2 if flags & 0x04 else 0) + (1 if has_user else 0) \
        + (2 if flags & 0x10 else 0)
    _need(data, size, "blood pressure measurement")
    specials: list[tuple[str, SpecialValue]] = []
    systolic = _field(data, 1, "systolic", specials)
    diastolic = _field(data, 3, "diastolic", specials)
    mean_arterial = _field(data, 5, "mean_arterial", specials)
    offset = 7
    time_stamp = pulse = user = status = None
    if flags & 0x02:
        time_stamp = decode_date_time(data, offset)
        offset += DATE_TIME_SIZE
    if flags & 0x04:
        word = data[offset:offset + 2] if order == "little" else data[offset:offset + 2][::-1]
        pulse = _field(word, 0, "pulse_rate", specials)
        offset += 2
    if has_user:
        user = data[offset]
        offset += 1
    if flags & 0x10:
        status = MeasurementStatus.from_bits(int.from_bytes(data[offset:offset + 2], order))
    unit = PressureUnit.KPA if flags & 0x01 else PressureUnit.MMHG
    return BloodPressureMeasurement(unit, systolic, diastolic, mean_arterial, time_stamp, pulse, user, status,
                                    tuple(specials), flags & 0xE0)


def encode_measurement(m: BloodPressureMeasurement, quirks: BpsQuirks = STANDARD) -> bytes:
    """The 0x2A35 bytes for ``m`` (``None`` pressures are sent as NaN), as a cuff with ``quirks`` sends them
    (a quirky cuff's user id is 0 when ``m`` has none); used by the simulators."""
    if quirks.always_user_id and m.user_id is None:
        m = dataclasses.replace(m, user_id=0)
    order = "big" if quirks.big_endian_fields else "little"
    flags = (0x01 if m.unit is PressureUnit.KPA else 0) | (0x02 if m.time_stamp is not None else 0) \
        | (0x04 if m.pulse_rate_bpm is not None else 0) \
        | (0x08 if m.user_id is not None and not quirks.always_user_id else 0) \
        | (0x10 if m.status is not None else 0) | m.reserved_flags
    out = bytearray([flags])
    for v in (m.systolic, m.diastolic, m.mean_arterial):
        out += sfloat_bytes(SpecialValue.NAN if v is None else v)
    if m.time_stamp is not None:
        out += encode_date_time(m.time_stamp)
    if m.pulse_rate_bpm is not None:
        out += sfloat_bytes(m.pulse_rate_bpm)[::1 if order == "little" else -1]
    if m.user_id is not None:
        if not 0 <= m.user_id <= 0xFF:
            raise CodecError(f"user id {m.user_id} is outside 0..255")
        out.append(m.user_id)
    if m.status is not None:
        out += m.status.to_bits().to_bytes(2, order)
    return bytes(out)


def decode_intermediate_cuff_pressure(data: bytes | bytearray,
                                      quirks: BpsQuirks = STANDARD) -> IntermediateCuffPressure:
    """Decode an Intermediate Cuff Pressure (0x2A36) value: the live cuff pressure is the systolic field."""
    m = decode_measurement(data, quirks)
    return IntermediateCuffPressure(m.unit, m.systolic, m.time_stamp, m.pulse_rate_bpm, m.user_id, m.status)


def encode_intermediate_cuff_pressure(p: IntermediateCuffPressure) -> bytes:
    return encode_measurement(BloodPressureMeasurement(p.unit, p.cuff_pressure, None, None, p.time_stamp,
                                                       p.pulse_rate_bpm, p.user_id, p.status))


def decode_feature(data: bytes | bytearray) -> BloodPressureFeature:
    """Decode the Blood Pressure Feature (0x2A49) bit field."""
    if len(data) < 2:
        raise CodecError(f"blood pressure feature: needs 2 bytes, the frame has {len(data)}")
    bits = int.from_bytes(bytes(data[:2]), "little")
    return BloodPressureFeature(**{name: bool(bits >> i & 1) for i, name in enumerate(_FEATURE_ORDER)})


def encode_feature(f: BloodPressureFeature) -> bytes:
    bits = sum(1 << i for i, name in enumerate(_FEATURE_ORDER) if getattr(f, name))
    return bits.to_bytes(2, "little")
