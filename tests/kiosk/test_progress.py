"""The demo's progress: named steps, a bar over the whole run, one line a step when not on a terminal."""

from __future__ import annotations

import io

from kiosk.progress import RunProgress, bar, elapsed_text


def test_bar_and_time_text() -> None:
    assert bar(0.5, 10) == "[#####.....]"
    assert bar(-1, 4) == "[....]" and bar(7, 4) == "[####]"
    assert elapsed_text(75) == "1m15s" and elapsed_text(9) == "9s"


def test_a_pipe_gets_one_plain_line_a_step() -> None:
    out, now = io.StringIO(), [0.0]
    p = RunProgress(4, stream=out, tty=False, clock=lambda: now[0])
    p.step("calibrating")
    now[0] = 30
    p.step("resident test 1: bp", 2)
    now[0] = 95
    p.finish("done")
    lines = out.getvalue().splitlines()
    assert lines[0] == "demo [........................]   0%  0s  step 1: calibrating"
    assert lines[1] == "demo [######..................]  25%  30s  step 2: resident test 1: bp"
    assert lines[2] == "demo [##################......]  75%  1m35s  step 2: done"
    assert "\r" not in out.getvalue()


def test_a_terminal_gets_one_line_redrawn_in_place() -> None:
    out = io.StringIO()
    p = RunProgress(2, stream=out, tty=True, clock=lambda: 0.0)
    p.step("a")
    p.step("b")
    p.grow(2)
    p.finish("done")
    text = out.getvalue()
    assert text.count("\r\033[K") == 3 and text.endswith("\n") and text.count("\n") == 1
    assert " 50%" in text.split("\r\033[K")[-1]  # two of four units after the run grew
