"""The Bluetooth SIG "Date Time" field (7 bytes) shared by the BLE health measurements.

Layout (GATT Specification Supplement, Date Time 0x2A08)::

    uint16 year     1582..9999, 0 = not known
    uint8  month    1..12, 0 = not known
    uint8  day      1..31, 0 = not known
    uint8  hours    0..23
    uint8  minutes  0..59
    uint8  seconds  0..59

The value is the device's local wall-clock time; it carries no zone, so it decodes to a naive
``datetime`` (or ``None`` when year, month or day is "not known"). The station stamps readings with
its own clock and keeps the device's time only as a detail.
"""

from __future__ import annotations

import struct
from datetime import datetime

from drivers.base import CodecError

DATE_TIME_SIZE = 7
_LAYOUT = struct.Struct("<HBBBBB")


def decode_date_time(data: bytes | bytearray | memoryview, offset: int = 0) -> datetime | None:
    """The date-time at ``data[offset:offset+7]``; ``None`` if the device does not know the date."""
    if offset < 0 or len(data) < offset + DATE_TIME_SIZE:
        raise CodecError(f"time stamp at offset {offset} needs {DATE_TIME_SIZE} bytes, the frame has {len(data)}")
    year, month, day, hours, minutes, seconds = _LAYOUT.unpack_from(bytes(data), offset)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise CodecError(f"time stamp {hours:02}:{minutes:02}:{seconds:02} is not a valid time of day")
    if year == 0 or month == 0 or day == 0:
        return None
    if not 1582 <= year <= 9999:
        raise CodecError(f"time stamp year {year} is outside 1582..9999")
    try:
        return datetime(year, month, day, hours, minutes, seconds)
    except ValueError as e:
        raise CodecError(f"time stamp {year}-{month}-{day} is not a valid date: {e}") from None


def encode_date_time(when: datetime | None) -> bytes:
    """The 7 bytes for ``when`` (``None`` encodes "date not known")."""
    if when is None:
        return bytes(DATE_TIME_SIZE)
    if not 1582 <= when.year <= 9999:
        raise CodecError(f"year {when.year} cannot be sent in a Date Time field")
    return _LAYOUT.pack(when.year, when.month, when.day, when.hour, when.minute, when.second)
