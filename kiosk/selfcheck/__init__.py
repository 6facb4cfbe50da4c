"""The station self-check: one pass over everything a station needs, each line pass / warn / fail with what to do.

A check is a function returning one or more ``CheckLine``s. Checks come from every folder (the core's
database, disk and clock here; devices, camera, sync, printer and speech from their own folders) and
are run in order by ``run_checks``; a check that raises becomes a failing line naming the error, so
one broken check never hides the others. The exit code follows the monitoring-plugin convention
(0 all pass, 1 warnings, 2 a failure) so scripts and Nagios-style probes read it directly.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.logs import log_event

log = logging.getLogger("kiosk.selfcheck")


class Status(enum.StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class CheckLine:
    """One verdict: ``area`` groups lines (device, camera, database …), ``action`` says what a technician does."""

    area: str
    name: str
    status: Status
    detail: str
    action: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        return d


Check = Callable[[], "CheckLine | Sequence[CheckLine]"]

EXIT_CODES = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


def run_checks(checks: Iterable[tuple[str, Check]]) -> list[CheckLine]:
    """Run each ``(area, check)`` in order; a check that raises gives a failing line with the error."""
    lines: list[CheckLine] = []
    for area, check in checks:
        try:
            got = check()
        except Exception as e:  # one broken check must not hide the rest
            log_event(log, logging.WARNING, "self-check raised", area=area, error=repr(e))
            got = CheckLine(area, area, Status.FAIL, f"the check itself failed: {type(e).__name__}: {e}",
                            "report this to the station's maintainers with the log")
        lines.extend([got] if isinstance(got, CheckLine) else got)
    for line in lines:
        if line.status is not Status.PASS:
            log_event(log, logging.INFO, "self-check", area=line.area, check=line.name, status=line.status.value,
                      detail=line.detail)
    return lines


def overall(lines: Sequence[CheckLine]) -> Status:
    if any(li.status is Status.FAIL for li in lines):
        return Status.FAIL
    if any(li.status is Status.WARN for li in lines):
        return Status.WARN
    return Status.PASS


def exit_code(lines: Sequence[CheckLine]) -> int:
    """0 every line passes, 1 some warn, 2 some fail (the monitoring-plugin convention)."""
    return EXIT_CODES[overall(lines)]


def format_text(lines: Sequence[CheckLine]) -> str:
    """The lines as a technician reads them: status, area, name, detail, then what to do on the next line."""
    out = []
    for li in lines:
        out.append(f"{li.status.value.upper():<4}  {li.area:<9} {li.name:<22} {li.detail}")
        if li.action and li.status is not Status.PASS:
            out.append(f"{'':<16}{'':<22} -> {li.action}")
    verdict = overall(lines)
    counts = {s: sum(1 for li in lines if li.status is s) for s in Status}
    out.append(f"self-check: {verdict.value.upper()} ({counts[Status.PASS]} pass, {counts[Status.WARN]} warn, "
               f"{counts[Status.FAIL]} fail)")
    return "\n".join(out)


def to_json_data(lines: Sequence[CheckLine]) -> dict[str, Any]:
    return {"status": overall(lines).value, "exit_code": exit_code(lines), "checks": [li.to_dict() for li in lines]}
