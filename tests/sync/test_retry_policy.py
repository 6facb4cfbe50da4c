"""The upload retry policy: which outcomes retry or quarantine, backoff bounds, both Retry-After forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.retry import RetryPolicy, Verdict, backoff_delay_s, classify, parse_retry_after, retry_delay_s

POLICY = RetryPolicy(base_delay_s=1.0, max_delay_s=60.0, max_retry_after_s=600.0, quarantine_after_5xx=3)
NOW = datetime(2026, 11, 23, 4, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [None, 429, 502, 503, 504])
def test_network_errors_and_transient_statuses_always_retry(status: int | None) -> None:
    for already in (0, 10, 1000):
        d = classify(status, consecutive_5xx=already, policy=POLICY)
        assert d.verdict is Verdict.RETRY, f"{status} after {already} 5xx should retry, got {d}"


@pytest.mark.parametrize("status", [400, 403, 409, 410, 412, 413, 415, 422])  # 404/405: an endpoint problem
def test_other_client_errors_quarantine_at_once(status: int) -> None:
    d = classify(status, consecutive_5xx=0, policy=POLICY)
    assert d.verdict is Verdict.QUARANTINE, f"HTTP {status} should quarantine the batch, got {d}"


def test_a_refused_token_retries_and_never_quarantines_data() -> None:
    assert classify(401, consecutive_5xx=0, policy=POLICY).verdict is Verdict.RETRY


@pytest.mark.parametrize("status", [200, 201, 204])
def test_success_statuses_mean_read_the_response(status: int) -> None:
    assert classify(status, consecutive_5xx=0, policy=POLICY).verdict is Verdict.ACKNOWLEDGED


@pytest.mark.parametrize("status", [500, 501, 505])
def test_repeated_server_errors_quarantine_after_the_configured_count(status: int) -> None:
    seen = 0
    verdicts = []
    for _ in range(POLICY.quarantine_after_5xx):
        d = classify(status, consecutive_5xx=seen, policy=POLICY)
        verdicts.append(d.verdict)
        seen = d.consecutive_5xx
    assert verdicts == [Verdict.RETRY, Verdict.RETRY, Verdict.QUARANTINE], verdicts


def test_the_5xx_threshold_is_configurable() -> None:
    once = RetryPolicy(quarantine_after_5xx=1)
    assert classify(500, consecutive_5xx=0, policy=once).verdict is Verdict.QUARANTINE


def test_status_outside_http_range_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not an HTTP status"):
        classify(42, consecutive_5xx=0, policy=POLICY)


@settings(max_examples=200)
@given(failures=st.integers(min_value=1, max_value=10_000), r=st.floats(min_value=0.0, max_value=1.0,
                                                                          exclude_max=True))
def test_backoff_is_full_jitter_within_the_capped_exponential(failures: int, r: float) -> None:
    delay = backoff_delay_s(failures, POLICY, lambda: r)
    ceiling = min(POLICY.max_delay_s, POLICY.base_delay_s * 2 ** min(failures - 1, 64))
    assert 0.0 <= delay <= ceiling, f"delay {delay} outside [0, {ceiling}] for failure {failures}"
    assert delay == pytest.approx(ceiling * r)


def test_backoff_ceiling_doubles_then_stops_at_the_cap() -> None:
    almost_one = 1.0 - 1e-12
    ceilings = [round(backoff_delay_s(n, POLICY, lambda: almost_one)) for n in range(1, 10)]
    assert ceilings == [1, 2, 4, 8, 16, 32, 60, 60, 60], ceilings


def test_backoff_rejects_a_random_source_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        backoff_delay_s(1, POLICY, lambda: 1.0)


@settings(max_examples=100)
@given(seconds=st.integers(min_value=0, max_value=10**9))
def test_retry_after_delta_seconds_is_read_exactly(seconds: int) -> None:
    assert parse_retry_after(str(seconds), NOW) == float(seconds)
    assert parse_retry_after(f"  {seconds} ", NOW) == float(seconds)


@settings(max_examples=100)
@given(offset=st.integers(min_value=-86_400, max_value=86_400 * 30))
def test_retry_after_http_date_is_measured_from_the_injected_clock(offset: int) -> None:
    header = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert parse_retry_after(header, NOW) == float(max(0, offset)), header


@pytest.mark.parametrize("junk", ["", "soon", "-5", "1.5", "Wed, 99 Foo 2026", "１２"])
def test_unreadable_retry_after_falls_back_to_backoff(junk: str) -> None:
    assert parse_retry_after(junk, NOW) is None
    assert retry_delay_s(1, junk, POLICY, lambda: 0.5, NOW) == pytest.approx(0.5)


@settings(max_examples=100)
@given(seconds=st.integers(min_value=0, max_value=10**9))
def test_retry_after_is_capped(seconds: int) -> None:
    delay = retry_delay_s(3, str(seconds), POLICY, lambda: 0.0, NOW)
    assert delay == min(float(seconds), POLICY.max_retry_after_s)


def test_retry_after_date_form_is_capped_too() -> None:
    far = format_datetime(NOW + timedelta(days=7), usegmt=True)
    assert retry_delay_s(1, far, POLICY, lambda: 0.0, NOW) == POLICY.max_retry_after_s


def test_policy_refuses_nonsense_numbers() -> None:
    with pytest.raises(ValueError, match="base_delay_s"):
        RetryPolicy(base_delay_s=0)
    with pytest.raises(ValueError, match="quarantine_after_5xx"):
        RetryPolicy(quarantine_after_5xx=0)
