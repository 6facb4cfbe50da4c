"""Bluetooth SIG Glucose Service (0x1808): Glucose Measurement 0x2A18 and Record Access Control Point 0x2A52.

Protocol (Glucose Service 1.0 / GATT Specification Supplement), little-endian.

Glucose Measurement 0x2A18 (notified, one per stored record)::

    uint8   flags
              bit 0  time offset present
              bit 1  concentration, type and sample location present
              bit 2  concentration unit: 0 = kg/L, 1 = mol/L
              bit 3  sensor status annunciation present
              bit 4  context information follows (a 0x2A34 notification comes next; not decoded here)
    uint16  sequence number (rolls over: 65535 is followed by 0; see ``sequence_is_newer``)
    7 bytes base time (see ble_time)
    sint16  time offset, minutes            if bit 0
    SFLOAT  concentration                   if bit 1
    uint8   type (low nibble) | sample location (high nibble)   if bit 1
    uint16  sensor status annunciation      if bit 3 (bit names in ``ANNUNCIATIONS``)

Concentration becomes mmol/L: mol/L × 1000; kg/L × 10⁵ = mg/dL, ÷ 18.016 = mmol/L (the factor the
station's domain model uses for glucose).

Record Access Control Point 0x2A52 (written with indication of the response)::

    uint8   op code   1 report stored records, 2 delete stored records, 3 abort operation,
                      4 report number of stored records, 5 number of stored records response,
                      6 response code
    uint8   operator  0 null, 1 all records, 2 <=, 3 >=, 4 within range, 5 first record, 6 last record
    operand           for 2/3: uint8 filter type (1 = sequence number) + uint16 sequence number
                      for 5:   uint16 number of records
                      for 6:   uint8 request op code + uint8 response code value
    response codes    1 success, 2 op code not supported, 3 invalid operator, 4 operator not supported,
                      5 invalid operand, 6 no records found, 7 abort unsuccessful, 8 procedure not completed,
                      9 operand not supported
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta

from drivers.base import CodecError
from drivers.codecs.ble_time import DATE_TIME_SIZE, decode_date_time, encode_date_time
from drivers.codecs.sfloat import sfloat_bytes, sfloat_from_bytes

SERVICE_UUID = "00001808-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a18-0000-1000-8000-00805f9b34fb"
CONTEXT_UUID = "00002a34-0000-1000-8000-00805f9b34fb"
FEATURE_UUID = "00002a51-0000-1000-8000-00805f9b34fb"
RACP_UUID = "00002a52-0000-1000-8000-00805f9b34fb"

MG_DL_PER_MMOL_L = 18.016

GLUCOSE_TYPES = {1: "capillary_whole_blood", 2: "capillary_plasma", 3: "venous_whole_blood", 4: "venous_plasma",
                 5: "arterial_whole_blood", 6: "arterial_plasma", 7: "undetermined_whole_blood",
                 8: "undetermined_plasma", 9: "interstitial_fluid", 10: "control_solution"}
SAMPLE_LOCATIONS = {1: "finger", 2: "alternate_site_test", 3: "earlobe", 4: "control_solution",
                    15: "not_available"}
ANNUNCIATIONS = ("battery_low", "sensor_malfunction", "sample_size_insufficient", "strip_insertion_error",
                 "strip_type_incorrect", "result_too_high", "result_too_low", "temperature_too_high",
                 "temperature_too_low", "strip_pulled_too_soon", "general_device_fault", "time_fault")


@dataclass(frozen=True)
class GlucoseMeasurement:
    """One stored glucose record. ``concentration_mmol_l`` is ``None`` when absent or a special value."""

    sequence_number: int
    base_time: datetime | None
    time_offset_min: int = 0
    concentration_mmol_l: float | None = None
    sample_type: str | None = None  # a GLUCOSE_TYPES value, or "reserved_<n>"
    sample_location: str | None = None
    annunciations: tuple[str, ...] = ()  # names from ANNUNCIATIONS that the meter raised
    context_follows: bool = False
    unit_mol_per_l: bool = True  # the unit on the air (only matters for encoding)

    @property
    def taken_at(self) -> datetime | None:
        """Base time plus the offset: the meter's local time of the test."""
        return None if self.base_time is None else self.base_time + timedelta(minutes=self.time_offset_min)


