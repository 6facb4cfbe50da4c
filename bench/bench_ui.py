"""UI benchmark: cold start to the attract screen, and the interface's frame time during a camera test.

Targets (issue 6): the attract screen's first frame ≤ 3 s after the process starts, on 2 cores; the UI stays
responsive while the pose pipeline runs, p95 frame time ≤ 33 ms.

Each measurement runs in a fresh Python process (``python -m bench.bench_ui --child ...``), as the kiosk
starts, with the offscreen platform and the software Qt Quick renderer (the headless setting, see
DESIGN "Running it headless"). Cold start: from the parent's spawn to the window's first ``frameSwapped``,
median of 3. Frame time: the camera test runs on the cached sports2d clip while the window is asked to
redraw continuously (``update()`` after every ``frameSwapped``, like a 60 Hz animation), so each interval
between two swaps is one full frame: the GUI thread's own work (updates, published pictures), sync and
render. Measured over ``FRAME_WINDOW_S`` of counting, for 2 workers and the lighter options (1 worker,
inference on every 2nd frame).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FRAME_WINDOW_S = 20.0
COLD_RUNS = 3
CONFIGS = (("2 workers", 2, 1), ("1 worker", 1, 1), ("2 workers, every 2nd frame", 2, 2),
           ("1 worker, every 2nd frame", 1, 2))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"), QT_QUICK_BACKEND="software",
               QSG_RENDER_LOOP="basic", PYTHONPATH=str(ROOT))
    return env


def _child(args: list[str], timeout_s: float) -> dict[str, Any]:
    spawned = time.time()
    proc = subprocess.run([sys.executable, "-m", "bench.bench_ui", "--child", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=timeout_s)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"child {args} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["spawned_at"] = spawned
    return figures


def run(out_dir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = {"cpus": os.cpu_count(), "load_avg_1min_before": round(os.getloadavg()[0], 2)}
    cold = []
    for _ in range(COLD_RUNS):
        r = _child(["cold"], 120)
        cold.append(r["first_frame_at"] - r["spawned_at"])
        figures["cold_build_s"] = r["build_s"]
    figures["cold_start_to_attract_median_s"] = round(statistics.median(cold), 2)
    figures["cold_start_runs_s"] = [round(c, 2) for c in cold]
    figures["cold_start_target_met"] = figures["cold_start_to_attract_median_s"] <= 3.0
    from tests.vision.footage import SPORTS2D_DEMO, fetch_footage

    clip = fetch_footage(SPORTS2D_DEMO)
    for label, workers, stride in CONFIGS:
        r = _child(["frames", "--clip", str(clip), "--workers", str(workers), "--stride", str(stride)], 300)
        key = label.replace(" ", "_").replace(",", "")
        for name in ("frame_p50_ms", "frame_p95_ms", "frame_max_ms", "frames", "render_p95_ms", "timer_late_p95_ms",
                     "pipeline_fps", "pictures_published"):
            figures[f"{key}.{name}"] = r[name]
        figures[f"{key}.target_met"] = r["frame_p95_ms"] <= 33.0
    figures["load_avg_1min_after"] = round(os.getloadavg()[0], 2)
    (out_dir / "bench_ui.json").write_text(json.dumps(figures, indent=2))
    return figures


# ---- the child processes ---------------------------------------------------------------------------
def _cold() -> dict[str, Any]:
    """Build the station on the demo configuration, show it, report the attract screen's first frame."""
    import asyncio
    from dataclasses import replace

    from kiosk.config import demo_config
    from ui.app import StationApp, qt_application
    from ui.loop import StationLoop

    tmp = tempfile.mkdtemp(prefix="bench-ui-")
    cfg = demo_config(str(Path(tmp) / "var"))
    cfg = replace(cfg, ui=replace(cfg.ui, tts_engine="mock", fullscreen=False, printer="none"))
    loop = StationLoop(qt_application())
    asyncio.set_event_loop(loop)
    out: dict[str, Any] = {}

    async def main() -> None:
        app = StationApp(cfg, start_uploader=False)
        out["build_s"] = round(app.build_s, 3)
        shown = asyncio.get_event_loop().create_future()

        def swapped() -> None:
            if not shown.done():
                out["first_frame_at"] = time.time()
                shown.set_result(True)

        window = app.show()
        window.frameSwapped.connect(swapped)
        await asyncio.wait_for(shown, 60)
        out["screen"] = app.station.screen
        await app.close()

    loop.run_until_complete(main())
    return out


