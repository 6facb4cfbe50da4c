"""The headless demo: a scripted station session through the real screens, offscreen.

A simulated technician calibrates the devices (the simulators play the known masses and the
syringe), then a scripted resident taps through the real QML screens: attract, identify by ID
number on the keypad (the GB 11643 example: a woman of 76), consent, safety questions, a full check (every
device test on its simulator, the camera tests on committed real footage: squats and arm curls counted, a
chair stand that the footage does not show stored as not measured; the older-adult battery the station did
not measure itself entered as a staff member's stopwatch results), the report, printing (saved as PDF when no
printer is configured). A doctor then signs in, reviews the flagged session and signs it. Every
screen is saved as PNG in Chinese and in English (the language is switched mid-flow, as a resident
may), the report PDF is written and rendered, and results sync to the FHIR test double on 127.0.0.1.
Waits between blood-pressure readings are shortened by the demo's speed factor, and the summary says so.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kiosk.config import CameraConfig, DeviceConfig, StationConfig
from kiosk.domain import utcnow
from kiosk.logs import log_event
from ui.demo import DOCTOR, DOCTOR_PIN, TECHNICIAN, TECHNICIAN_PIN, calibrate_station, demo_station
from ui.demo_older_adult import staff_entries
from ui.device_guidance import BP_GRADE3_REST_S, BP_REST_S
from ui.driver import ScreenDriver, run_station
from ui.viewmodels.resident_flow import SAFETY_KEYS

log = logging.getLogger("ui.demo_screens")

RESIDENT_ID = "11010519491231002X"  # the GB 11643 worked example (a woman born 1949), not a real person


class Tour:
    """Takes the screenshots: each screen in the current language, then the other, then back."""

    def __init__(self, d: ScreenDriver) -> None:
        self.d = d
        self.count = 0

    async def both(self, name: str) -> None:
        self.count += 1
        label = f"{self.count:02d}-{name}"
        station = self.d.app.station
        here = station.language
        await self.d.shot(label)
        for other in station.languages:
            if other != here:
                station.setLanguage(other)
                await self.d.settle(0.2)
                await self.d.shot(label)
        station.setLanguage(here)
        await self.d.settle(0.2)


async def _device_test(d: ScreenDriver, tour: Tour, name: str, log_: list[dict[str, Any]]) -> None:
    vm = d.app.viewmodels["deviceTest"]
    await tour.both(f"test-{name}-intro")
    shot_live = True
    deadline = time.monotonic() + 240
    while vm.phase != "done":
        if time.monotonic() > deadline:
            raise TimeoutError(f"device test {name} did not finish (phase {vm.phase})")
        if vm.phase in ("intro", "saved") and vm.restSecondsLeft == 0:
            await d.click("startButton")
        elif vm.phase == "measuring" and shot_live and vm.liveValue > 0:
            await asyncio.sleep(0.4)
            await tour.both(f"test-{name}-live")
            shot_live = False
        elif vm.phase in ("error", "locked", "unavailable"):
            log_.append({"device": name, "problem": vm.message})
            await tour.both(f"test-{name}-problem")
            await d.click("skipButton")
            return
        await asyncio.sleep(0.05)
    await tour.both(f"test-{name}-done")
    log_.append({"device": name, "trials": vm.trialsDone})
    await d.click("finishButton")


async def _questionnaires(d: ScreenDriver, tour: Tour, log_: list[dict[str, Any]]) -> None:
    """The full check's recommended questionnaires: the second answer each time (STEADI "No", SARC-F "Some")."""
    vm = d.app.viewmodels["questionnaire"]
    while d.screen == "Questionnaire" and vm.phase in ("question", "urgent", "result", "stopped"):
        if vm.phase == "question":
            if vm.position == 1:
                await tour.both(f"questionnaire-{vm.instrumentId}-1")
            before = (vm.instrumentId, vm.position)
            await d.click("qOption_1" if vm.itemType == "choice" else "qDontKnow")
            await d.until(lambda b=before: (vm.instrumentId, vm.position) != b or vm.phase != "question", 5, "next")
        elif vm.phase == "urgent":
            await d.click("qUrgentContinue")
        else:
            await tour.both(f"questionnaire-{vm.instrumentId}-result")
            log_.append({"device": "questionnaire", "exercise": vm.instrumentId, "result": vm.resultValue})
            await d.click("qResultContinue")
        await d.settle(0.05)


