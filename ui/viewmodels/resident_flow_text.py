"""The resident flow's words that depend on the language: test titles and the ID-number mistakes."""

from __future__ import annotations

from kiosk.errors import InputError
from ui.i18n import translate
from ui.viewmodels.camera_test_older import OLDER_PLANS
from ui.viewmodels.camera_test_older import title as older_title


def titles() -> dict[str, str]:
    """Tile titles by device kind or camera exercise (built each time, so they follow the language)."""
    return {
        "blood_pressure": translate("ResidentFlow", "Blood pressure"),
        "height": translate("ResidentFlow", "Height"),
        "scale": translate("ResidentFlow", "Weight and body"),
        "glucometer": translate("ResidentFlow", "Blood sugar"),
        "pulse_oximeter": translate("ResidentFlow", "Blood oxygen"),
        "thermometer": translate("ResidentFlow", "Temperature"),
        "body_composition": translate("ResidentFlow", "Body fat"),
        "grip": translate("ResidentFlow", "Grip strength"),
        "vital_capacity": translate("ResidentFlow", "Lung capacity"),
        "spirometer": translate("ResidentFlow", "Breathing test"),
        "balance": translate("ResidentFlow", "One-leg stand"),
        "sit_and_reach": translate("ResidentFlow", "Sit and reach"),
        "reaction_time": translate("ResidentFlow", "Reaction time"),
        "chair-stand": translate("ResidentFlow", "30-second chair stand"),
        "squat": translate("ResidentFlow", "Squats"),
        "arm-curl": translate("ResidentFlow", "30-second arm curl"),
        "questionnaire": translate("ResidentFlow", "Questionnaires"),
        **{name: older_title(name) for name in OLDER_PLANS},
    }


def id_error(e: InputError) -> str:
    """The resident's words for what ``parse_resident_id`` refused (its message is for the log)."""
    detail = str(e)
    if "18 characters" in detail:
        return translate("ResidentFlow", "An ID number has 18 characters. Please check the number and type it again.")
    if "birth date" in detail:
        return translate("ResidentFlow", "The birth date in this ID number is not right. Please check the number.")
    if "check character" in detail:
        return translate("ResidentFlow", "This ID number is not right. A digit is probably mistyped. Please check it.")
    return translate("ResidentFlow", "An ID number is 17 digits and then a digit or X. Please check it.")