def _frames(clip: str, workers: int, stride: int) -> dict[str, Any]:
    """Frame times while the camera test counts on the clip, the window redrawing continuously."""
    import asyncio
    from dataclasses import replace

    import numpy as np
    from PySide6.QtCore import QTimer

    from kiosk.config import CameraConfig, demo_config
    from kiosk.domain import Sex
    from ui.driver import ScreenDriver, run_station

    tmp = tempfile.mkdtemp(prefix="bench-ui-")
    cfg = demo_config(str(Path(tmp) / "var"))
    cfg = replace(cfg, ui=replace(cfg.ui, tts_engine="mock", fullscreen=False, printer="none"),
                  camera=CameraConfig(source=clip, loop=True))

    async def scenario(d: ScreenDriver) -> dict[str, Any]:
        d.app.session.start_guest(Sex.FEMALE, 1950)
        d.app.session.set_consent(True, True)
        d.app.session.set_safety({})
        model = d.app.viewmodels["cameraTest"]
        model.workers, model.frame_stride = workers, stride
        model.duration_s, model.countdown_s, model.framing_hold_s = FRAME_WINDOW_S + 10, 1, 600.0
        d.app.station.go("CameraTest")
        model.begin("chair-stand")
        await d.click("readyButton")
        await d.until(lambda: model.hasPicture, 60, "the live picture")
        await d.click("startNowButton")
        await d.until(lambda: model.phase == "counting", 10, "counting")
        await asyncio.sleep(2.0)  # past the "Go" and the first frames
        window = d.app.window
        swaps: list[float] = []
        sync_at: list[float] = []
        renders: list[float] = []
        late: list[float] = []

        def before() -> None:
            sync_at.append(time.perf_counter())

        def swapped() -> None:
            now = time.perf_counter()
            swaps.append(now)
            if sync_at:
                renders.append(now - sync_at[-1])
            window.update()  # redraw again at once: a continuously animating screen

        timer_due = [time.perf_counter() + 0.01]

        def timer_tick() -> None:  # how late a 10 ms timer fires: the GUI thread's responsiveness
            now = time.perf_counter()
            late.append(max(0.0, now - timer_due[0]))
            timer_due[0] = now + 0.01

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(timer_tick)
        window.beforeSynchronizing.connect(before)
        window.frameSwapped.connect(swapped)
        published0 = d.app.camera.revision
        stats0 = model.pipeline.stats()
        timer.start()
        window.update()
        await asyncio.sleep(FRAME_WINDOW_S)
        timer.stop()
        window.frameSwapped.disconnect(swapped)
        stats1 = model.pipeline.stats() if model.pipeline is not None else stats0
        phase = model.phase
        ms = np.diff(np.asarray(swaps)) * 1000.0
        fps = ((stats1.frames_processed - stats0.frames_processed) / (stats1.elapsed_s - stats0.elapsed_s)
               if stats1.elapsed_s > stats0.elapsed_s else 0.0)
        model.stop()
        return {"frames": len(ms), "frame_p50_ms": round(float(np.percentile(ms, 50)), 1),
                "frame_p95_ms": round(float(np.percentile(ms, 95)), 1), "frame_max_ms": round(float(ms.max()), 1),
                "render_p95_ms": round(float(np.percentile(np.asarray(renders) * 1000, 95)), 1),
                "timer_late_p95_ms": round(float(np.percentile(np.asarray(late) * 1000, 95)), 1),
                "pipeline_fps": round(fps, 1), "pictures_published": d.app.camera.revision - published0,
                "phase_at_end": phase}

    return run_station(cfg, scenario, start_uploader=False)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ui")
    parser.add_argument("--child", choices=("cold", "frames"))
    parser.add_argument("--clip", default="")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stride", type=int, default=1)
    args = parser.parse_args()
    if args.child == "cold":
        print(json.dumps(_cold()), flush=True)
    elif args.child == "frames":
        print(json.dumps(_frames(args.clip, args.workers, args.stride)), flush=True)
    else:
        out = ROOT / "out" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        for k, v in run(out).items():
            print(f"   {k:<56} {v}")


if __name__ == "__main__":
    main()
