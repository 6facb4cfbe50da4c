"""The uploader's persisted state: the in-flight batch, the backoff timer, and what a drain did.

Kept in the store's ``sync_state`` table as JSON under the ``*_KEY`` names, so that a restarted
uploader resends the same batch under the same key and keeps honouring a backoff it was given.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.logs import log_event

log = logging.getLogger("sync.uploader")

INFLIGHT_KEY = "uploader.inflight"
BACKOFF_KEY = "uploader.backoff"
LAST_SUCCESS_KEY = "uploader.last_success_at"


@dataclass(frozen=True)
class InflightBatch:
    """A batch saved before sending: resent byte for byte, under the same key, until it is settled."""

    batch_id: str  # also its Idempotency-Key
    ids: tuple[str, ...]  # outbox ids it carries
    owners: tuple[str | None, ...]  # outbox id of each Bundle entry (None: shared Patient/Device)
    body_gzip: bytes
    consecutive_5xx: int = 0
    part: bool = False  # one transaction of a row sent in parts (sync.upload_fit.SplitState)

    def to_json(self) -> str:
        return json.dumps({"batch_id": self.batch_id, "ids": self.ids, "owners": self.owners,
                           "body": base64.b64encode(self.body_gzip).decode(), "consecutive_5xx": self.consecutive_5xx,
                           "part": self.part})

    @classmethod
    def from_json(cls, text: str) -> InflightBatch:
        d = json.loads(text)
        return cls(str(d["batch_id"]), tuple(d["ids"]), tuple(d["owners"]), base64.b64decode(d["body"]),
                   int(d.get("consecutive_5xx", 0)), bool(d.get("part", False)))


@dataclass(frozen=True)
class BackoffState:
    """Why and until when the uploader is waiting; persisted so a restart keeps waiting politely."""

    failures: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    last_status: int | None = None

    def to_json(self) -> str:
        return json.dumps({"failures": self.failures, "last_error": self.last_error, "last_status": self.last_status,
                           "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None})

    @classmethod
    def from_json(cls, text: str | None) -> BackoffState:
        if not text:
            return cls()
        try:
            d = json.loads(text)
            at = datetime.fromisoformat(d["next_attempt_at"]) if d.get("next_attempt_at") else None
            return cls(int(d.get("failures", 0)), at, d.get("last_error"), d.get("last_status"))
        except (ValueError, KeyError, TypeError):
            log_event(log, logging.WARNING, "unreadable backoff state ignored")
            return cls()


@dataclass
class DrainReport:
    """What one ``drain_once()`` did (for `kiosk sync push` and the service loop)."""

    batches_acked: int = 0
    rows_acked: int = 0
    batches_quarantined: int = 0
    rows_quarantined: int = 0
    retry_at: datetime | None = None  # backing off until then
    waiting_until: datetime | None = None  # a partial batch waits to fill up until then
    last_error: str | None = None
    busy: bool = False  # another uploader (the service, or `kiosk sync push`) held the lock: nothing was done
