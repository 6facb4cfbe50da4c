"""Writing the gait-speed course ([camera.course]) into a station file: the one technician setting the station
writes back, so the course is entered once per station and not copied by hand.

``with_course`` is pure (file text in, file text out): it replaces the ``[camera.course]`` table, or appends
one, and leaves every other line as it was (comments included). ``save_course`` checks that the whole new
file still loads, then replaces the file atomically, keeping its permissions.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from kiosk.config import CameraCourse, course_problem, parse_config
from kiosk.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\s*camera\s*\.\s*course\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def course_table(course: CameraCourse) -> str:
    return ("[camera.course]  # the gait-speed course as the camera sees it (kiosk vision course set)\n"
            f"start_x_px = {float(course.start_x_px)!r}\n"
            f"finish_x_px = {float(course.finish_x_px)!r}\n"
            f"image_width_px = {int(course.image_width_px)}\n"
            f"distance_m = {float(course.distance_m)!r}\n")


def with_course(text: str, course: CameraCourse) -> str:
    """``text`` (a station file) with its ``[camera.course]`` table replaced by ``course``, or one appended."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
    block = course_table(course)
    if start is None:
        if re.search(r"^\s*course\s*=", text, flags=re.MULTILINE) and "camera" in tomllib.loads(text) \
                and "course" in tomllib.loads(text)["camera"]:
            raise ConfigError("the course is written inline in [camera]; remove it and run this again",
                              key="camera.course")
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        return text + sep + block
    end = next((j for j in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[j])), len(lines))
    tail = lines[end:]
    return "".join(lines[:start]) + block + ("\n" if tail else "") + "".join(tail)


def save_course(path: Path, course: CameraCourse) -> None:
    """Write ``course`` into the station file at ``path``; raises ConfigError (and changes nothing) when the
    course is unusable or the resulting file would not load."""
    problem = course_problem(course)
    if problem is not None:
        raise ConfigError(f"expected {problem[1]}", path=str(path), key=f"camera.course.{problem[0]}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    new = with_course(text, course)
    try:
        parse_config(tomllib.loads(new), source=str(path))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"the station file would not be valid TOML: {e}", path=str(path)) from None
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=".station-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
