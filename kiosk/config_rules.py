"""What each configuration value must be for the station to work, and settings that are probably mistakes.

kiosk.config applies these while reading the station file: ``RULES`` holds one line per numeric key (a new
key slots in with one line; a number without a rule must be finite and not negative), the URL checks
refuse credentials in an address, and ``config_warnings`` names settings that work but look wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import StationConfig


@dataclass(frozen=True)
class Rule:
    """What a value must be for the station to work: ``check(value)`` holds, else "expected <expected>"."""

    check: Callable[[Any], bool]
    expected: str


def at_least(low: float) -> Rule:
    return Rule(lambda v: v >= low, f"at least {low:g}")


def above(low: float) -> Rule:
    return Rule(lambda v: v > low, f"more than {low:g}")


def between(low: float, high: float) -> Rule:
    return Rule(lambda v: low <= v <= high, f"{low:g} to {high:g}")


ANY_NUMBER = Rule(lambda v: True, "a number")
NOT_NEGATIVE = at_least(0)  # every int/float key without a rule of its own

# One line per key ("section.key"; devices' keys as "devices.key"). A new numeric key without a line here is
# held to NOT_NEGATIVE; every float must also be finite. Cross-key rules stay in _check_ranges.
RULES: dict[str, Rule] = {
    "station.idle_timeout_s": at_least(15),
    "storage.retention_days": at_least(1),
    "devices.baud": at_least(1),
    "devices.calibration_days": at_least(1),
    "camera.width": between(16, 7680),
    "camera.height": between(16, 4320),
    "camera.fps": between(1, 240),
    "camera.evidence_stills_max": between(0, 100),
    "sync.batch_max_count": at_least(1),
    "sync.batch_max_bytes": at_least(1024),
    "sync.batch_max_age_s": at_least(0),
    "sync.connect_timeout_s": above(0),
    "sync.read_timeout_s": above(0),
    "sync.retry_base_delay_s": above(0),
    "sync.retry_max_delay_s": above(0),
    "sync.retry_after_max_s": at_least(0),
    "sync.quarantine_after_5xx": at_least(1),
    "ui.idle_warning_s": at_least(5),
}


def rule_for(key: str) -> Rule:
    return RULES.get(re.sub(r"\[\d+\]", "", key), NOT_NEGATIVE)


def has_credentials(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.username is not None or parts.password is not None


def is_loopback(host: str | None) -> bool:
    import ipaddress

    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secure_or_loopback(url: str) -> bool:
    """https anywhere; plain http only to a loopback host (the FHIR test double)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    if parts.scheme != "http" or not parts.hostname:
        return False
    return is_loopback(parts.hostname)


def config_warnings(cfg: StationConfig) -> list[str]:
    """Settings that work but are probably a mistake (printed by `kiosk config check`, logged at load)."""
    from urllib.parse import urlsplit

    warnings = []
    if cfg.sync.endpoint and cfg.sync.auth.value == "none" and not is_loopback(urlsplit(cfg.sync.endpoint).hostname):
        warnings.append(f'sync.auth = "none" sends results to {urlsplit(cfg.sync.endpoint).hostname} without '
                        'authenticating the station; "none" is meant for a test server on this machine')
    return warnings