def _name(table: dict[int, str], code: int) -> str:
    return table.get(code, f"reserved_{code}")


def decode_glucose_measurement(data: bytes | bytearray) -> GlucoseMeasurement:
    """Decode a Glucose Measurement (0x2A18) value; CodecError naming the problem otherwise."""
    data = bytes(data)
    if not data:
        raise CodecError("glucose measurement: empty frame")
    flags = data[0]
    size = 3 + DATE_TIME_SIZE + (2 if flags & 0x01 else 0) + (3 if flags & 0x02 else 0) + (2 if flags & 0x08 else 0)
    if len(data) < size:
        raise CodecError(f"glucose measurement: the flags 0x{flags:02X} promise {size} bytes, "
                         f"the frame has {len(data)}")
    sequence = struct.unpack_from("<H", data, 1)[0]
    base_time = decode_date_time(data, 3)
    offset = 3 + DATE_TIME_SIZE
    time_offset = 0
    concentration = sample_type = location = None
    annunciations: tuple[str, ...] = ()
    if flags & 0x01:
        time_offset = struct.unpack_from("<h", data, offset)[0]
        offset += 2
    if flags & 0x02:
        value = sfloat_from_bytes(data, offset).reading
        if value is not None:
            concentration = value * 1000 if flags & 0x04 else value * 1e5 / MG_DL_PER_MMOL_L
            concentration = round(concentration, 6)
        type_location = data[offset + 2]
        sample_type = _name(GLUCOSE_TYPES, type_location & 0x0F)
        location = _name(SAMPLE_LOCATIONS, type_location >> 4)
        offset += 3
    if flags & 0x08:
        bits = struct.unpack_from("<H", data, offset)[0]
        annunciations = tuple(name for i, name in enumerate(ANNUNCIATIONS) if bits >> i & 1)
    return GlucoseMeasurement(sequence, base_time, time_offset, concentration, sample_type, location, annunciations,
                              bool(flags & 0x10), bool(flags & 0x04))


def _code(table: dict[int, str], name: str | None) -> int:
    if name is None:
        return 0
    for code, n in table.items():
        if n == name:
            return code
    if name.startswith("reserved_") and name[9:].isdigit():
        return int(name[9:]) & 0x0F
    raise CodecError(f"unknown name {name!r}")


def encode_glucose_measurement(m: GlucoseMeasurement) -> bytes:
    """The 0x2A18 bytes for ``m``; used by the simulated glucometer."""
    has_conc = m.concentration_mmol_l is not None
    flags = (0x01 if m.time_offset_min else 0) | (0x02 if has_conc else 0) | (0x04 if m.unit_mol_per_l else 0) \
        | (0x08 if m.annunciations else 0) | (0x10 if m.context_follows else 0)
    out = bytearray(struct.pack("<BH", flags, m.sequence_number & 0xFFFF))
    out += encode_date_time(m.base_time)
    if m.time_offset_min:
        out += struct.pack("<h", m.time_offset_min)
    if has_conc:
        assert m.concentration_mmol_l is not None
        wire = m.concentration_mmol_l / 1000 if m.unit_mol_per_l else m.concentration_mmol_l * MG_DL_PER_MMOL_L / 1e5
        out += sfloat_bytes(wire)
        out.append(_code(GLUCOSE_TYPES, m.sample_type) | _code(SAMPLE_LOCATIONS, m.sample_location) << 4)
    if m.annunciations:
        unknown = set(m.annunciations) - set(ANNUNCIATIONS)
        if unknown:
            raise CodecError(f"unknown annunciation(s) {sorted(unknown)}")
        out += struct.pack("<H", sum(1 << ANNUNCIATIONS.index(a) for a in m.annunciations))
    return bytes(out)


