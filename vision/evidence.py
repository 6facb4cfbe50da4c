"""Which camera frames a doctor sees as evidence of a test: each counted repetition at its top and bottom,
and the moment of every pause — chosen from a short ring of recent frames, by time (pure; no I/O).

A repetition's top and bottom are only known once it completes, so frames are kept for a few seconds
(``FrameRing``) and picked afterwards. The frame itself is opaque here (the station passes JPEG bytes).
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_STILLS_PER_TEST = 40
RING_SECONDS = 6.0


class Moment(enum.StrEnum):
    BOTTOM = "bottom"  # seated (chair stand), deepest point (squat), arm extended (curl)
    TOP = "top"  # standing, back up from the squat, full flexion
    PAUSE = "pause"  # counting paused: the person left the view


@dataclass(frozen=True)
class StillChoice:
    """One chosen frame: what moment it shows, of which repetition (None for a pause), when it was taken."""

    moment: Moment
    rep: int | None
    at_s: float
    frame: Any


def rep_moments(exercise: str, started_at_s: float, completed_at_s: float,
                evidence: Mapping[str, Any] | None = None) -> tuple[float, float]:
    """(bottom_s, top_s) of one repetition: the analyser's ``bottom_at_s`` / ``top_at_s`` when it gives them.

    Otherwise: a chair stand or curl starts at its bottom and completes at its top; a squat starts at the
    top, so its top is ``started_at_s`` and its bottom is taken halfway between start and completion.
    """
    ev = evidence or {}
    if exercise == "squat":
        bottom, top = (started_at_s + completed_at_s) / 2.0, started_at_s
    else:
        bottom, top = started_at_s, completed_at_s
    b, t = ev.get("bottom_at_s"), ev.get("top_at_s")
    return (float(b) if isinstance(b, int | float) else bottom, float(t) if isinstance(t, int | float) else top)


class FrameRing:
    """The frames of the last ``seconds`` (time in seconds, increasing), to pick one by time afterwards;
    at most one every ``min_gap_s`` (``wants`` says whether a frame at a time would be kept)."""

    def __init__(self, seconds: float = RING_SECONDS, *, min_gap_s: float = 0.0) -> None:
        self.seconds, self.min_gap_s = seconds, min_gap_s
        self._frames: deque[tuple[float, Any]] = deque()

    def wants(self, at_s: float) -> bool:
        return not self._frames or at_s - self._frames[-1][0] >= self.min_gap_s - 1e-6

    def add(self, at_s: float, frame: Any) -> None:
        if not self.wants(at_s):
            return
        self._frames.append((at_s, frame))
        while self._frames and self._frames[0][0] < at_s - self.seconds:
            self._frames.popleft()

    def nearest(self, at_s: float) -> tuple[float, Any] | None:
        """The kept frame closest in time to ``at_s`` (None when nothing is kept)."""
        return min(self._frames, key=lambda f: abs(f[0] - at_s), default=None)

    def __len__(self) -> int:
        return len(self._frames)


class StillPicker:
    """Feed it frames (``add_frame``) and analyser events (``on_event``, duck-typed: kind, at_s, evidence);
    ``stills`` holds what was chosen, at most ``cap``: bottoms and tops of counted reps, and pauses."""

    def __init__(self, exercise: str, *, cap: int = MAX_STILLS_PER_TEST, ring: FrameRing | None = None) -> None:
        self.exercise, self.cap = exercise, cap
        self.ring = ring or FrameRing()
        self.stills: list[StillChoice] = []
        self._rep_started_s: float | None = None
        self.dropped = 0  # choices not kept because the cap was reached

    def add_frame(self, at_s: float, frame: Any) -> None:
        self.ring.add(at_s, frame)

    def on_event(self, event: Any) -> list[StillChoice]:
        """The stills this event chose (already appended to ``stills``)."""
        kind = str(getattr(event.kind, "value", event.kind))
        if kind == "rep_started":
            self._rep_started_s = event.at_s
            return []
        if kind == "paused":
            return self._keep([(Moment.PAUSE, None, event.at_s)])
        if kind != "rep_completed" or event.evidence.get("counted", True) is False:
            return []
        started = self._rep_started_s if self._rep_started_s is not None else event.at_s
        self._rep_started_s = None
        index = event.evidence.get("index")
        bottom, top = rep_moments(self.exercise, started, event.at_s, event.evidence)
        first = [(Moment.BOTTOM, index, bottom), (Moment.TOP, index, top)]
        return self._keep(sorted(first, key=lambda m: m[2]))

    def _keep(self, wanted: list[tuple[Moment, int | None, float]]) -> list[StillChoice]:
        out = []
        for moment, rep, at_s in wanted:
            found = self.ring.nearest(at_s)
            if found is None:
                continue
            if len(self.stills) >= self.cap:
                self.dropped += 1
                continue
            choice = StillChoice(moment, int(rep) if isinstance(rep, int) else None, found[0], found[1])
            self.stills.append(choice)
            out.append(choice)
        return out
