"""Graded reports made through the station's own session model, for the report tests (invented people)."""

from __future__ import annotations

from datetime import date

from kiosk.domain import Measurement, Resident, Sex, Side
from ui.app import StationApp

# An invented resident whose identifying details must never reach the QR code.
RESIDENT = Resident(pseudonym="", sex=Sex.FEMALE, birth_date=date(1954, 7, 19), name="测试 王芳 (invented)",
                    national_id="110101195407190026", phone="13912345678")


def resident(app: StationApp) -> Resident:
    from dataclasses import replace

    return replace(RESIDENT, pseudonym=app.session.pseudonym_for(RESIDENT.national_id or ""))


def graded_visit(app: StationApp, *, grip_kg: float, chair_stands: int, systolic: float = 152.0,
                 weight_kg: float = 58.4) -> dict:
    """identify → consent → safety → measurements → finish(); returns the report dict."""
    s = app.session
    s.identify(resident(app), "id_number")
    s.set_consent(True, True)
    s.set_safety({"chest_pain": False, "dizziness": False})
    s.add_measurement(Measurement("blood_pressure", systolic, "mmHg",
                                  components={"systolic": systolic, "diastolic": 84.0, "pulse": 70.0}))
    s.add_measurement(Measurement("height", 153.1, "cm"))
    s.add_measurement(Measurement("weight", weight_kg, "kg"))
    s.add_measurement(Measurement("waist", 86.0, "cm"))
    s.add_measurement(Measurement("grip", grip_kg, "kg", side=Side.RIGHT))
    s.add_measurement(Measurement("grip", grip_kg - 1.5, "kg", trial=2, side=Side.LEFT))
    s.add_measurement(Measurement("chair_stand_30s", float(chair_stands), "count"))
    s.add_measurement(Measurement("single_leg_stand_eyes_closed", 4.2, "s"))
    return s.finish()
