"""The sync wing's error hierarchy: mapping bugs, transport trouble and server rejections.

``SyncError`` derives from the core's ``KioskError`` so every error carries a plain
``resident_message`` (sync never blocks a resident, so it rarely reaches one) and a technician's
``str()``. None of these messages may contain personal data: they name resources, items and ids.
"""

from __future__ import annotations

from typing import Any

from kiosk.errors import KioskError


class SyncError(KioskError):
    """Base of every error the sync wing raises on purpose."""

    resident_message = "Your results are saved on this station and will be sent later."


class MappingError(SyncError):
    """A station record could not become a valid FHIR resource: a bug, reported loudly and quarantined.

    ``resource_type`` and ``record_id`` say which resource and which station record (a measurement,
    report or review id); ``problems`` lists the validator's findings, one line each.
    """

    def __init__(self, message: str, *, resource_type: str | None = None, record_id: str | None = None,
                 problems: tuple[str, ...] = ()) -> None:
        where = "/".join(p for p in (resource_type, record_id) if p)
        detail = f"{where}: {message}" if where else message
        if problems:
            detail += " [" + "; ".join(problems) + "]"
        super().__init__(detail)
        self.resource_type = resource_type
        self.record_id = record_id
        self.problems = problems


class TransportError(SyncError):
    """The cloud could not be reached or answered in a way that is worth retrying (network, 429, 5xx)."""

    def __init__(self, message: str, *, http_status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.retry_after_s = retry_after_s


class RejectedError(SyncError):
    """The cloud refused a batch for good (4xx other than 429, or repeated 5xx): the batch goes to quarantine.

    ``outcome`` is the server's OperationOutcome (a dict) when it sent one.
    """

    def __init__(self, message: str, *, http_status: int | None = None, outcome: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.outcome = outcome
