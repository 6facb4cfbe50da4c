"""Bluetooth SIG Pulse Oximeter Service (0x1822): PLX Spot-Check 0x2A5E, PLX Continuous 0x2A5F, PLX Features 0x2A60.

Protocol (Pulse Oximeter Service 1.0 / GATT Specification Supplement), little-endian::

    PLX Spot-Check Measurement 0x2A5E (indicated)
      uint8   flags   bit 0 time stamp, bit 1 measurement status, bit 2 device and sensor status,
                      bit 3 pulse amplitude index, bit 4 device clock is not set
      SFLOAT  SpO2 (%)   SFLOAT  pulse rate (/min)
      7 bytes time stamp                 if bit 0 (see ble_time)
      uint16  measurement status         if bit 1
      uint24  device and sensor status   if bit 2
      SFLOAT  pulse amplitude index (%)  if bit 3

    PLX Continuous Measurement 0x2A5F (notified)
      uint8   flags   bit 0 SpO2PR-Fast, bit 1 SpO2PR-Slow, bit 2 measurement status,
                      bit 3 device and sensor status, bit 4 pulse amplitude index
      SFLOAT  SpO2 (%)  SFLOAT pulse rate   (SpO2PR-Normal)
      2 x SFLOAT  SpO2PR-Fast   if bit 0
      2 x SFLOAT  SpO2PR-Slow   if bit 1
      uint16 measurement status, uint24 device and sensor status, SFLOAT PAI as flagged

    PLX Features 0x2A60 (read)
      uint16  supported features (bit 0 measurement status support, bit 1 device and sensor status
              support, bit 2 spot-check storage, bit 3 spot-check time stamp, bit 4 SpO2PR-Fast,
              bit 5 SpO2PR-Slow, bit 6 pulse amplitude index, bit 7 multiple bonds)
      uint16  measurement status support        if bit 0
      uint24  device and sensor status support  if bit 1

SpO2 or pulse rate sent as an SFLOAT special value (NaN, NRes …) means "no reading": it decodes to
``None``. The status words are kept as sets of bit names. Reserved flag bits are ignored.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

from drivers.base import CodecError
from drivers.ble.gatt import uuid16
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time
from drivers.codecs.sfloat import SpecialValue, sfloat_bytes, sfloat_from_bytes

SERVICE_UUID = uuid16(0x1822)
SPOT_CHECK_UUID = uuid16(0x2A5E)
CONTINUOUS_UUID = uuid16(0x2A5F)
FEATURES_UUID = uuid16(0x2A60)

# Measurement Status (uint16): bits 0..4 reserved
MEASUREMENT_STATUS_BITS = {
    5: "measurement_ongoing", 6: "early_estimated_data", 7: "validated_data", 8: "fully_qualified_data",
    9: "data_from_measurement_storage", 10: "data_for_demonstration", 11: "data_for_testing",
    12: "calibration_ongoing", 13: "measurement_unavailable", 14: "questionable_measurement_detected",
    15: "invalid_measurement_detected",
}
# Device and Sensor Status (uint24): bits 16..23 reserved
SENSOR_STATUS_BITS = {
    0: "extended_display_update_ongoing", 1: "equipment_malfunction_detected",
    2: "signal_processing_irregularity_detected", 3: "inadequate_signal_detected", 4: "poor_signal_detected",
    5: "low_perfusion_detected", 6: "erratic_signal_detected", 7: "nonpulsatile_signal_detected",
    8: "questionable_pulse_detected", 9: "signal_analysis_ongoing", 10: "sensor_interference_detected",
    11: "sensor_unconnected_to_user", 12: "unknown_sensor_connected", 13: "sensor_displaced",
    14: "sensor_malfunctioning", 15: "sensor_disconnected",
}
FEATURE_BITS = {
    0: "measurement_status_support", 1: "device_and_sensor_status_support", 2: "spot_check_storage",
    3: "spot_check_time_stamp", 4: "spo2pr_fast", 5: "spo2pr_slow", 6: "pulse_amplitude_index",
    7: "multiple_bonds",
}
# A reading with any of these is not stored as a resident's value.
UNUSABLE_STATUS = frozenset({"invalid_measurement_detected", "measurement_unavailable", "data_for_demonstration",
                             "data_for_testing", "calibration_ongoing"})
UNUSABLE_SENSOR = frozenset({"equipment_malfunction_detected", "sensor_unconnected_to_user", "sensor_disconnected",
                             "sensor_malfunctioning", "sensor_displaced"})


def bit_names(word: int, names: dict[int, str]) -> frozenset[str]:
    return frozenset(name for bit, name in names.items() if word >> bit & 1)


def bit_word(bits: frozenset[str], names: dict[int, str]) -> int:
    by_name = {v: k for k, v in names.items()}
    unknown = set(bits) - set(by_name)
    if unknown:
        raise CodecError(f"unknown status bit name(s) {sorted(unknown)}")
    return sum(1 << by_name[b] for b in bits)


@dataclass(frozen=True)
class PlxSpotCheck:
    """One spot-check reading (0x2A5E). ``spo2_pct``/``pulse_rate_bpm`` are None for a special value."""

    spo2_pct: float | None
    pulse_rate_bpm: float | None
    time_stamp: datetime | None = None
    measurement_status: frozenset[str] | None = None
    sensor_status: frozenset[str] | None = None
    pulse_amplitude_index_pct: float | None = None
    clock_not_set: bool = False

    @property
    def usable(self) -> bool:
        """A number for both values and no status that says the reading must not be used."""
        return (self.spo2_pct is not None and self.pulse_rate_bpm is not None
                and not (self.measurement_status or frozenset()) & UNUSABLE_STATUS
                and not (self.sensor_status or frozenset()) & UNUSABLE_SENSOR)


@dataclass(frozen=True)
class PlxContinuous:
    """One continuous report (0x2A5F): the normal-averaged pair, optional fast/slow pairs."""

    spo2_pct: float | None
    pulse_rate_bpm: float | None
    fast: tuple[float | None, float | None] | None = None
    slow: tuple[float | None, float | None] | None = None
    measurement_status: frozenset[str] | None = None
    sensor_status: frozenset[str] | None = None
    pulse_amplitude_index_pct: float | None = None

    @property
    def usable(self) -> bool:
        return (self.spo2_pct is not None and self.pulse_rate_bpm is not None
                and not (self.measurement_status or frozenset()) & UNUSABLE_STATUS
                and not (self.sensor_status or frozenset()) & UNUSABLE_SENSOR)


@dataclass(frozen=True)
class PlxFeatures:
    supported: frozenset[str]
    measurement_status_support: frozenset[str] | None = None
    sensor_status_support: frozenset[str] | None = None


class _Reader:
    """Walks a frame, turning a short frame into a CodecError that names the field."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data, self.what, self.at = data, what, 0

    def need(self, n: int, field: str) -> None:
        if len(self.data) < self.at + n:
            raise CodecError(f"{self.what}: {field} needs {n} byte(s) at offset {self.at}, "
                             f"the frame has {len(self.data)}")

    def sfloat(self, field: str) -> float | None:
        self.need(2, field)
        value = sfloat_from_bytes(self.data, self.at).reading
        self.at += 2
        return value

    def uint(self, n: int, field: str) -> int:
        self.need(n, field)
        value = int.from_bytes(self.data[self.at:self.at + n], "little")
        self.at += n
        return value

    def time_stamp(self) -> datetime | None:
        self.need(DATE_TIME_SIZE, "time stamp")
        value = decode_date_time(self.data, self.at)
        self.at += DATE_TIME_SIZE
        return value


