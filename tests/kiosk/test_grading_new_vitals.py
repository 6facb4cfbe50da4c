"""Blood oxygen, pulse rate and temperature graded by the clinical pack's cut-offs; body fat stored ungraded."""

from __future__ import annotations

import pytest

from tests.kiosk.grading_support import grade, meas


@pytest.mark.parametrize(("spo2", "cls"), [(100, "normal"), (95, "normal"), (94, "low"), (90, "low"),
                                           (89, "hypoxaemia")])
def test_spo2_classes_at_their_boundaries(spo2: float, cls: str) -> None:
    assert grade("F", 72, meas("spo2", spo2)).class_of("spo2").class_name == cls


@pytest.mark.parametrize(("pulse", "cls"), [(59, "bradycardia"), (60, "normal"), (100, "normal"), (101, "tachycardia")])
def test_pulse_rate_classes_at_their_boundaries(pulse: float, cls: str) -> None:
    assert grade("M", 66, meas("pulse_rate", pulse)).class_of("pulse_rate").class_name == cls


@pytest.mark.parametrize(("celsius", "cls"), [(36.5, "normal"), (37.2, "normal"), (37.3, "low_fever"),
                                              (38.0, "low_fever"), (38.1, "moderate_fever"), (39.1, "high_fever")])
def test_fever_grades_at_their_boundaries(celsius: float, cls: str) -> None:
    assert grade("F", 70, meas("body_temperature", celsius)).class_of("body_temperature").class_name == cls


def test_hypoxaemia_and_fever_flag_the_session_for_the_doctor() -> None:
    assert grade("F", 72, meas("spo2", 88)).needs_doctor_review
    assert grade("F", 72, meas("body_temperature", 38.4)).needs_doctor_review
    assert not grade("F", 72, meas("spo2", 97), meas("body_temperature", 36.6)).needs_doctor_review


def test_body_fat_is_in_the_report_without_a_grade() -> None:
    rep = grade("F", 72, meas("body_fat", 31.4))
    assert rep.item("body_fat").graded_value == 31.4
    assert rep.class_of("body_fat") is None


def test_fever_or_hypoxaemia_stops_the_exertion_tests() -> None:
    from kiosk.grading import vitals_stop_exertion
    from tests.kiosk.grading_support import session, shipped_norms

    assert not grade("F", 72, meas("body_temperature", 38.4)).exertion_tests_allowed
    assert not grade("F", 72, meas("spo2", 88)).exertion_tests_allowed
    assert grade("F", 72, meas("spo2", 93), meas("body_temperature", 37.2)).exertion_tests_allowed, \
        "low-normal values do not stop the tests"
    fever = session("F", 72, (meas("body_temperature", 39.5),))
    assert vitals_stop_exertion(fever, shipped_norms()) == {"high_fever"}
