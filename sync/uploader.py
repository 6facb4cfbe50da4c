"""The uploader: drains the outbox to the FHIR server in batches, exactly once, whatever happens.

Crash safety rests on three rules. (1) A batch's id (its ``Idempotency-Key``), its outbox ids and
its exact gzip body are saved in ``sync_state`` BEFORE it is sent, so a restarted uploader resends
the very same bytes under the same key. (2) Rows are marked acknowledged only after a 2xx
transaction-response whose every entry is 200/201, in one store transaction. (3) The server
deduplicates by key and by identifier (``ifNoneExist``), so a batch the server applied but whose
answer was lost is harmless to resend. Killed at any instant, the uploader therefore neither loses
a row nor marks one sent that was not acknowledged.

Servers limit a transaction's size: a batch refused as too large is halved, and a row still too large
alone is sent in parts (``sync.upload_parts``, ``sync.upload_fit``); each part is a batch saved before it
is sent, like any other. The service reads the server's CapabilityStatement once at start
(``check_server``; `kiosk sync check` does it on demand).

``drain_once()`` is synchronous (the CLI, tests and bench call it); ``run_forever()`` runs it on a
dedicated worker thread with its own store connection, so the kiosk's event loop never waits on it.
Run alone: ``python -m sync.uploader --config station.toml``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import random as _random
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from kiosk.config import StationConfig
from kiosk.domain import utcnow
from kiosk.errors import KioskError
from kiosk.logs import log_event
from sync.errors import MappingError, TransportError
from sync.http import GZIP_LEVEL, FhirClient, SendResult
from sync.retry import RetryPolicy, Verdict, classify, retry_delay_s
from sync.upload_answers import entry_status_code, named_entry_owner, outcome_names_batch_content
from sync.upload_fit import FIT_KEY, SPLIT_KEY, SplitState, is_too_large, load_fit, refuses_gzip
from sync.upload_lock import LOCK_NAME, exclusive
from sync.upload_parts import FitMixin, Settled
from sync.upload_state import (
    BACKOFF_KEY,
    INFLIGHT_KEY,
    LAST_SUCCESS_KEY,
    BackoffState,
    DrainReport,
    InflightBatch,
)

RETENTION_EVERY = timedelta(hours=1)  # the service runs the retention purge at most this often

if TYPE_CHECKING:
    from kiosk.storage import Store

log = logging.getLogger("sync.uploader")

def policy_from_config(cfg: StationConfig) -> RetryPolicy:
    s = cfg.sync
    return RetryPolicy(base_delay_s=s.retry_base_delay_s, max_delay_s=s.retry_max_delay_s,
                       max_retry_after_s=s.retry_after_max_s, quarantine_after_5xx=s.quarantine_after_5xx)


_Settled = Settled  # the batch was settled before sending; go on with the next one


class Uploader(FitMixin):
    """Sends the outbox. Give ``store`` to drain from this thread; leave it out to open one lazily
    (required for ``run_forever``, whose worker thread must own its connection)."""

    def __init__(self, cfg: StationConfig, *, store: Store | None = None, client: FhirClient | None = None,
                 policy: RetryPolicy | None = None, random: Callable[[], float] = _random.random,
                 clock: Callable[[], datetime] = utcnow, build_batch: Callable[..., Any] | None = None) -> None:
        self.cfg = cfg
        self.policy = policy or policy_from_config(cfg)
        self._store = store
        self._owns_store = store is None
        self._client = client
        self._random = random
        self._clock = clock
        self._build_batch = build_batch
        self._stop = threading.Event()
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._last_retention: datetime | None = None
        self._net: ThreadPoolExecutor | None = None  # one thread for HTTP, so mapping overlaps the wire
        self._checked = False  # the server's capabilities are read once, at the first drain
        self._discard_prebuilt = False  # a settle changed the batch sizes or encoding: rebuild the next batch

    # ---- resources ---------------------------------------------------------------------------
    def _ensure(self) -> tuple[Store, FhirClient]:
        if self._store is None:
            from kiosk.storage import Create, open_store

            # the uploader never creates the station's database (that is `kiosk db init`'s job)
            self._store = open_store(self.cfg, create=Create.NEVER)
        if self._client is None:
            self._client = FhirClient(self.cfg.sync)
        if self._build_batch is None:
            from sync.fhir_map import batch_bundle

            self._build_batch = batch_bundle
        return self._store, self._client

    def close(self) -> None:
        if self._net is not None:
            self._net.shutdown(wait=True)
            self._net = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._store is not None and self._owns_store:  # a store handed in belongs to the caller
            self._store.close()
            self._store = None

    # ---- one drain -----------------------------------------------------------------------------
    def drain_once(self, *, force: bool = False, max_batches: int | None = None) -> DrainReport:
        """Send batches until the queue is empty, a partial batch is waiting to fill, or a failure
        asks for backoff. ``force`` ignores the backoff timer and the batch age (`kiosk sync push`).

        One uploader at a time per data directory (an exclusive lock file): `kiosk sync push` while the
        service drains would otherwise resend the service's in-flight batch under its key concurrently
        and send the same rows in parallel batches, which a server's conditional create may duplicate.
        A drain that finds the lock taken sends nothing and returns ``busy``."""
        store, _ = self._ensure()
        with exclusive(self.cfg.data_path / LOCK_NAME) as locked:
            if not locked:
                log_event(log, logging.INFO, "another uploader is sending; this drain sends nothing")
                return DrainReport(busy=True, last_error="another uploader is sending from this station")
            return self._drain(store, force, max_batches)

    def check_server(self) -> None:
        """Read the server's capabilities once (the service does at start) and keep them for `kiosk sync status`;
        warns what the station needs and the server lacks, never stops an upload."""
        if self._checked:
            return
        self._checked = True
        store, client = self._ensure()
        from sync.capabilities import check_and_save

        check_and_save(store, client)

    def _drain(self, store: Store, force: bool, max_batches: int | None) -> DrainReport:
        report = DrainReport()
        backoff = BackoffState.from_json(store.sync_state_get(BACKOFF_KEY))
        now = self._clock()
        longest = timedelta(seconds=max(self.policy.max_delay_s, self.policy.max_retry_after_s))
        if backoff.next_attempt_at and backoff.next_attempt_at - now > longest:
            # longer than any wait the policy gives: saved under a clock that was far ahead (RTC drift put
            # right by NTP), which would otherwise stop uploads until that date. Not honoured.
            log_event(log, logging.WARNING, "backoff beyond the policy's caps ignored (clock jump)",
                      until=backoff.next_attempt_at.isoformat())
            backoff = replace(backoff, next_attempt_at=None)
        if not force and backoff.next_attempt_at and now < backoff.next_attempt_at:
            report.retry_at, report.last_error = backoff.next_attempt_at, backoff.last_error
            return report
        sent = 0
        batch: InflightBatch | None = None
        while (max_batches is None or sent < max_batches) and not self._stop.is_set():
            if batch is None:
                batch = self._resume_inflight(store)
            if batch is None:
                try:
                    batch = self._next_batch(store, force, report)
                except _Settled:
                    continue
                if batch is None:
                    break
                store.sync_state_set(INFLIGHT_KEY, batch.to_json())  # rule (1): saved before it leaves
            sent += 1
            answer = self._network().submit(self._post, batch, self._gzip(store))
            prebuilt = None
            try:  # map the next batch while this one is on the wire (it is saved only once this one is settled)
                if max_batches is None or sent < max_batches:
                    prebuilt = self._next_batch(store, force, report, exclude=frozenset(batch.ids))
            except _Settled:
                prebuilt = None
            finally:
                result, error = answer.result()
            self._discard_prebuilt = False
            if not self._settle(store, batch, result, error, report):
                break
            batch = None if self._discard_prebuilt else prebuilt
            if batch is not None:
                store.sync_state_set(INFLIGHT_KEY, batch.to_json())  # rule (1)
        return report

    def _resume_inflight(self, store: Store) -> InflightBatch | None:
        text = store.sync_state_get(INFLIGHT_KEY)
        if not text:
            return None
        try:
            batch = InflightBatch.from_json(text)
        except (ValueError, KeyError, TypeError):
            log_event(log, logging.ERROR, "unreadable in-flight batch dropped; its rows are rebatched")
            store.sync_state_set(INFLIGHT_KEY, "")
            return None
        wanted = set(batch.ids)
        still = {i.id for i in store.outbox_pending(len(wanted))} & wanted
        if len(still) < len(wanted):  # requeued rows may sit ahead of ours: look through the whole queue
            still = {i.id for i in store.outbox_pending(max(1, store.outbox_stats()["pending"]))} & wanted
        if still == wanted:
            return batch
        store.sync_state_set(INFLIGHT_KEY, "")
        if still:
            log_event(log, logging.WARNING, "in-flight batch partly settled; the rest is rebatched",
                      batch_id=batch.batch_id, pending=len(still), of=len(wanted))
        return None

    def _next_batch(self, store: Store, force: bool, report: DrainReport,
                    exclude: frozenset[str] = frozenset()) -> InflightBatch | None:
        """Map the oldest pending rows (not in ``exclude``) into a batch; not yet saved."""
        s = self.cfg.sync
        split = SplitState.from_json(store.sync_state_get(SPLIT_KEY))
        if split is not None:  # a row is being sent in parts: its next part, once the previous one is settled
            return None if exclude else self._next_part(store, split, report)
        fit = load_fit(store, self.cfg.sync.endpoint)
        count = min(s.batch_max_count, fit.max_rows or s.batch_max_count)
        items = store.outbox_pending(count + len(exclude))
        items = [i for i in items if i.id not in exclude][:count]
        if not items:
            return None
        oldest = _aware(items[0].created_at)
        age = self._clock() - oldest  # negative: queued under a clock that was ahead; do not wait for that date
        if not force and len(items) < count and timedelta(0) <= age < timedelta(seconds=s.batch_max_age_s):
            report.waiting_until = oldest + timedelta(seconds=s.batch_max_age_s)
            return None
        while True:
            try:
                built = self._build_batch(store, items, self.cfg)
            except MappingError as e:
                self._quarantine_mapping_bug(store, items, e, report)
                raise _Settled from None
            raw = json.dumps(built.bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            entries = len(built.bundle.get("entry") or ())
            over = fit.max_entries is not None and entries > fit.max_entries
            if (len(raw) <= s.batch_max_bytes and not over) or len(items) == 1:
                break
            keep = int(len(items) * min(s.batch_max_bytes / len(raw) * 0.9,
                                        (fit.max_entries or entries) / max(1, entries)))
            items = items[:max(1, min(len(items) - 1, keep))]
        if over and len(items) == 1 and fit.max_entries is not None:  # one row larger than the server takes
            if exclude:
                return None  # started once the batch on the wire is settled
            split = SplitState(items[0].id, str(uuid.uuid4()), fit.max_entries)
            store.sync_state_set(SPLIT_KEY, split.to_json())
            log_event(log, logging.INFO, "a record larger than the server takes is sent in parts", row=items[0].id,
                      entries=entries, per_part=fit.max_entries)
            return self._next_part(store, split, report)
        if len(raw) > s.batch_max_bytes:
            log_event(log, logging.WARNING, "one record exceeds batch_max_bytes; sent alone", bytes=len(raw))
        ids = tuple(i.id for i in items)
        batch = InflightBatch(str(uuid.uuid4()), ids, tuple(built.entry_owner),
                              gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0))
        if not built.bundle.get("entry"):  # nothing of these records leaves the station (e.g. guest-only data)
            store.outbox_mark_acked(ids, batch.batch_id)
            log_event(log, logging.INFO, "records with nothing to send settled", batch_id=batch.batch_id, rows=len(ids))
            report.rows_acked += len(ids)
            raise _Settled
        return batch

    def _quarantine_mapping_bug(self, store: Store, items: Sequence[Any], e: MappingError, report: DrainReport) -> None:
        culprits = [i.id for i in items if i.id == e.record_id] or [i.id for i in items]
        batch_id = str(uuid.uuid4())
        log_event(log, logging.ERROR, "BUG: a record could not be mapped to valid FHIR; quarantined",
                  batch_id=batch_id, record_id=e.record_id, resource_type=e.resource_type, rows=len(culprits),
                  detail=str(e))
        store.outbox_quarantine(culprits, batch_id, f"mapping bug: {e}", None, None)
        report.batches_quarantined += 1
        report.rows_quarantined += len(culprits)

    # ---- sending and settling ----------------------------------------------------------------------
    def _network(self) -> ThreadPoolExecutor:
        if self._net is None:
            self._net = ThreadPoolExecutor(1, thread_name_prefix="uploader-http")
        return self._net

    def _post(self, batch: InflightBatch, gzip_body: bool = True) -> tuple[SendResult | None, TransportError | None]:
        """On the network thread: one POST, its answer or the transport failure."""
        client = self._client
        assert client is not None, "drain_once opens the client before sending"
        try:
            return client.post_transaction(batch.body_gzip, batch.batch_id, gzip_body=gzip_body), None
        except TransportError as e:
            return None, e
        except KioskError:
            raise  # e.g. a ConfigError: the drain fails and says why
        except Exception as e:  # e.g. a token that cannot go in a header (httpx: UnicodeEncodeError)
            # unknown whether it left: like a network error, resent under the same key after a backoff (saved),
            # instead of escaping drain_once with no backoff and being retried every idle poll for ever
            log.exception("BUG: sending a batch raised %s; retried after a backoff", type(e).__name__)
            return None, TransportError(f"sending failed: {type(e).__name__}")

    def _settle(self, store: Store, batch: InflightBatch, result: SendResult | None, failure: TransportError | None,
                report: DrainReport) -> bool:
        """Act on one attempt's outcome; returns whether to go on with the next batch."""
        status = result.status if result is not None else (failure.http_status if failure else None)
        answered = result.body if result is not None else None
        if result is not None and is_too_large(status, answered):
            return self._too_large(store, batch, answered, report)
        if result is not None and self._gzip(store) and refuses_gzip(status, answered):
            return self._gzip_refused(store, batch, status)
        decision = classify(status, consecutive_5xx=batch.consecutive_5xx, policy=self.policy,
                            outcome_names_content=outcome_names_batch_content(answered))
        error = f"HTTP {status}: {decision.reason}" if result is not None else str(failure)
        if decision.endpoint_problem and status is not None:
            error = self._endpoint_problem(batch, status)
        if decision.verdict is Verdict.ACKNOWLEDGED:
            assert result is not None
            return self._settle_response(store, batch, result, report)
        if decision.verdict is Verdict.QUARANTINE:
            outcome = result.body if result and (result.body or {}).get("resourceType") == "OperationOutcome" else None
            refused_one = named_entry_owner(batch.owners, outcome) if status is not None and status < 500 else None
            self._quarantine(store, batch, decision.reason, status, outcome, report, culprit=refused_one)
            if status is not None and status < 500:
                self._clear_backoff(store)
                return True
            return self._back_off(store, status, error, None, report)
        store.outbox_record_attempt(batch.ids, error)
        if decision.consecutive_5xx != batch.consecutive_5xx:
            store.sync_state_set(INFLIGHT_KEY, replace(batch, consecutive_5xx=decision.consecutive_5xx).to_json())
        return self._back_off(store, status, error, result.retry_after if result else None, report)

    def _endpoint_problem(self, batch: InflightBatch, status: int) -> str:
        """Log a 404/405 for the FHIR URL loudly and word it for `kiosk sync status`: the fix is in the station file."""
        endpoint = _shown_url(self.cfg.sync.endpoint)
        log_event(log, logging.ERROR, "the FHIR endpoint refused the path; batch kept queued: check sync.endpoint",
                  endpoint=endpoint, status=status, batch_id=batch.batch_id, rows=len(batch.ids))
        return (f"the server answered {status} {HTTPStatus(status).phrase} for {endpoint}: check sync.endpoint "
                "(nothing is lost: the results stay queued and are retried)")

    def _settle_response(self, store: Store, batch: InflightBatch, result: SendResult, report: DrainReport) -> bool:
        body = result.body or {}
        entries = body.get("entry") if body.get("type") == "transaction-response" else None
        if not isinstance(entries, list) or len(entries) != len(batch.owners) or not all(
                isinstance(e, dict) and isinstance(e.get("response"), dict)
                and entry_status_code(str(e["response"].get("status", ""))) is not None for e in entries):
            # e.g. a proxy's page, or entries without a readable status: unknown whether the server applied
            # it, so resend (safe) like a 500
            got = len(entries) if isinstance(entries, list) else "no"
            failure = TransportError(f"HTTP {result.status} but not a transaction-response ({got} entries for "
                                     f"{len(batch.owners)} sent)", http_status=500)
            return self._settle(store, batch, None, failure, report)
        for index, entry in enumerate(entries):
            response = entry["response"]
            status_text = str(response.get("status", ""))
            code = entry_status_code(status_text)
            if code is None or not 200 <= code < 300:  # 201 created, 200 already there: both acknowledged
                outcome = response.get("outcome") if isinstance(response.get("outcome"), dict) else None
                self._quarantine(store, batch, f"entry {index} (record {batch.owners[index]}) answered "
                                               f"{status_text or 'nothing'}", code, outcome, report,
                                 culprit=batch.owners[index])
                self._clear_backoff(store)
                return True
        fit = load_fit(store, self.cfg.sync.endpoint)
        if (worked := fit.acknowledged(len(batch.ids), len(batch.owners))) != fit:
            store.sync_state_set(FIT_KEY, worked.to_json())
        if batch.part:
            return self._part_acknowledged(store, batch, entries, report)
        store.outbox_mark_acked(batch.ids, batch.batch_id)  # rule (2): one transaction, after the answer
        store.sync_state_set(INFLIGHT_KEY, "")
        store.sync_state_set(LAST_SUCCESS_KEY, self._clock().isoformat())
        self._clear_backoff(store)
        report.batches_acked += 1
        report.rows_acked += len(batch.ids)
        log_event(log, logging.INFO, "batch acknowledged", batch_id=batch.batch_id, rows=len(batch.ids),
                  replayed=result.replayed, elapsed_s=round(result.elapsed_s, 3))
        return True

    def _quarantine(self, store: Store, batch: InflightBatch, reason: str, status: int | None,
                    outcome: dict[str, Any] | None, report: DrainReport, *, culprit: str | None = None) -> None:
        """Set the batch aside; when the server named the one record it refused (``culprit``, an outbox id of
        this batch), only that record: the others stay queued and go in a new batch. Quarantining them all
        tied the innocent rows to the refused one for good (requeued, they were batched with it again)."""
        ids = (culprit,) if culprit is not None and culprit in batch.ids and len(batch.ids) > 1 else batch.ids
        store.outbox_quarantine(ids, batch.batch_id, reason, status, outcome)
        store.sync_state_set(INFLIGHT_KEY, "")
        report.batches_quarantined += 1
        report.rows_quarantined += len(ids)
        report.last_error = reason

    def _back_off(self, store: Store, status: int | None, error: str, retry_after: str | None,
                  report: DrainReport) -> bool:
        previous = BackoffState.from_json(store.sync_state_get(BACKOFF_KEY))
        failures = previous.failures + 1
        now = self._clock()
        delay = retry_delay_s(failures, retry_after, self.policy, self._random, now)
        state = BackoffState(failures, now + timedelta(seconds=delay), error, status)
        store.sync_state_set(BACKOFF_KEY, state.to_json())
        log_event(log, logging.WARNING, "upload deferred", status=status, failures=failures, delay_s=round(delay, 2),
                  error=error)
        report.retry_at, report.last_error = state.next_attempt_at, error
        return False

    def _clear_backoff(self, store: Store) -> None:
        if BackoffState.from_json(store.sync_state_get(BACKOFF_KEY)).failures:
            store.sync_state_set(BACKOFF_KEY, BackoffState().to_json())

    # ---- service loop --------------------------------------------------------------------------
    def wake(self) -> None:
        """Ask the service loop to look at the outbox now (thread-safe; e.g. after a session ends)."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def stop(self) -> None:
        """Stop after the current batch (thread-safe)."""
        self._stop.set()
        self.wake()

    def purge_if_due(self) -> dict[str, int] | None:
        """Retention, at most once per RETENTION_EVERY: personal data of acknowledged sessions past the
        retention period goes (the store never purges anything unacknowledged). None when not yet due."""
        now = self._clock()
        if self._last_retention is not None and now - self._last_retention < RETENTION_EVERY:
            return None
        store, _ = self._ensure()
        counts = store.purge_personal_data(now)
        self._last_retention = now
        if counts.get("purged"):
            log_event(log, logging.INFO, "retention purge", **counts)
        return counts

    async def run_forever(self, *, idle_poll_s: float = 5.0) -> None:
        """Drain, sleep until the next due time (backoff, batch age, or ``idle_poll_s``), repeat.

        Returns at once when sync is off (no endpoint): results simply stay queued."""
        if not self.cfg.sync.endpoint:
            log_event(log, logging.INFO, "sync is off (no endpoint); the outbox keeps every result")
            return
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        with ThreadPoolExecutor(1, thread_name_prefix="uploader") as worker:
            try:
                while not self._stop.is_set():
                    self._wake.clear()
                    pause = idle_poll_s
                    try:
                        await self._loop.run_in_executor(worker, self.check_server)
                        report = await self._loop.run_in_executor(worker, self.drain_once)
                        await self._loop.run_in_executor(worker, self.purge_if_due)
                        due = report.retry_at or report.waiting_until
                        if due is not None:
                            pause = max(0.05, min(idle_poll_s * 12, (due - self._clock()).total_seconds()))
                        elif report.batches_acked or report.batches_quarantined:
                            pause = 0.0
                    except KioskError as e:  # e.g. the database is busy or unwell: try again later
                        log_event(log, logging.ERROR, "drain failed", error=str(e))
                    except Exception:  # a bug must not stop the service: log it loudly and try again later
                        log.exception("drain crashed; retrying after the idle pause")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=pause)
            finally:
                await self._loop.run_in_executor(worker, self.close)


def _shown_url(url: str) -> str:
    """The endpoint as logged and shown: without any user:password@ or query (they may hold secrets)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