# ---- sequence numbers --------------------------------------------------------------------------------

SEQUENCE_MODULUS = 0x10000  # the record sequence number is a uint16: after 65535 the meter counts on from 0


def sequence_after(sequence_number: int) -> int:
    """The sequence number a meter gives the record after ``sequence_number`` (65535 is followed by 0)."""
    return (sequence_number + 1) % SEQUENCE_MODULUS


def sequence_is_newer(sequence_number: int, than: int | None) -> bool:
    """True when record ``sequence_number`` was stored after record ``than`` (``None``: the meter had none).

    Compared modulo 2^16 (serial-number arithmetic, RFC 1982): up to 32767 steps ahead is newer, so 0
    and 1 come after 65535, while 65535 kept on the meter is older than a 0 or 1 made since. A plain
    ``>`` would take the 65535 record (someone else's) as newer than the 0 record.
    """
    if than is None:
        return True
    return 0 < (sequence_number - than) % SEQUENCE_MODULUS < SEQUENCE_MODULUS // 2


# ---- Record Access Control Point ------------------------------------------------------------------


class RacpOpCode(enum.IntEnum):
    REPORT_STORED_RECORDS = 1
    DELETE_STORED_RECORDS = 2
    ABORT_OPERATION = 3
    REPORT_NUMBER_OF_RECORDS = 4
    NUMBER_OF_RECORDS_RESPONSE = 5
    RESPONSE_CODE = 6


class RacpOperator(enum.IntEnum):
    NULL = 0
    ALL_RECORDS = 1
    LESS_OR_EQUAL = 2
    GREATER_OR_EQUAL = 3
    WITHIN_RANGE = 4
    FIRST_RECORD = 5
    LAST_RECORD = 6


class RacpResponseCode(enum.IntEnum):
    SUCCESS = 1
    OP_CODE_NOT_SUPPORTED = 2
    INVALID_OPERATOR = 3
    OPERATOR_NOT_SUPPORTED = 4
    INVALID_OPERAND = 5
    NO_RECORDS_FOUND = 6
    ABORT_UNSUCCESSFUL = 7
    PROCEDURE_NOT_COMPLETED = 8
    OPERAND_NOT_SUPPORTED = 9


FILTER_SEQUENCE_NUMBER = 1


@dataclass(frozen=True)
class RacpRequest:
    """A request the collector writes: op code, operator, and (for <= / >=) a sequence-number bound."""

    op_code: RacpOpCode
    operator: RacpOperator = RacpOperator.NULL
    min_sequence: int | None = None  # operand of GREATER_OR_EQUAL (and lower bound of WITHIN_RANGE)
    max_sequence: int | None = None  # operand of LESS_OR_EQUAL (and upper bound of WITHIN_RANGE)


@dataclass(frozen=True)
class RacpNumberOfRecords:
    count: int


@dataclass(frozen=True)
class RacpResponse:
    request_op_code: int  # the op code answered (kept raw: a meter may answer an op code we do not know)
    code: RacpResponseCode

    @property
    def ok(self) -> bool:
        return self.code is RacpResponseCode.SUCCESS


def report_all_records() -> RacpRequest:
    return RacpRequest(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.ALL_RECORDS)


def report_records_from(sequence_number: int) -> RacpRequest:
    return RacpRequest(RacpOpCode.REPORT_STORED_RECORDS, RacpOperator.GREATER_OR_EQUAL, min_sequence=sequence_number)


def report_number_of_records(from_sequence: int | None = None) -> RacpRequest:
    if from_sequence is None:
        return RacpRequest(RacpOpCode.REPORT_NUMBER_OF_RECORDS, RacpOperator.ALL_RECORDS)
    return RacpRequest(RacpOpCode.REPORT_NUMBER_OF_RECORDS, RacpOperator.GREATER_OR_EQUAL, min_sequence=from_sequence)


def abort_operation() -> RacpRequest:
    return RacpRequest(RacpOpCode.ABORT_OPERATION, RacpOperator.NULL)


