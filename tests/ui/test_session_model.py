"""The session view-model without screens: guests store nothing identifying and still get a graded report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain import Measurement, Method, Sex
from kiosk.storage import Store, open_store
from tests.ui.conftest import station_config
from ui.demo_screens import SAFETY_KEYS
from ui.viewmodels.session import SessionModel

SAFE = dict.fromkeys(SAFETY_KEYS, False)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(station_config(tmp_path))
    yield s
    s.close()


def open_guest_session(tmp_path: Path, store: Store, sex: Sex, birth_year: int, *, camera: bool) -> SessionModel:
    """A guest who consented to health data and answered "no" to every safety question."""
    model = SessionModel(station_config(tmp_path), store)
    model.start_guest(sex, birth_year)
    model.set_consent(True, camera)
    model.set_safety(SAFE)
    return model


def test_a_guest_is_graded_but_the_store_keeps_no_birth_date_or_identity(tmp_path: Path, store: Store) -> None:
    model = open_guest_session(tmp_path, store, Sex.FEMALE, 1956, camera=False)
    model.add_measurement(Measurement(item="grip", value=21.5, unit="kg", method=Method.DEVICE))
    report = model.finish()
    assert report["items"] and model.hasReport
    rows = store.conn.execute("SELECT * FROM sessions").fetchall()
    text = repr(rows)
    assert "1956" not in text and model.resident is not None and model.resident.pseudonym in text
    assert model.resident.pseudonym.startswith("guest-")
    model.clear()
    assert not model.active and model.report is None and model.measurements == []


def test_clearing_an_unfinished_session_keeps_its_results_as_abandoned(tmp_path: Path, store: Store) -> None:
    model = open_guest_session(tmp_path, store, Sex.MALE, 1960, camera=True)
    model.add_measurement(Measurement(item="grip", value=35.0, unit="kg"))
    sid = model.session.id
    model.clear()
    loaded = store.load_session(sid)
    assert loaded.state.value == "abandoned" and len(loaded.measurements) == 1
