"""Invented sessions, reports and reviews for the FHIR mapping tests (no real people)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kiosk.config import IdentityMode
from kiosk.domain import Consent, Measurement, Method, Resident, Session, Sex, Side
from sync.fhir_map import MappingOptions

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
KEY = b"test-pseudonym-key-0123456789abcdef"
NATIONAL_ID = "11010119610302002X"
PHONE = "13800001234"
NAME = "测试居民甲"
PSEUDONYM = "station-pseudonym-7f3a"


def resident(*, guest: bool = False, national_id: str | None = NATIONAL_ID, phone: str | None = PHONE) -> Resident:
    if guest:
        return Resident(pseudonym=PSEUDONYM, sex=Sex.MALE, birth_date=date(1958, 5, 17), is_guest=True)
    return Resident(pseudonym=PSEUDONYM, sex=Sex.FEMALE, birth_date=date(1961, 3, 2), name=NAME,
                    national_id=national_id, phone=phone)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def measurements() -> tuple[Measurement, ...]:
    """One or more trials of most items, with devices, sides, camera and staff entry (stable UUIDs)."""
    return tuple(replace(m, id=uuid.UUID(int=0xA000 + i)) for i, m in enumerate(_measurements()))


def _measurements() -> tuple[Measurement, ...]:
    return (
        Measurement("blood_pressure", 138.0, "mmHg", 1, at(1), {"systolic": 138.0, "diastolic": 86.0, "pulse": 74.0},
                    device_id="bp", calibration_id=str(uuid.UUID(int=7))),
        Measurement("blood_pressure", 134.0, "mmHg", 2, at(3),
                    {"systolic": 134.0, "diastolic": 84.0, "mean": 100.0, "pulse": 72.0}, device_id="bp"),
        Measurement("height", 158.2, "cm", 1, at(5), method=Method.STAFF_ENTRY),
        Measurement("weight", 61.4, "kg", 1, at(6), device_id="scale"),
        Measurement("waist", 84.0, "cm", 1, at(7), method=Method.STAFF_ENTRY),
        Measurement("hip", 96.5, "cm", 1, at(7.5), method=Method.STAFF_ENTRY),
        Measurement("glucose_fasting", 5.6, "mmol/L", 1, at(8), device_id="glucometer"),
        Measurement("grip", 22.5, "kg", 1, at(10), side=Side.RIGHT, device_id="grip"),
        Measurement("grip", 24.0, "kg", 2, at(11), side=Side.LEFT, device_id="grip", quality_flags=frozenset({"late"})),
        Measurement("vital_capacity", 2150.0, "mL", 1, at(13), device_id="vc"),
        Measurement("fvc", 2.31, "L", 1, at(14), device_id="spirometer"),
        Measurement("fev1", 1.87, "L", 1, at(14), device_id="spirometer"),
        Measurement("pef", 5.2, "L/s", 1, at(14), device_id="spirometer"),
        Measurement("sit_and_reach", 6.5, "cm", 1, at(16), device_id="sit-reach"),
        Measurement("choice_reaction_time", 0.62, "s", 1, at(17), device_id="reaction"),
        Measurement("single_leg_stand_eyes_closed", 4.8, "s", 1, at(18), device_id="balance"),
        Measurement("chair_stand_30s", 12.0, "count", 1, at(20), device_id="camera", method=Method.CAMERA),
        Measurement("five_times_sit_to_stand", 11.3, "s", 1, at(21), device_id="camera", method=Method.CAMERA),
        Measurement("arm_curl_30s", 15.0, "count", 1, at(22), device_id="camera", method=Method.CAMERA),
        Measurement("squat", 9.0, "count", 1, at(23), device_id="camera", method=Method.CAMERA),
    )


def session(*, guest: bool = False, res: Resident | None = None,
            items: tuple[Measurement, ...] | None = None) -> Session:
    return Session(id=uuid.UUID(int=0x5E55), station_id="test-station", resident=res or resident(guest=guest),
                   started_at=T0, test_date=T0.date(), consent=Consent(True, True, T0),
                   measurements=measurements() if items is None else items)


def report(sess: Session, *, report_id: str = "00000000-0000-0000-0000-00000000ae01") -> dict[str, Any]:
    """A report dict shaped like kiosk.report.Report.to_dict (the keys the mapping reads)."""
    by_item: dict[str, list[Measurement]] = {}
    for m in sess.measurements:
        by_item.setdefault(m.item, []).append(m)
    items = []
    for item, trials in by_item.items():
        graded = trials[-1] if item in ("blood_pressure", "height", "weight") else max(trials, key=lambda m: m.value)
        items.append({"item": item, "graded_value": graded.value, "graded_trial": graded.trial,
                      **({"graded_hand": graded.side.value} if graded.side else {}),
                      "trials": [{"trial": t.trial, "value": t.value, "measurement_id": str(t.id),
                                  **({"hand": t.side.value} if t.side else {})} for t in trials]})
    return {
        "format": "kiosk.report/1", "report_id": report_id, "session_id": str(sess.id), "station_id": sess.station_id,
        "test_date": sess.test_date.isoformat(), "age_years": 65, "sex": "F", "items": items,
        "classes": {"blood_pressure": {"class": "high_normal", "label": {"en": "High normal", "zh": "正常高值"}}},
        "flags": [{"name": "fall_risk", "label": {"en": "Fall risk", "zh": "跌倒风险"}}],
        "urgent_notices": [],
        "national_total": 21, "national_grade": {"level": 2, "en": "Pass", "zh": "合格"},
        "prescription": {"frequency": "3-5 days a week", "intensity": "moderate (RPE 12-13)", "time": "30 min",
                         "type": ["brisk walking", "tai chi"], "rules_fired": ["fall_risk_balance"]},
        # keys a report must never carry to the cloud (the mapping strips them):
        "name": NAME, "national_id": NATIONAL_ID, "phone": PHONE, "pseudonym": PSEUDONYM,
    }


def review(*, review_id: str = "00000000-0000-0000-0000-00000000be01", prescription: bool = True) -> dict[str, Any]:
    r: dict[str, Any] = {"review_id": review_id, "note": "Add balance training; recheck BP in 4 weeks.",
                         "reviewer": "dr-wang", "reviewed_at": "2026-11-23T15:00:00+08:00", "signed": True}
    if prescription:
        r["prescription"] = {"frequency": "5 days a week", "intensity": "light", "time": "20 min",
                             "type": ["balance exercises"]}
    return r


def options(identity: IdentityMode = IdentityMode.PSEUDONYM, *, key: bytes | None = KEY,
            every_trial: bool = True) -> MappingOptions:
    return MappingOptions(station_id="test-station", site="Test community station", identity=identity,
                          pseudonym_key=key, send_every_trial=every_trial)


def resources(bundle: dict[str, Any], resource_type: str | None = None) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"]
            if resource_type is None or e["resource"]["resourceType"] == resource_type]


def observation_by_code(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation") if r["code"]["coding"][0]["code"] == code]


def all_text(bundle: dict[str, Any]) -> str:
    """The bundle as JSON plus every base64 attachment decoded: what a scan for personal data must search."""
    text = json.dumps(bundle, ensure_ascii=False)
    decoded = [base64.b64decode(a["data"]).decode("utf-8") for a in _attachments(bundle)]
    return "\n".join([text, *decoded])


def _attachments(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "contentType" in node and "data" in node:
            yield node
        for v in node.values():
            yield from _attachments(v)
    elif isinstance(node, list):
        for v in node:
            yield from _attachments(v)


def with_measurements(sess: Session, *ms: Measurement) -> Session:
    return replace(sess, measurements=tuple(ms))
