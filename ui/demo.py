"""The headless demo: a scripted station day on simulated devices, end to end through the real code.

A technician calibrates every device (the simulators play the known masses and the syringe), then
scripted residents test themselves: each measurement comes from the real driver reading its
simulator over a pseudo-terminal or a fake GATT peer, is stored durably with its outbox row, graded,
written out as a report (JSON and HTML), and the outbox is synced to the FHIR test double on
127.0.0.1. The camera chair-stand count comes from the real analyser fed by a simulated landmark
stream (the kinematic body model), and says so. The touch screens replace this script when the UI
lands; the data path stays the same.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from drivers.base import DriverError, FinalReading, Progress
from drivers.manager import DeviceManager
from drivers.sim.technician import calibrate_simulated
from kiosk.config import IdentityMode, StationConfig, SyncAuth, SyncConfig, demo_config
from kiosk.domain import Consent, Measurement, Method, Resident, SafetyScreen, Session, SessionState, Sex, utcnow
from kiosk.grading import grade_session
from kiosk.logs import log_event
from kiosk.norms import load_norm_set
from kiosk.report_html import render_report_html
from kiosk.storage import Store, open_store

log = logging.getLogger("ui.demo")

SAFETY_QUESTIONS = ("chest_pain", "dizziness_or_fainting", "recent_surgery", "doctor_said_no_exercise",
                    "bone_or_joint_problem")


@dataclass(frozen=True)
class ScriptedResident:
    """Who the script plays: a pseudonymous resident with the answers they give on screen."""

    label: str
    pseudonym: str
    sex: Sex
    birth_date: date
    height_cm: float  # entered by staff (no stadiometer in the demo station)
    waist_cm: float
    body: Mapping[str, float]  # the resident's "true" values the simulated devices measure
    camera_chair_stands: int = 12
    camera_consent: bool = True


RESIDENTS = (
    ScriptedResident("Resident A — man, 52", "demo-resident-a", Sex.MALE, date(1974, 6, 18), 171.5, 88.0,
                     {"systolic": 134, "diastolic": 86, "pulse": 74, "weight_kg": 72.6, "grip_right_kg": 41.0,
                      "grip_left_kg": 38.5, "vc_ml": 3650, "fvc_l": 3.9, "pef_l_s": 8.4, "stand_s": 9.0,
                      "reach_cm": 4.5, "reaction_ms": 540}, camera_chair_stands=15),
    ScriptedResident("Resident B — woman, 71", "demo-resident-b", Sex.FEMALE, date(1955, 2, 9), 156.2, 83.5,
                     {"systolic": 146, "diastolic": 84, "pulse": 70, "weight_kg": 61.2, "grip_right_kg": 17.2,
                      "grip_left_kg": 16.0, "vc_ml": 1850, "fvc_l": 2.1, "pef_l_s": 4.6, "stand_s": 3.2,
                      "reach_cm": 2.0, "reaction_ms": 690}, camera_chair_stands=9),
)


def _play_resident(manager: DeviceManager, name: str, who: ScriptedResident, options: Mapping[str, object],
                   rng: random.Random) -> None:
    """Set the simulator to what this resident does on this trial (people vary from trial to trial)."""
    sim, b = manager.device(name).simulator, who.body
    if sim is None:
        return
    kind = manager.device(name).config.kind

    def vary(value: float, cv: float) -> float:
        return value * (1.0 + rng.gauss(0.0, cv))

    if kind == "blood_pressure":
        from drivers.sim.oscillometric import BloodPressureTruth

        sim.truth = BloodPressureTruth(vary(b["systolic"], 0.02), vary(b["diastolic"], 0.02), vary(b["pulse"], 0.03))
    elif kind == "scale":
        sim.weight_kg, sim.height_m = b["weight_kg"], who.height_cm / 100
    elif kind == "grip":
        sim.peak_kg = vary(b["grip_left_kg" if options.get("side") == "left" else "grip_right_kg"], 0.04)
    elif kind == "vital_capacity":
        sim.vc_ml = vary(b["vc_ml"], 0.03)
    elif kind == "spirometer":
        sim.fvc_l, sim.pef_l_s = vary(b["fvc_l"], 0.02), vary(b["pef_l_s"], 0.04)
    elif kind == "balance":
        sim.stand_s = max(1.0, vary(b["stand_s"], 0.25))
    elif kind == "sit_and_reach":
        sim.reach_cm = b["reach_cm"] + rng.gauss(0.0, 1.0)
    elif kind == "reaction_time":
        sim.mean_ms = b["reaction_ms"]


def demo_station(out: Path, endpoint: str) -> StationConfig:
    """The demo station (every device simulated, plain SQLite) syncing to the local test double."""
    base = demo_config(str(out / "var"))
    return replace(base, sync=SyncConfig(endpoint=endpoint, auth=SyncAuth.NONE, identity=IdentityMode.PSEUDONYM,
                                         batch_max_age_s=0.0))


async def _one_reading(manager: DeviceManager, name: str, progress: Callable[[Progress], None],
                       **options: object) -> FinalReading:
    final: FinalReading | None = None
    async for event in manager.measure(name, **options):
        if isinstance(event, FinalReading):
            final = event
        else:
            progress(event)
    if final is None:  # the manager re-raises driver errors, so this would be a driver bug
        raise DriverError("measurement ended without a reading", device_id=name)
    return final


async def _device_tests(manager: DeviceManager, store: Store, session: Session, who: ScriptedResident,
                        exertion_allowed: bool) -> tuple[list[dict[str, Any]], int]:
    """Run every device test the demo station has; returns a log of what happened and the live-value count."""
    done: list[dict[str, Any]] = []
    live = 0

    def count(_: Progress) -> None:
        nonlocal live
        live += 1

    plan: list[tuple[str, dict[str, object]]] = [("bp", {}), ("scale", {})]
    if exertion_allowed:
        plan += [("grip", {"side": "right"}), ("grip", {"side": "left"}), ("grip", {"side": "right"}),
                 ("grip", {"side": "left"}), ("vital_capacity", {}), ("vital_capacity", {}),
                 ("spirometer", {}), ("spirometer", {}), ("spirometer", {}),
                 ("balance", {}), ("balance", {}), ("sit_and_reach", {}), ("sit_and_reach", {}),
                 ("reaction", {})]
    trials: dict[str, int] = {}
    rng = random.Random(who.pseudonym)
    for name, options in plan:
        if name not in manager.devices:
            continue
        trial = trials[name] = trials.get(name, 0) + 1
        _play_resident(manager, name, who, options, rng)
        started = time.perf_counter()
        try:
            reading = await _one_reading(manager, name, count, trial=trial, **options)
        except DriverError as e:  # a resident sees the plain sentence; the log and summary keep the detail
            done.append({"device": name, "trial": trial, "error": str(e), "resident_message": e.resident_message})
            log_event(log, logging.WARNING, "demo test failed", device=name, trial=trial, error=str(e))
            continue
        for m in _measurements(reading):
            store.add_measurement(session.id, m)
        done.append({"device": name, "trial": trial, "item": reading.item, "values": dict(reading.values),
                     "unit": reading.unit, "seconds": round(time.perf_counter() - started, 2)})
    return done, live


def _measurements(reading: FinalReading) -> list[Measurement]:
    """A spirometer manoeuvre is stored as three items (FVC, FEV1, PEF); every other reading as one."""
    if reading.item == "fvc":
        from drivers.devices.spirometer import split_readings

        return [r.to_measurement() for r in split_readings(reading)]
    return [reading.to_measurement()]


def _camera_chair_stand(session: Session, store: Store, stands: int) -> dict[str, Any]:
    """The chair-stand analyser on a simulated landmark stream (no camera in the headless demo)."""
    from vision.analysers import make_analyser
    from vision.synthetic_exercises import chair_stand_sequence

    sequence = chair_stand_sequence(stands, view="side")
    # The start signal is the moment the screen says "Go" (the script's), not when the view first became usable.
    analyser = make_analyser("chair-stand", view="side", duration_s=30, start_at_s=sequence.truth.start_at_s)
    events = [e for frame in sequence.frames for e in analyser.feed(frame)]
    analyser.finish()
    result = analyser.result()
    store.add_measurement(session.id, Measurement(item="chair_stand_30s", value=float(result.count), unit="count",
                                                  method=Method.CAMERA, device_id="camera",
                                                  quality_flags=frozenset({"simulated_landmarks"})))
    return {"count": result.count, "truth": sequence.truth.count, "events": len(events),
            "source": "simulated landmark stream (kinematic body model); no camera in the headless demo"}


async def calibrate_station(manager: DeviceManager, store: Store, *, performed_by: str) -> list[dict[str, Any]]:
    """The simulated technician runs every device's real procedure; each record is saved, then devices unlock."""
    done: list[dict[str, Any]] = []
    for name, managed in manager.devices.items():
        if managed.simulator is None:
            continue
        async with managed.lock:
            record = await calibrate_simulated(managed.config.protocol, managed.driver, managed.simulator,
                                               performed_by)
        if record is None:  # no field procedure for this kind (sit-and-reach, reaction box, scale)
            continue
        store.save_calibration(record)
        log_event(log, logging.INFO, "calibration saved", device=name, procedure=record.procedure,
                  result=record.result.value)
        done.append({"device": name, "procedure": record.procedure, "result": record.result.value,
                     "valid_until": record.valid_until.isoformat(), "notes": record.notes})
    manager.refresh_calibration()
    return done


