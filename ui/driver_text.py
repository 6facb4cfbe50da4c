"""The drivers' own words (a device's hint to the resident, a calibration step) in the screen's language.

The drivers speak English and know nothing of Qt. Their sentences are listed here once so that
``pyside6-lupdate`` puts them in the catalogue; at run time the same English text is looked up.
``tests/ui/test_driver_text.py`` fails when a driver gains a sentence this list does not hold.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

RESIDENT = "DriverText"
CALIBRATION = "CalibrationText"

RESIDENT_TEXTS = (
    QT_TRANSLATE_NOOP("DriverText", "Please step off the platform and ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "Please lift one foot when you are ready."),
    QT_TRANSLATE_NOOP("DriverText", "That stand was not recorded cleanly. Please try again."),
    QT_TRANSLATE_NOOP("DriverText", "The cuff seems loose. Please wrap it again, snugly."),
    QT_TRANSLATE_NOOP("DriverText", "The monitor could not find your blood pressure. "
                                    "Please sit still, relax and try again."),
    QT_TRANSLATE_NOOP("DriverText", "The cuff is losing air. Please ask a member of staff to check it."),
    QT_TRANSLATE_NOOP("DriverText", "You moved during the measurement. "
                                    "Please sit still with your arm resting and try again."),
    QT_TRANSLATE_NOOP("DriverText", "The cuff pressure went too high and was released. "
                                    "Please sit still and try again."),
    QT_TRANSLATE_NOOP("DriverText", "Your pulse was too weak to read. "
                                    "Please put the cuff on your bare upper arm and try again."),
    QT_TRANSLATE_NOOP("DriverText", "The result could not be measured. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The blood pressure device needs power. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The measurement took too long. Please sit still and try again."),
    QT_TRANSLATE_NOOP("DriverText", "The blood pressure device has a fault. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The reading did not look right. Please sit still, relax and try again."),
    QT_TRANSLATE_NOOP("DriverText", "The reading did not look right. Please try again, or ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The meter gave no result. Please try again with a new strip."),
    QT_TRANSLATE_NOOP("DriverText", "That was a meter check, not your test. "
                                    "Please test with a drop of your blood."),
    QT_TRANSLATE_NOOP("DriverText", "Please do the test on the meter now."),
    QT_TRANSLATE_NOOP("DriverText", "There was not enough blood on the strip. "
                                    "Please try again with a new strip."),
    QT_TRANSLATE_NOOP("DriverText", "The strip was not inserted properly. Please insert a new strip fully."),
    QT_TRANSLATE_NOOP("DriverText", "This strip does not fit the meter. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The strip was removed too early. Please try again with a new strip."),
    QT_TRANSLATE_NOOP("DriverText", "The meter has a fault. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The meter could not measure this sample. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The meter is too warm to measure. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The meter is too cold to measure. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The scale could not weigh you. "
                                    "Please stand still in the middle of the scale and try again."),
    QT_TRANSLATE_NOOP("DriverText", "You stepped off the scale before it finished. "
                                    "Please stand on it again and keep still."),
    QT_TRANSLATE_NOOP("DriverText", "The scale did not weigh anyone. Please step onto the scale with bare feet "
                                    "and stand still; if you are already on it, step off and on again."),
    QT_TRANSLATE_NOOP("DriverText", "No squeeze was felt. Please squeeze the handle hard."),
    QT_TRANSLATE_NOOP("DriverText", "Please do not pull so hard; ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "Please let go of the handle and try again."),
    QT_TRANSLATE_NOOP("DriverText", "Let's stop this one. Press only the key that lights up."),
    QT_TRANSLATE_NOOP("DriverText", "Let's stop this one. Press only the button shown."),
    QT_TRANSLATE_NOOP("DriverText", "Please push the slider back to the start."),
    QT_TRANSLATE_NOOP("DriverText", "Please push the slider forward slowly with both hands."),
    QT_TRANSLATE_NOOP("DriverText", "That blow was not recorded cleanly. Please blow again."),
    QT_TRANSLATE_NOOP("DriverText", "No blow was felt. Please blow hard into the mouthpiece."),
    QT_TRANSLATE_NOOP("DriverText", "Please keep the mouthpiece still and away from your mouth until asked to blow."),
    QT_TRANSLATE_NOOP("DriverText", "No blow was felt. Take a deep breath and blow out fully into the mouthpiece."),
    QT_TRANSLATE_NOOP("DriverText", "Air escaped. Seal your lips round the mouthpiece and blow again."),
    QT_TRANSLATE_NOOP("DriverText", "That blow could not be measured. "
                                    "Please take a full breath and blow as hard and as long as you can."),
    QT_TRANSLATE_NOOP("DriverText", "Please put your finger fully into the clip and keep your hand still."),
    QT_TRANSLATE_NOOP("DriverText", "The finger clip is not connected. Please ask a member of staff."),
    QT_TRANSLATE_NOOP("DriverText", "The thermometer gave no reading. Please try again."),
    QT_TRANSLATE_NOOP("DriverText", "The analyser could not measure you. "
                                    "Please stand still with bare feet on the plates."),
    QT_TRANSLATE_NOOP("DriverText", "The analyser did not accept the station. Please ask a member of staff."),
)

CALIBRATION_TEXTS = (
    QT_TRANSLATE_NOOP("CalibrationText", "Take everything off the grip handle and put the dynamometer on its stand."),
    QT_TRANSLATE_NOOP("CalibrationText", "Hang the {mass} kg calibration mass on the handle and let it settle."),
    QT_TRANSLATE_NOOP("CalibrationText", "Connect the 3.00-L calibration syringe and push it through in one smooth "
                                         "stroke (stroke {stroke} of {strokes}; vary the speed between strokes)."),
    QT_TRANSLATE_NOOP("CalibrationText", "Clear the platform completely; nobody touches it."),
    QT_TRANSLATE_NOOP("CalibrationText", "Place the {mass} kg mass on the mark at x = {x} mm, y = {y} mm."),
    QT_TRANSLATE_NOOP("CalibrationText", "Pump the cuff until the reference manometer reads {pressure} mmHg, "
                                         "and hold."),
)

_RESIDENT = frozenset(RESIDENT_TEXTS)


def resident_hint(text: str, *, english: bool) -> str | None:
    """A driver's sentence for the resident in the screen's language; None when it cannot be shown in it
    (a sentence the list above lacks, on a Chinese screen): the caller then says something general."""
    if english:
        return text
    if text not in _RESIDENT:
        return None
    shown = QCoreApplication.translate(RESIDENT, text)
    return shown if shown != text else None


def calibration_instruction(template: str, params: dict[str, str]) -> str:
    """A guided-calibration step in the screen's language (English when the catalogue lacks it)."""
    return QCoreApplication.translate(CALIBRATION, template).format(**params)
