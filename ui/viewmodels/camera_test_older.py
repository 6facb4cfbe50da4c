"""Plain words for the older-adult camera tests (Timed Up-and-Go, five-times sit-to-stand, 2-minute step, gait
speed, balance stances), in the resident's language; ``camera_test_text`` asks here first for these exercises.

Each plan is (stored item, camera view, the test's time limit in seconds, stopwatch): a stopwatch test's score
is the analyser's ``value`` (seconds, or m/s) and the screen shows the time going up; the 2-minute step counts
down like the 30-second tests.
"""

from __future__ import annotations

from ui.i18n import translate

# exercise: (item, view, time limit s, stopwatch, needs the calibrated walking course)
OLDER_PLANS: dict[str, tuple[str, str, float, bool, bool]] = {
    "timed-up-and-go": ("timed_up_and_go", "side", 120.0, True, False),
    "eight-foot-up-and-go": ("eight_foot_up_and_go", "side", 120.0, True, False),
    "five-times-sit-to-stand": ("five_times_sit_to_stand", "side", 60.0, True, False),
    "two-minute-step": ("two_minute_step", "front", 120.0, False, False),
    "gait-speed": ("gait_speed_4m", "side", 60.0, True, True),
    "balance-side-by-side": ("balance_side_by_side", "side", 60.0, True, False),
    "balance-semi-tandem": ("balance_semi_tandem", "side", 60.0, True, False),
    "balance-tandem": ("balance_tandem", "side", 60.0, True, False),
    "single-leg-eyes-open": ("single_leg_stand_eyes_open", "front", 60.0, True, False),
}
BALANCE = ("balance-side-by-side", "balance-semi-tandem", "balance-tandem", "single-leg-eyes-open")
UP_AND_GO = ("timed-up-and-go", "eight-foot-up-and-go")


def title(exercise: str) -> str:
    return {
        "timed-up-and-go": translate("CameraTest", "Timed Up-and-Go"),
        "eight-foot-up-and-go": translate("CameraTest", "8-foot up-and-go"),
        "five-times-sit-to-stand": translate("CameraTest", "Five-times sit-to-stand"),
        "two-minute-step": translate("CameraTest", "2-minute step"),
        "gait-speed": translate("CameraTest", "Walking speed"),
        "balance-side-by-side": translate("CameraTest", "Balance: feet side by side"),
        "balance-semi-tandem": translate("CameraTest", "Balance: semi-tandem stand"),
        "balance-tandem": translate("CameraTest", "Balance: tandem stand"),
        "single-leg-eyes-open": translate("CameraTest", "Balance: stand on one leg"),
    }[exercise]


def steps(exercise: str) -> list[str]:
    """The setup steps shown big on the first screen (the first three are also spoken)."""
    if exercise in UP_AND_GO:
        marker = (translate("CameraTest", "The marker is 3 metres in front of the chair.")
                  if exercise == "timed-up-and-go" else
                  translate("CameraTest", "The marker is 8 feet (2.44 metres) in front of the chair."))
        return [translate("CameraTest", "Sit back in the chair, with your side to the screen."), marker,
                translate("CameraTest", "When I say Go, stand up, walk at your usual pace to the marker, turn, "
                                        "walk back and sit down."),
                translate("CameraTest", "Use your walking aid if you have one. Walk safely, do not rush.")]
    if exercise == "five-times-sit-to-stand":
        return [translate("CameraTest", "Sit in the middle of the chair, with your side to the screen."),
                translate("CameraTest", "Cross your arms on your chest."),
                translate("CameraTest", "When I say Go, stand up fully and sit down five times, as quickly as "
                                        "you safely can."),
                translate("CameraTest", "The clock stops when you stand up straight the fifth time.")]
    if exercise == "two-minute-step":
        return [translate("CameraTest", "Stand facing the screen, about two and a half metres away, next to a "
                                        "wall or chair you can hold."),
                translate("CameraTest", "Stand still for a moment while I find how high your knees should go."),
                translate("CameraTest", "When I say Go, step in place for two minutes, lifting each knee halfway "
                                        "up to your hip."),
                translate("CameraTest", "A step counts when your right knee reaches that height. You may rest and "
                                        "carry on.")]
    if exercise == "gait-speed":
        return [translate("CameraTest", "Stand behind the first line on the floor, with your side to the "
                                        "screen."),
                translate("CameraTest", "When I say Go, walk at your usual pace past the far line."),
                translate("CameraTest", "Walk as you normally do, with your walking aid if you use one."),
                translate("CameraTest", "Timing starts at the first line and stops at the far line.")]
    feet = {
        "balance-side-by-side": translate("CameraTest", "Put your feet together, side by side."),
        "balance-semi-tandem": translate("CameraTest", "Put the heel of one foot beside the big toe of the other."),
        "balance-tandem": translate("CameraTest", "Put one foot directly in front of the other, heel touching "
                                                  "toe."),
        "single-leg-eyes-open": translate("CameraTest", "Lift one foot off the floor and stand on the other."),
    }[exercise]
    where = (translate("CameraTest", "Stand facing the screen, arms by your sides.") if exercise ==
             "single-leg-eyes-open" else translate("CameraTest", "Stand with your side to the screen, arms by your "
                                                                 "sides."))
    return [where, feet,
            translate("CameraTest", "Stand still without holding on. I time up to 10 seconds."),
            translate("CameraTest", "Staff may help you into position. If you need to hold on, the test ends "
                                    "there.")]


