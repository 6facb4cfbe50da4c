"""The doctor sees a camera test's stills and corrects its count; without camera consent there are no pictures."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kiosk.audit import AuditLog
from kiosk.config import StationConfig
from kiosk.domain import Consent, Measurement, Method, SessionState
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from kiosk.storage import open_store
from kiosk.storage.evidence import EvidenceStill, load_count_corrections, save_stills
from kiosk.storage.testing import sample_session
from tests.ui.conftest import add_staff
from tests.ui.test_doctor import scrolled_click
from ui.driver import ScreenDriver, run_station
from ui.viewmodels.camera_evidence import still_jpeg

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _pose_points() -> np.ndarray:
    pts = np.full((33, 2), 0.5)
    pts[11:17] = [[0.4, 0.3], [0.6, 0.3], [0.35, 0.45], [0.65, 0.45], [0.35, 0.6], [0.65, 0.6]]
    pts[23:29] = [[0.45, 0.6], [0.55, 0.6], [0.45, 0.75], [0.55, 0.75], [0.45, 0.9], [0.55, 0.9]]
    return pts


def _prepare(cfg: StationConfig) -> dict[str, str]:
    norms, store, ids = load_norm_set(cfg.norm_packs), open_store(cfg), {}
    try:
        for key, camera in (("consented", True), ("declined", False)):
            s = sample_session(pseudonym=f"res-{key}", started_at=T0)
            s = replace(s, consent=Consent(health_data=True, camera=camera, given_at=T0))
            m = Measurement(item="chair_stand_30s", value=9.0, unit="count", method=Method.CAMERA,
                            device_id="camera", taken_at=T0)
            s = replace(s, measurements=(m,))
            store.create_session(s)
            if camera:
                frame = np.full((480, 640, 3), 90, np.uint8)
                jpeg, w, h = still_jpeg(frame, _pose_points(), np.ones(33))
                save_stills(store, s.id, [EvidenceStill(str(m.id), m.item, i, ("bottom", "top")[i % 2], i // 2 + 1,
                                                        2.0 * i, jpeg, w, h) for i in range(4)])
            store.save_report(s.id, grade_session(s, norms).to_dict())
            store.finish_session(s.id, SessionState.COMPLETED)
            ids[key], ids[key + "_m"] = str(s.id), str(m.id)
    finally:
        store.close()
    return ids


def test_doctor_sees_the_stills_and_corrects_the_count(station_cfg: StationConfig, shots_dir: Path) -> None:
    add_staff(station_cfg, "Dr Li", "doctor", "246810")
    ids = _prepare(station_cfg)

    async def open_row(d: ScreenDriver, session_id: str) -> None:
        doctor = d.app.viewmodels["doctor"]
        row = [r["sessionId"] for r in doctor.queue].index(session_id)
        await d.click(f"queueRow_{row}")
        await d.wait_screen("DoctorSession")
        await d.click("tab_camera")
        await d.settle()

    async def scenario(d: ScreenDriver) -> None:
        doctor, evidence = d.app.viewmodels["doctor"], d.app.viewmodels["doctorEvidence"]
        await d.click("staffButton")
        await d.wait_screen("StaffSignIn")
        await d.click("roleDoctor")
        await d.click("staff_Dr Li")
        await d.type_keys("246810")
        await d.click("signInButton")
        await d.wait_screen("DoctorQueue")
        await d.wait_item("queueRow_1")

        await open_row(d, ids["consented"])
        (test,) = evidence.tests
        assert test["cameraCount"] == 9 and len(test["stills"]) == 4 and evidence.message == ""
        assert test["stills"][1]["caption"].startswith("Rep 1, top")
        await d.shot("doctor-evidence-stills")
        await scrolled_click(d, "countUp")
        await scrolled_click(d, "countUp")
        await scrolled_click(d, "saveCorrection")
        await d.settle()
        (test,) = evidence.tests
        assert test["correctedCount"] == 11 and "camera counted 9" in test["summary"], test["summary"]
        await d.shot("doctor-evidence-corrected")
        row = next(r for r in doctor.results if r["item"] == "chair_stand_30s")
        assert row["value"].startswith("11") and "camera counted 9" in row["flags"], row
        store = d.app.store
        assert store.load_session(uuid.UUID(ids["consented"])).measurements[0].value == 9.0
        (c,) = load_count_corrections(store, uuid.UUID(ids["consented"]))
        assert (c.camera_count, c.corrected_count, c.corrected_by) == (9, 11, "Dr Li")
        entry = next(e for e in AuditLog(store).entries() if e.action == "doctor.count_corrected")
        assert entry.actor == "Dr Li" and entry.target == ids["consented"] and entry.details["corrected_count"] == 11
        await d.click("languageButton")
        await d.settle()
        await d.shot("doctor-evidence-corrected")
        await d.click("languageButton")
        await d.click("backButton")
        await d.wait_screen("DoctorQueue")

        await open_row(d, ids["declined"])
        assert "did not consent to the camera" in evidence.message
        assert evidence.tests[0]["stills"] == []
        await d.shot("doctor-evidence-no-consent")

    run_station(station_cfg, scenario, shots_dir=shots_dir, start_uploader=False)
