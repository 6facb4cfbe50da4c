"""Best-trial selection: every trial of an item is kept, and one graded value is chosen by the item's rule.

Largest for most items; smallest for times where shorter is better (reaction time, five-times
sit-to-stand); the latest reading for anthropometry and blood pressure (a re-measurement stands).
Grip keeps the hand of each trial; its graded value is the stronger hand's best trial.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.domain import ITEMS, Best, Measurement


@dataclass(frozen=True)
class ItemTrials:
    """The trials of one item in order, and the trial chosen as its graded value."""

    item: str
    trials: tuple[Measurement, ...]
    graded: Measurement

    @property
    def graded_value(self) -> float:
        return self.graded.value

    def best_by_hand(self) -> dict[str, float]:
        """Best trial per hand (grip); empty when no trial names a hand."""
        best: dict[str, float] = {}
        for t in self.trials:
            if t.side is not None:
                best[t.side.value] = max(best.get(t.side.value, t.value), t.value)
        return best


def _order(m: Measurement) -> tuple:
    return (m.trial, m.taken_at)


def select_graded(item: str, trials: Sequence[Measurement]) -> Measurement:
    """The trial whose value is graded, by ``ITEMS[item].best``; ties go to the earlier trial."""
    if not trials:
        raise ValueError(f"no trials for {item}")
    ordered = sorted(trials, key=_order)
    rule = ITEMS[item].best
    if rule is Best.LAST:
        return ordered[-1]
    if rule is Best.SMALLEST:
        return min(ordered, key=lambda m: m.value)  # min/max keep the first of equal values
    return max(ordered, key=lambda m: m.value)


def group_trials(measurements: Iterable[Measurement]) -> dict[str, ItemTrials]:
    """Measurements grouped by item (in first-seen item order), each with its graded trial."""
    by_item: dict[str, list[Measurement]] = defaultdict(list)
    for m in measurements:
        by_item[m.item].append(m)
    return {item: ItemTrials(item, tuple(sorted(ms, key=_order)), select_graded(item, ms))
            for item, ms in by_item.items()}
