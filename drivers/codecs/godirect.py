"""Vernier Go Direct protocol (GDX-HD hand dynamometer, GDX-SPR spirometer, …): packets ↔ typed messages.

Facts from Vernier's own client libraries, read for the protocol, not copied: godirect-py
(github.com/VernierST/godirect-py, GPL-3.0, commit e1ce7c5: godirect/device.py, device_bleak.py,
device_usb.py) and godirect-js (github.com/VernierST/godirect-js, BSD-3-Clause, commit 350d2eb:
src/Device.js, src/constants.js).

Packet (both directions, little-endian)::

    byte 0  0x58 for a command; 0x20 for a measurement; a response to a command has another type byte
    byte 1  packet length (all bytes)      byte 2  rolling counter (commands: 0xFE, 0xFD, … after INIT)
    byte 3  checksum = (sum of all bytes except byte 3) & 0xFF
    command:   byte 4 command id, then its parameters
    response:  byte 4 the command id answered, byte 5 its rolling counter, then the payload (byte 6 on)

Commands: 0x1A INIT (a fixed 20-byte key), 0x10 GET_STATUS, 0x55 GET_DEVICE_INFO, 0x51 GET_SENSOR_AVAILABLE_MASK,
0x56 GET_DEFAULT_SENSORS_MASK, 0x50 GET_SENSOR_INFO (sensor number), 0x1B SET_MEASUREMENT_PERIOD
(0xFF 0x00 then the period in µs as uint32, 4 zero bytes), 0x18 START_MEASUREMENTS (0xFF 0x01 then the
sensor mask as uint32, 8 zero bytes), 0x19 STOP_MEASUREMENTS (0xFF 0x00 FF FF FF FF), 0x54 DISCONNECT.
The device is self-describing: GET_SENSOR_INFO returns each sensor's description ("Force", "Flow Rate"),
unit ("N", "L/s"), range and periods, so a driver picks its sensor by unit, not by a hard-coded number.

Measurement 0x20, type at byte 4: 0x06 NORMAL_REAL32 = sensor mask uint16 at 5, value count at 7, float32
values from 9 (per sample, one per sensor in the mask, lowest sensor first); 0x07 WIDE_REAL32 = mask uint32
at 5, count at 9, values from 11; 0x0C start time, 0x0D dropped, 0x0E period carry no values.

Transports: BLE service d91714ef-…, commands written to f4bf14a6-… in chunks of at most 20 bytes, packets
notified on b41e6675-…, possibly split over several notifications (reassembled by the length byte). USB HID
(vendor 0x08F7, product 0x0010): 64-byte reports, each a length byte and up to 63 packet bytes.

No public capture of a real device's packets was found: the tests check the packets against the constant
bytes both Vernier libraries send (and a third-party copy of the INIT packet with its counter and checksum).
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from drivers.base import CodecError

SERVICE_UUID = "d91714ef-28b9-4f91-ba16-f0d9a604f112"
COMMAND_UUID = "f4bf14a6-c7d5-4b6d-8aa8-df1a7c83adcb"
RESPONSE_UUID = "b41e6675-a329-40e0-aa01-44d2f444babe"
USB_VENDOR_ID, USB_PRODUCT_ID = 0x08F7, 0x0010
BLE_CHUNK = 20
USB_REPORT = 64
NAME_PREFIX = "GDX"

COMMAND_TYPE, MEASUREMENT_TYPE = 0x58, 0x20
INIT_KEY = bytes((0xA5, 0x4A, 0x06, 0x49, 0x07, 0x48, 0x08, 0x47, 0x09, 0x46, 0x0A, 0x45, 0x0B, 0x44, 0x0C, 0x43,
                  0x0D, 0x42, 0x0E, 0x41))


class Command(enum.IntEnum):
    GET_STATUS = 0x10
    START_MEASUREMENTS = 0x18
    STOP_MEASUREMENTS = 0x19
    INIT = 0x1A
    SET_MEASUREMENT_PERIOD = 0x1B
    GET_SENSOR_INFO = 0x50
    GET_SENSOR_AVAILABLE_MASK = 0x51
    DISCONNECT = 0x54
    GET_DEVICE_INFO = 0x55
    GET_DEFAULT_SENSORS_MASK = 0x56


class MeasurementKind(enum.IntEnum):
    NORMAL_REAL32 = 0x06
    WIDE_REAL32 = 0x07
    START_TIME = 0x0C
    DROPPED = 0x0D
    PERIOD = 0x0E


def checksum(packet: bytes | bytearray) -> int:
    return (sum(packet[:3]) + sum(packet[4:])) & 0xFF


def _finish(packet: bytearray, counter: int) -> bytes:
    packet[1] = len(packet)
    packet[2] = counter & 0xFF
    packet[3] = checksum(packet)
    return bytes(packet)


def command_packet(command: Command, params: bytes = b"", counter: int = 0xFE) -> bytes:
    """A command packet with its header filled in."""
    return _finish(bytearray((COMMAND_TYPE, 0, 0, 0, command)) + params, counter)


def init_packet(counter: int = 0xFE) -> bytes:
    return command_packet(Command.INIT, INIT_KEY, counter)


def set_period_packet(period_us: int, counter: int) -> bytes:
    return command_packet(Command.SET_MEASUREMENT_PERIOD, b"\xff\x00" + struct.pack("<I", period_us) + bytes(4),
                          counter)


def start_packet(sensor_mask: int, counter: int) -> bytes:
    return command_packet(Command.START_MEASUREMENTS, b"\xff\x01" + struct.pack("<I", sensor_mask) + bytes(8), counter)


def stop_packet(counter: int) -> bytes:
    return command_packet(Command.STOP_MEASUREMENTS, b"\xff\x00\xff\xff\xff\xff", counter)


def sensor_info_packet(sensor: int, counter: int) -> bytes:
    return command_packet(Command.GET_SENSOR_INFO, bytes((sensor,)), counter)


@dataclass(frozen=True)
class CommandPacket:
    """A command as the device receives it (decoded for ``kiosk decode`` and the simulator)."""

    command: int
    counter: int
    params: bytes


@dataclass(frozen=True)
class Response:
    """A device's answer to the command ``command`` sent with rolling counter ``counter``."""

    command: int
    counter: int
    payload: bytes


