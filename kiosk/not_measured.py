"""Tests tried without a valid result: the plain words for why, and what the report says of them.

A ``NotMeasured`` never reaches grading (``Session.measurements`` holds values only), so it is never
scored, never feeds a flag or the prescription; the report lists it so resident and doctor see that the
test was tried and why it gave no value. An item with a valid trial as well is not listed: its value stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from kiosk.domain import ITEMS, NotMeasured, NotMeasuredReason, Session

# Why, in words a resident and a doctor both read: (en, zh).
REASON_WORDS: Mapping[NotMeasuredReason, tuple[str, str]] = MappingProxyType({
    NotMeasuredReason.NOT_STARTED: ("the test did not start", "测试没有开始"),
    NotMeasuredReason.NEVER_SEEN: ("the camera could not see the person during the test", "测试中摄像头没有看到受测者"),
    NotMeasuredReason.OUT_OF_VIEW: ("out of the camera's view for too much of the test",
                                    "测试中太长时间不在摄像头画面内"),
    NotMeasuredReason.NO_START_POSTURE: ("never seen in the test's starting position", "没有看到测试的起始姿势"),
    NotMeasuredReason.INCOMPLETE: ("the test ended before its time was up", "测试未到规定时间就中断了"),
    NotMeasuredReason.FAILED: ("the camera or instrument failed", "摄像头或仪器出现故障"),
    NotMeasuredReason.STOPPED: ("the test was stopped before the end", "测试在结束前被停止"),
})
NOT_MEASURED_WORDS = ("not measured", "未测")


def reason_words(reason: NotMeasuredReason | str) -> tuple[str, str]:
    """(en, zh) plain words for ``reason``."""
    return REASON_WORDS[NotMeasuredReason(reason)]


def not_measured_text(reason: NotMeasuredReason | str) -> dict[str, str]:
    """"not measured — <reason>" in both languages, as the report and the doctor's view show it."""
    en, zh = reason_words(reason)
    return {"en": f"{NOT_MEASURED_WORDS[0]} — {en}", "zh": f"{NOT_MEASURED_WORDS[1]} — {zh}"}


@dataclass(frozen=True)
class NotMeasuredResult:
    """One item the session tried but has no value for: the latest attempt's reason, method and device."""

    item: str
    label_en: str
    label_zh: str
    reason: str
    method: str
    device_id: str | None
    taken_at: str
    record_id: str
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        en, zh = reason_words(self.reason)
        return {"item": self.item, "label": {"en": self.label_en, "zh": self.label_zh}, "reason": self.reason,
                "reason_text": {"en": en, "zh": zh}, "text": not_measured_text(self.reason), "method": self.method,
                "device_id": self.device_id, "taken_at": self.taken_at, "record_id": self.record_id,
                "attempts": self.attempts}


def not_measured_results(session: Session) -> tuple[NotMeasuredResult, ...]:
    """The items tried without any valid trial, in the station's item order, each with its latest attempt."""
    measured = {m.item for m in session.measurements}
    latest: dict[str, NotMeasured] = {}
    attempts: dict[str, int] = {}
    for nm in session.not_measured:
        if nm.item in measured or nm.item not in ITEMS:
            continue
        attempts[nm.item] = attempts.get(nm.item, 0) + 1
        if nm.item not in latest or nm.taken_at >= latest[nm.item].taken_at:
            latest[nm.item] = nm
    order = list(ITEMS)
    out = []
    for name in sorted(latest, key=order.index):
        nm, spec = latest[name], ITEMS[name]
        out.append(NotMeasuredResult(name, spec.label_en, spec.label_zh, NotMeasuredReason(nm.reason).value,
                                     nm.method.value, nm.device_id, nm.taken_at.isoformat(), str(nm.id),
                                     attempts[name]))
    return tuple(out)