def count_word(exercise: str) -> str:
    return translate("CameraTest", "steps") if exercise == "two-minute-step" else translate("CameraTest", "seconds")


def value_text(exercise: str, value: float) -> str:
    """The score as shown: m/s to 0.01, seconds to 0.1."""
    return f"{value:.2f}" if exercise == "gait-speed" else f"{value:.1f}"


def result_sentence(exercise: str, count: int, value: float | None) -> str:
    if exercise == "two-minute-step":
        return translate("CameraTest", "Your right knee reached the height %1 times.").replace("%1", str(count))
    shown = value_text(exercise, value) if value is not None else "-"
    if exercise == "gait-speed":
        return translate("CameraTest", "Your walking speed: %1 metres a second.").replace("%1", shown)
    if exercise == "five-times-sit-to-stand":
        return translate("CameraTest", "Five stands took %1 seconds.").replace("%1", shown)
    if exercise in UP_AND_GO:
        return translate("CameraTest", "You took %1 seconds.").replace("%1", shown)
    return translate("CameraTest", "You held the position for %1 seconds.").replace("%1", shown)


def not_measured_sentence(exercise: str, reason: str) -> str:
    """Why there is no score, for the reasons these tests word their own way ("" = the common words)."""
    if reason == "no_start_posture":
        if exercise in UP_AND_GO:
            return translate("CameraTest", "I did not see you seated in the chair at Go, so there is no time. "
                                           "You can try again.")
        if exercise == "gait-speed":
            return translate("CameraTest", "I did not see you start behind the first line, so there is no time. "
                                           "You can try again.")
        if exercise in BALANCE:
            return translate("CameraTest", "I did not see your feet in the position, so there is no time. You can "
                                           "try again, or stop here.")
    if reason == "incomplete":
        if exercise in UP_AND_GO:
            return translate("CameraTest", "I did not see you walk to the marker and sit back down, so there is no "
                                           "time. You can try again.")
        if exercise == "five-times-sit-to-stand":
            return translate("CameraTest", "I did not see five full stands, so there is no time. You can try "
                                           "again.")
        if exercise == "gait-speed":
            return translate("CameraTest", "I did not see you cross the far line, so there is no time. You can try "
                                           "again.")
    return ""


def event_text(key: str) -> str:
    """Plain words for these tests' own event keys ("" for none)."""
    return {
        "stood_up": translate("CameraTest", "Walk to the marker at your usual pace."),
        "reached_course": translate("CameraTest", "Turn and walk back to the chair."),
        "not_seated_at_go": translate("CameraTest", "Please sit in the chair before we start."),
        "sat_down_early": translate("CameraTest", "You sat down before walking to the marker."),
        "target_found": translate("CameraTest", "I have found the height for your knees. Wait for Go."),
        "rejected.below_target": translate("CameraTest", "Lift your knee a little higher."),
        "start_line": translate("CameraTest", "Timing started."),
        "hold_started": translate("CameraTest", "Good. Hold still."),
        "hold_ended.lost_view": translate("CameraTest", "I lost sight of your feet. Take the position again."),
    }.get(key, "")


def clock_text(stopwatch: bool, seconds: int) -> str:
    """Under the big number while the test runs: the time left, or nothing for a stopwatch test (its number is
    the time)."""
    return "" if stopwatch else translate("CameraTest", "%1 seconds left").replace("%1", str(seconds))