@dataclass(frozen=True)
class Measurement:
    """One measurement packet: ``samples`` rows, each {sensor number: value}, in the order they were taken."""

    kind: int
    samples: tuple[tuple[tuple[int, float], ...], ...] = ()


@dataclass(frozen=True)
class DeviceStatus:
    status: int
    firmware: str  # primary CPU major.minor.build
    ble_firmware: str
    battery_percent: int
    charger_state: int


@dataclass(frozen=True)
class DeviceInfo:
    order_code: str
    serial_number: str
    name: str
    firmware: str
    description: str


@dataclass(frozen=True)
class SensorInfo:
    number: int
    sensor_id: int
    description: str
    unit: str
    min_value: float
    max_value: float
    min_period_us: int
    typical_period_us: int


Message = CommandPacket | Response | Measurement

_SENSOR_INFO = struct.Struct("<bBIBB60s32sdddIQIII")
_STATUS = struct.Struct("<BBBBHBBHBB")
_DEVICE_INFO = struct.Struct("<16s16s32sHHBBBBHBBHBBBBBBI64s")


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")


def decode_packet(packet: bytes | bytearray) -> Message:
    """One whole packet → a typed message; CodecError for a wrong length, checksum or layout."""
    packet = bytes(packet)
    if len(packet) < 5 or packet[1] != len(packet):
        raise CodecError(f"Go Direct packet: length byte {packet[1] if len(packet) > 1 else '-'} "
                         f"but {len(packet)} bytes")
    if packet[3] != checksum(packet):
        raise CodecError(f"Go Direct packet: checksum 0x{packet[3]:02X}, expected 0x{checksum(packet):02X}")
    if packet[0] == COMMAND_TYPE:
        return CommandPacket(packet[4], packet[2], packet[5:])
    if packet[0] == MEASUREMENT_TYPE:
        return _measurement(packet)
    if len(packet) < 6:
        raise CodecError("Go Direct response shorter than its 6-byte header")
    return Response(packet[4], packet[5], packet[6:])


def _measurement(packet: bytes) -> Measurement:
    kind = packet[4]
    if kind in (MeasurementKind.START_TIME, MeasurementKind.DROPPED, MeasurementKind.PERIOD):
        return Measurement(kind)
    if kind == MeasurementKind.NORMAL_REAL32 and len(packet) >= 9:
        mask, count, start = int.from_bytes(packet[5:7], "little"), packet[7], 9
    elif kind == MeasurementKind.WIDE_REAL32 and len(packet) >= 11:
        mask, count, start = int.from_bytes(packet[5:9], "little"), packet[9], 11
    else:
        raise CodecError(f"Go Direct measurement type 0x{kind:02X} is not supported or too short")
    sensors = [i for i in range(32) if mask >> i & 1]
    need = start + 4 * count * len(sensors)
    if len(packet) < need:
        raise CodecError(f"Go Direct measurement: {count} sample(s) of {len(sensors)} sensor(s) need {need} bytes, "
                         f"the packet has {len(packet)}")
    values = struct.unpack_from(f"<{count * len(sensors)}f", packet, start)
    rows = tuple(tuple(zip(sensors, values[i * len(sensors):(i + 1) * len(sensors)], strict=True))
                 for i in range(count))
    return Measurement(kind, rows)