async def _resident_session(cfg: StationConfig, manager: DeviceManager, store: Store, who: ScriptedResident,
                            out: Path) -> dict[str, Any]:
    norms = load_norm_set(cfg.norm_packs)
    today = datetime.now().date()
    resident = Resident(pseudonym=who.pseudonym, sex=who.sex, birth_date=who.birth_date)
    safety = SafetyScreen(dict.fromkeys(SAFETY_QUESTIONS, False))
    session = Session(id=uuid.uuid4(), station_id=cfg.station_id, resident=resident, started_at=utcnow(),
                      test_date=today, consent=Consent(health_data=True, camera=who.camera_consent), safety=safety)
    previous_sessions = store.sessions_of(who.pseudonym)
    store.create_session(session)
    for item, value in (("height", who.height_cm), ("waist", who.waist_cm)):
        store.add_measurement(session.id, Measurement(item=item, value=value, unit="cm", method=Method.STAFF_ENTRY))
    tests, live = await _device_tests(manager, store, session, who, safety.exertion_allowed)
    camera = None
    if who.camera_consent and safety.exertion_allowed:
        camera = _camera_chair_stand(session, store, who.camera_chair_stands)
    previous = store.load_report(previous_sessions[-1].id) if previous_sessions else None
    report = grade_session(store.load_session(session.id), norms, previous)
    store.save_report(session.id, report.to_dict())
    store.finish_session(session.id, SessionState.COMPLETED)
    folder = out / who.pseudonym
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    (folder / "report.html").write_text(render_report_html(report), encoding="utf-8")
    data = report.to_dict()
    return {"resident": who.label, "session_id": str(session.id), "tests": tests, "live_values": live,
            "camera_chair_stand": camera, "national_total": data.get("national_total"),
            "national_grade": data.get("national_grade"), "flags": report.flag_names(),
            "not_rated_because": [r for st in data.get("standards", []) for r in st.get("not_rated_reasons", [])],
            "urgent_notices": len(data.get("urgent_notices", [])), "needs_doctor_review": data["needs_doctor_review"],
            "trend_against": data.get("previous_test_date"),
            "report_json": str(folder / "report.json"), "report_html": str(folder / "report.html")}