def decode_spot_check(data: bytes | bytearray) -> PlxSpotCheck:
    """Decode a PLX Spot-Check Measurement; CodecError naming the missing field otherwise."""
    r = _Reader(bytes(data), "PLX spot-check")
    flags = r.uint(1, "flags")
    spo2, pr = r.sfloat("SpO2"), r.sfloat("pulse rate")
    ts = r.time_stamp() if flags & 0x01 else None
    ms = bit_names(r.uint(2, "measurement status"), MEASUREMENT_STATUS_BITS) if flags & 0x02 else None
    ss = bit_names(r.uint(3, "device and sensor status"), SENSOR_STATUS_BITS) if flags & 0x04 else None
    pai = r.sfloat("pulse amplitude index") if flags & 0x08 else None
    return PlxSpotCheck(spo2, pr, ts, ms, ss, pai, bool(flags & 0x10))


def decode_continuous(data: bytes | bytearray) -> PlxContinuous:
    """Decode a PLX Continuous Measurement; CodecError naming the missing field otherwise."""
    r = _Reader(bytes(data), "PLX continuous")
    flags = r.uint(1, "flags")
    spo2, pr = r.sfloat("SpO2"), r.sfloat("pulse rate")
    fast = (r.sfloat("SpO2 fast"), r.sfloat("pulse rate fast")) if flags & 0x01 else None
    slow = (r.sfloat("SpO2 slow"), r.sfloat("pulse rate slow")) if flags & 0x02 else None
    ms = bit_names(r.uint(2, "measurement status"), MEASUREMENT_STATUS_BITS) if flags & 0x04 else None
    ss = bit_names(r.uint(3, "device and sensor status"), SENSOR_STATUS_BITS) if flags & 0x08 else None
    pai = r.sfloat("pulse amplitude index") if flags & 0x10 else None
    return PlxContinuous(spo2, pr, fast, slow, ms, ss, pai)


