"""Serial OEM oscillometric blood-pressure module (the kind built into Chinese kiosks, Hisee/Maibobo RBP-style).

Protocol as this station speaks it
----------------------------------
9600 baud, 8 data bits, no parity, 1 stop bit; binary frames, multi-byte values little-endian::

    HEAD(2)  LEN(1)  GROUP(1)  CODE(1)  PAYLOAD(LEN-2)  XOR(1)

    HEAD     CC 80 from the host (station) to the module; AA 80 from the module to the host
    LEN      number of bytes from GROUP to the end of PAYLOAD (2 .. 32)
    XOR      XOR of every byte from LEN to the end of PAYLOAD

Host commands (group 0x01, no payload unless noted)::

    01 01 start measurement         01 02 stop (deflate now)        01 03 query status
    01 04 read last result           01 05 enter manometer mode      01 06 leave manometer mode

Module frames (group 0x02)::

    02 01 ack           uint8 code of the acknowledged host command
    02 02 cuff pressure uint16 pressure, 0.1 mmHg; uint8 phase (1 inflating, 2 deflating, 3 manometer);
                        uint8 flags (bit 0: an oscillometric pulse was detected on this sample)
    02 03 status        uint8 state (0 idle, 1 inflating, 2 deflating, 3 result ready, 4 error, 5 manometer);
                        uint8 battery percent
    02 04 result        uint16 systolic, uint16 diastolic, uint16 mean arterial pressure (mmHg);
                        uint8 pulse (beats/min); uint8 flags (bit 0 irregular heartbeat, bit 1 motion)
    02 05 error         uint8 error code (see ``ERROR_CODES``: loose cuff, air leak, motion, over-pressure,
                        weak signal, out of range, low battery, timeout, hardware)
    02 06 nak           uint8 reason (1 bad checksum, 2 unknown command, 3 busy)

Assumptions (no vendor manual could be found publicly; each is a choice, written down here)
------------------------------------------------------------------------------------------
- The headers (CC 80 / AA 80), the length byte, two command bytes and the trailing XOR follow the
  published descriptions of these modules; the exact codes, payload layouts, the 0.1 mmHg pressure
  resolution and the meaning of each error code are this station's reconstruction. A real module is
  adapted by editing the tables here, nothing else.
- The XOR covers LEN..PAYLOAD (not the header), as is usual for the family.
- LEN counts GROUP+CODE+PAYLOAD; a LEN outside 2..32 is garbage, so the reader resynchronises on the
  next header rather than waiting for up to 255 bytes.
- The module streams a cuff-pressure frame about every 100 ms while measuring and in manometer mode;
  in manometer mode the valve stays closed and the pump off, so an external reference manometer on a
  T-piece can be compared with the module's reading (the static-pressure calibration check).
- After the final result the module sends the result frame unprompted; 01 04 reads it again.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from drivers.base import CodecError

HOST_HEADER = b"\xcc\x80"
DEVICE_HEADER = b"\xaa\x80"
MIN_LEN = 2
MAX_LEN = 32
BAUD = 9600
GROUP_HOST = 0x01
GROUP_DEVICE = 0x02


class HostCommand(enum.IntEnum):
    START = 0x01
    STOP = 0x02
    QUERY_STATUS = 0x03
    READ_RESULT = 0x04
    ENTER_MANOMETER = 0x05
    LEAVE_MANOMETER = 0x06


class DeviceFrameCode(enum.IntEnum):
    ACK = 0x01
    CUFF_PRESSURE = 0x02
    STATUS = 0x03
    RESULT = 0x04
    ERROR = 0x05
    NAK = 0x06


class CuffPhase(enum.IntEnum):
    INFLATING = 1
    DEFLATING = 2
    MANOMETER = 3


class ModuleState(enum.IntEnum):
    IDLE = 0
    INFLATING = 1
    DEFLATING = 2
    RESULT_READY = 3
    ERROR = 4
    MANOMETER = 5


class NakReason(enum.IntEnum):
    BAD_CHECKSUM = 1
    UNKNOWN_COMMAND = 2
    BUSY = 3


@dataclass(frozen=True)
class OemErrorCode:
    code: int
    name: str
    technician_text: str
    resident_message: str


ERROR_CODES: Mapping[int, OemErrorCode] = MappingProxyType({e.code: e for e in (
    OemErrorCode(0x01, "cuff_loose", "no pressure build-up: cuff loose or not wrapped",
                 "The cuff seems loose. Please wrap it again, snugly."),
    OemErrorCode(0x02, "air_leak", "pressure falls with the valve closed: air leak in cuff or tubing",
                 "The cuff is losing air. Please ask a member of staff to check it."),
    OemErrorCode(0x03, "motion", "motion artefact: oscillation envelope unusable",
                 "You moved during the measurement. Please sit still with your arm resting and try again."),
    OemErrorCode(0x04, "over_pressure", "cuff pressure exceeded the 300 mmHg safety limit; valve opened",
                 "The cuff pressure went too high and was released. Please sit still and try again."),
    OemErrorCode(0x05, "weak_signal", "oscillation amplitude too small to find systolic/diastolic",
                 "Your pulse was too weak to read. Please put the cuff on your bare upper arm and try again."),
    OemErrorCode(0x06, "out_of_range", "computed values outside the module's measuring range",
                 "The result could not be measured. Please ask a member of staff."),
    OemErrorCode(0x07, "low_battery", "supply voltage low",
                 "The blood pressure device needs power. Please ask a member of staff."),
    OemErrorCode(0x08, "timeout", "measurement exceeded the module's time limit",
                 "The measurement took too long. Please sit still and try again."),
    OemErrorCode(0x09, "hardware", "pump, valve or sensor fault",
                 "The blood pressure device has a fault. Please ask a member of staff."),
)})


# ---- messages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostFrame:
    command: HostCommand


@dataclass(frozen=True)
class Ack:
    command: HostCommand


@dataclass(frozen=True)
class CuffPressure:
    cuff_pressure_mmhg: float
    phase: CuffPhase
    pulse_detected: bool = False


@dataclass(frozen=True)
class Status:
    state: ModuleState
    battery_percent: int


@dataclass(frozen=True)
class Result:
    systolic_mmhg: int
    diastolic_mmhg: int
    mean_mmhg: int
    pulse_bpm: int
    irregular_heartbeat: bool = False
    motion_detected: bool = False


@dataclass(frozen=True)
class ErrorReport:
    code: int

    @property
    def info(self) -> OemErrorCode:
        return ERROR_CODES.get(self.code) or OemErrorCode(self.code, f"unknown_{self.code:#04x}",
                                                           f"module error code {self.code:#04x} (not in the table)",
                                                           "The blood pressure device reported a fault. "
                                                           "Please ask a member of staff.")


@dataclass(frozen=True)
class Nak:
    reason: NakReason


DeviceMessage = Ack | CuffPressure | Status | Result | ErrorReport | Nak
Message = HostFrame | DeviceMessage


# ---- encoding ------------------------------------------------------------------------------------------


def xor_checksum(body: bytes) -> int:
    x = 0
    for b in body:
        x ^= b
    return x


def _frame(header: bytes, group: int, code: int, payload: bytes = b"") -> bytes:
    body = bytes([2 + len(payload), group, code]) + payload
    return header + body + bytes([xor_checksum(body)])


def encode(message: Message) -> bytes:
    """The wire bytes of ``message`` (host frames with CC 80, module frames with AA 80)."""
    match message:
        case HostFrame(command=c):
            return _frame(HOST_HEADER, GROUP_HOST, int(c))
        case Ack(command=c):
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.ACK, bytes([int(c)]))
        case CuffPressure(cuff_pressure_mmhg=p, phase=phase, pulse_detected=beat):
            tenths = round(p * 10)
            if not 0 <= tenths <= 0xFFFF:
                raise CodecError(f"cuff pressure {p} mmHg cannot be encoded (0..6553.5)")
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.CUFF_PRESSURE,
                          struct.pack("<HBB", tenths, int(phase), int(beat)))
        case Status(state=s, battery_percent=b):
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.STATUS, bytes([int(s), b & 0xFF]))
        case Result():
            m = message
            flags = int(m.irregular_heartbeat) | int(m.motion_detected) << 1
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.RESULT,
                          struct.pack("<HHHBB", m.systolic_mmhg, m.diastolic_mmhg, m.mean_mmhg, m.pulse_bpm, flags))
        case ErrorReport(code=code):
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.ERROR, bytes([code & 0xFF]))
        case Nak(reason=r):
            return _frame(DEVICE_HEADER, GROUP_DEVICE, DeviceFrameCode.NAK, bytes([int(r)]))
    raise CodecError(f"cannot encode {message!r}")


# ---- decoding ------------------------------------------------------------------------------------------


def _enum(cls: type[enum.IntEnum], value: int, what: str) -> enum.IntEnum:
    try:
        return cls(value)
    except ValueError:
        raise CodecError(f"{what} {value:#04x} is not defined") from None


_PAYLOAD_SIZES = {DeviceFrameCode.ACK: 1, DeviceFrameCode.CUFF_PRESSURE: 4, DeviceFrameCode.STATUS: 2,
                  DeviceFrameCode.RESULT: 8, DeviceFrameCode.ERROR: 1, DeviceFrameCode.NAK: 1}


def _decode_body(header: bytes, group: int, code: int, payload: bytes) -> Message:
    if header == HOST_HEADER:
        if group != GROUP_HOST:
            raise CodecError(f"host frame: command group {group:#04x}, expected 0x01")
        if payload:
            raise CodecError(f"host frame: command {code:#04x} takes no payload, got {len(payload)} bytes")
        return HostFrame(HostCommand(_enum(HostCommand, code, "host command")))
    if group != GROUP_DEVICE:
        raise CodecError(f"module frame: command group {group:#04x}, expected 0x02")
    kind = DeviceFrameCode(_enum(DeviceFrameCode, code, "module frame code"))
    if len(payload) != _PAYLOAD_SIZES[kind]:
        raise CodecError(f"module {kind.name.lower()} frame: payload of {len(payload)} bytes, "
                         f"expected {_PAYLOAD_SIZES[kind]}")
    if kind is DeviceFrameCode.ACK:
        return Ack(HostCommand(_enum(HostCommand, payload[0], "acknowledged command")))
    if kind is DeviceFrameCode.CUFF_PRESSURE:
        tenths, phase, flags = struct.unpack("<HBB", payload)
        return CuffPressure(tenths / 10, CuffPhase(_enum(CuffPhase, phase, "cuff phase")), bool(flags & 1))
    if kind is DeviceFrameCode.STATUS:
        if payload[1] > 100:
            raise CodecError(f"module status: battery {payload[1]} % is above 100")
        return Status(ModuleState(_enum(ModuleState, payload[0], "module state")), payload[1])
    if kind is DeviceFrameCode.RESULT:
        sys_, dia, mean, pulse, flags = struct.unpack("<HHHBB", payload)
        return Result(sys_, dia, mean, pulse, bool(flags & 1), bool(flags & 2))
    if kind is DeviceFrameCode.ERROR:
        return ErrorReport(payload[0])
    return Nak(NakReason(_enum(NakReason, payload[0], "nak reason")))


def decode_frame(data: bytes | bytearray) -> Message:
    """Decode exactly one complete frame (either direction); CodecError saying what is wrong otherwise."""
    data = bytes(data)
    if len(data) < 6:
        raise CodecError(f"frame of {len(data)} bytes is too short (at least 6: header, length, 2 command bytes, XOR)")
    header = data[:2]
    if header not in (HOST_HEADER, DEVICE_HEADER):
        raise CodecError(f"frame starts {header.hex(' ').upper()}, expected CC 80 (host) or AA 80 (module)")
    length = data[2]
    if not MIN_LEN <= length <= MAX_LEN:
        raise CodecError(f"length byte {length} is outside {MIN_LEN}..{MAX_LEN}")
    if len(data) != 4 + length:
        raise CodecError(f"length byte says {4 + length} bytes in all, the frame has {len(data)}")
    body, checksum = data[2:-1], data[-1]
    if xor_checksum(body) != checksum:
        raise CodecError(f"bad checksum: XOR of the body is {xor_checksum(body):#04x}, the frame says {checksum:#04x}")
    return _decode_body(header, data[3], data[4], data[5:-1])


class FrameReader:
    """Incremental reader for a byte stream in one direction: feed bytes, get messages and errors in order.

    Garbage, bad checksums and malformed frames come out as ``CodecError`` items (never raised), and the
    reader resynchronises on the next header; every call consumes or keeps a bounded number of bytes, so
    no input can make it hang or grow without limit. While it waits for the rest of a frame, a complete
    valid frame starting inside the awaited span wins: the first header was noise or a frame cut short.
    """

    def __init__(self, header: bytes = DEVICE_HEADER) -> None:
        self._header = header
        self._buffer = bytearray()
        self._quiet = 0  # bytes of a frame already reported as bad: skipped without a second report

    def _skip(self, count: int, out: list[Message | CodecError], where: str) -> None:
        quiet = min(count, self._quiet)
        self._quiet -= quiet
        if count > quiet:
            skipped = bytes(self._buffer[quiet:count])
            out.append(CodecError(f"{len(skipped)} byte(s) of garbage skipped{where}: "
                                  f"{skipped[:16].hex(' ').upper()}"))
        del self._buffer[:count]

    def _complete_frame_after(self, buf: bytearray) -> int | None:
        """Offset (> 0) of the first header in ``buf`` that starts a complete frame with a good checksum."""
        at = buf.find(self._header, 1)
        while at > 0:
            length = buf[at + 2] if len(buf) > at + 2 else 0
            if MIN_LEN <= length <= MAX_LEN and len(buf) >= at + 4 + length:
                body = bytes(buf[at + 2: at + 3 + length])
                if xor_checksum(body) == buf[at + 3 + length]:
                    return at
            at = buf.find(self._header, at + 1)
        return None

    def feed(self, data: bytes | bytearray) -> list[Message | CodecError]:
        self._buffer += data
        out: list[Message | CodecError] = []
        buf = self._buffer
        while True:
            start = buf.find(self._header)
            if start < 0:
                keep = 1 if buf[-1:] == self._header[:1] else 0  # a header may be split across reads
                if len(buf) > keep:
                    self._skip(len(buf) - keep, out, "")
                break
            if start > 0:
                self._skip(start, out, " before a header")
            self._quiet = 0
            if len(buf) < 3:
                break
            length = buf[2]
            if not MIN_LEN <= length <= MAX_LEN:
                out.append(CodecError(f"length byte {length} is outside {MIN_LEN}..{MAX_LEN}; resynchronising"))
                del buf[:1]
                continue
            if len(buf) < 4 + length:
                later = self._complete_frame_after(buf)
                if later is None:
                    break  # the frame is still arriving
                # a complete, valid frame starts inside the awaited span: the header was noise (or a frame
                # cut short), and waiting for its bytes could hold back the module's last frame for ever
                out.append(CodecError(f"{later} byte(s) skipped: a header with length {length} was cut short "
                                      f"by a complete frame: {bytes(buf[:later]).hex(' ').upper()}"))
                del buf[:later]
                continue
            frame = bytes(buf[: 4 + length])
            try:
                out.append(decode_frame(frame))
                del buf[: 4 + length]
            except CodecError as e:
                out.append(e)
                del buf[:1]  # a false header inside garbage must not swallow a real frame after it
                self._quiet = 3 + length
        return out