# Real footage of each camera exercise, committed with the project (vision/clips/README.md: sources, licences).
# No chair-stand clip may be redistributed, so the chair stand runs on people walking: it shows that a test
# that did not run validly is stored as not measured, with the reason, and gives no score and no flag.
CLIPS = Path(__file__).resolve().parents[1] / "vision" / "clips"
DEMO_CLIPS: dict[str, tuple[str, str]] = {
    "chair-stand": ("none-walk-garden-sports2d.mp4",
                    "no licensed clip of a chair stand exists (the corpus' chair-stand clips may not be "
                    "redistributed), so the demo runs it on people walking outdoors: the test does not run validly "
                    "and is stored as not measured with the reason, with no score and no flag"),
    "squat": ("squat-side-gym-barbell-portrait.mp4",
              "a real person squatting in a gym (side view, MIT licence), played in a loop"),
    "arm-curl": ("arm-curl-front-home-standing-swsumo.mp4",
                 "a real person curling dumbbells at home (front view, standing: a protocol deviation the "
                 "doctor sees; MIT licence), played in a loop"),
}


def _use_clip(d: ScreenDriver, exercise: str) -> str | None:
    """Point the station's camera at the exercise's clip, unless a real webcam is in use; returns the note."""
    if d.app.cfg.camera.source == "0" or exercise not in DEMO_CLIPS:
        return None
    name, note = DEMO_CLIPS[exercise]
    d.app.cfg = replace(d.app.cfg, camera=replace(d.app.cfg.camera, source=str(CLIPS / name), loop=True))
    return note


async def _camera_test(d: ScreenDriver, tour: Tour, log_: list[dict[str, Any]], *, duration_s: float) -> None:
    cam = d.app.viewmodels["cameraTest"]
    await d.until(lambda: cam.phase == "instructions", 10, "camera instructions")
    exercise = d.app.viewmodels["flow"].currentTest
    note = _use_clip(d, exercise)
    cam.duration_s = duration_s
    await tour.both(f"camera-{exercise}-instructions")
    await d.click("readyButton")
    await d.until(lambda: cam.hasPicture, 30, "the camera picture")
    await asyncio.sleep(1.0)
    await tour.both(f"camera-{exercise}-framing")
    if cam.phase == "framing":  # e.g. the walkers never sit down, so the start check never settles
        await d.click("startNowButton")
    await d.until(lambda: cam.phase == "counting", 20, "counting")
    await asyncio.sleep(min(3.0, duration_s / 2))
    await tour.both(f"camera-{exercise}-counting")
    await d.until(lambda: cam.phase in ("result", "not_measured", "unavailable"), 90, "the camera result")
    await tour.both(f"camera-{exercise}-result")
    tried = d.app.session.not_measured
    entry: dict[str, Any] = {"device": "camera", "exercise": exercise, "phase": cam.phase,
                             "count": cam.property("count") if cam.phase == "result" else None,
                             "footage": note or "the station's webcam"}
    if cam.phase == "not_measured":
        entry.update(not_measured=True, reason=tried[-1].reason.value if tried else None,
                     said=cam.property("resultText"))
    log_.append(entry)
    await d.click("continueButton")


def _step(progress: Any, name: str, units: float = 1.0) -> None:
    """Name the step under way on the progress bar (kiosk.progress.RunProgress), when there is one."""
    if progress is not None:
        progress.step(name, units)


