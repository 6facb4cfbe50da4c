"""The analyser contract: events, results and the base state machine that gates counting on framing.

Every analyser is a deterministic state machine over (timestamp, landmarks). ``feed`` takes one
PoseFrame and returns the events it caused; ``result`` gives the result so far (final once the test
has finished). The base class owns what all of them share: the start signal and the test clock,
the framing/visibility gate with its debounce (count nothing while the person is out of frame or a
needed landmark is hidden, say why, resume when they return) and event construction.
"""

from __future__ import annotations

import enum
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from kiosk.logs import log_event
from vision.analysers.view import View, ViewTracker
from vision.framing import HINT_TEXT, FramingHint, check_framing
from vision.landmarks import PoseFrame

logger = logging.getLogger(__name__)


class EventKind(enum.StrEnum):
    FRAMING = "framing"  # waiting for a usable view; evidence carries the hints
    READY = "ready"  # the view became usable for the first time
    TEST_STARTED = "test_started"
    PAUSED = "paused"  # counting paused; evidence carries the reason
    RESUMED = "resumed"
    REP_STARTED = "rep_started"
    REP_COMPLETED = "rep_completed"
    REP_REJECTED = "rep_rejected"  # an attempt that does not count (half stand, partial curl)
    FORM_FAULT = "form_fault"
    HOLD_STARTED = "hold_started"
    HOLD_ENDED = "hold_ended"
    TEST_FINISHED = "test_finished"
    VIEW_CHANGED = "view_changed"  # the camera view found from the landmarks changed (front / side)


class InvalidReason(enum.StrEnum):
    """Why a camera test gives no score (it is stored as not measured, never graded or sent as a value)."""

    NOT_STARTED = "not_started"  # no start signal, or the test has not ended yet
    NEVER_SEEN = "never_seen"  # the person was never usable in view during the test
    OUT_OF_VIEW = "out_of_view"  # paused for too much of the test
    NO_START_POSTURE = "no_start_posture"  # never seen in the exercise's starting posture (not doing this test)
    INCOMPLETE = "incomplete"  # the video or camera ended before the test's time was up
    FAILED = "failed"  # the camera or the pipeline failed
    STOPPED = "stopped"  # stopped by staff or the station, not finished


# End reasons that end a test validly: the time ran out, or the resident chose to stop (the count so far stands).
VALID_END_REASONS = frozenset({"time_up", "resident_stopped", "hold_ended"})


class ResultStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class RepGrade(enum.StrEnum):
    GOOD = "good"
    SHALLOW = "shallow"
    FAULTED = "faulted"


def _frozen(evidence: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(evidence or {}))


