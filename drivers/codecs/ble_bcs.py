"""Bluetooth SIG Body Composition Service (0x181B) and User Data Service consent (0x181C, User Control Point 0x2A9F).

Body Composition Measurement 0x2A9C (BCS 1.0), little-endian, indicated::

    uint16  flags  bit 0 units (0 SI kg/m, 1 imperial lb/in)   bit 1 time stamp   bit 2 user id
                   bit 3 basal metabolism   bit 4 muscle %   bit 5 muscle mass   bit 6 fat-free mass
                   bit 7 soft lean mass   bit 8 body water mass   bit 9 impedance   bit 10 weight
                   bit 11 height   bit 12 multiple-packet measurement   bits 13..15 reserved
    uint16  body fat percentage, 0.1 % (always present; 0xFFFF = measurement unsuccessful, then
            nothing else follows)
    7 bytes time stamp (bit 1)  uint8 user id (bit 2, 0xFF = unknown user)  uint16 basal metabolism kJ (bit 3)
    uint16  muscle percentage 0.1 % (bit 4)
    uint16  muscle mass, fat-free mass, soft lean mass, body water mass (bits 5..8):
            SI 0.005 kg, imperial 0.01 lb
    uint16  impedance 0.1 Ω (bit 9)
    uint16  weight (bit 10): SI 0.005 kg, imperial 0.01 lb
    uint16  height (bit 11): SI 0.001 m, imperial 0.1 in

A measurement too long for one indication is split (bit 12 set in each part); ``merge`` joins the
parts. Masses decode to kg and height to m whatever the unit on the air.

User Data Service consent: before a multi-user analyser sends a person's values, the collector
registers a user or proves it is that user's collector. User Control Point 0x2A9F (indicated)::

    0x01 Register New User   uint16 consent code 0..9999        → response carries the new user index
    0x02 Consent             uint8 user index, uint16 consent code
    0x03 Delete User Data
    0x20 Response Code       uint8 request op code, uint8 result, [uint8 user index after 0x01]
    results: 0x01 success, 0x02 op code not supported, 0x03 invalid parameter,
             0x04 operation failed, 0x05 user not authorized
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, replace
from datetime import datetime

from drivers.base import CodecError
from drivers.ble.gatt import uuid16
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time

SERVICE_UUID = uuid16(0x181B)
FEATURE_UUID = uuid16(0x2A9B)
MEASUREMENT_UUID = uuid16(0x2A9C)
UDS_SERVICE_UUID = uuid16(0x181C)
USER_CONTROL_POINT_UUID = uuid16(0x2A9F)

LB_TO_KG = 0.45359237
IN_TO_M = 0.0254
UNSUCCESSFUL = 0xFFFF
_MASS_FIELDS = ("muscle_mass_kg", "fat_free_mass_kg", "soft_lean_mass_kg", "body_water_mass_kg")


@dataclass(frozen=True)
class BodyComposition:
    """One 0x2A9C indication in SI units. ``body_fat_pct`` is None when the analyser reported "unsuccessful"."""

    body_fat_pct: float | None
    imperial: bool = False
    time_stamp: datetime | None = None
    user_id: int | None = None
    basal_metabolism_kj: int | None = None
    muscle_pct: float | None = None
    muscle_mass_kg: float | None = None
    fat_free_mass_kg: float | None = None
    soft_lean_mass_kg: float | None = None
    body_water_mass_kg: float | None = None
    impedance_ohm: float | None = None
    weight_kg: float | None = None
    height_m: float | None = None
    multiple_packet: bool = False


def _mass(raw: int, imperial: bool) -> float:
    return round(raw * 0.01 * LB_TO_KG, 4) if imperial else round(raw * 0.005, 4)


def decode_body_composition(data: bytes | bytearray) -> BodyComposition:
    """Decode a Body Composition Measurement; CodecError naming the problem otherwise."""
    data = bytes(data)
    if len(data) < 4:
        raise CodecError(f"body composition: needs flags and body fat (4 bytes), the frame has {len(data)}")
    flags, raw_fat = struct.unpack_from("<HH", data, 0)
    imperial = bool(flags & 0x0001)
    if raw_fat == UNSUCCESSFUL:
        return BodyComposition(None, imperial, multiple_packet=bool(flags & 0x1000))
    size = 4 + (DATE_TIME_SIZE if flags & 0x0002 else 0) + (1 if flags & 0x0004 else 0) \
        + 2 * sum(1 for bit in range(3, 12) if flags >> bit & 1)
    if len(data) < size:
        raise CodecError(f"body composition: the flags 0x{flags:04X} promise {size} bytes, the frame has {len(data)}")
    at = 4
    fields: dict[str, object] = {}
    if flags & 0x0002:
        fields["time_stamp"] = decode_date_time(data, at)
        at += DATE_TIME_SIZE
    if flags & 0x0004:
        fields["user_id"] = data[at]
        at += 1

    def u16() -> int:
        nonlocal at
        value = struct.unpack_from("<H", data, at)[0]
        at += 2
        return value

    if flags & 0x0008:
        fields["basal_metabolism_kj"] = u16()
    if flags & 0x0010:
        fields["muscle_pct"] = round(u16() * 0.1, 1)
    for bit, name in zip(range(5, 9), _MASS_FIELDS, strict=True):
        if flags >> bit & 1:
            fields[name] = _mass(u16(), imperial)
    if flags & 0x0200:
        fields["impedance_ohm"] = round(u16() * 0.1, 1)
    if flags & 0x0400:
        fields["weight_kg"] = _mass(u16(), imperial)
    if flags & 0x0800:
        raw = u16()
        fields["height_m"] = round(raw * 0.1 * IN_TO_M, 4) if imperial else round(raw * 0.001, 3)
    return BodyComposition(round(raw_fat * 0.1, 1), imperial, multiple_packet=bool(flags & 0x1000),
                           **fields)  # type: ignore[arg-type]


def merge(parts: list[BodyComposition]) -> BodyComposition:
    """Join the parts of a multiple-packet measurement (later parts fill fields the first lacked)."""
    if not parts:
        raise CodecError("body composition: no parts to merge")
    merged = replace(parts[0], multiple_packet=False)
    for part in parts[1:]:
        if part.imperial != merged.imperial:
            raise CodecError("body composition: the parts of one measurement use different units")
        updates = {k: getattr(part, k) for k in BodyComposition.__dataclass_fields__
                   if k not in ("imperial", "multiple_packet") and getattr(merged, k) is None
                   and getattr(part, k) is not None}
        merged = replace(merged, **updates)
    return merged


def _count(value: float, step: float, what: str) -> int:
    count = round(value / step)
    if not 0 <= count < UNSUCCESSFUL:
        raise CodecError(f"{what} {value} does not fit its 16-bit field (step {step})")
    return count


def encode_body_composition(m: BodyComposition) -> bytes:
    """The 0x2A9C bytes for ``m`` (the simulator's side)."""
    if m.body_fat_pct is None:
        return struct.pack("<HH", (0x0001 if m.imperial else 0) | (0x1000 if m.multiple_packet else 0), UNSUCCESSFUL)
    present = [m.time_stamp is not None, m.user_id is not None, m.basal_metabolism_kj is not None,
               m.muscle_pct is not None, *(getattr(m, f) is not None for f in _MASS_FIELDS),
               m.impedance_ohm is not None, m.weight_kg is not None, m.height_m is not None]
    flags = (0x0001 if m.imperial else 0) | sum(1 << (i + 1) for i, p in enumerate(present) if p) \
        | (0x1000 if m.multiple_packet else 0)
    out = bytearray(struct.pack("<HH", flags, _count(m.body_fat_pct, 0.1, "body fat %")))
    mass_step, mass_scale = (0.01, 1 / LB_TO_KG) if m.imperial else (0.005, 1.0)
    if m.time_stamp is not None:
        out += encode_date_time(m.time_stamp)
    if m.user_id is not None:
        out.append(m.user_id & 0xFF)
    if m.basal_metabolism_kj is not None:
        out += struct.pack("<H", _count(m.basal_metabolism_kj, 1, "basal metabolism"))
    if m.muscle_pct is not None:
        out += struct.pack("<H", _count(m.muscle_pct, 0.1, "muscle %"))
    for name in _MASS_FIELDS:
        value = getattr(m, name)
        if value is not None:
            out += struct.pack("<H", _count(value * mass_scale, mass_step, name))
    if m.impedance_ohm is not None:
        out += struct.pack("<H", _count(m.impedance_ohm, 0.1, "impedance"))
    if m.weight_kg is not None:
        out += struct.pack("<H", _count(m.weight_kg * mass_scale, mass_step, "weight"))
    if m.height_m is not None:
        out += struct.pack("<H", _count(m.height_m / IN_TO_M, 0.1, "height (in)") if m.imperial
                           else _count(m.height_m, 0.001, "height (m)"))
    return bytes(out)


# ---- User Data Service: User Control Point -------------------------------------------------------------


class UcpOpCode(enum.IntEnum):
    REGISTER_NEW_USER = 0x01
    CONSENT = 0x02
    DELETE_USER_DATA = 0x03
    RESPONSE = 0x20


class UcpResult(enum.IntEnum):
    SUCCESS = 0x01
    OP_CODE_NOT_SUPPORTED = 0x02
    INVALID_PARAMETER = 0x03
    OPERATION_FAILED = 0x04
    USER_NOT_AUTHORIZED = 0x05


CONSENT_CODE_MAX = 9999


@dataclass(frozen=True)
class UcpRequest:
    op: UcpOpCode
    consent_code: int | None = None
    user_index: int | None = None


@dataclass(frozen=True)
class UcpResponse:
    request_op: UcpOpCode | int
    result: UcpResult | int
    user_index: int | None = None  # after a successful Register New User

    @property
    def ok(self) -> bool:
        return self.result == UcpResult.SUCCESS


def _check_consent(code: int | None) -> int:
    if code is None or not 0 <= code <= CONSENT_CODE_MAX:
        raise CodecError(f"consent code {code!r} is outside 0..{CONSENT_CODE_MAX}")
    return code


def encode_ucp_request(r: UcpRequest) -> bytes:
    if r.op is UcpOpCode.REGISTER_NEW_USER:
        return struct.pack("<BH", r.op, _check_consent(r.consent_code))
    if r.op is UcpOpCode.CONSENT:
        if r.user_index is None or not 0 <= r.user_index <= 0xFE:
            raise CodecError(f"user index {r.user_index!r} is outside 0..254")
        return struct.pack("<BBH", r.op, r.user_index, _check_consent(r.consent_code))
    if r.op is UcpOpCode.DELETE_USER_DATA:
        return bytes([r.op])
    raise CodecError(f"{r.op!r} is not a request")


def decode_ucp_request(data: bytes | bytearray) -> UcpRequest:
    data = bytes(data)
    if not data:
        raise CodecError("user control point: empty frame")
    op = data[0]
    if op == UcpOpCode.REGISTER_NEW_USER and len(data) == 3:
        return UcpRequest(UcpOpCode.REGISTER_NEW_USER, _check_consent(struct.unpack_from("<H", data, 1)[0]))
    if op == UcpOpCode.CONSENT and len(data) == 4:
        index, code = struct.unpack_from("<BH", data, 1)
        return UcpRequest(UcpOpCode.CONSENT, _check_consent(code), index)
    if op == UcpOpCode.DELETE_USER_DATA and len(data) == 1:
        return UcpRequest(UcpOpCode.DELETE_USER_DATA)
    raise CodecError(f"user control point: op code 0x{op:02X} with {len(data) - 1} parameter byte(s) is not a "
                     "request this station knows")


def encode_ucp_response(r: UcpResponse) -> bytes:
    out = bytes([UcpOpCode.RESPONSE, int(r.request_op), int(r.result)])
    return out + bytes([r.user_index]) if r.user_index is not None else out


def decode_ucp_response(data: bytes | bytearray) -> UcpResponse:
    data = bytes(data)
    if len(data) < 3 or data[0] != UcpOpCode.RESPONSE:
        raise CodecError("user control point response: expected 20 <op> <result> [...], "
                         f"got {data.hex(' ') or 'nothing'}")
    op = UcpOpCode(data[1]) if data[1] in UcpOpCode._value2member_map_ else data[1]
    result = UcpResult(data[2]) if data[2] in UcpResult._value2member_map_ else data[2]
    index = None
    if op == UcpOpCode.REGISTER_NEW_USER and result == UcpResult.SUCCESS:
        if len(data) < 4:
            raise CodecError("user control point response: a successful Register New User must carry the user index")
        index = data[3]
    return UcpResponse(op, result, index)
