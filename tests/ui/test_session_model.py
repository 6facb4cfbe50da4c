"""The session view-model without screens: guests store nothing identifying and still get a graded report."""

from __future__ import annotations

from pathlib import Path

from kiosk.domain import Measurement, Method, Sex
from kiosk.storage import open_store
from tests.ui.conftest import station_config
from ui.viewmodels.session import SessionModel

SAFE = dict.fromkeys(("chest_pain", "dizziness_or_fainting", "recent_surgery", "doctor_said_no_exercise",
                      "bone_or_joint_problem"), False)


def test_a_guest_is_graded_but_the_store_keeps_no_birth_date_or_identity(tmp_path: Path) -> None:
    cfg = station_config(tmp_path)
    store = open_store(cfg)
    try:
        model = SessionModel(cfg, store)
        model.start_guest(Sex.FEMALE, 1956)
        model.set_consent(True, False)
        model.set_safety(SAFE)
        model.add_measurement(Measurement(item="grip", value=21.5, unit="kg", method=Method.DEVICE))
        report = model.finish()
        assert report["items"] and model.hasReport
        rows = store.conn.execute("SELECT * FROM sessions").fetchall()
        text = repr(rows)
        assert "1956" not in text and model.resident is not None and model.resident.pseudonym in text
        assert model.resident.pseudonym.startswith("guest-")
        model.clear()
        assert not model.active and model.report is None and model.measurements == []
    finally:
        store.close()


def test_clearing_an_unfinished_session_keeps_its_results_as_abandoned(tmp_path: Path) -> None:
    cfg = station_config(tmp_path)
    store = open_store(cfg)
    try:
        model = SessionModel(cfg, store)
        model.start_guest(Sex.MALE, 1960)
        model.set_consent(True, True)
        model.set_safety(SAFE)
        model.add_measurement(Measurement(item="grip", value=35.0, unit="kg"))
        sid = model.session.id
        model.clear()
        loaded = store.load_session(sid)
        assert loaded.state.value == "abandoned" and len(loaded.measurements) == 1
    finally:
        store.close()
