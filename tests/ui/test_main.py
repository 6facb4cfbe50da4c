"""The kiosk runner: the windowed demo starts, calibrates, serves, and closes cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.ui.conftest import ROOT

SCRIPT = """
import sys
from dataclasses import replace
from kiosk.config import demo_config
from ui.main import prepare_demo_station, run_kiosk
cfg = demo_config(sys.argv[1])
cfg = replace(cfg, ui=replace(cfg.ui, tts_engine="mock"))
sys.exit(run_kiosk(cfg, sim_speed=8.0, windowed=True, after_start=prepare_demo_station))
"""


def test_the_windowed_demo_starts_calibrated_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path / "var")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "calibration balance" in line:
                break
        assert any("Demo staff" in x for x in lines), "".join(lines)[-2000:]
        assert any("calibration grip" in x and "passed" in x for x in lines), "".join(lines)[-2000:]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, "".join(lines)[-1000:] + out[-2000:]
