"""The questionnaire screens' own words (translated at each call, so they follow a language switch)."""

from __future__ import annotations

from ui.i18n import translate


def progress(n: int, of: int) -> str:
    return translate("Questionnaire", "Question %1 of %2").replace("%1", str(n)).replace("%2", str(of))


def wording_note(status: str) -> str:
    """What the resident should know about the words on the screen (empty for an official wording)."""
    if "unvalidated" in status:
        return translate("Questionnaire", "These words are our own translation; it has not been checked yet.")
    if "gloss" in status:
        return translate("Questionnaire", "This form exists in Chinese only: the English words are a short guide.")
    return ""


def unit_words(unit: str, value: int) -> str:
    if unit == "d":
        return translate("Questionnaire", "%1 days").replace("%1", str(value))
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return translate("Questionnaire", "%1 h %2 min").replace("%1", str(hours)).replace("%2", str(minutes))
    if hours:
        return translate("Questionnaire", "%1 h").replace("%1", str(hours))
    return translate("Questionnaire", "%1 min").replace("%1", str(minutes))


def stopped_words() -> str:
    return translate("Questionnaire", "You stopped before the end, so this questionnaire is not scored. Your answers "
                                      "are kept for the doctor.")


def not_scored_words() -> str:
    return translate("Questionnaire", "Your answers are saved. This questionnaire gives no score for these answers.")


def finished_title() -> str:
    return translate("Questionnaire", "Thank you. Your result")


def choose_intro() -> str:
    return translate("Questionnaire", "Choose a questionnaire. Each question has its own screen; you can go back, and "
                                      "stop at any time.")


def recommended() -> str:
    return translate("Questionnaire", "Recommended for you")


def done() -> str:
    return translate("Questionnaire", "Done")


def questions(n: int) -> str:
    return translate("Questionnaire", "%1 questions").replace("%1", str(n))


def save_failed() -> str:
    return translate("Questionnaire", "Your answers could not be saved. Please ask staff.")
