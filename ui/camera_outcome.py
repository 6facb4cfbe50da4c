"""What a finished camera test stores: the count of a test that ran validly, else "not measured" and why.

Pure: an analyser's result in, one domain record out. A count is never stored from a test that did not
run validly (the person never seen, out of view for most of it, never in the start posture, cut short):
a 0 from such a test would be graded (a 0-stand chair stand flags fall risk) and synced as a value.
"""

from __future__ import annotations

from kiosk.domain import DEVIATION_FLAG_PREFIX, Measurement, Method, NotMeasured, NotMeasuredReason
from vision.analysers import ExerciseResult

PAUSED_FLAG_AFTER_S = 3.0  # a valid test paused this long carries the "paused" flag for staff


def camera_record(item: str, result: ExerciseResult | None, count: int) -> Measurement | NotMeasured:
    """The record for ``item`` from the analyser's final ``result`` (None: the pipeline gave none).

    A valid result gives a Measurement of its ``value`` in its ``unit`` for a timed test, else of ``count``,
    with quality flags (``paused``; ``ended_early`` when the resident chose to stop; ``deviation:<key>`` for
    each protocol deviation, which the doctor sees); anything else a NotMeasured with the analyser's reason
    (an unknown or missing reason reads as a failure)."""
    if result is None or not result.valid:
        try:
            why = NotMeasuredReason(result.invalid_reason if result is not None and result.invalid_reason
                                    else NotMeasuredReason.FAILED)
        except ValueError:
            why = NotMeasuredReason.FAILED
        return NotMeasured(item=item, reason=why, method=Method.CAMERA, device_id="camera")
    flags = {"paused"} if result.paused_s >= PAUSED_FLAG_AFTER_S else set()
    if result.end_reason == "resident_stopped":
        flags.add("ended_early")  # the count so far stands (SFT), and the doctor sees it was cut short
    flags |= {DEVIATION_FLAG_PREFIX + d for d in result.deviations}
    if result.value is not None:  # a timed test (TUG seconds, gait speed m/s, a balance hold): its value, not a count
        return Measurement(item=item, value=float(result.value), unit=result.unit, method=Method.CAMERA,
                           device_id="camera", quality_flags=frozenset(flags))
    return Measurement(item=item, value=float(count), unit="count", method=Method.CAMERA, device_id="camera",
                       quality_flags=frozenset(flags))
