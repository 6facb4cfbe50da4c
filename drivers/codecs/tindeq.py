"""Tindeq Progressor BLE force gauge (published API, tindeq.com/progressor_api): commands and data points ↔ values.

Service 7e4e1701-1ea6-40c9-9dcc-13d34ffead57; the host writes commands to the control point 7e4e1703-…
and receives data on notifications of the data point 7e4e1702-…. Both directions are tag-length-value,
little-endian::

    command tags   0x64 TARE_SCALE, 0x65 START_WEIGHT_MEAS, 0x66 STOP_WEIGHT_MEAS, 0x67 START_PEAK_RFD_MEAS,
                   0x68 START_PEAK_RFD_MEAS_SERIES, 0x69 ADD_CALIB_POINT (float32 kg), 0x6A SAVE_CALIB,
                   0x6B GET_APP_VERSION, 0x6C GET_ERR_INFO, 0x6D CLR_ERR_INFO, 0x6E SLEEP, 0x6F GET_BATT_VLTG
    response tags  0 command response (GET_BATT_VLTG: uint32 mV; GET_APP_VERSION / GET_ERR_INFO: text),
                   1 weight measurement = n × (float32 weight in kg, uint32 time stamp in µs),
                   2 peak RFD, 3 peak RFD series, 4 low power warning

The tags, UUIDs and the weight layout agree in Tindeq's page and in several public clients (hangtime
grip-connect, TS and Python Progressor clients). No public capture of a real Progressor's notifications was
found: the tests check the layout with values built from it.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

from drivers.base import CodecError

SERVICE_UUID = "7e4e1701-1ea6-40c9-9dcc-13d34ffead57"
DATA_UUID = "7e4e1702-1ea6-40c9-9dcc-13d34ffead57"
CONTROL_UUID = "7e4e1703-1ea6-40c9-9dcc-13d34ffead57"
NAME_PREFIX = "Progressor"


class Command(enum.IntEnum):
    TARE_SCALE = 0x64
    START_WEIGHT_MEAS = 0x65
    STOP_WEIGHT_MEAS = 0x66
    START_PEAK_RFD_MEAS = 0x67
    START_PEAK_RFD_MEAS_SERIES = 0x68
    ADD_CALIB_POINT = 0x69
    SAVE_CALIB = 0x6A
    GET_APP_VERSION = 0x6B
    GET_ERR_INFO = 0x6C
    CLR_ERR_INFO = 0x6D
    SLEEP = 0x6E
    GET_BATT_VLTG = 0x6F


class ResponseTag(enum.IntEnum):
    COMMAND_RESPONSE = 0
    WEIGHT_MEASUREMENT = 1
    RFD_PEAK = 2
    RFD_PEAK_SERIES = 3
    LOW_POWER_WARNING = 4


@dataclass(frozen=True)
class WeightSample:
    weight_kg: float
    time_us: int


@dataclass(frozen=True)
class WeightMeasurement:
    samples: tuple[WeightSample, ...]


@dataclass(frozen=True)
class CommandResponse:
    value: bytes

    @property
    def battery_mv(self) -> int | None:
        return int.from_bytes(self.value[:4], "little") if len(self.value) == 4 else None

    @property
    def text(self) -> str:
        return self.value.split(b"\x00", 1)[0].decode("ascii", errors="replace")


@dataclass(frozen=True)
class LowPowerWarning:
    pass


@dataclass(frozen=True)
class OtherData:
    tag: int
    value: bytes


@dataclass(frozen=True)
class ControlCommand:
    command: Command
    value: bytes = b""


DataPoint = WeightMeasurement | CommandResponse | LowPowerWarning | OtherData


def encode_command(command: Command, value: bytes = b"") -> bytes:
    """A control-point write: tag, length, value."""
    return bytes((command, len(value))) + value


def add_calibration_point(kg: float) -> bytes:
    return encode_command(Command.ADD_CALIB_POINT, struct.pack("<f", kg))


def decode_command(data: bytes) -> ControlCommand:
    """A control-point write as the Progressor reads it (a bare tag byte is accepted too, as clients send it)."""
    if not data:
        raise CodecError("Progressor command: empty write")
    try:
        command = Command(data[0])
    except ValueError:
        raise CodecError(f"Progressor command: unknown tag 0x{data[0]:02X}") from None
    if len(data) == 1:
        return ControlCommand(command)
    if len(data) != 2 + data[1]:
        raise CodecError(f"Progressor command: length byte {data[1]} but {len(data) - 2} value bytes")
    return ControlCommand(command, bytes(data[2:]))


def decode_data_point(data: bytes | bytearray) -> DataPoint:
    """One data-point notification; CodecError when its length does not match its tag."""
    data = bytes(data)
    if len(data) < 2:
        raise CodecError(f"Progressor data point: {len(data)} byte(s), needs a tag and a length")
    tag, size, value = data[0], data[1], data[2:]
    if len(value) != size:
        raise CodecError(f"Progressor data point: length byte {size} but {len(value)} value bytes")
    if tag == ResponseTag.WEIGHT_MEASUREMENT:
        if size % 8:
            raise CodecError(f"Progressor weight measurement: {size} bytes is not a whole number of 8-byte samples")
        return WeightMeasurement(tuple(WeightSample(w, t) for w, t in struct.iter_unpack("<fI", value)))
    if tag == ResponseTag.COMMAND_RESPONSE:
        return CommandResponse(value)
    if tag == ResponseTag.LOW_POWER_WARNING:
        return LowPowerWarning()
    return OtherData(tag, value)


def encode_weight(samples: list[WeightSample]) -> bytes:
    value = b"".join(struct.pack("<fI", s.weight_kg, s.time_us & 0xFFFFFFFF) for s in samples)
    return bytes((ResponseTag.WEIGHT_MEASUREMENT, len(value))) + value


def encode_response(value: bytes) -> bytes:
    return bytes((ResponseTag.COMMAND_RESPONSE, len(value))) + value