async def run_demo(out: Path, *, sim_speed: float = 4.0) -> dict[str, Any]:
    """Run the scripted station day; write reports and ``summary.json`` under ``out``; return the summary."""
    from sync.testing.fhir_test_server import FhirTestServer
    from sync.uploader import Uploader

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with FhirTestServer() as server:
        cfg = demo_station(out, server.base_url)
        store = open_store(cfg)
        try:
            async with DeviceManager(cfg, store, sim_speed=sim_speed) as manager:
                await manager.wait_until_settled(10.0)
                calibrations = await calibrate_station(manager, store, performed_by="demo-technician")
                manager.refresh_calibration()
                states = {name: state.value for name, state in manager.states().items()}
                sessions = [await _resident_session(cfg, manager, store, who, out) for who in RESIDENTS]
            uploader = Uploader(cfg, store=store)
            try:
                drained = uploader.drain_once(force=True)
            finally:
                uploader.close()
            stats = store.outbox_stats()
        finally:
            store.close()
        accepted = server.memory.counts() if hasattr(server.memory, "counts") else None
    summary = {"output": str(out), "database": str(Path(cfg.data_dir)), "device_states": states,
               "calibrations": calibrations, "sessions": sessions,
               "sync": {"endpoint": "FHIR test double on 127.0.0.1 (a test double, not the regional cloud)",
                        "drain": _plain(drained), "outbox_after": _plain(stats), "server_holds": accepted},
               "seconds": round(time.perf_counter() - started, 1)}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return summary


def _plain(obj: Any) -> Any:
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _plain(getattr(obj, k)) for k in obj.__dataclass_fields__}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    return obj if isinstance(obj, str | int | float | bool | type(None)) else str(obj)


def run(out: Path, *, sim_speed: float = 4.0) -> dict[str, Any]:
    return asyncio.run(run_demo(out, sim_speed=sim_speed))