def decode_features(data: bytes | bytearray) -> PlxFeatures:
    r = _Reader(bytes(data), "PLX features")
    word = r.uint(2, "supported features")
    ms = bit_names(r.uint(2, "measurement status support"), MEASUREMENT_STATUS_BITS) if word & 0x01 else None
    ss = bit_names(r.uint(3, "device and sensor status support"), SENSOR_STATUS_BITS) if word & 0x02 else None
    return PlxFeatures(bit_names(word, FEATURE_BITS), ms, ss)


def _sf(value: float | None) -> bytes:
    return sfloat_bytes(SpecialValue.NAN if value is None else value)


def encode_spot_check(m: PlxSpotCheck) -> bytes:
    """The 0x2A5E bytes for ``m`` (the simulator's side)."""
    flags = ((m.time_stamp is not None) | (m.measurement_status is not None) << 1 | (m.sensor_status is not None) << 2
             | (m.pulse_amplitude_index_pct is not None) << 3 | m.clock_not_set << 4)
    out = bytearray([flags]) + _sf(m.spo2_pct) + _sf(m.pulse_rate_bpm)
    if m.time_stamp is not None:
        out += encode_date_time(m.time_stamp)
    if m.measurement_status is not None:
        out += struct.pack("<H", bit_word(m.measurement_status, MEASUREMENT_STATUS_BITS))
    if m.sensor_status is not None:
        out += bit_word(m.sensor_status, SENSOR_STATUS_BITS).to_bytes(3, "little")
    if m.pulse_amplitude_index_pct is not None:
        out += _sf(m.pulse_amplitude_index_pct)
    return bytes(out)


def encode_continuous(m: PlxContinuous) -> bytes:
    """The 0x2A5F bytes for ``m`` (the simulator's side)."""
    flags = ((m.fast is not None) | (m.slow is not None) << 1 | (m.measurement_status is not None) << 2
             | (m.sensor_status is not None) << 3 | (m.pulse_amplitude_index_pct is not None) << 4)
    out = bytearray([flags]) + _sf(m.spo2_pct) + _sf(m.pulse_rate_bpm)
    for pair in (m.fast, m.slow):
        if pair is not None:
            out += _sf(pair[0]) + _sf(pair[1])
    if m.measurement_status is not None:
        out += struct.pack("<H", bit_word(m.measurement_status, MEASUREMENT_STATUS_BITS))
    if m.sensor_status is not None:
        out += bit_word(m.sensor_status, SENSOR_STATUS_BITS).to_bytes(3, "little")
    if m.pulse_amplitude_index_pct is not None:
        out += _sf(m.pulse_amplitude_index_pct)
    return bytes(out)


def encode_features(f: PlxFeatures) -> bytes:
    word = bit_word(f.supported, FEATURE_BITS)
    out = bytearray(struct.pack("<H", word))
    if word & 0x01:
        out += struct.pack("<H", bit_word(f.measurement_status_support or frozenset(), MEASUREMENT_STATUS_BITS))
    if word & 0x02:
        out += bit_word(f.sensor_status_support or frozenset(), SENSOR_STATUS_BITS).to_bytes(3, "little")
    return bytes(out)
