"""The uploader's answers to a server's limits: halve a batch it refused as too large, send a large row in
parts, fall back to plain JSON when it cannot read gzip (the decisions are in ``sync.upload_fit``).

A mixin of ``sync.uploader.Uploader`` (kept apart so each module stays readable); it uses the uploader's
store helpers (``_quarantine``, ``_clear_backoff``) and its ``cfg``. Crash safety is the uploader's: a
part is an ``InflightBatch`` saved before it is sent; the split's progress (which entries the server
acknowledged, and the ``Type/id`` it gave each) is saved after each part's answer, so a restart resends
the unanswered part under its key and goes on from there.
"""

from __future__ import annotations

import gzip
import json
import logging
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kiosk.logs import log_event
from sync.errors import MappingError
from sync.http import GZIP_LEVEL
from sync.upload_fit import (
    FIT_KEY,
    SPLIT_KEY,
    SplitState,
    UnsplittableError,
    load_fit,
    location_reference,
    next_part,
)
from sync.upload_state import INFLIGHT_KEY, LAST_SUCCESS_KEY, DrainReport, InflightBatch

if TYPE_CHECKING:
    from kiosk.storage import Store

log = logging.getLogger("sync.uploader")


class Settled(Exception):
    """Internal: the batch was settled (acknowledged or quarantined) before sending; go on with the next one."""


