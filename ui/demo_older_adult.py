"""The demo resident's older-adult battery: a 76-year-old woman's results, entered by staff (no Qt here).

The demo resident is the GB 11643 worked-example ID (a woman born 1949-12-31, not a real person): 76 on
the demo's dates. Her battery is the older-adult test menu in its order (seated tests first, walking
last). Until the camera analysers for these tests are on this branch, the scripted demo records them as
a staff member's stopwatch entries (``Method.STAFF_ENTRY``, device ``demo-staff-stopwatch``) and says so
in its summary; a test the station tried itself in the session (measured or not) is never entered. The values are
invented, chosen to be typical of a woman of 75–79 against the Senior Fitness Test norms (mostly within
the normal range), with an SPPB of 9 (balance 3, walk 3, chair stands 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from kiosk.domain import ITEMS, Measurement, Method

DEMO_BIRTH_DATE = date(1949, 12, 31)  # from the demo ID number 11010519491231002X
STAFF_DEVICE = "demo-staff-stopwatch"
# (item, value in the item's unit), in the order of the older-adult battery (ui.menu_plan.OLDER_ADULT_BATTERY)
BATTERY: tuple[tuple[str, float], ...] = (
    ("arm_curl_30s", 13),
    ("chair_stand_30s", 11),
    ("five_times_sit_to_stand", 12.6),
    ("balance_side_by_side", 10.0),
    ("balance_semi_tandem", 10.0),
    ("balance_tandem", 5.2),
    ("single_leg_stand_eyes_open", 8.5),
    ("two_minute_step", 74),
    ("eight_foot_up_and_go", 6.8),
    ("timed_up_and_go", 10.9),
    ("gait_speed_4m", 0.78),  # 4 m in 5.13 s
)


def staff_entries(start: datetime, already: Iterable[str] = ()) -> tuple[Measurement, ...]:
    """The battery as staff-entered measurements a minute apart, leaving out items already tried."""
    done = set(already)
    return tuple(Measurement(item, float(value), ITEMS[item].unit.symbol, 1, start + timedelta(minutes=i),
                             device_id=STAFF_DEVICE, method=Method.STAFF_ENTRY)
                 for i, (item, value) in enumerate(BATTERY) if item not in done)