def encode_racp_request(r: RacpRequest) -> bytes:
    """The bytes to write to 0x2A52 for ``r``; CodecError when the operand the operator needs is missing."""
    out = bytearray([int(r.op_code), int(r.operator)])
    bounds: tuple[int | None, ...] = ()
    if r.operator is RacpOperator.GREATER_OR_EQUAL:
        bounds = (r.min_sequence,)
    elif r.operator is RacpOperator.LESS_OR_EQUAL:
        bounds = (r.max_sequence,)
    elif r.operator is RacpOperator.WITHIN_RANGE:
        bounds = (r.min_sequence, r.max_sequence)
    if bounds:
        if any(b is None or not 0 <= b <= 0xFFFF for b in bounds):
            raise CodecError(f"operator {r.operator.name} needs sequence number(s) in 0..65535, got {bounds}")
        out.append(FILTER_SEQUENCE_NUMBER)
        for b in bounds:
            assert b is not None
            out += struct.pack("<H", b)
    return bytes(out)


def decode_racp_request(data: bytes | bytearray) -> RacpRequest:
    """Decode what a collector wrote (the simulated meter's side); CodecError for anything malformed."""
    data = bytes(data)
    if len(data) < 2:
        raise CodecError(f"RACP request: needs at least 2 bytes, got {len(data)}")
    try:
        op = RacpOpCode(data[0])
    except ValueError:
        raise CodecError(f"RACP request: unknown op code {data[0]}") from None
    try:
        operator = RacpOperator(data[1])
    except ValueError:
        raise CodecError(f"RACP request: unknown operator {data[1]}") from None
    need = {RacpOperator.GREATER_OR_EQUAL: 3, RacpOperator.LESS_OR_EQUAL: 3, RacpOperator.WITHIN_RANGE: 5}.get(operator)
    if need is None:
        return RacpRequest(op, operator)
    if len(data) < 2 + need or data[2] != FILTER_SEQUENCE_NUMBER:
        raise CodecError(f"RACP request: operator {operator.name} needs a sequence-number filter operand")
    first = struct.unpack_from("<H", data, 3)[0]
    if operator is RacpOperator.GREATER_OR_EQUAL:
        return RacpRequest(op, operator, min_sequence=first)
    if operator is RacpOperator.LESS_OR_EQUAL:
        return RacpRequest(op, operator, max_sequence=first)
    return RacpRequest(op, operator, min_sequence=first, max_sequence=struct.unpack_from("<H", data, 5)[0])


def decode_racp_response(data: bytes | bytearray) -> RacpNumberOfRecords | RacpResponse:
    """Decode a 0x2A52 indication: a number-of-records response or a response code."""
    data = bytes(data)
    if len(data) < 2:
        raise CodecError(f"RACP response: needs at least 2 bytes, got {len(data)}")
    if data[0] == RacpOpCode.NUMBER_OF_RECORDS_RESPONSE:
        if len(data) < 4:
            raise CodecError("RACP number-of-records response: the count (2 bytes) is missing")
        return RacpNumberOfRecords(struct.unpack_from("<H", data, 2)[0])
    if data[0] == RacpOpCode.RESPONSE_CODE:
        if len(data) < 4:
            raise CodecError("RACP response code: request op code and response value are missing")
        try:
            code = RacpResponseCode(data[3])
        except ValueError:
            raise CodecError(f"RACP response code: unknown response value {data[3]}") from None
        return RacpResponse(data[2], code)
    raise CodecError(f"RACP response: op code {data[0]} is not a response (expected 5 or 6)")


def encode_racp_number_of_records(count: int) -> bytes:
    return struct.pack("<BBH", RacpOpCode.NUMBER_OF_RECORDS_RESPONSE, RacpOperator.NULL, count)


def encode_racp_response(request_op_code: int, code: RacpResponseCode) -> bytes:
    return bytes([RacpOpCode.RESPONSE_CODE, RacpOperator.NULL, request_op_code & 0xFF, int(code)])
