"""The fleet commands: `kiosk selfcheck`, `kiosk metrics show` and `kiosk service install|uninstall|show`.

They are registered by the ``ui`` wing (which may use every folder); none opens the touch screen.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "selfcheck", help="check everything the station needs; each line pass / warn / fail with what to do",
        description="One pass over the devices (reachable, calibration due), the camera (picture, light, framing), "
                    "the database (integrity, schema), disk space and the days of data it leaves, the clock "
                    "(time sync, and the sync server's clock), the sync endpoint (reachable, capabilities), the "
                    "upload queue, the printer, the speech engine and the CJK fonts. Exit code: 0 all pass, "
                    "1 some warn, 2 some fail. Without --config: the demo station (its cached camera clip).")
    p.add_argument("--json", action="store_true", help="print JSON (status, exit_code, checks[])")
    p.add_argument("--no-camera", action="store_true", help="skip the camera lines (a resident is using it)")
    p.add_argument("--camera-seconds", type=float, default=2.0, metavar="S", help="how long to watch the camera")
    p.set_defaults(func=_selfcheck)

    from ui.metrics_cli import register as register_metrics

    register_metrics(sub)
    from ui.cli_service import register as register_service

    register_service(sub)



def _selfcheck(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from kiosk.native_stderr import route_native_stderr
    from kiosk.selfcheck import exit_code, format_text, to_json_data
    from kiosk.storage import Create, open_store
    from ui import qt_env

    cfg = station_config(args)
    # before stderr is rerouted, so a refusal (no database here: `kiosk db init`) reaches the terminal
    with open_store(cfg, create=Create.NEVER) as store:
        qt_env.prepare(headless=True)  # the Qt checks need an application object, never a window
        route_native_stderr()
        from ui.app import qt_application
        from ui.selfcheck import station_lines

        qt_application()  # the printer, speech and font checks ask Qt; no window is shown
        if cfg.source == "<defaults>":
            from ui.main import with_demo_camera

            cfg = with_demo_camera(cfg)
        lines = station_lines(cfg, store, camera_s=args.camera_seconds, with_camera=not args.no_camera)
    if args.json:
        print(json.dumps(to_json_data(lines), ensure_ascii=False, indent=2))
    else:
        print(format_text(lines))
    sys.stdout.flush()
    return exit_code(lines)
