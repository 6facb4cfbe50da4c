"""A doctor's correction of a camera-counted test: kept beside the camera's count, never in its place.

The stored measurement keeps what the camera counted. ``corrected_measurements`` gives the copies that
grading uses (same ids, the doctor's count as value), and ``mark_report`` writes into a graded report
dict, per corrected item and trial, who corrected it and what the camera counted, so every screen and
the synced report can say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.domain import Measurement, Method
from kiosk.errors import InputError

MAX_COUNT = 200


@dataclass(frozen=True)
class CountCorrection:
    """The doctor's count for one camera measurement (``camera_count`` is what the camera said)."""

    session_id: str
    measurement_id: str
    item: str
    camera_count: int
    corrected_count: int
    corrected_by: str
    corrected_at: datetime
    report_id: str | None = None  # the report graded with this correction
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "session_id": self.session_id, "measurement_id": self.measurement_id,
                "item": self.item, "camera_count": self.camera_count, "corrected_count": self.corrected_count,
                "corrected_by": self.corrected_by, "corrected_at": self.corrected_at.isoformat(),
                "report_id": self.report_id}


def check_correction(measurement: Measurement, corrected_count: int) -> None:
    """InputError unless ``measurement`` is a camera count and ``corrected_count`` a plausible count."""
    if measurement.method is not Method.CAMERA or measurement.unit != "count":
        raise InputError(f"only a camera count can be corrected, not {measurement.item} ({measurement.method})",
                         field="measurement")
    if not 0 <= int(corrected_count) <= MAX_COUNT:
        raise InputError(f"a count between 0 and {MAX_COUNT} was expected, got {corrected_count}",
                         field="corrected_count")


def latest_by_measurement(corrections: Iterable[CountCorrection]) -> dict[str, CountCorrection]:
    """The newest correction of each measurement (corrections come oldest first; a later one supersedes)."""
    return {c.measurement_id: c for c in corrections}


def corrected_measurements(measurements: Sequence[Measurement],
                           corrections: Iterable[CountCorrection]) -> tuple[Measurement, ...]:
    """The measurements as grading should see them: a corrected one carries the doctor's count."""
    latest = latest_by_measurement(corrections)
    return tuple(replace(m, value=float(latest[str(m.id)].corrected_count)) if str(m.id) in latest else m
                 for m in measurements)


def mark_report(report: Mapping[str, Any], corrections: Iterable[CountCorrection]) -> dict[str, Any]:
    """A copy of ``report`` whose corrected trials and items say ``count_correction``: by whom, the camera's
    count and the doctor's (the graded value itself comes from grading the corrected measurements)."""
    latest = latest_by_measurement(corrections)
    out = dict(report)
    items = []
    for item in report.get("items") or ():
        item = dict(item)
        trials = []
        for t in item.get("trials") or ():
            t = dict(t)
            c = latest.get(str(t.get("measurement_id")))
            if c is not None:
                t["count_correction"] = _note(c)
                item["count_correction"] = _note(c)
            trials.append(t)
        item["trials"] = trials
        items.append(item)
    out["items"] = items
    out["count_corrections"] = [c.to_dict() for c in latest.values()]
    return out


def _note(c: CountCorrection) -> dict[str, Any]:
    return {"camera_count": c.camera_count, "corrected_count": c.corrected_count, "corrected_by": c.corrected_by,
            "corrected_at": c.corrected_at.isoformat(), "correction_id": c.id}
