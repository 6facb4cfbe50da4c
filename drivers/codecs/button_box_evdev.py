"""USB HID button boxes through Linux evdev: key presses with the kernel's time stamps.

Most USB response boxes and foot switches enumerate as a HID keyboard: each button is a key (a "1".."5"
row or keypad digits), and the kernel stamps every EV_KEY event when the USB report arrives (value 1
press, 0 release, 2 autorepeat). A choice reaction time is then the press's kernel time stamp minus the
stimulus onset on the same clock (CLOCK_REALTIME unless set otherwise), which leaves out the station's
own scheduling delay; the screen's latency in showing the stimulus is not in either and is not corrected
(a technician can enter a fixed offset as the device's calibration).

Tested on a real capture: ``evtest`` output of a USB numeric keypad in CWE3D/lister_numpad_macros
(documents/keyboard.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drivers.transport.evdev_input import EV_KEY, InputEvent

KEY_1, KEY_2, KEY_3, KEY_4, KEY_5 = 2, 3, 4, 5, 6
KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5 = 79, 80, 81, 75, 76
# a button box's button number for the key codes it sends (digit row or keypad)
DEFAULT_KEY_MAP: Mapping[int, int] = {KEY_1: 1, KEY_2: 2, KEY_3: 3, KEY_4: 4, KEY_5: 5,
                                      KEY_KP1: 1, KEY_KP2: 2, KEY_KP3: 3, KEY_KP4: 4, KEY_KP5: 5}


@dataclass(frozen=True)
class ButtonPress:
    button: int
    at_s: float  # the kernel's time stamp


def presses(events: Iterable[InputEvent], key_map: Mapping[int, int] = DEFAULT_KEY_MAP) -> list[ButtonPress]:
    """The button presses (value 1; releases and autorepeats left out) of mapped keys, in order."""
    return [ButtonPress(key_map[e.code], e.timestamp) for e in events
            if e.ev_type == EV_KEY and e.value == 1 and e.code in key_map]


def decode_events(events: Iterable[InputEvent]) -> list[ButtonPress]:
    """For ``kiosk decode``."""
    return presses(events)
