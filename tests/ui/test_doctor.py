"""Doctor mode end to end: sign in, the queue (urgent first), a session with history, note and prescription
change, sign → review stored, queued for sync (and mappable to FHIR), audited, and gone from the queue."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF

from kiosk.audit import AuditLog
from kiosk.config import StationConfig
from kiosk.domain import Measurement, Method, Resident, SessionState, Sex, Side
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from kiosk.storage import open_store
from kiosk.storage.testing import sample_session
from tests.ui.conftest import add_staff
from ui.driver import ScreenDriver, run_station

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _bp(sys_: float, dia: float, at: datetime, trial: int = 1) -> Measurement:
    return Measurement(item="blood_pressure", value=sys_, unit="mmHg", trial=trial, taken_at=at,
                       components={"systolic": sys_, "diastolic": dia, "pulse": 76.0}, device_id="bp",
                       method=Method.DEVICE)


def _body(at: datetime, weight: float, grip: float) -> list[Measurement]:
    return [Measurement(item="height", value=158.0, unit="cm", taken_at=at, device_id="scale"),
            Measurement(item="weight", value=weight, unit="kg", taken_at=at, device_id="scale"),
            Measurement(item="grip", value=grip, unit="kg", side=Side.RIGHT, taken_at=at, device_id="grip")]


async def scrolled_click(d: ScreenDriver, name: str) -> None:
    """Scroll the enclosing Flickable so the item is in view, then click it (a doctor swipes first)."""
    item = await d.wait_item(name)
    node = item.parentItem()
    while node is not None and not node.inherits("QQuickFlickable"):
        node = node.parentItem()
    if node is not None:
        content = node.property("contentItem")
        y = item.mapToItem(content, 0, 0).y()
        top = max(0.0, min(y - 8, node.property("contentHeight") - node.height()))
        node.setProperty("contentY", top)
        await d.settle()
    await d.click(name)


def prepare_sessions(cfg: StationConfig) -> dict[str, str]:
    """Four graded sessions: resident A's earlier visit (already reviewed), A's visit with grade-3 BP twice
    (urgent), resident B's routine visit (newest), and a guest's visit. Returns their ids by role."""
    norms = load_norm_set(cfg.norm_packs)
    store = open_store(cfg)
    ids: dict[str, str] = {}
    try:
        def add(key: str, resident: Resident | None, start: datetime, ms: list[Measurement],
                previous: dict[str, Any] | None = None, guest: bool = False) -> dict[str, Any]:
            s = sample_session(pseudonym=f"res-{key}", started_at=start, guest=guest)
            if resident is not None:
                s = replace(s, resident=resident)
            s = replace(s, measurements=tuple(ms))
            store.create_session(s)
            report = grade_session(s, norms, previous).to_dict()  # a guest's birth year is not stored
            store.save_report(s.id, report)
            store.finish_session(s.id, SessionState.COMPLETED)
            ids[key] = str(s.id)
            return report

        a = sample_session(pseudonym="res-A").resident
        a = replace(a, pseudonym="res-A", national_id="11010119610302123X")
        first = add("a_earlier", a, T0 - timedelta(days=60), [_bp(138, 86, T0 - timedelta(days=60)),
                                                            *_body(T0 - timedelta(days=60), 61.0, 21.0)])
        store.save_review(uuid.UUID(ids["a_earlier"]), {"review_id": str(uuid.uuid4()), "note": "seen",
                                                        "reviewer": "Dr Li", "signed": True})
        add("a_urgent", a, T0, [_bp(186, 114, T0), _bp(184, 112, T0 + timedelta(minutes=6), 2),
                                *_body(T0, 63.5, 19.0)], previous=first)
        b = Resident(pseudonym="res-B", sex=Sex.MALE, birth_date=datetime(1980, 5, 1).date(), phone="13912345678")
        add("b_routine", b, T0 + timedelta(days=1), [_bp(118, 76, T0 + timedelta(days=1)),
                                                     Measurement(item="height", value=172.0, unit="cm"),
                                                     Measurement(item="weight", value=68.0, unit="kg")])
        guest = Resident(pseudonym="guest-x", sex=Sex.FEMALE, birth_date=datetime(1950, 7, 1).date(), is_guest=True)
        add("guest", guest, T0 - timedelta(days=1), [_bp(125, 80, T0 - timedelta(days=1))], guest=True)
    finally:
        store.close()
    return ids


def test_doctor_reviews_the_urgent_session_first(station_cfg: StationConfig, shots_dir: Path) -> None:
    add_staff(station_cfg, "Dr Li", "doctor", "246810")
    ids = prepare_sessions(station_cfg)

    async def scenario(d: ScreenDriver) -> None:
        doctor = d.app.viewmodels["doctor"]
        await d.click("staffButton")
        await d.wait_screen("StaffSignIn")
        await d.click("roleDoctor")
        await d.click("staff_Dr Li")
        await d.type_keys("246810")
        await d.click("signInButton")
        await d.wait_screen("DoctorQueue")
        await d.wait_item("queueRow_2")
        queue = doctor.queue
        assert [r["sessionId"] for r in queue] == [ids["a_urgent"], ids["b_routine"], ids["guest"]]
        assert queue[0]["badges"][0]["kind"] == "urgent" and queue[0]["badges"][0]["symbol"] == "⚠"
        assert queue[0]["identity"] == "••••123X" and queue[0]["ageBand"] == "65–69"
        assert queue[1]["identity"] == "••••5678" and queue[2]["identity"] in ("Guest", "访客")
        assert not d.visible("queueRow_3")  # the reviewed earlier visit is not in the queue
        await d.shot("doctor-queue")

        await d.click("queueRow_0")
        await d.wait_screen("DoctorSession")
        assert "65–69" in d.text("sessionHeading") and "123X" in d.text("sessionHeading")
        assert "110101" not in d.text("sessionHeading")
        bp_row = next(r for r in doctor.results if r["item"] == "blood_pressure")
        assert bp_row["value"] == "184/112" and bp_row["flagged"]
        await d.shot("doctor-session-results")
        # under the urgent notice and its flags every tab must still be above the footer (Camera pictures,
        # the fifth, was hidden behind it)
        footer_top = d.app.item("backButton").mapToScene(QPointF(0, 0)).y()
        for tab in ("tab_results", "tab_history", "tab_prescription", "tab_note", "tab_camera"):
            item = d.app.item(tab)
            assert item.mapToScene(QPointF(0, item.height())).y() <= footer_top, f"{tab} is behind the footer"

        await d.click("tab_history")
        await d.wait_item("trend_blood_pressure")
        bp_trend = next(s for s in doctor.history if s["item"] == "blood_pressure")
        assert bp_trend["lines"][0]["values"] == [138.0, 184.0]
        await d.shot("doctor-session-history")

        await d.click("tab_prescription")
        await scrolled_click(d, "rx_intensity_light")
        await scrolled_click(d, "rx_frequency_f7")
        await scrolled_click(d, "rx_time_t30")
        await scrolled_click(d, "rx_time_t30")  # touched again: the original time is kept
        assert "✎" in d.text("rxText_intensity") and "✎" not in d.text("rxText_time")
        await d.shot("doctor-session-prescription")

        await d.click("tab_note")
        note = await d.wait_item("noteField")
        note.setProperty("text", "BP 184/112 twice: referred to the clinic today; walking only until seen.")
        await d.settle()
        await d.shot("doctor-session-note")

        await d.click("signReviewButton")
        await d.wait_screen("DoctorQueue")
        await d.wait_item("queueRow_1")
        assert [r["sessionId"] for r in doctor.queue] == [ids["b_routine"], ids["guest"]]
        assert not d.visible("queueRow_2")

        store = d.app.store
        reviews = store.load_reviews(uuid.UUID(ids["a_urgent"]))
        assert len(reviews) == 1
        review = reviews[0]
        assert review["note"].startswith("BP 184/112 twice") and review["signed"] and review["reviewer"] == "Dr Li"
        assert review["prescription"]["intensity"]["en"].startswith("Light only")
        assert review["prescription"]["frequency"]["en"] == "Daily."
        amendments = review["prescription_record"]["amendments"]
        assert len(amendments) == 1 and set(amendments[0]["changes"]) == {"intensity", "frequency"}
        original_time = review["prescription_record"]["original"]["time"]
        assert review["prescription"]["time"] == original_time
        pending = store.outbox_pending(1000)
        queued = [i for i in pending if i.kind == "review" and i.id == review["review_id"]]
        assert len(queued) == 1

        from sync.fhir_map import batch_bundle

        bundle = batch_bundle(store, queued, d.app.cfg).bundle
        kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
        assert "DiagnosticReport" in kinds and "CarePlan" in kinds

        entries = [e for e in AuditLog(store).entries() if e.actor == "Dr Li"]
        actions = [e.action for e in entries]
        for action in ("doctor.queue_view", "doctor.session_view", "doctor.history_view",
                       "doctor.prescription_change", "doctor.review_signed"):
            assert action in actions, actions
        signed = next(e for e in entries if e.action == "doctor.review_signed")
        assert signed.target == ids["a_urgent"] and signed.details["review_id"] == review["review_id"]
        assert sum(e.action == "doctor.prescription_change" for e in entries) == 4
        assert AuditLog(store).verify().ok
        assert any(i.kind == "audit" and i.id == signed.id for i in store.outbox_pending(1000))
        await d.shot("doctor-queue-after")

        # the other language, same screens
        await d.click("languageButton")
        await d.shot("doctor-queue")
        await d.click("queueRow_0")
        await d.wait_screen("DoctorSession")
        await d.shot("doctor-session-results")
        await d.click("tab_history")
        await d.shot("doctor-session-history")
        await d.click("tab_prescription")
        await d.shot("doctor-session-prescription")
        await d.click("backButton")
        await d.wait_screen("DoctorQueue")

        await d.click("signOutButton")
        await d.wait_screen("Attract")
        assert doctor.queue == [] and not doctor.hasSession and d.app.station.staffName == ""

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
