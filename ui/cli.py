"""`kiosk station` (the touch screen) and `kiosk demo` (the station on simulated devices)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "station", help="open the touch screen station (fullscreen kiosk; staff leave it with a PIN)",
        description="Open the station as configured (--config; the demo station on simulators without it). "
                    "Staff close it by holding the top-left corner for three seconds and typing a staff PIN.")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen (for set-up)")
    p.set_defaults(func=_station)

    p = sub.add_parser(
        "demo", help="the station on simulated devices: a window with a display, else a scripted session headless",
        description="With a display: opens the station on simulated devices and a camera (the webcam if present, "
                    "else a cached real video clip). With no display: a simulated technician calibrates the "
                    "devices, then a scripted resident goes through the real screens offscreen (identify, consent, "
                    "safety, device tests, a camera chair stand on the clip, the report), a doctor reviews the "
                    "session, and the results sync to a FHIR test double on 127.0.0.1. Every screen is saved as PNG "
                    "in both languages, with the report PDF and summary.json, in the output folder.")
    p.add_argument("--out", default="out/demo", help="output folder for the headless run (default: out/demo)")
    p.add_argument("--speed", type=float, default=4.0,
                   help="how many times faster than real time the simulated devices run (default: 4)")
    p.add_argument("--headless", action="store_true", help="run the scripted session even when there is a display")
    p.add_argument("--real-protocols", action="store_true",
                   help="simulate bought devices speaking their public protocols (Vernier Go Direct grip and "
                        "spirometer, Wii Balance Board and a USB button box through evdev, a Xiaomi scale's "
                        "advertisements) instead of the "
                        "station's own serial instruments")
    p.set_defaults(func=_demo)

    from ui.cli_fleet import register as register_fleet

    register_fleet(sub)


def _station(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.native_stderr import route_native_stderr
    from ui.main import run_kiosk

    cfg = station_config(args)
    if args.config:  # a real station never starts on a new, empty database: that is `kiosk db init`
        from kiosk.storage import Create, open_store

        open_store(cfg, create=Create.NEVER).close()
    route_native_stderr()  # mediapipe's and Qt's C++ messages into the station's log, by level (after any refusal)
    return run_kiosk(cfg, windowed=args.windowed)


def _demo(args: argparse.Namespace) -> int:
    from kiosk.config import DEMO_DEVICES, REAL_PROTOCOL_DEMO_DEVICES, demo_config
    from kiosk.native_stderr import route_native_stderr
    from ui import qt_env

    route_native_stderr()
    devices = REAL_PROTOCOL_DEMO_DEVICES if args.real_protocols else DEMO_DEVICES
    if args.headless or not qt_env.has_display():
        return _headless_demo(Path(args.out), args.speed, devices)
    from ui.main import prepare_demo_station, run_kiosk, with_demo_camera

    return run_kiosk(with_demo_camera(demo_config(devices=devices)), sim_speed=1.0, windowed=True,
                     after_start=prepare_demo_station)


def _headless_demo(out: Path, speed: float, devices: tuple = ()) -> int:  # type: ignore[type-arg]
    from kiosk.progress import RunProgress
    from ui.demo_screens import FIXED_UNITS, GUESSED_TEST_UNITS, run

    print("The scripted station session: a technician calibrates, a resident does a full check, a doctor "
          "reviews, results sync (about 5 minutes; every screen saved in Chinese and English).")
    progress = RunProgress(FIXED_UNITS + GUESSED_TEST_UNITS)
    summary = run(out, sim_speed=speed, progress=progress, devices=devices or None)
    progress.finish("done")
    print(f"Scripted station session finished in {summary['seconds']} s. Output in {out}/")
    for cal in summary["calibrations"]:
        print(f"  calibration {cal['device']:<15} {cal['procedure']:<28} {cal['result']}")
    for s in summary["sessions"]:
        print(f"  {s['resident']}: tests {', '.join(s['tests_done'])}; flags: {', '.join(s['flags']) or 'none'}")
        print(f"     report PDF: {s['report_pdf']}")
    print(f"  screens: {len(summary['screenshots'])} PNGs in {out / 'screens'}/ (zh and en)")
    print(f"  sync: {json.dumps(summary['sync'], default=str)}")
    check = summary["selfcheck"]
    counts = {s: sum(1 for c in check["checks"] if c["status"] == s) for s in ("pass", "warn", "fail")}
    print(f"  self-check: {check['status'].upper()} ({counts['pass']} pass, {counts['warn']} warn, "
          f"{counts['fail']} fail; `kiosk selfcheck` runs it on a station)")
    for c in check["checks"]:
        if c["status"] != "pass":
            print(f"     {c['status']}: {c['area']} {c['name']}: {c['detail']}")
    print(f"  summary: {out / 'summary.json'}")
    return 0
