"""What the resident is told for each device test, and how many trials the standard asks for (plain data).

Per device kind: the big steps on screen, the one sentence the voice says, the live view to show, the
trials required (national physical-fitness and clinical standards: blood pressure 2 readings 1–2 min
apart, grip 2 per hand alternating, vital capacity 2, spirometry up to 3 acceptable manoeuvres
(ATS/ERS 2019, at most 8 blows), single-leg stand 2, sit-and-reach 2, choice reaction 1 run), the
options each trial passes to the driver, and the plain words for each driver error and device state.
Every visible string goes through ``translate("DeviceTest", ...)`` so it is translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from drivers.base import (
    CodecError,
    DeviceDisconnected,
    DeviceLocked,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    DriverError,
)
from ui.driver_text import resident_hint
from ui.i18n import translate

BP_REST_S = 60.0  # between the two readings (1–2 min)
BP_GRADE3_REST_S = 300.0  # a grade-3 reading: 5 min quiet rest before the repeat
SPIRO_MAX_BLOWS = 8  # ATS/ERS 2019: stop after 8 attempts even without 3 acceptable ones


@dataclass(frozen=True)
class Guidance:
    """Everything the device screen needs to know about one kind of test."""

    kind: str
    title: str
    steps: tuple[str, ...]
    spoken: str
    live: str  # "cuff" | "force" | "flow" | "sway" | "number" | "pleth" | "vital"
    items: tuple[str, ...]  # kiosk.domain.ITEMS names this test stores
    trials: int  # trials (acceptable manoeuvres for spirometry) the standard asks for
    max_attempts: int  # spirometry allows more blows than it needs; others = trials
    rest_between_s: float = 0.0
    options: Callable[[int], dict[str, object]] = field(default=lambda trial: {})


def grip_side(trial: int) -> str:
    """Grip alternates hands, starting with the right: trials 1, 3 right; 2, 4 left."""
    return "right" if trial % 2 == 1 else "left"


def _grip_options(trial: int) -> dict[str, object]:
    return {"side": grip_side(trial)}


# reaction boxes without lamps: the station's screen shows which button to press
SCREEN_STIMULUS_PROTOCOLS = frozenset({"button-box-evdev", "cedrus-xid"})


def guidance(kind: str, protocol: str = "") -> Guidance:
    """The guidance for a device kind (as in ``DeviceConfig.kind``; ``protocol`` where the device's words
    differ, e.g. a reaction box without lamps); KeyError for a kind with no screen."""
    if kind == "reaction_time" and protocol in SCREEN_STIMULUS_PROTOCOLS:
        return Guidance(kind, translate("DeviceTest", "Reaction time"), (
            translate("DeviceTest", "Rest your fingers near the buttons."),
            translate("DeviceTest", "Press Start. When the screen shows a button number, press that button "
                                    "as fast as you can."),
            translate("DeviceTest", "Then wait for the next number.")),
            translate("DeviceTest", "When the screen shows a button number, press that button as fast as you can."),
            "number", ("choice_reaction_time",), 1, 1)
    if kind == "blood_pressure":
        return Guidance(kind, translate("DeviceTest", "Blood pressure"), (
            translate("DeviceTest", "Sit with your back supported and both feet on the floor."),
            translate("DeviceTest", "Put the cuff on your upper arm, level with your heart."),
            translate("DeviceTest", "Rest your arm on the table. Do not talk or move."),
            translate("DeviceTest", "Press Start. The cuff will squeeze, then slowly let go.")),
            translate("DeviceTest", "Sit still with the cuff on your arm, then press Start. Please do not talk."),
            "cuff", ("blood_pressure",), 2, 2, BP_REST_S)
    if kind == "scale":
        return Guidance(kind, translate("DeviceTest", "Weight"), (
            translate("DeviceTest", "Take off your shoes and heavy coat."),
            translate("DeviceTest", "Press Start, then step onto the scale."),
            translate("DeviceTest", "Stand still in the middle until your weight shows.")),
            translate("DeviceTest", "Take off your shoes, press Start, then stand still on the scale."),
            "number", ("weight",), 1, 1)
    if kind == "grip":
        return Guidance(kind, translate("DeviceTest", "Grip strength"), (
            translate("DeviceTest", "Stand up straight with your arm down by your side."),
            translate("DeviceTest", "Hold the handle in the hand shown below."),
            translate("DeviceTest", "Press Start, then squeeze as hard as you can for 3 seconds."),
            translate("DeviceTest", "We test each hand twice, taking turns.")),
            translate("DeviceTest", "Hold the handle in the hand shown, press Start, then squeeze as hard as you can."),
            "force", ("grip",), 4, 4, 0.0, _grip_options)
    if kind == "vital_capacity":
        return Guidance(kind, translate("DeviceTest", "Vital capacity"), (
            translate("DeviceTest", "Stand up and put a new mouthpiece on."),
            translate("DeviceTest", "Breathe in as deeply as you can."),
            translate("DeviceTest", "Press Start, seal your lips around it and blow out slowly until empty.")),
            translate("DeviceTest", "Breathe in deeply, then blow out slowly into the mouthpiece until you are empty."),
            "number", ("vital_capacity",), 2, 2)
    if kind == "spirometer":
        return Guidance(kind, translate("DeviceTest", "Lung function"), (
            translate("DeviceTest", "Sit up straight and put the nose clip on."),
            translate("DeviceTest", "Breathe in as deeply as you can."),
            translate("DeviceTest", "Press Start, then blow out as hard and fast as you can."),
            translate("DeviceTest", "Keep blowing until you are completely empty.")),
            translate("DeviceTest", "Breathe in fully, then blast the air out as hard and fast as you can, and keep going."),  # noqa: E501 (one literal, for lupdate)
            "flow", ("fvc", "fev1", "pef"), 3, SPIRO_MAX_BLOWS)
    if kind == "balance":
        return Guidance(kind, translate("DeviceTest", "Standing on one leg"), (
            translate("DeviceTest", "Stand on the platform near the rail. Staff can stand by you."),
            translate("DeviceTest", "Press Start and close your eyes."),
            translate("DeviceTest", "Lift one foot and stand as long as you can."),
            translate("DeviceTest", "Put your foot down whenever you feel unsteady.")),
            translate("DeviceTest", "Close your eyes, lift one foot and stand as long as you can. Hold the rail if needed."),  # noqa: E501 (one literal, for lupdate)
            "sway", ("single_leg_stand_eyes_closed",), 2, 2)
    if kind == "sit_and_reach":
        return Guidance(kind, translate("DeviceTest", "Sit and reach"), (
            translate("DeviceTest", "Sit with your legs straight and feet flat against the box."),
            translate("DeviceTest", "Press Start, then slowly push the slider forward with both hands."),
            translate("DeviceTest", "Keep your knees straight. Do not bounce.")),
            translate("DeviceTest", "Keep your knees straight and slowly push the slider as far as you can."),
            "number", ("sit_and_reach",), 2, 2)
    if kind == "reaction_time":
        return Guidance(kind, translate("DeviceTest", "Reaction time"), (
            translate("DeviceTest", "Rest your hand on the start button."),
            translate("DeviceTest", "Press Start. When a key lights up, press it as fast as you can."),
            translate("DeviceTest", "Then go back to the start button and wait for the next light.")),
            translate("DeviceTest", "When a key lights up, press it as fast as you can."),
            "number", ("choice_reaction_time",), 1, 1)
    if kind == "pulse_oximeter":
        return Guidance(kind, translate("DeviceTest", "Blood oxygen"), (
            translate("DeviceTest", "Sit down and rest your hand on the table."),
            translate("DeviceTest", "Put a finger all the way into the clip, nail facing up."),
            translate("DeviceTest", "Press Start and keep your hand still until the numbers settle.")),
            translate("DeviceTest", "Put a finger into the clip, press Start, and keep your hand still."),
            "pleth", ("spo2", "pulse_rate"), 1, 1)
    if kind == "thermometer":
        return Guidance(kind, translate("DeviceTest", "Temperature"), (
            translate("DeviceTest", "Press Start and take the thermometer."),
            translate("DeviceTest", "Hold its tip in your armpit and keep your arm down."),
            translate("DeviceTest", "Wait for the beep, then put it back.")),
            translate("DeviceTest", "Press Start, put the thermometer in your armpit and wait for the beep."),
            "vital", ("body_temperature",), 1, 1)
    if kind == "body_composition":
        return Guidance(kind, translate("DeviceTest", "Body fat"), (
            translate("DeviceTest", "Take off your shoes and socks."),
            translate("DeviceTest", "Press Start, then stand on the metal plates with bare feet."),
            translate("DeviceTest", "Hold the handles with your arms straight down, and stand still.")),
            translate("DeviceTest", "Take off your shoes and socks, press Start, and stand still on the plates."),
            "vital", ("body_fat",), 1, 1)
    raise KeyError(kind)


def is_grade3_bp(systolic: float, diastolic: float) -> bool:
    """Grade 3 hypertension (systolic ≥ 180 or diastolic ≥ 110 mmHg): the repeat waits 5 minutes."""
    return systolic >= 180 or diastolic >= 110


def rest_after(kind: str, values: dict[str, float], *, grade3_rest_s: float = BP_GRADE3_REST_S,
               rest_s: float | None = None) -> float:
    """Seconds the resident must rest before the next trial, after a reading with these values."""
    g = guidance(kind)
    base = g.rest_between_s if rest_s is None else rest_s
    if kind == "blood_pressure" and is_grade3_bp(values.get("systolic", 0.0), values.get("diastolic", 0.0)):
        return max(base, grade3_rest_s)
    return base


def error_message(error: DriverError, *, english: bool = True) -> str:
    """Plain words for a driver error: the device's own hint when it has one that can be shown in this
    language (``ui.driver_text``), else a general sentence for the kind of failure."""
    if isinstance(error, DeviceLocked):
        return translate("DeviceTest", "This device is not available today. Please ask a member of staff.")
    if isinstance(error, DeviceDisconnected):
        return translate("DeviceTest", "The device lost its connection. Please wait a moment and try again, or ask staff.")  # noqa: E501 (one literal, for lupdate)
    own = type(error).resident_message
    specific = resident_hint(error.resident_message, english=english) if error.resident_message != own else None
    if isinstance(error, DeviceTimeout):
        return specific or translate("DeviceTest", "The device stopped answering. Please try again, or ask staff.")
    if isinstance(error, CodecError):
        return translate("DeviceTest", "The device sent an unclear signal. Please try again.")
    if isinstance(error, DeviceReportedError):
        return specific or translate("DeviceTest", "The device could not get a good reading. "
                                                   "Please sit still and try again.")
    return specific or translate("DeviceTest", "That try did not finish. Please try again, or ask staff.")


def state_message(state: DeviceState) -> str:
    """What the screen says about a device that is not ready (empty when it is)."""
    if state is DeviceState.LOCKED:
        return translate("DeviceTest", "This device is not available today. Please ask a member of staff.")
    if state is DeviceState.CONNECTING:
        return translate("DeviceTest", "Getting the device ready. Please wait a moment.")
    if state is DeviceState.ABSENT:
        return translate("DeviceTest", "The device is not connected. Please ask a member of staff.")
    if state is DeviceState.ERROR:
        return translate("DeviceTest", "The device has a problem. Please ask a member of staff.")
    return ""