def _plain(value: Any) -> Any:
    """A JSON-able copy of ``value`` (enums to their value, mappings to dicts, floats rounded)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        f = float(value)
        return round(f, 4) if math.isfinite(f) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(frozen=True)
class AnalyserEvent:
    """Something that happened at ``at_s``: ``message`` is a stable key, ``text`` plain words for a resident."""

    kind: EventKind
    at_s: float
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", _frozen(self.evidence))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "at_s": round(self.at_s, 3), "message": self.message,
                "text": self.text, "evidence": _plain(self.evidence)}


@dataclass(frozen=True)
class RepRecord:
    """One repetition (or stand, or curl): when, whether it counted, its grade and why."""

    index: int
    started_at_s: float
    completed_at_s: float
    counted: bool
    grade: RepGrade
    faults: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "evidence", _frozen(self.evidence))

    def to_dict(self) -> dict[str, Any]:
        return _plain({"index": self.index, "started_at_s": self.started_at_s, "completed_at_s": self.completed_at_s,
                       "counted": self.counted, "grade": self.grade, "faults": self.faults,
                       "evidence": self.evidence})


@dataclass(frozen=True)
class ExerciseResult:
    """The outcome of one exercise test.

    ``count`` is the score (stands, curls or squat repetitions counted); ``hold_time_s`` is the
    single-leg stand time to 0.1 s. ``fault_counts`` counts form faults by key; ``notes`` names
    rules applied or checks not possible from this camera view.
    """

    exercise: str
    status: ResultStatus
    view: View
    count: int = 0
    reps: tuple[RepRecord, ...] = ()
    started_at_s: float | None = None
    ended_at_s: float | None = None
    duration_s: float | None = None
    hold_time_s: float | None = None
    end_reason: str | None = None
    paused_s: float = 0.0
    fault_counts: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    measures: Mapping[str, Any] = field(default_factory=dict)
    valid: bool = False
    invalid_reason: str | None = None
    deviations: tuple[str, ...] = ()
    value: float | None = None  # a timed test's score in ``unit`` (TUG seconds, gait speed m/s); None: ``count``
    unit: str = "count"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fault_counts", _frozen(self.fault_counts))
        object.__setattr__(self, "measures", _frozen(self.measures))

    @property
    def good_count(self) -> int:
        return sum(1 for r in self.reps if r.counted and r.grade is RepGrade.GOOD)

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "status": self.status.value, "view": self.view.value,
            "count": self.count, "good_count": self.good_count,
            "reps": [r.to_dict() for r in self.reps],
            "started_at_s": _plain(self.started_at_s), "ended_at_s": _plain(self.ended_at_s),
            "duration_s": _plain(self.duration_s), "hold_time_s": _plain(self.hold_time_s),
            "end_reason": self.end_reason, "paused_s": _plain(self.paused_s),
            "fault_counts": _plain(self.fault_counts), "notes": list(self.notes), "measures": _plain(self.measures),
            "valid": self.valid, "invalid_reason": self.invalid_reason, "deviations": list(self.deviations),
            "value": _plain(self.value), "unit": self.unit,
        }


class Gate(enum.Enum):
    WAITING = "waiting"  # never had a usable view yet
    ACTIVE = "active"
    PAUSED = "paused"


@dataclass(frozen=True)
class FrameCheck:
    usable: bool
    reason: str = "ok"  # ok | no_person | framing | landmarks_hidden
    hints: tuple[FramingHint, ...] = ()
    missing: tuple[str, ...] = ()


class ExerciseAnalyser(ABC):
    """Base of the four analysers. Subclasses implement ``_step`` (one usable frame) and the hooks.

    Options common to all: ``view`` ("auto", the default, finds front or side from the landmarks and follows
    it during the test; "front" or "side" fix it), ``duration_s`` (None = untimed),
    ``start_at_s`` (the start signal; None with ``auto_start`` = when the view first becomes usable),
    ``resume_after_s`` (a usable view must last this long before counting resumes after a pause; the first
    usable frame starts counting at once),
    ``pause_after_s`` (an unusable view this long pauses counting; shorter gaps are skipped),
    ``visibility_threshold`` and ``mirrored`` (for left/right framing hints), ``max_frame_gap_s`` (no frame
    at all for longer than this, e.g. a camera that stopped delivering, pauses counting like a lost view),
    ``max_paused_fraction`` (paused for more of the test than this, the test is not valid), ``start_grace_s``
    (a repetition found to begin less than this before the start signal still counts: see ``_before_go``).

    Framing (whole person in view, usable distance) is checked only until the view first becomes usable;
    after that counting pauses only when the landmarks the analyser needs are hidden.

    A timed test's clock keeps running through a pause (the SFT tests are 30 s of wall time); the
    result reports ``paused_s`` so staff can judge whether to repeat the test.
    """

    exercise: ClassVar[str]
    messages: ClassVar[dict[str, str]] = {}
    # A test that ends on its own event (seated again, the fifth stand, the finish line) is valid only when it
    # ends so; time running out or a stop before it is a test not completed (no score).
    completion_reasons: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        *,
        view: str | View = "auto",
        duration_s: float | None = None,
        start_at_s: float | None = None,
        auto_start: bool = True,
        resume_after_s: float = 0.5,
        pause_after_s: float = 0.3,
        visibility_threshold: float = 0.5,
        mirrored: bool = False,
        check_frame: bool = True,
        max_frame_gap_s: float = 1.0,
        max_paused_fraction: float = 0.2,
        start_grace_s: float = 0.0,
    ) -> None:
        if view == "auto":
            self.view_fixed = False
            self.view = View.FRONT  # until the landmarks say otherwise (the first usable frame decides)
        else:
            try:
                self.view = View(view)
            except ValueError:
                raise ValueError(f"view must be 'auto', 'front' or 'side', not {view!r}") from None
            self.view_fixed = True
        self._view_tracker = ViewTracker()
        self._view_frames: dict[View, int] = {}
        if duration_s is not None and not (math.isfinite(duration_s) and duration_s > 0):
            raise ValueError(f"duration_s must be a positive number of seconds, not {duration_s!r}")
        if resume_after_s < 0 or pause_after_s < 0:
            raise ValueError("resume_after_s and pause_after_s must not be negative")
        if not max_frame_gap_s > 0:
            raise ValueError(f"max_frame_gap_s must be a positive number of seconds, not {max_frame_gap_s!r}")
        self.max_frame_gap_s = max_frame_gap_s
        if not 0 <= max_paused_fraction <= 1:
            raise ValueError(f"max_paused_fraction must be within 0..1, not {max_paused_fraction!r}")
        self.max_paused_fraction = max_paused_fraction
        if not start_grace_s >= 0:
            raise ValueError(f"start_grace_s must not be negative, not {start_grace_s!r}")
        self.start_grace_s = start_grace_s
        self._seen_in_test = False  # a usable frame was analysed after the start signal
        self._start_posture_seen = False  # set by the subclass when its rest posture is seen during the test
        self.duration_s = duration_s
        self.auto_start = auto_start
        self.resume_after_s = resume_after_s
        self.pause_after_s = pause_after_s
        self.visibility_threshold = visibility_threshold
        self.mirrored = mirrored
        self.check_frame = check_frame
        self.started_at_s: float | None = None
        self.ended_at_s: float | None = None
        self.end_reason: str | None = None
        self._pending_start = start_at_s
        self._gate = Gate.WAITING
        self._gate_since: float | None = None  # first frame of the current usable / unusable run
        self._last_usable: bool | None = None
        self._last_t: float | None = None
        self._last_hints: tuple[tuple[FramingHint, ...], tuple[str, ...]] = ((), ())
        self._last_hint_at = -math.inf
        self._paused_since: float | None = None
        self.paused_s = 0.0

    # ---- public API -------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.ended_at_s is not None

    @property
    def counting(self) -> bool:
        """True when frames are being used: view usable, test started and not finished."""
        return self._gate is Gate.ACTIVE and self.started_at_s is not None and not self.finished

    def start(self, at_s: float) -> list[AnalyserEvent]:
        """The start signal ("Go!") at ``at_s``; the test clock runs from here."""
        if self.started_at_s is not None:
            return []
        self.started_at_s = float(at_s)
        if self._gate is not Gate.ACTIVE and self._paused_since is None:
            # Not seen at the start signal: the clock runs while nothing can be counted, and paused_s must say
            # so (else a resident never seen scores 0 stands with "0 s paused", like one who sat still).
            self._paused_since = self.started_at_s
        return [self._event(EventKind.TEST_STARTED, at_s, "test_started", duration_s=self.duration_s)]

    def feed(self, frame: PoseFrame, *, people_count: int | None = None) -> list[AnalyserEvent]:
        """Advance by one frame; frames out of time order or with a bad timestamp are ignored.

        ``people_count`` is how many people the backend found, when it knows: more than one is not a usable
        view (whose stands would be counted?), as the framing check says."""
        t = float(frame.timestamp_s)
        if self.finished or not math.isfinite(t) or (self._last_t is not None and t <= self._last_t):
            return []
        last_t, self._last_t = self._last_t, t
        events: list[AnalyserEvent] = []
        if self._pending_start is not None and t >= self._pending_start:
            events += self.start(self._pending_start)
            self._pending_start = None
        if last_t is not None and t - last_t > self.max_frame_gap_s:
            events += self._frames_missing(last_t)
        if self.duration_s is not None and self.started_at_s is not None:
            end = self.started_at_s + self.duration_s
            if t >= end:
                return events + self.finish(end, reason="time_up")
        if not self.view_fixed:
            events += self._follow_view(frame, t)
        check = self._check(frame, people_count)
        events += self._update_gate(check, t)
        if self._gate is Gate.ACTIVE and check.usable:
            if self.started_at_s is not None and t >= self.started_at_s:
                self._seen_in_test = True
                self._view_frames[self.view] = self._view_frames.get(self.view, 0) + 1
            try:
                events += self._step(frame, t)
            except (FloatingPointError, ValueError, IndexError) as exc:  # malformed landmark arrays
                log_event(logger, logging.WARNING, "frame skipped", exercise=self.exercise, error=str(exc))
        return events

    def finish(self, at_s: float | None = None, reason: str = "stopped") -> list[AnalyserEvent]:
        """End the test (time up, stream ended, operator stop); returns the closing events."""
        if self.finished:
            return []
        at = float(at_s if at_s is not None else (self._last_t if self._last_t is not None else 0.0))
        events = self._on_finish(at, reason)
        if self._paused_since is not None:
            self.paused_s += max(0.0, at - self._paused_since)
            self._paused_since = None
        self.ended_at_s = at
        self.end_reason = reason
        res = self.result()
        events.append(self._event(EventKind.TEST_FINISHED, at, "test_finished", reason=reason, count=res.count,
                                  hold_time_s=res.hold_time_s))
        return events

    @abstractmethod
    def result(self) -> ExerciseResult: ...

    def _follow_view(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        """Track the camera view from the landmarks; a change switches the form checks the view supports."""
        new = self._view_tracker.update(frame, t, self.visibility_threshold)
        if new is None or new is self.view:
            return []
        old, self.view = self.view, new
        return [self._event(EventKind.VIEW_CHANGED, t, "view_changed", view=new.value, previous=old.value)]

    def result_view(self) -> View:
        """The view most of the test was seen from (the current one before any frame was used)."""
        return max(self._view_frames, key=lambda v: self._view_frames[v]) if self._view_frames else self.view

    def validity(self) -> tuple[bool, InvalidReason | None]:
        """Whether the test ran validly, so its count may be graded; else why not.

        Valid: the test ended by its time running out (or the resident choosing to stop), the person was
        usable in view for all but ``max_paused_fraction`` of it, and was seen in the exercise's starting
        posture (someone walking past a chair-stand test is not a resident scoring 0)."""
        if not self.finished or self.started_at_s is None:
            return False, InvalidReason.NOT_STARTED
        if self.end_reason in ("failed", "error"):
            return False, InvalidReason.FAILED
        if not self._seen_in_test:
            return False, InvalidReason.NEVER_SEEN
        if self.completion_reasons and self.end_reason not in self.completion_reasons:
            return False, (InvalidReason.STOPPED if self.end_reason == "stopped" else InvalidReason.INCOMPLETE)
        untimed_end = self.duration_s is None and self.end_reason == "stream_ended"  # a recording analysed whole
        if self.end_reason not in VALID_END_REASONS and not untimed_end and not self._ends_validly(self.end_reason):
            return False, InvalidReason.INCOMPLETE if self.end_reason == "stream_ended" else InvalidReason.STOPPED
        ran = (self.ended_at_s or self.started_at_s) - self.started_at_s
        if ran > 0 and self.paused_s > self.max_paused_fraction * ran + 1e-9:
            return False, InvalidReason.OUT_OF_VIEW
        if not self._saw_start_posture():
            return False, InvalidReason.NO_START_POSTURE
        return True, None

    def _validity_fields(self) -> dict[str, Any]:
        """``valid`` and ``invalid_reason`` for the result (subclasses pass them to ExerciseResult)."""
        valid, reason = self.validity()
        return {"valid": valid, "invalid_reason": reason.value if reason is not None else None}

    def _ends_validly(self, reason: str | None) -> bool:
        """An analyser's own end reasons that are a valid end (the single-leg stand's foot touching down)."""
        return reason in self.completion_reasons

    def _saw_start_posture(self) -> bool:
        """Whether the person was ever seen in the exercise's starting posture during the test."""
        return self._start_posture_seen

    def _before_go(self, began_at_s: float) -> bool:
        """A repetition begun before the start signal does not count. Its beginning is read back from
        landmarks that jitter by a few pixels; where that makes the beginning look early (the chair stand),
        one found less than ``start_grace_s`` before "Go" is a resident who started with the signal."""
        return self.started_at_s is None or began_at_s < self.started_at_s - self.start_grace_s

    def _in_test(self, t: float) -> bool:
        return self.started_at_s is not None and t >= self.started_at_s

    # ---- subclass hooks ---------------------------------------------------------------------
    @abstractmethod
    def _required(self, frame: PoseFrame) -> tuple[str, ...]:
        """Names of the landmarks this analyser needs that are not visible in ``frame`` (empty = fine)."""

    @abstractmethod
    def _step(self, frame: PoseFrame, t: float) -> list[AnalyserEvent]:
        """Advance the state machine on a usable frame."""

    def _on_pause(self, t: float) -> list[AnalyserEvent]:
        return []

    def _on_resume(self, t: float) -> list[AnalyserEvent]:
        return []

    def _on_finish(self, t: float, reason: str) -> list[AnalyserEvent]:
        return []

    # ---- helpers ----------------------------------------------------------------------------
    def _status(self) -> ResultStatus:
        if self.finished:
            return ResultStatus.FINISHED
        return ResultStatus.IN_PROGRESS if self.started_at_s is not None else ResultStatus.NOT_STARTED

    def _event(self, kind: EventKind, at_s: float, key: str, **evidence: Any) -> AnalyserEvent:
        message = f"{self.exercise}.{key}"
        template = self.messages.get(key) or _COMMON_TEXT.get(key, "")
        try:
            text = template.format(**evidence)
        except (KeyError, ValueError, IndexError):
            text = template
        return AnalyserEvent(kind, float(at_s), message, evidence, text)

    def _check(self, frame: PoseFrame, people_count: int | None = None) -> FrameCheck:
        if people_count is not None and people_count > 1:  # whose stands would be counted? (not a framing matter)
            return FrameCheck(False, "framing", (FramingHint.ONE_PERSON_ONLY,))
        if frame.points is None:
            return FrameCheck(False, "no_person", (FramingHint.NO_PERSON,))
        pts = np.asarray(frame.points)
        vis = frame.visibility
        if pts.ndim != 2 or pts.shape[0] < 33 or pts.shape[1] < 2 or (
                vis is not None and np.asarray(vis).shape != (pts.shape[0],)):
            return FrameCheck(False, "no_person", (FramingHint.NO_PERSON,))
        if self.check_frame and self._gate is Gate.WAITING:
            # Framing decides whether the test may start. Once it has, only the landmarks this analyser needs
            # matter: a squat's bottom or a stand's crouch is the exercise, not a person out of frame.
            report = check_framing(frame, self.exercise, require_posture=False,
                                   mirrored=self.mirrored, visibility_threshold=self.visibility_threshold)
            if not report.ok:
                return FrameCheck(False, "framing", report.hints, report.missing)
        missing = self._required(frame)
        if missing:
            return FrameCheck(False, "landmarks_hidden", (), missing)
        return FrameCheck(True)

    def _frames_missing(self, since: float) -> list[AnalyserEvent]:
        """No frame at all since ``since``: what happened meanwhile was not seen, so counting pauses there."""
        self._last_usable, self._gate_since = False, since
        if self._gate is not Gate.ACTIVE:
            return []
        self._gate = Gate.PAUSED
        if self.started_at_s is not None:
            self._paused_since = since
        events = [self._event(EventKind.PAUSED, since, "paused.no_frames", reason="no_frames", hints=[], missing=[])]
        return events + self._on_pause(since)

    def _update_gate(self, check: FrameCheck, t: float) -> list[AnalyserEvent]:
        events: list[AnalyserEvent] = []
        if check.usable != self._last_usable:
            self._gate_since = t
            self._last_usable = check.usable
        since = self._gate_since if self._gate_since is not None else t
        first = self._gate is Gate.WAITING  # counting starts on the first usable frame: no warm-up loses a rep
        if check.usable and self._gate is not Gate.ACTIVE and (first or t - since >= self.resume_after_s):
            self._gate = Gate.ACTIVE
            if self._paused_since is not None:
                self.paused_s += t - self._paused_since
                self._paused_since = None
            events.append(self._event(EventKind.READY if first else EventKind.RESUMED, t,
                                      "ready" if first else "resumed"))
            events += self._on_resume(t)
            if first and self.auto_start and self.started_at_s is None and self._pending_start is None:
                events += self.start(t)
        elif not check.usable:
            if self._gate is Gate.ACTIVE and t - since >= self.pause_after_s:
                self._gate = Gate.PAUSED
                if self.started_at_s is not None:
                    self._paused_since = since
                events.append(self._event(EventKind.PAUSED, since, f"paused.{check.reason}", reason=check.reason,
                                          hints=[h.value for h in check.hints], missing=list(check.missing)))
                events += self._on_pause(since)
                self._last_hints, self._last_hint_at = (check.hints, check.missing), t
            elif self._gate is not Gate.ACTIVE and (
                    (check.hints, check.missing) != self._last_hints or t - self._last_hint_at >= 5.0):
                # Waiting for a usable view: say what to do, again when it changes or every 5 s.
                self._last_hints, self._last_hint_at = (check.hints, check.missing), t
                key = check.hints[0].value if check.hints else check.reason
                text = HINT_TEXT[check.hints[0]] if check.hints else _COMMON_TEXT["framing.landmarks_hidden"]
                events.append(AnalyserEvent(EventKind.FRAMING, t, f"framing.{key}",
                                            {"hints": [h.value for h in check.hints], "missing": list(check.missing),
                                             "reason": check.reason}, text))
        return events


_COMMON_TEXT = {
    "ready": "I can see you well now.",
    "resumed": "I can see you again; counting continues.",
    "test_started": "Start now.",
    "test_finished": "Finished. Well done.",
    "paused.no_person": "I cannot see you. Counting is paused until you are back in front of the camera.",
    "paused.framing": "I cannot see all of you. Counting is paused.",
    "paused.landmarks_hidden": "Part of your body is hidden from the camera. Counting is paused.",
    "paused.no_frames": "The camera picture stopped. Counting is paused until it comes back.",
    "framing.landmarks_hidden": "Part of your body is hidden from the camera. Please make sure all of you can be seen.",
}
