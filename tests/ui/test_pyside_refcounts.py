"""Guard for the PySide6 pin: Python callbacks called from Qt must not lose references to None or True.

PySide6 6.12.0 drops one reference to a callback's ``None`` result on every call from C++ (a timer,
a slot, a virtual override such as qasync's ``timerEvent``): a station aborts with ``none_dealloc``
after some tens of thousands of event-loop callbacks, i.e. within minutes of a balance test.
6.11.3 is clean. ``setup.cfg`` therefore pins ``PySide6-* < 6.12``; this test fails on a bad version.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.ui.conftest import ROOT

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
n = [0]
def tick():
    n[0] += 1
before = sys.getrefcount(None)
for _ in range(5000):
    QTimer.singleShot(0, tick)
while n[0] < 5000:
    app.processEvents()
print(sys.getrefcount(None) - before)
"""


def test_qt_calling_python_keeps_none_alive() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-800:]
    drift = int(proc.stdout.split()[-1])
    assert drift > -100, (f"this PySide6 loses a reference to None per callback ({drift} over 5000 calls); "
                          "the station would abort within minutes — keep PySide6 below 6.12 (setup.cfg)")
