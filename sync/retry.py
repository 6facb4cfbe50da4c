"""Retry policy for uploads: which outcomes retry, which quarantine, and how long to wait.

Pure: no I/O, no clock, no global random. The caller passes the HTTP status (or ``None`` for a
network error), how many 5xx in a row the batch has already met, a random source and the current
time. Network errors, 429, 502, 503 and 504 always retry with capped exponential backoff and full
jitter, honouring ``Retry-After`` in both its forms (delta-seconds and HTTP-date), itself capped.
Other 4xx quarantine the batch at once; other 5xx (500, 501, …) retry until they have been seen
``quarantine_after_5xx`` times in a row, then quarantine. A 401 that survived a token refresh is a
station set-up problem, not a bad batch: it retries (with backoff) and never quarantines data; so do
1xx and 3xx (redirects are not followed: a captive portal's 302 must not quarantine the outbox), and
404/405 unless the server's OperationOutcome points into the Bundle: a wrong ``sync.endpoint`` or a
proxy misrouting the path answers every batch that way, and quarantining them moved the whole outbox,
batch by batch, into the technician's hands. DESIGN.md's "other 4xx" rule is narrowed here on purpose.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
AUTH_STATUSES = frozenset({401})
ENDPOINT_STATUSES = frozenset({404, 405})  # for the base URL itself: the path is wrong, not the batch


class Verdict(enum.StrEnum):
    ACKNOWLEDGED = "acknowledged"  # 2xx: read the transaction-response entries
    RETRY = "retry"  # wait, then resend the same batch with the same Idempotency-Key
    QUARANTINE = "quarantine"  # set the batch aside for a technician


@dataclass(frozen=True)
class RetryPolicy:
    """Tunable numbers of the policy; the defaults suit a station on a mobile or DSL line."""

    base_delay_s: float = 1.0
    max_delay_s: float = 300.0  # cap of the exponential backoff
    max_retry_after_s: float = 3600.0  # a server may not park the station longer than this
    quarantine_after_5xx: int = 5  # consecutive non-retryable 5xx (500, 501, …) before quarantine
    retryable_statuses: frozenset[int] = RETRYABLE_STATUSES

    def __post_init__(self) -> None:
        if not (self.base_delay_s > 0 and self.max_delay_s >= self.base_delay_s):
            raise ValueError(f"need 0 < base_delay_s <= max_delay_s, got {self.base_delay_s}, {self.max_delay_s}")
        if self.max_retry_after_s < 0:
            raise ValueError(f"max_retry_after_s must not be negative, got {self.max_retry_after_s}")
        if self.quarantine_after_5xx < 1:
            raise ValueError(f"quarantine_after_5xx must be at least 1, got {self.quarantine_after_5xx}")


@dataclass(frozen=True)
class Decision:
    """What to do with a batch after one attempt, and why (for logs and `kiosk sync status`)."""

    verdict: Verdict
    reason: str
    consecutive_5xx: int = 0  # to carry into the next attempt of the same batch
    endpoint_problem: bool = False  # the answer is about the configured URL (check sync.endpoint), not the batch


def classify(status: int | None, *, consecutive_5xx: int, policy: RetryPolicy,
             outcome_names_content: bool = False) -> Decision:
    """Decide on one attempt's outcome. ``status`` is ``None`` for a network error or timeout.

    ``consecutive_5xx`` counts earlier non-retryable 5xx of this batch in a row, not this one.
    ``outcome_names_content`` says the answer's OperationOutcome points into the Bundle (``Bundle.…``):
    only then is a 404/405 the server's verdict on the batch rather than on the URL it was sent to.
    """
    if status is None:
        return Decision(Verdict.RETRY, "network error or timeout")
    if not 100 <= status <= 599:
        raise ValueError(f"not an HTTP status code: {status}")
    if 200 <= status < 300:
        return Decision(Verdict.ACKNOWLEDGED, f"HTTP {status}")
    if status in policy.retryable_statuses:
        return Decision(Verdict.RETRY, f"HTTP {status} is transient")
    if status in AUTH_STATUSES:
        return Decision(Verdict.RETRY, f"HTTP {status}: credentials refused after a refresh (station set-up)")
    if status < 200 or 300 <= status < 400:  # redirects are not followed: the FHIR server never judged the batch
        return Decision(Verdict.RETRY, f"HTTP {status}: redirected or no final answer (captive portal or moved "
                                       "endpoint: station set-up)")
    if status in ENDPOINT_STATUSES and not outcome_names_content:
        return Decision(Verdict.RETRY, f"HTTP {status}: the endpoint URL is wrong or misrouted (station set-up: "
                                       "check sync.endpoint)", endpoint_problem=True)
    if 500 <= status < 600:
        seen = consecutive_5xx + 1
        if seen >= policy.quarantine_after_5xx:
            return Decision(Verdict.QUARANTINE, f"HTTP {status} {seen} times in a row", seen)
        return Decision(Verdict.RETRY, f"HTTP {status} ({seen} of {policy.quarantine_after_5xx} before quarantine)",
                        seen)
    return Decision(Verdict.QUARANTINE, f"HTTP {status}: the server refused the batch")


def backoff_delay_s(failures: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """Full-jitter backoff: uniform in [0, min(cap, base * 2**(failures-1))).

    ``failures`` counts failed attempts so far (>= 1); ``random()`` returns a float in [0, 1).
    """
    if failures < 1:
        raise ValueError(f"failures must be at least 1, got {failures}")
    exponent = min(failures - 1, 64)  # 2**64 * base already exceeds any sensible cap
    ceiling = min(policy.max_delay_s, policy.base_delay_s * math.ldexp(1.0, exponent))
    r = random()
    if not 0.0 <= r < 1.0:
        raise ValueError(f"random() must return a float in [0, 1), got {r!r}")
    return ceiling * r


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or ``None``.

    ``None`` means the header is absent or unreadable (then plain backoff applies). A date in the
    past gives 0; an absurdly long delta gives ``math.inf`` (the caller caps it). ``now`` must be
    timezone-aware.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        digits = text.lstrip("0") or "0"
        # beyond 15 digits (> 31 million years) float(int()) overflows or int() refuses: "longer than any cap"
        return float(int(digits)) if len(digits) <= 15 else math.inf
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay_s(failures: int, retry_after: str | None, policy: RetryPolicy,
                  random: Callable[[], float], now: datetime) -> float:
    """How long to wait before the next attempt: the server's Retry-After (capped) if it gave a
    readable one, otherwise full-jitter backoff."""
    server = parse_retry_after(retry_after, now)
    if server is not None:
        return min(server, policy.max_retry_after_s)
    return backoff_delay_s(failures, policy, random)
