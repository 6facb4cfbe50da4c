"""Progress for long command-line runs (the demo): each step named, with a bar over the whole run.

On a terminal the bar redraws in place; into a pipe or a log (make under CI) each step is one plain
line, so the output stays readable when it is not a terminal. Time is passed in, so tests are exact.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 24


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """``[#########...............]`` for a fraction clamped to 0..1."""
    f = min(max(fraction, 0.0), 1.0)
    filled = round(f * width)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def elapsed_text(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}m{s:02d}s" if m else f"{s}s"


class RunProgress:
    """``total`` units of work; ``step(name, units)`` starts a named step that will take ``units`` of them."""

    def __init__(self, total: float, *, stream: TextIO | None = None, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, label: str = "demo") -> None:
        self.total = max(total, 1e-9)
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.label = label
        self.started = clock()
        self.done_units = 0.0
        self._step = ""
        self._step_units = 0.0
        self._count = 0

    @property
    def fraction(self) -> float:
        return min(self.done_units / self.total, 1.0)

    def _line(self) -> str:
        took = elapsed_text(self.clock() - self.started)
        percent = f"{self.fraction * 100:3.0f}%"
        return f"{self.label} {bar(self.fraction)} {percent}  {took}  step {self._count}: {self._step}"

    def step(self, name: str, units: float = 1.0) -> None:
        """Finish the step under way (its units count as done) and start ``name``."""
        self.done_units += self._step_units
        self._step, self._step_units = name, units
        self._count += 1
        self._write()

    def grow(self, extra: float) -> None:
        """The run turned out longer (a full check with more tests than guessed)."""
        self.total += extra

    def _write(self) -> None:
        if self.tty:
            self.stream.write("\r\033[K" + self._line())
        else:
            self.stream.write(self._line() + "\n")
        self.stream.flush()

    def finish(self, message: str) -> None:
        self.done_units += self._step_units
        self._step_units = 0.0
        self._step = message
        if self.tty:
            self.stream.write("\r\033[K" + self._line() + "\n")
        else:
            self.stream.write(self._line() + "\n")
        self.stream.flush()
