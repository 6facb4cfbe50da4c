"""Capturing evidence stills during a camera test: with camera consent they are stored beside the count;
without it nothing is kept."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace as NS

import numpy as np

from kiosk.config import CameraConfig
from kiosk.domain import Measurement, Method
from kiosk.storage import open_store
from kiosk.storage.evidence import load_stills
from kiosk.storage.testing import sample_session, store_config
from ui.viewmodels.camera_evidence import STILL_LONG_SIDE_PX, CameraEvidence


class _Signal:
    def __init__(self) -> None:
        self.slots: list = []

    def connect(self, slot) -> None:
        self.slots.append(slot)


def _update(t: float, *events) -> NS:
    pose = NS(timestamp_s=t, points=np.full((33, 2), 0.5), visibility=np.ones(33))
    return NS(image=np.full((480, 640, 3), 80, np.uint8), pose=pose, events=events)


def _run(tmp_path, camera_consent: bool):
    store = open_store(store_config(tmp_path))
    s = sample_session()
    store.create_session(s)
    session = NS(cameraAllowed=camera_consent, session=s, measurements=[], measurementAdded=_Signal())
    app = NS(session=session, store=store, cfg=NS(camera=CameraConfig()))
    evidence = CameraEvidence(app)
    evidence.start("chair-stand", "chair_stand_30s")
    ev = lambda kind, at, **e: NS(kind=kind, at_s=at, evidence=e)  # noqa: E731
    evidence.take(_update(0.0, ev("test_started", 0.0)))
    for i in range(1, 31):
        t = i / 10
        events = ()
        if i == 10:
            events = (ev("rep_started", t),)
        elif i == 25:
            events = (ev("rep_completed", t, index=1, count=1, counted=True),)
        elif i == 30:
            events = (ev("paused", t, reason="out_of_view"),)
        evidence.take(_update(t, *events))
    m = Measurement(item="chair_stand_30s", value=1.0, unit="count", method=Method.CAMERA,
                    taken_at=datetime(2026, 1, 1, tzinfo=UTC))
    store.add_measurement(s.id, m)
    session.measurements.append(m)
    for slot in session.measurementAdded.slots:
        slot("chair_stand_30s")
    return store, s, m


def test_with_camera_consent_the_reps_top_bottom_and_pause_are_stored_beside_the_count(tmp_path):
    store, s, m = _run(tmp_path, camera_consent=True)
    stills = load_stills(store, s.id)
    assert [(x.moment, x.rep, x.at_s) for x in stills] == [("bottom", 1, 1.0), ("top", 1, 2.5), ("pause", None, 3.0)]
    assert all(x.measurement_id == str(m.id) and x.jpeg[:2] == b"\xff\xd8" for x in stills)
    assert max(stills[0].width, stills[0].height) == STILL_LONG_SIDE_PX
    store.close()


def test_without_camera_consent_no_still_is_kept(tmp_path):
    store, s, _ = _run(tmp_path, camera_consent=False)
    assert load_stills(store, s.id) == []
    store.close()
