"""Bluetooth SIG Health Thermometer Service (0x1809): Temperature Measurement 0x2A1C and Temperature Type 0x2A1D.

Protocol (Health Thermometer Service 1.0 / GATT Specification Supplement), little-endian, indicated::

    uint8   flags   bit 0 units: 0 = Celsius, 1 = Fahrenheit
                    bit 1 time stamp present
                    bit 2 temperature type present
                    bits 3..7 reserved
    FLOAT   temperature (IEEE-11073 32-bit FLOAT, in the flagged unit)
    7 bytes time stamp          if bit 1 (see ble_time)
    uint8   temperature type    if bit 2 (also readable from 0x2A1D when the site is fixed)

Temperature types: 1 armpit, 2 body (general), 3 ear (usually earlobe), 4 finger,
5 gastro-intestinal tract, 6 mouth, 7 rectum, 8 toe, 9 tympanum (ear drum); others reserved.

Decoded values are always in °C (``temperature_c``); the unit on the air is kept in ``fahrenheit``.
°C = (°F − 32) × 5/9. A FLOAT special value (NaN, NRes …) decodes to ``None``: no reading.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from drivers.base import CodecError
from drivers.ble.gatt import uuid16
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time
from drivers.codecs.sfloat import SpecialValue, float_bytes, float_from_bytes

SERVICE_UUID = uuid16(0x1809)
MEASUREMENT_UUID = uuid16(0x2A1C)
TYPE_UUID = uuid16(0x2A1D)
INTERMEDIATE_UUID = uuid16(0x2A1E)


class TemperatureType(enum.IntEnum):
    ARMPIT = 1
    BODY = 2
    EAR = 3
    FINGER = 4
    GASTRO_INTESTINAL_TRACT = 5
    MOUTH = 6
    RECTUM = 7
    TOE = 8
    TYMPANUM = 9


@dataclass(frozen=True)
class TemperatureMeasurement:
    """One 0x2A1C indication, in °C. ``site`` is None when not sent; ``site_code`` keeps a reserved code."""

    temperature_c: float | None
    fahrenheit: bool = False
    time_stamp: datetime | None = None
    site: TemperatureType | None = None
    site_code: int | None = None


def f_to_c(fahrenheit: float) -> float:
    """°F → °C rounded to 0.01 °C (98.6 °F → 37.0 °C)."""
    return round((fahrenheit - 32) * 5 / 9, 2)


def c_to_f(celsius: float) -> float:
    return round(celsius * 9 / 5 + 32, 2)


def decode_site(code: int) -> TemperatureType | None:
    try:
        return TemperatureType(code)
    except ValueError:
        return None


def decode_temperature_measurement(data: bytes | bytearray) -> TemperatureMeasurement:
    """Decode a Temperature Measurement (0x2A1C, also 0x2A1E intermediate); CodecError naming the problem."""
    data = bytes(data)
    if not data:
        raise CodecError("temperature measurement: empty frame")
    flags = data[0]
    size = 5 + (DATE_TIME_SIZE if flags & 0x02 else 0) + (1 if flags & 0x04 else 0)
    if len(data) < size:
        raise CodecError(f"temperature measurement: the flags 0x{flags:02X} promise {size} bytes, "
                         f"the frame has {len(data)}")
    raw = float_from_bytes(data, 1).reading
    fahrenheit = bool(flags & 0x01)
    celsius = None if raw is None else (f_to_c(raw) if fahrenheit else raw)
    offset = 5
    ts = None
    if flags & 0x02:
        ts = decode_date_time(data, offset)
        offset += DATE_TIME_SIZE
    code = data[offset] if flags & 0x04 else None
    return TemperatureMeasurement(celsius, fahrenheit, ts, None if code is None else decode_site(code), code)


def encode_temperature_measurement(m: TemperatureMeasurement) -> bytes:
    """The 0x2A1C bytes for ``m`` (°C converted to °F on the air when ``fahrenheit``); the simulator's side."""
    code = m.site_code if m.site_code is not None else (None if m.site is None else int(m.site))
    flags = (0x01 if m.fahrenheit else 0) | (0x02 if m.time_stamp is not None else 0) \
        | (0x04 if code is not None else 0)
    if m.temperature_c is None:
        value: float | SpecialValue = SpecialValue.NAN
    else:
        value = c_to_f(m.temperature_c) if m.fahrenheit else m.temperature_c
    out = bytearray([flags]) + float_bytes(value)
    if m.time_stamp is not None:
        out += encode_date_time(m.time_stamp)
    if code is not None:
        if not 0 <= code <= 0xFF:
            raise CodecError(f"temperature type {code} does not fit a byte")
        out.append(code)
    return bytes(out)
