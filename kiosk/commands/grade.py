"""`kiosk grade FILE.json [FILE …] [--html OUT]`: grade sessions from files and print the reports as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.errors import InputError, NormPackError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade session files (docs/grade-format.md) and print the reports as JSON",
                       description="Grade one or more session files and print each report as JSON (one file: an "
                                   "object; several: a list). The norm packs are the station's (see --config).")
    p.add_argument("files", nargs="+", metavar="FILE.json")
    p.add_argument("--html", metavar="OUT", help="also write the HTML report: a file for one input, a folder "
                                                 "(one <name>.html per input) for several")
    p.add_argument("--pack", action="append", metavar="NAME_OR_DIR",
                   help="grade with this norm pack instead of the configured ones (repeatable; a folder path "
                        "loads a pack that is not shipped, e.g. the 2023 tables)")
    p.set_defaults(func=_grade)


def _grade(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.grade_input import read_grade_file
    from kiosk.grading import grade_session
    from kiosk.norms import load_norm_set
    from kiosk.report_html import render_report_html

    try:
        norms = load_norm_set(args.pack or list(station_config(args).norm_packs))
    except NormPackError as e:
        print(f"kiosk grade: norm pack error: {e}", file=sys.stderr)
        return 1
    reports = []
    for name in args.files:
        try:
            req = read_grade_file(name, norms)
            reports.append((Path(name), grade_session(req.session, norms, req.previous)))
        except InputError as e:
            where = f"{e.field}: " if e.field and e.field != name else ""
            detail = str(e).removeprefix(f"{e.field}: ") if e.field else str(e)
            print(f"kiosk grade: {name}: {where}{detail}", file=sys.stderr)
            return 1
    dicts = [r.to_dict() for _, r in reports]
    print(json.dumps(dicts[0] if len(dicts) == 1 else dicts, ensure_ascii=False, indent=2))
    if args.html:
        out = Path(args.html)
        try:
            if len(reports) == 1:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(render_report_html(reports[0][1]), encoding="utf-8")
            else:
                out.mkdir(parents=True, exist_ok=True)
                for src, r in reports:
                    (out / f"{src.stem}.html").write_text(render_report_html(r), encoding="utf-8")
        except OSError as e:
            print(f"kiosk grade: cannot write the HTML report to {out}: {e.strerror}", file=sys.stderr)
            return 1
    return 0