async def resident_session(d: ScreenDriver, tour: Tour, out: Path, *, camera_s: float = 30.0,
                           progress: Any = None) -> dict[str, Any]:
    app = d.app
    _step(progress, "resident: identify, consent, safety questions")
    await tour.both("attract")
    await d.click("startButton")
    await d.wait_screen("Identify")
    await tour.both("identify")
    await d.click("idChoice")
    await d.type_keys(RESIDENT_ID)
    await tour.both("identify-id-number")
    await d.click("numberSubmit")
    await d.wait_screen("Consent")
    await d.click("healthYes")
    if d.app.cfg.camera.source:  # no camera configured: the consent screen does not ask about it
        await d.click("cameraYes")
    await tour.both("consent")
    await d.click("consentContinue")
    await d.wait_screen("Safety")
    for key in SAFETY_KEYS:
        await d.click(f"safety_{key}_no")
    await tour.both("safety")
    await d.click("safetyContinue")
    await d.wait_screen("TestMenu")
    await tour.both("test-menu")
    flow = app.viewmodels["flow"]
    tests: list[dict[str, Any]] = []
    await d.click("fullCheckButton")
    if progress is not None:
        progress.grow(len(getattr(flow, "_full_check", None) or []) * 2.0 - GUESSED_TEST_UNITS)
    while True:
        await d.until(lambda: d.screen in ("DeviceTest", "CameraTest", "Questionnaire", "TestMenu"), 30,
                      "the next test")
        await d.settle(0.3)
        if d.screen == "TestMenu":
            break
        _step(progress, f"resident test {len(tests) + 1}: {flow.currentTest}", 2.0)
        if d.screen == "Questionnaire":
            await _questionnaires(d, tour, tests)
        elif d.screen == "CameraTest":
            await _camera_test(d, tour, tests, duration_s=camera_s)
        else:
            await _device_test(d, tour, flow.currentTest, tests)
    tried = [m.item for m in app.session.measurements] + [n.item for n in app.session.not_measured]
    older = staff_entries(utcnow(), tried)
    for m in older:  # the older-adult tests the station did not try itself: a staff member's entries
        app.session.add_measurement(m)
    await tour.both("test-menu-done")
    _step(progress, "report, printout and PDFs")
    await d.click("finishButton")
    await d.wait_screen("Report")
    await tour.both("report")
    report_vm = app.viewmodels["report"]
    await d.click("printButton")
    await d.until(lambda: report_vm.last_print is not None, 60, "the printout")
    await tour.both("report-printed")
    pdfs = {}
    for lang in app.station.languages:
        app.station.setLanguage(lang)
        await d.settle(0.3)
        pdfs[lang] = out / f"report-{lang}.pdf"
        report_vm.exportPdf(str(pdfs[lang]))
    report = app.session.report or {}
    await d.click("finishButton")
    await d.wait_screen("Attract")
    return {"resident": "scripted resident (GB 11643 example ID, woman born 1949-12-31, aged 76)",
            "age_years": report.get("age_years"),
            "graded_by": {it["item"]: it["graded_by"] for it in report.get("items", []) if isinstance(it, dict)},
            "sppb_total": next((b.get("total") for b in report.get("batteries", []) if isinstance(b, dict)), None),
            "older_adult_battery": {"entered_by_staff": [m.item for m in older],
                                    "note": "older-adult tests the station did not measure itself in this session are "
                                            "entered as a staff member's stopwatch results (invented demo values, "
                                            "ui/demo_older_adult.py)"},
            "session_id": str(report.get("session_id", "")), "tests": tests,
            "tests_done": [t.get("exercise", t["device"]) for t in tests
                           if "problem" not in t and not t.get("stopped_by_resident") and not t.get("not_measured")],
            "not_measured": [{"item": n.get("item"), "reason": n.get("reason"), "report_says": n.get("text")}
                             for n in report.get("not_measured", []) if isinstance(n, dict)],
            "items_reported": [it.get("item") for it in report.get("items", []) if isinstance(it, dict)],
            "flags": [f.get("flag", f.get("name", "")) for f in report.get("flags", []) if isinstance(f, dict)],
            "flag_items": {f.get("name", ""): f.get("items", []) for f in report.get("flags", [])
                           if isinstance(f, dict)},
            "urgent_notices": len(report.get("urgent_notices", [])),
            "printout": {k: str(v) for k, v in vars(report_vm.last_print).items()}
            if hasattr(report_vm.last_print, "__dict__") else str(report_vm.last_print),
            "report_pdf": str(pdfs.get("zh", "")), "report_pdfs": {k: str(v) for k, v in pdfs.items()}}


async def doctor_review(d: ScreenDriver, tour: Tour) -> dict[str, Any]:
    await d.click("staffButton")
    await d.wait_screen("StaffSignIn")
    await d.click("roleDoctor")
    await d.click(f"staff_{DOCTOR}")
    await d.type_keys(DOCTOR_PIN)
    await tour.both("staff-sign-in")
    await d.click("signInButton")
    await d.wait_screen("DoctorQueue")
    await tour.both("doctor-queue")
    await d.click("queueRow_0")
    await d.wait_screen("DoctorSession")
    await tour.both("doctor-session")
    await d.click("tab_history")
    await tour.both("doctor-history")
    await d.click("tab_prescription")
    await tour.both("doctor-prescription")
    await d.click("tab_camera")
    await tour.both("doctor-camera-pictures")
    await d.click("tab_note")
    note = d.app.item("noteField")
    if note is not None:
        note.setProperty("text", "Blood pressure re-check in two weeks; walking programme as prescribed.")
    await tour.both("doctor-note")
    await d.click("signReviewButton")
    await d.wait_screen("DoctorQueue")
    await d.click("signOutButton")
    await d.wait_screen("Attract")
    return {"doctor": DOCTOR, "reviewed": True}


def _render_pdf(pdf: Path) -> list[str]:
    """The PDF's pages as PNG (poppler's pdftoppm), so a person can look at the printout."""
    if not shutil.which("pdftoppm") or not pdf.exists():
        return []
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=60)
    return sorted(str(p) for p in pdf.parent.glob(prefix.name + "-*.png"))


def demo_config(out: Path, endpoint: str, camera_source: str,
                devices: tuple[DeviceConfig, ...] | None = None) -> StationConfig:
    cfg = demo_station(out, endpoint, devices)
    ui = replace(cfg.ui, tts_engine="mock", fullscreen=False, printer="none")
    return replace(cfg, ui=ui, camera=CameraConfig(source=camera_source, loop=True))


