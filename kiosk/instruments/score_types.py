"""What a scored questionnaire is: the shapes the general scorer and the special rules (IPAQ-SF, TCM) share.

Kept apart from ``scoring`` so that the special rules, which ``scoring`` calls, never import it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.instruments.model import Band, Text

DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class SubScore:
    """One sub-scale (a TCM constitution type, an IPAQ intensity): its score and what it means."""

    code: str
    name: Text
    score: float
    result: str = ""  # e.g. "yes" | "tendency" | "basically" | "no"
    result_text: Text | None = None


@dataclass(frozen=True)
class Score:
    """A complete questionnaire's result; ``total`` None with ``not_scored_reason`` when a rule excludes it."""

    instrument: str
    total: float | None
    band: Band | None
    subscores: tuple[SubScore, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    flags: tuple[tuple[str, str], ...] = ()  # (station flag, basis)
    watch: bool = False  # inside the instrument's "watch" range (shown to the doctor)
    not_scored_reason: str = ""
    review_reasons: tuple[str, ...] = ()  # e.g. contradictory TCM types: staff should recheck
