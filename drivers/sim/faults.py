"""The faults a simulator can be told to produce, by name (``PtyHost.inject(Fault.STALL)``)."""

from __future__ import annotations

import enum


class Fault(enum.StrEnum):
    GARBAGE = "garbage"  # a burst of random bytes between frames (the codec must resynchronise)
    BAD_CHECKSUM = "bad_checksum"  # the next frame goes out with a corrupted checksum
    STALL = "stall"  # the device stops sending mid-measurement (the driver must time out)
    DISCONNECT = "disconnect"  # the line hangs up (handled by PtyHost: the port vanishes)
    DRIFT = "drift"  # the sensor's gain drifts (calibration checks must catch it)
    RESUME = "resume"  # clear a stall / drift: back to normal


COMMON_FAULTS = frozenset(Fault)
