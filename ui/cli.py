"""`kiosk demo`: the scripted station day on simulated devices (headless until the touch screens land)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="run a scripted station day on simulated devices and write reports and a summary",
        description="A technician calibrates every simulated device, two scripted residents test themselves, "
                    "each session is stored, graded, written as report.json and report.html, and synced to a "
                    "FHIR test double on 127.0.0.1. Everything but the residents' choices is the real code path.")
    p.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    p.add_argument("--speed", type=float, default=4.0,
                   help="how many times faster than real time the simulated devices run (default: 4)")
    p.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from ui.demo import run

    out = Path(args.out)
    summary = run(out, sim_speed=args.speed)
    print(f"Station day finished in {summary['seconds']} s. Output in {out}/")
    for cal in summary["calibrations"]:
        print(f"  calibration {cal['device']:<15} {cal['procedure']:<28} {cal['result']}")
    for s in summary["sessions"]:
        grade = s["national_grade"]
        if s["national_total"] is None:
            national = "no national standard covers this age"
        elif isinstance(grade, dict) and grade.get("level"):
            national = f"national total {s['national_total']}, grade: {grade['en']}"
        else:
            national = f"national total {s['national_total']}, not rated ({'; '.join(s['not_rated_because'])})"
        flags = ", ".join(s["flags"]) or "none"
        print(f"  {s['resident']}: {len(s['tests'])} device tests; {national}; flags: {flags}")
        failed = [t for t in s["tests"] if "error" in t]
        for t in failed:
            print(f"     ! {t['device']} trial {t['trial']}: {t['error']}")
        print(f"     report: {s['report_html']}")
    sync = summary["sync"]
    print(f"  sync: {json.dumps(sync['drain'], default=str)}")
    print(f"  summary: {out / 'summary.json'}")
    return 0
