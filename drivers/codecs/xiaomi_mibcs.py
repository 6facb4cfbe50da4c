"""Xiaomi Mi Body Composition Scale (XMTZC02HM/XMTZC05HM, "MIBFS") advertisement: service data on UUID 0x181B.

The scale broadcasts, without any connection, 13 bytes of service data under the 16-bit UUID
0x181B. The UUID is the SIG Body Composition Service's, but the payload is NOT the SIG 0x2A9C
format (see ``ble_bcs``): it is Xiaomi's own, as reverse-engineered by the public parsers
(Home Assistant's ``xiaomi-ble``, openScale)::

    byte 0      control byte 0: bit 0 weight in pounds (lb × 100 on the air)
    byte 1      control byte 1: bit 1 impedance stabilised, bit 5 weight stabilised,
                bit 6 weight in catty/jin (jin × 100 on the air), bit 7 weight removed (stepped off)
    bytes 2..8  date and time: uint16 year (little-endian), month, day, hours, minutes, seconds
    bytes 9..10 impedance, uint16 little-endian, ohms
    bytes 11..12 weight, uint16 little-endian: kg × 200 (neither unit bit), lb × 100, or jin × 100

The advertisement gives weight and impedance only. Body fat is not in it: Xiaomi's app computes it
from impedance with its own formula, which is not published by Xiaomi (the formulas in public code
were reverse-engineered). The station therefore takes no body-fat value from this scale; it keeps
the weight and the impedance, as the source says, and says so.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from datetime import datetime

from drivers.base import CodecError
from drivers.ble.gatt import uuid16

SERVICE_DATA_UUID = uuid16(0x181B)
PAYLOAD_SIZE = 13
LB_TO_KG = 0.45359237


class WeightUnit(enum.StrEnum):
    KG = "kg"
    LB = "lb"
    JIN = "jin"


@dataclass(frozen=True)
class MiScaleAdvert:
    """One advertisement. ``impedance_ohm`` is None until the scale marks it stabilised (or when 0)."""

    weight_kg: float
    unit: WeightUnit
    weight_stabilized: bool
    weight_removed: bool
    impedance_ohm: int | None
    time_stamp: datetime | None
    control: bytes = b"\x02\x00"

    @property
    def final(self) -> bool:
        """A settled weighing of a person still on the scale (what the station may store)."""
        return self.weight_stabilized and not self.weight_removed and self.weight_kg > 0


def decode_advert(data: bytes | bytearray) -> MiScaleAdvert:
    """Decode the 13 bytes of 0x181B service data; CodecError naming the problem otherwise."""
    data = bytes(data)
    if len(data) != PAYLOAD_SIZE:
        raise CodecError(f"Mi scale advertisement: expected {PAYLOAD_SIZE} bytes of service data, got {len(data)}")
    c0, c1 = data[0], data[1]
    year, month, day, hour, minute, second, impedance, raw = struct.unpack_from("<HBBBBBHH", data, 2)
    if c0 & 0x01:
        unit, kg = WeightUnit.LB, raw * 0.01 * LB_TO_KG
    elif c1 & 0x40:
        unit, kg = WeightUnit.JIN, raw * 0.005
    else:
        unit, kg = WeightUnit.KG, raw / 200
    try:
        when: datetime | None = datetime(year, month, day, hour, minute, second)
    except ValueError:
        when = None  # the scale's clock is not set; the station stamps readings itself
    stabilized_impedance = bool(c1 & 0x02) and impedance != 0
    return MiScaleAdvert(weight_kg=round(kg, 3), unit=unit, weight_stabilized=bool(c1 & 0x20),
                         weight_removed=bool(c1 & 0x80), impedance_ohm=impedance if stabilized_impedance else None,
                         time_stamp=when, control=bytes([c0, c1]))


def encode_advert(weight_kg: float, *, impedance_ohm: int | None, stabilized: bool, removed: bool = False,
                  when: datetime | None = None, unit: WeightUnit = WeightUnit.KG) -> bytes:
    """The 13 service-data bytes a scale would send (the simulator's side)."""
    c0 = 0x02 | (0x01 if unit is WeightUnit.LB else 0)  # bit 1 of byte 0 is set in every capture seen
    c1 = (0x02 if impedance_ohm else 0) | (0x20 if stabilized else 0) | (0x40 if unit is WeightUnit.JIN else 0) \
        | (0x80 if removed else 0) | 0x04
    # kg × 200; lb × 100; jin × 100 (1 jin = 0.5 kg, so also kg × 200)
    raw = round(weight_kg / LB_TO_KG * 100) if unit is WeightUnit.LB else round(weight_kg * 200)
    if not 0 <= raw <= 0xFFFF or not 0 <= (impedance_ohm or 0) <= 0xFFFF:
        raise CodecError(f"weight {weight_kg} kg or impedance {impedance_ohm} does not fit the advertisement")
    when = when or datetime(1970, 1, 1)
    return bytes([c0, c1]) + struct.pack("<HBBBBBHH", when.year, when.month, when.day, when.hour, when.minute,
                                         when.second, impedance_ohm or 0, raw)