def encode_response(command: int, counter: int, payload: bytes, type_byte: int = 0x5A) -> bytes:
    """A response packet (for the simulator; both libraries ignore the type byte of a response)."""
    return _finish(bytearray((type_byte, 0, 0, 0, command, counter)) + payload, counter)


def encode_measurement(sensor_mask: int, rows: Iterable[Iterable[float]], counter: int = 0) -> bytes:
    """A NORMAL_REAL32 measurement packet: one row of float values per sample, one value per sensor in the mask."""
    rows = [list(r) for r in rows]
    values = [v for r in rows for v in r]
    head = bytearray((MEASUREMENT_TYPE, 0, 0, 0, MeasurementKind.NORMAL_REAL32)) + struct.pack("<H", sensor_mask)
    return _finish(head + bytes((len(rows), 0)) + struct.pack(f"<{len(values)}f", *values), counter)


def decode_status(payload: bytes) -> DeviceStatus:
    try:
        s, _spare, ma, mi, build, bma, bmi, bbuild, battery, charger = _STATUS.unpack_from(payload)
    except struct.error as e:
        raise CodecError(f"Go Direct status: {e}") from None
    return DeviceStatus(s, f"{ma}.{mi}.{build}", f"{bma}.{bmi}.{bbuild}", battery, charger)


def encode_status(status: DeviceStatus) -> bytes:
    ma, mi, build = (int(p) for p in status.firmware.split("."))
    bma, bmi, bbuild = (int(p) for p in status.ble_firmware.split("."))
    return _STATUS.pack(status.status, 0, ma, mi, build, bma, bmi, bbuild, status.battery_percent,
                        status.charger_state)


def decode_device_info(payload: bytes) -> DeviceInfo:
    try:
        f = _DEVICE_INFO.unpack_from(payload)
    except struct.error as e:
        raise CodecError(f"Go Direct device info: {e}") from None
    return DeviceInfo(_text(f[0]), _text(f[1]), _text(f[2]), f"{f[7]}.{f[8]}.{f[9]}", _text(f[20]))


def encode_device_info(info: DeviceInfo) -> bytes:
    ma, mi, build = (int(p) for p in info.firmware.split("."))
    return _DEVICE_INFO.pack(info.order_code.encode(), info.serial_number.encode(), info.name.encode(), 0, 2024, 1,
                             1, ma, mi, build, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, info.description.encode())


def decode_sensor_info(payload: bytes) -> SensorInfo:
    try:
        f = _SENSOR_INFO.unpack_from(payload)
    except struct.error as e:
        raise CodecError(f"Go Direct sensor info: {e}") from None
    return SensorInfo(f[0], f[2], _text(f[5]), _text(f[6]), f[8], f[9], f[10], f[12])


def encode_sensor_info(s: SensorInfo) -> bytes:
    return _SENSOR_INFO.pack(s.number, 0, s.sensor_id, 0, 0, s.description.encode(), s.unit.encode(), 0.0,
                             s.min_value, s.max_value, s.min_period_us, 10_000_000, s.typical_period_us, 1000, 0)


def decode_mask(payload: bytes) -> int:
    if len(payload) < 4:
        raise CodecError(f"Go Direct sensor mask: needs 4 bytes, has {len(payload)}")
    return int.from_bytes(payload[:4], "little")


def ble_chunks(packet: bytes) -> Iterator[bytes]:
    """A packet as the ≤ 20-byte writes a BLE central sends."""
    for i in range(0, len(packet), BLE_CHUNK):
        yield packet[i:i + BLE_CHUNK]


def usb_reports(packet: bytes) -> Iterator[bytes]:
    """A packet as 64-byte USB HID reports (a length byte, up to 63 packet bytes, zero padding)."""
    for i in range(0, len(packet), USB_REPORT - 1):
        chunk = packet[i:i + USB_REPORT - 1]
        yield bytes((len(chunk),)) + chunk + bytes(USB_REPORT - 1 - len(chunk))


class PacketAssembler:
    """Joins notification (or report) chunks into packets by their length byte; garbage is a CodecError item."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, chunk: bytes) -> list[Message | CodecError]:
        self._buffer += chunk
        out: list[Message | CodecError] = []
        while len(self._buffer) >= 2:
            size = self._buffer[1]
            if size < 5:
                out.append(CodecError(f"Go Direct packet length byte {size} is impossible; stream resynchronised"))
                self._buffer.clear()
                break
            if len(self._buffer) < size:
                break
            packet, self._buffer = bytes(self._buffer[:size]), self._buffer[size:]
            try:
                out.append(decode_packet(packet))
            except CodecError as e:
                out.append(e)
        return out

    def feed_usb_report(self, report: bytes) -> list[Message | CodecError]:
        if not report:
            return []
        return self.feed(report[1:1 + min(report[0], USB_REPORT - 1)])