class FitMixin:
    """Batch sizes and body encoding that the server accepts; see the module docstring."""

    cfg: Any
    _build_batch: Any
    _discard_prebuilt: bool
    _clock: Any

    def _quarantine(self, store: Store, batch: InflightBatch, reason: str, status: int | None,
                    outcome: dict[str, Any] | None, report: DrainReport, *, culprit: str | None = None) -> None:
        raise NotImplementedError

    def _clear_backoff(self, store: Store) -> None:
        raise NotImplementedError

    def _quarantine_mapping_bug(self, store: Store, items: Any, e: MappingError, report: DrainReport) -> None:
        raise NotImplementedError

    # ---- encoding ------------------------------------------------------------------------------
    def _gzip(self, store: Store) -> bool:
        return bool(self.cfg.sync.gzip) and not load_fit(store, self.cfg.sync.endpoint).gzip_refused

    def _gzip_refused(self, store: Store, batch: InflightBatch, status: int | None) -> bool:
        """The server could not read the gzip body: from now on plain JSON (remembered), and this batch again at
        once under a new key (the refused attempt applied nothing; an idempotency cache must not replay it)."""
        fit = load_fit(store, self.cfg.sync.endpoint)
        store.sync_state_set(FIT_KEY, replace(fit, gzip_refused=True).to_json())
        store.sync_state_set(INFLIGHT_KEY, replace(batch, batch_id=str(uuid.uuid4())).to_json())
        log_event(log, logging.WARNING, "the server cannot read gzip bodies; sending plain JSON from now on",
                  status=status, batch_id=batch.batch_id)
        self._discard_prebuilt = True
        return True

    # ---- size ----------------------------------------------------------------------------------
    def _too_large(self, store: Store, batch: InflightBatch, outcome: dict[str, Any] | None,
                   report: DrainReport) -> bool:
        """Halve what the server refused as too large: rows down to one, then that row's entries per transaction
        down to one; only one entry still refused alone is quarantined, with the server's OperationOutcome."""
        fit = load_fit(store, self.cfg.sync.endpoint)
        split = SplitState.from_json(store.sync_state_get(SPLIT_KEY))
        entries = len(batch.owners)
        self._discard_prebuilt = True
        if len(batch.ids) > 1 and not batch.part:
            fit = replace(fit, max_rows=max(1, len(batch.ids) // 2))
        elif entries > 1:
            # a single row too large: the limit is on entries, which now cut batches of several rows too
            fit = replace(fit, max_entries=max(1, min(entries // 2, fit.max_entries or entries)), max_rows=None)
            if split is not None and batch.part:
                store.sync_state_set(SPLIT_KEY, replace(split, max_entries=fit.max_entries or 1).to_json())
        else:
            outcome_kept = outcome if (outcome or {}).get("resourceType") == "OperationOutcome" else None
            self._quarantine(store, batch, "the server refuses even one entry of this record as too large", 413,
                             outcome_kept, report, culprit=batch.ids[0])
            store.sync_state_set(SPLIT_KEY, "")
            self._clear_backoff(store)
            return True
        store.sync_state_set(FIT_KEY, fit.to_json())
        store.sync_state_set(INFLIGHT_KEY, "")
        log_event(log, logging.WARNING, "the server refused a batch as too large; smaller batches from now on",
                  batch_id=batch.batch_id, rows=len(batch.ids), entries=entries, limits=fit.describe())
        return True

    def _next_part(self, store: Store, split: SplitState, report: DrainReport) -> InflightBatch | None:
        """The next transaction of the row being split (not yet saved), or, when none is left, the row acknowledged."""
        pending = store.outbox_pending(50)
        item = next((i for i in pending if i.id == split.row_id), None)
        if item is None:
            everything = store.outbox_pending(max(1, store.outbox_stats()["pending"]))
            item = next((i for i in everything if i.id == split.row_id), None)
        if item is None:  # settled meanwhile (quarantined and dropped, or acknowledged): forget the split
            store.sync_state_set(SPLIT_KEY, "")
            raise Settled
        try:
            built = self._build_batch(store, [item], self.cfg)
            entries, owners = next_part(built.bundle["entry"], built.entry_owner, split)
        except MappingError as e:
            store.sync_state_set(SPLIT_KEY, "")
            self._quarantine_mapping_bug(store, [item], e, report)
            raise Settled from None
        except UnsplittableError as e:
            store.sync_state_set(SPLIT_KEY, "")
            self._quarantine_mapping_bug(store, [item], MappingError(str(e), record_id=item.id), report)
            raise Settled from None
        if not entries:
            store.outbox_mark_acked((item.id,), split.batch_id)
            store.sync_state_set(SPLIT_KEY, "")
            report.rows_acked += 1
            log_event(log, logging.INFO, "a record sent in parts is acknowledged", row=item.id, parts_entries=len(
                split.done))
            raise Settled
        raw = json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries}, ensure_ascii=False,
                         separators=(",", ":")).encode("utf-8")
        key = str(uuid.uuid5(uuid.UUID(split.batch_id), f"part-{len(split.done)}-{len(entries)}"))
        return InflightBatch(key, (item.id,), tuple(owners), gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0),
                             part=True)

    def _part_acknowledged(self, store: Store, batch: InflightBatch, entries: list[dict[str, Any]],
                           report: DrainReport) -> bool:
        """Record which entries the server now holds and where; the row is acknowledged once no entry is left."""
        split = SplitState.from_json(store.sync_state_get(SPLIT_KEY))
        sent = json.loads(gzip.decompress(batch.body_gzip))["entry"]
        urls = [e["fullUrl"] for e in sent]
        where = [location_reference(e["response"].get("location")) for e in entries]
        if split is None or None in where:
            reason = ("the server gave no location for an entry of a record sent in parts (its later parts could "
                      "not refer to it)") if split is not None else "a part arrived with no split in progress"
            self._quarantine(store, batch, reason, None, None, report, culprit=batch.ids[0])
            store.sync_state_set(SPLIT_KEY, "")
            return True
        resolved = {**split.resolved, **{u: w for u, w in zip(urls, where, strict=True) if w}}
        store.sync_state_set(SPLIT_KEY, replace(split, done=(*split.done, *urls), resolved=resolved).to_json())
        store.sync_state_set(INFLIGHT_KEY, "")
        store.sync_state_set(LAST_SUCCESS_KEY, self._clock().isoformat())
        self._clear_backoff(store)
        report.batches_acked += 1
        log_event(log, logging.INFO, "part of a record acknowledged", batch_id=batch.batch_id, row=batch.ids[0],
                  entries=len(urls))
        return True
