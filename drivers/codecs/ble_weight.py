"""Bluetooth SIG Weight Scale Service (0x181D): Weight Measurement 0x2A9D.

Protocol (Weight Scale Service 1.0 / GATT Specification Supplement), little-endian, indicated::

    uint8   flags
              bit 0  units: 0 = SI (kg, m), 1 = imperial (lb, in)
              bit 1  time stamp present
              bit 2  user id present
              bit 3  BMI and height present
              bits 4..7 reserved
    uint16  weight      SI: 0.005 kg per count; imperial: 0.01 lb per count;
                        0xFFFF = "measurement unsuccessful"
    7 bytes time stamp  if bit 1 (see ble_time)
    uint8   user id     if bit 2 (0xFF = unknown user)
    uint16  BMI         if bit 3, 0.1 kg/m² per count
    uint16  height      if bit 3, SI: 0.001 m per count; imperial: 0.1 in per count

Decoded values are always given in kg / m (``weight_kg``, ``height_m``) whatever the unit on the air,
with the unit the device used kept in ``imperial``. 1 lb = 0.45359237 kg, 1 in = 0.0254 m (exact).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

from drivers.base import CodecError
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time

SERVICE_UUID = "0000181d-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a9d-0000-1000-8000-00805f9b34fb"
FEATURE_UUID = "00002a9e-0000-1000-8000-00805f9b34fb"

LB_TO_KG = 0.45359237
IN_TO_M = 0.0254
SI_WEIGHT_STEP_KG = 0.005
IMPERIAL_WEIGHT_STEP_LB = 0.01
SI_HEIGHT_STEP_M = 0.001
IMPERIAL_HEIGHT_STEP_IN = 0.1
BMI_STEP = 0.1
UNSUCCESSFUL = 0xFFFF


@dataclass(frozen=True)
class WeightMeasurement:
    """One 0x2A9D indication, in kg and m. ``weight_kg`` is ``None`` when the scale reported "unsuccessful"."""

    weight_kg: float | None
    imperial: bool = False
    time_stamp: datetime | None = None
    user_id: int | None = None
    bmi_kg_m2: float | None = None
    height_m: float | None = None


def decode_weight_measurement(data: bytes | bytearray) -> WeightMeasurement:
    """Decode a Weight Measurement (0x2A9D) value; CodecError naming the problem otherwise."""
    data = bytes(data)
    if not data:
        raise CodecError("weight measurement: empty frame")
    flags = data[0]
    imperial = bool(flags & 0x01)
    size = 3 + (DATE_TIME_SIZE if flags & 0x02 else 0) + (1 if flags & 0x04 else 0) + (4 if flags & 0x08 else 0)
    if len(data) < size:
        raise CodecError(f"weight measurement: the flags 0x{flags:02X} promise {size} bytes, the frame has {len(data)}")
    raw_weight = struct.unpack_from("<H", data, 1)[0]
    if raw_weight == UNSUCCESSFUL:
        weight_kg = None
    elif imperial:
        weight_kg = raw_weight * IMPERIAL_WEIGHT_STEP_LB * LB_TO_KG
    else:
        weight_kg = raw_weight * SI_WEIGHT_STEP_KG
    offset = 3
    time_stamp = user = bmi = height = None
    if flags & 0x02:
        time_stamp = decode_date_time(data, offset)
        offset += DATE_TIME_SIZE
    if flags & 0x04:
        user = data[offset]
        offset += 1
    if flags & 0x08:
        raw_bmi, raw_height = struct.unpack_from("<HH", data, offset)
        bmi = raw_bmi * BMI_STEP
        height = raw_height * IMPERIAL_HEIGHT_STEP_IN * IN_TO_M if imperial else raw_height * SI_HEIGHT_STEP_M
    return WeightMeasurement(None if weight_kg is None else round(weight_kg, 4), imperial, time_stamp, user,
                             None if bmi is None else round(bmi, 1), None if height is None else round(height, 4))


def _count(value: float, step: float, what: str) -> int:
    count = round(value / step)
    if not 0 <= count < UNSUCCESSFUL:
        raise CodecError(f"{what} {value} does not fit the 16-bit field (step {step})")
    return count


def encode_weight_measurement(m: WeightMeasurement) -> bytes:
    """The 0x2A9D bytes for ``m`` (kg/m converted to the wire unit); used by the simulator."""
    has_bmi = m.bmi_kg_m2 is not None and m.height_m is not None
    flags = (0x01 if m.imperial else 0) | (0x02 if m.time_stamp is not None else 0) \
        | (0x04 if m.user_id is not None else 0) | (0x08 if has_bmi else 0)
    if m.weight_kg is None:
        raw_weight = UNSUCCESSFUL
    elif m.imperial:
        raw_weight = _count(m.weight_kg / LB_TO_KG, IMPERIAL_WEIGHT_STEP_LB, "weight (lb)")
    else:
        raw_weight = _count(m.weight_kg, SI_WEIGHT_STEP_KG, "weight (kg)")
    out = bytearray(struct.pack("<BH", flags, raw_weight))
    if m.time_stamp is not None:
        out += encode_date_time(m.time_stamp)
    if m.user_id is not None:
        out.append(m.user_id & 0xFF)
    if has_bmi:
        assert m.bmi_kg_m2 is not None and m.height_m is not None
        height = (_count(m.height_m / IN_TO_M, IMPERIAL_HEIGHT_STEP_IN, "height (in)") if m.imperial
                  else _count(m.height_m, SI_HEIGHT_STEP_M, "height (m)"))
        out += struct.pack("<HH", _count(m.bmi_kg_m2, BMI_STEP, "BMI"), height)
    return bytes(out)