GUESSED_TEST_UNITS = 22.0  # eleven tests of two units each, until the full check says how many it has
FIXED_UNITS = 7.0  # start-up, calibration, identify, report, doctor, sync, self-check, PDF pages


def demo_selfcheck(cfg: StationConfig) -> dict[str, Any]:
    """`kiosk selfcheck` on the demo station after its session, the camera on the squat clip (a person at the mark)."""
    from kiosk.selfcheck import to_json_data
    from kiosk.storage import open_store
    from ui.selfcheck import station_lines

    at_the_mark = replace(cfg, camera=replace(cfg.camera, source=str(CLIPS / DEMO_CLIPS["squat"][0])))
    with open_store(at_the_mark) as store:
        return to_json_data(station_lines(at_the_mark, store, camera_s=1.5))


def run(out: Path, *, sim_speed: float = 4.0, camera_s: float = 30.0, progress: Any = None,
        devices: tuple[DeviceConfig, ...] | None = None) -> dict[str, Any]:
    """Run the scripted session headless; write screens, PDFs and ``summary.json`` under ``out``.

    ``camera_s`` is the camera test's length (the standard 30 s; tests shorten it and the summary says so).
    ``progress`` (a ``kiosk.progress.RunProgress`` of ``FIXED_UNITS + GUESSED_TEST_UNITS``) names each step;
    ``devices`` replaces the demo's simulated devices (``kiosk.config.REAL_PROTOCOL_DEMO_DEVICES``).
    """
    from kiosk.staff import StaffRegistry
    from kiosk.storage import open_store
    from sync.testing.fhir_test_server import FhirTestServer
    from ui.demo import demo_camera_source

    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    with FhirTestServer() as server:
        cfg = demo_config(out, server.base_url, demo_camera_source(), devices)
        store = open_store(cfg)
        try:
            staff = StaffRegistry(store)
            staff.add(DOCTOR, "doctor", DOCTOR_PIN, added_by="demo")
            staff.add(TECHNICIAN, "technician", TECHNICIAN_PIN, added_by="demo")
        finally:
            store.close()

        async def scenario(d: ScreenDriver) -> dict[str, Any]:
            tour = Tour(d)
            spoken: list[str] = []  # the voice forgets at each session end; the demo counts the whole run
            d.app.voice.spoken.connect(spoken.append)
            await d.app.manager.wait_until_settled(15.0)
            _step(progress, "technician calibrates the devices")
            calibrations = await calibrate_station(d.app.manager, d.app.store, performed_by=TECHNICIAN)
            dt = d.app.viewmodels["deviceTest"]
            dt.rest_s = BP_REST_S / sim_speed
            dt.grade3_rest_s = BP_GRADE3_REST_S / sim_speed
            session = await resident_session(d, tour, out, camera_s=camera_s, progress=progress)
            _step(progress, "doctor reviews and signs the session")
            review = await doctor_review(d, tour)
            uploader = d.app.uploader
            _step(progress, "results sync to the FHIR test double")
            if uploader is not None:
                uploader.wake()
                await d.until(lambda: d.app.store.outbox_stats().get("pending", 1) == 0, 60, "the outbox to drain")
            return {"calibrations": calibrations, "session": session, "review": review,
                    "screens_visited": list(d.app.station.history), "spoken": spoken,
                    "outbox_after": d.app.store.outbox_stats()}

        _step(progress, "starting the station (screens, simulated devices, pose model)")
        result = run_station(cfg, scenario, shots_dir=out / "screens", sim_speed=sim_speed, timeout_s=900)
        _step(progress, "self-check of the demo station (as `kiosk selfcheck`)", 0.5)
        selfcheck = demo_selfcheck(cfg)
        accepted = server.memory.counts() if hasattr(server.memory, "counts") else None
    session = result["session"]
    _step(progress, "rendering the report PDF to PNG", 0.5)
    session["report_pages"] = _render_pdf(Path(session["report_pdf"])) if session["report_pdf"] else []
    shots = sorted(str(p.relative_to(out)) for p in (out / "screens").rglob("*.png"))
    summary = {"output": str(out), "calibrations": result["calibrations"], "sessions": [session],
               "doctor_review": result["review"], "screens_visited": result["screens_visited"],
               "screenshots": shots, "spoken_sentences": len(result["spoken"]),
               "bp_rest_note": f"waits between blood-pressure readings shortened {sim_speed:g}x for the demo",
               "camera_test_seconds": camera_s, "selfcheck": selfcheck,
               "sync": {"endpoint": "FHIR test double on 127.0.0.1 (a test double, not the regional cloud)",
                        "outbox_after": result["outbox_after"], "server_holds": accepted},
               "seconds": round(time.perf_counter() - started, 1)}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str),
                                      encoding="utf-8")
    log_event(log, logging.INFO, "demo finished", seconds=summary["seconds"], screenshots=len(shots))
    return summary
