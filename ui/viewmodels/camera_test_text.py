"""Plain words for the camera exercise test, in the resident's language.

The analysers speak English (``AnalyserEvent.text``); the screen needs the resident's language, so each
event key maps to a ``translate("CameraTest", ...)`` call here (written out so pyside6-lupdate finds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui.i18n import translate
from ui.viewmodels import camera_test_older as older

if TYPE_CHECKING:
    from vision.pipeline import PipelineUpdate


@dataclass(frozen=True)
class ExercisePlan:
    """How the station runs one camera exercise: the stored item, the camera view, the timed length."""

    exercise: str
    item: str  # kiosk.domain ITEMS name
    view: str
    duration_s: float = 30.0  # a stopwatch test's time limit
    stopwatch: bool = False  # the score is the analyser's value (a time or a speed); the screen shows time going up
    needs_course: bool = False  # gait speed: offered only once a technician has set the walking course


PLANS: dict[str, ExercisePlan] = {
    "chair-stand": ExercisePlan("chair-stand", "chair_stand_30s", "side"),
    "arm-curl": ExercisePlan("arm-curl", "arm_curl_30s", "side"),
    "squat": ExercisePlan("squat", "squat", "front"),
    **{name: ExercisePlan(name, *plan) for name, plan in older.OLDER_PLANS.items()},
}


def exercise_named(name: str) -> str:
    """The exercise for an exercise name or its stored item name ("chair_stand_30s" → "chair-stand")."""
    return next((p.exercise for p in PLANS.values() if name in (p.exercise, p.item)), name)


def title(exercise: str) -> str:
    if exercise in older.OLDER_PLANS:
        return older.title(exercise)
    return {
        "chair-stand": translate("CameraTest", "30-second chair stand"),
        "arm-curl": translate("CameraTest", "30-second arm curl"),
        "squat": translate("CameraTest", "Squats for 30 seconds"),
    }.get(exercise, translate("CameraTest", "Movement test"))


def steps(exercise: str) -> list[str]:
    """The setup steps shown big on the first screen (the first three are also spoken)."""
    if exercise in older.OLDER_PLANS:
        return older.steps(exercise)
    if exercise == "chair-stand":
        return [translate("CameraTest", "Put the chair against the wall, with its side to the screen."),
                translate("CameraTest", "Sit in the middle of the chair, feet flat on the floor."),
                translate("CameraTest", "Cross your arms on your chest."),
                translate("CameraTest", "When I say Go, stand up fully and sit down again, as often as you can.")]
    if exercise == "arm-curl":
        return [translate("CameraTest", "Sit on the chair with your side to the screen."),
                translate("CameraTest", "Hold the weight in the hand nearest the screen, arm hanging down."),
                translate("CameraTest", "Keep your upper arm still against your body."),
                translate("CameraTest", "When I say Go, lift the weight to your shoulder and lower it fully, "
                                        "again and again.")]
    return [translate("CameraTest", "Stand facing the screen, about two and a half metres away."),
            translate("CameraTest", "Put your feet shoulder-width apart."),
            translate("CameraTest", "Hold your arms out in front of you."),
            translate("CameraTest", "When I say Go, bend your knees as if to sit, then stand up. Repeat.")]


def count_word(exercise: str) -> str:
    if exercise in older.OLDER_PLANS:
        return older.count_word(exercise)
    return {"chair-stand": translate("CameraTest", "stands"), "arm-curl": translate("CameraTest", "curls")
            }.get(exercise, translate("CameraTest", "squats"))


def result_sentence(exercise: str, count: int, value: float | None = None) -> str:
    if exercise in older.OLDER_PLANS:
        return older.result_sentence(exercise, count, value)
    if exercise == "chair-stand":
        return translate("CameraTest", "You did %1 full stands.").replace("%1", str(count))
    if exercise == "arm-curl":
        return translate("CameraTest", "You did %1 full curls.").replace("%1", str(count))
    return translate("CameraTest", "You did %1 squats.").replace("%1", str(count))


def not_measured_sentence(exercise: str, reason: str) -> str:
    """Why a test that did not run validly has no score (``kiosk.domain.NotMeasuredReason`` value), kindly."""
    own = older.not_measured_sentence(exercise, reason) if exercise in older.OLDER_PLANS else ""
    if own:
        return own
    if reason == "no_start_posture" and exercise in ("chair-stand", "arm-curl"):
        return translate("CameraTest", "I did not see you start sitting on the chair, so there is no score. "
                                       "You can try again.")
    return {
        "never_seen": translate("CameraTest", "I could not see you during the test, so there is no score. "
                                              "You can try again."),
        "out_of_view": translate("CameraTest", "I could not see you for most of the test, so there is no score. "
                                               "You can try again."),
        "no_start_posture": translate("CameraTest", "I did not see you in the starting position, so there is no "
                                                    "score. You can try again."),
        "incomplete": translate("CameraTest", "The test stopped before the time was up, so there is no score. "
                                              "You can try again."),
        "failed": translate("CameraTest", "The camera had a problem, so there is no score. You can try again, "
                                          "or ask a member of staff."),
    }.get(reason, translate("CameraTest", "The test did not run to the end, so there is no score. "
                                          "You can try again."))


def hint(key: str) -> str:
    """A framing or lighting hint (``vision.framing.FramingHint`` value) in plain words."""
    return {
        "ok": translate("CameraTest", "Good, hold that position."),
        "no_person": translate("CameraTest", "Please stand in front of the camera."),
        "one_person_only": translate("CameraTest", "Only one person in front of the camera, please."),
        "step_back": translate("CameraTest", "Please take a step back."),
        "step_closer": translate("CameraTest", "Please come a little closer."),
        "move_left": translate("CameraTest", "Please move a little to your left."),
        "move_right": translate("CameraTest", "Please move a little to your right."),
        "show_head": translate("CameraTest", "Please make sure your head is in the picture."),
        "show_feet": translate("CameraTest", "Please make sure your feet are in the picture."),
        "show_arms": translate("CameraTest", "Please keep your arms in the picture."),
        "sit_down": translate("CameraTest", "Please sit on the chair to begin."),
        "stand_up": translate("CameraTest", "Please stand up straight to begin."),
        "more_light": translate("CameraTest", "It is too dark. Please turn on more light."),
        "less_light": translate("CameraTest", "It is too bright. Please close the curtain."),
        "low_contrast": translate("CameraTest", "Please avoid a bright window behind you."),
        "landmarks_hidden": translate("CameraTest", "Part of your body is hidden. Please make sure all of you "
                                                    "can be seen."),
    }.get(key, "")


def event_text(key: str) -> str:
    """Plain words for an analyser event key without its exercise prefix ("paused.no_person", "fault.rocking");
    "" for events the resident need not hear."""
    if key.startswith(("framing.", "lighting.")):
        return hint(key.split(".", 1)[1])
    if older.event_text(key):
        return older.event_text(key)
    return {
        "ready": translate("CameraTest", "I can see you well now."),
        "resumed": translate("CameraTest", "I can see you again. Counting goes on."),
        "paused.no_person": translate("CameraTest", "I can't see you. Please step back into view."),
        "paused.framing": translate("CameraTest", "I can't see all of you. Please step back into view."),
        "paused.landmarks_hidden": translate("CameraTest", "Part of your body is hidden. Please step back into "
                                                           "view."),
        "paused.no_frames": translate("CameraTest", "The camera picture stopped. Counting waits until it is "
                                                    "back."),
        "rejected.not_upright": translate("CameraTest", "Please stand up all the way each time."),
        "rejected.before_start": translate("CameraTest", "Please wait for Go."),
        "rejected.partial_range": translate("CameraTest", "Bring the weight all the way up."),
        "fault.arms_off_chest": translate("CameraTest", "Keep your arms crossed on your chest."),
        "fault.rocking": translate("CameraTest", "Try to stand up without swinging forward."),
        "fault.not_fully_lowered": translate("CameraTest", "Lower your arm all the way each time."),
        "fault.knee_valgus": translate("CameraTest", "Keep your knees in line with your toes."),
        "fault.heel_lift": translate("CameraTest", "Keep your heels on the floor."),
        "fault.trunk_lean": translate("CameraTest", "Keep your chest up."),
        "rep_completed.good": translate("CameraTest", "Good squat."),
        "rep_completed.shallow": translate("CameraTest", "Try to go a little deeper."),
        "rep_completed.faulted": translate("CameraTest", "Watch your form on the next one."),
    }.get(key, "")


def problem(reason: str) -> str:
    """Why the camera test cannot run, in plain words (detail goes to the log, not the screen)."""
    return {
        "no_consent": translate("CameraTest", "You chose not to use the camera, so camera tests are not offered. "
                                              "You can do the other tests."),
        "no_exertion": translate("CameraTest", "From your safety answers, this test is not for today. "
                                               "Please ask a member of staff."),
        "no_camera": translate("CameraTest", "This station has no camera, so camera tests are not available. "
                                             "Please ask a member of staff."),
        "camera": translate("CameraTest", "The camera is not working right now. Please ask a member of staff."),
        "save": translate("CameraTest", "Your result could not be saved. Please ask a member of staff."),
        "no_course": translate("CameraTest", "The walking course has not been set up on this station yet. "
                                             "Please ask a member of staff."),
    }.get(reason, translate("CameraTest", "This test is not available right now. Please ask a member of staff."))


def pause_text(update: PipelineUpdate) -> str:
    """Why counting waits, from this frame: no picture, nobody seen, or what the framing check asks for."""
    if update.frame_index < 0:
        return event_text("paused.no_frames")
    report = update.framing
    if report is None or report.primary_hint.value == "no_person":
        return event_text("paused.no_person")
    return "" if report.ok else hint(report.primary_hint.value)
