"""Codec of the Wii Balance Board as Linux's ``hid-wiimote`` driver presents it: evdev events → corner loads.

Facts from the kernel source (drivers/hid/hid-wiimote-modules.c, ``wiimod_bboard_in_ext``; GPL-2.0, read, not
copied): the board is the input device "Nintendo Wii Remote Balance Board"; each report sets four absolute
axes and ends with SYN_REPORT::

    ABS_HAT0X (16)  top right      ABS_HAT1X (18)  top left
    ABS_HAT0Y (17)  bottom right   ABS_HAT1Y (19)  bottom left

already calibrated by the kernel with the board's own factory calibration (its 0 / 17 / 34 kg points map to
0 / 1700 / 3400), so one unit is 10 g. The front button is BTN_A (304). "Top" is the far edge from the person
standing on the board in its normal orientation (the power button at the front), i.e. towards the toes.
The input core drops an axis event whose value did not change, so a report may carry fewer than four
axes: the assembler keeps the last value of each. SYN_DROPPED means the kernel's buffer overflowed: the
values are unknown until the next full report, and the frame after it is marked ``resynced``.

Sensor spacing: 433 mm side to side × 238 mm front to back (Leach JM, Mancini M, Peterka RJ, Hayes TL,
Horak FB. Validating and calibrating the Nintendo Wii Balance Board to derive reliable center of pressure
measures. Sensors 2014;14(10):18244–18267), used as ``drivers.balance.PlatformGeometry(433, 238)``.

No public recording of a board's event stream was found; the tests use the kernel's event codes and units
above on event sequences built from them (and the simulator replays such sequences).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from drivers.balance import PlatformGeometry
from drivers.transport.evdev_input import EV_ABS, EV_KEY, EV_SYN, SYN_DROPPED, SYN_REPORT, InputEvent

DEVICE_NAME = "Nintendo Wii Remote Balance Board"
ABS_HAT0X, ABS_HAT0Y, ABS_HAT1X, ABS_HAT1Y = 16, 17, 18, 19
BTN_A = 304
KG_PER_UNIT = 0.01
GEOMETRY = PlatformGeometry(width_mm=433.0, length_mm=238.0)
# drivers.balance corner order: left-front, right-front, left-rear, right-rear
CORNER_CODES = (ABS_HAT1X, ABS_HAT0X, ABS_HAT1Y, ABS_HAT0Y)


@dataclass(frozen=True)
class BoardFrame:
    """One report: the four corner loads (kg, ``drivers.balance`` order) at the kernel's time stamp."""

    at_s: float
    kg: tuple[float, float, float, float]
    button: bool = False
    resynced: bool = False  # the first frame after SYN_DROPPED

    @property
    def total_kg(self) -> float:
        return sum(self.kg)


class BoardFrameAssembler:
    """Feed events in order; a ``BoardFrame`` comes out at each SYN_REPORT once all four axes are known."""

    def __init__(self) -> None:
        self._units: dict[int, int] = {}
        self._button = False
        self._dropped = False
        self._resync_pending = False

    def feed(self, event: InputEvent) -> BoardFrame | None:
        if event.ev_type == EV_ABS and event.code in CORNER_CODES:
            if not self._dropped:
                self._units[event.code] = max(0, event.value)
            return None
        if event.ev_type == EV_KEY and event.code == BTN_A:
            self._button = event.value != 0
            return None
        if event.ev_type != EV_SYN:
            return None
        if event.code == SYN_DROPPED:  # everything until the next SYN_REPORT is unreliable
            self._dropped = True
            self._units.clear()
            return None
        if event.code != SYN_REPORT:
            return None
        if self._dropped:
            self._dropped = False
            self._resync_pending = True
            return None
        if len(self._units) < 4:
            return None
        a, b, c, d = (self._units[code] * KG_PER_UNIT for code in CORNER_CODES)
        frame = BoardFrame(event.timestamp, (a, b, c, d), self._button, self._resync_pending)
        self._resync_pending = False
        return frame

    def feed_all(self, events: Iterable[InputEvent]) -> list[BoardFrame]:
        return [f for f in (self.feed(e) for e in events) if f is not None]


def frame_events(at_s: float, kg: tuple[float, float, float, float],
                 previous_kg: tuple[float, float, float, float] | None = None) -> list[InputEvent]:
    """The events the kernel sends for one report (axes whose 10-g value did not change are left out)."""
    out: list[InputEvent] = []
    for i, code in enumerate(CORNER_CODES):
        units = max(0, round(kg[i] / KG_PER_UNIT))
        if previous_kg is None or units != max(0, round(previous_kg[i] / KG_PER_UNIT)):
            out.append(InputEvent.at(at_s, EV_ABS, code, units))
    out.append(InputEvent.at(at_s, EV_SYN, SYN_REPORT, 0))
    return out


def decode_events(events: Iterable[InputEvent]) -> list[BoardFrame]:
    """The frames in a recorded event sequence (for ``kiosk decode``)."""
    return BoardFrameAssembler().feed_all(events)
