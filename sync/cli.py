"""`kiosk sync …`: status, push, check, resend, quarantine list|show|retry, bundle SESSION_ID, run (the service).

Every handler returns an exit code: 0 done, 1 something needs a technician (the message says what).
Errors raised as KioskError are printed by `kiosk` itself, one line, no traceback.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="FHIR upload: status, push, quarantine, bundle")
    ssub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    status = ssub.add_parser("status", help="queue depth, oldest unsent, last success, backoff, quarantine")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=_status)
    push = ssub.add_parser("push", help="send the outbox now (ignores backoff and batch age)")
    push.add_argument("--max-batches", type=int, metavar="N", help="stop after N batches")
    push.set_defaults(func=_push)
    check = ssub.add_parser("check", help="read the server's /metadata: FHIR version, transactions, conditional "
                                          "create and references; warn what the station needs and the server lacks")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(func=_check)
    resend = ssub.add_parser("resend", help="re-queue acknowledged rows (the cloud lost data); safe: the server "
                                            "matches what it still holds by identifier")
    which = resend.add_mutually_exclusive_group(required=True)
    which.add_argument("--since", metavar="DATE", help="rows acknowledged at or after DATE (ISO 8601; no zone = UTC)")
    which.add_argument("--session", metavar="ID", help="rows of one session")
    which.add_argument("--all", action="store_true", help="every acknowledged row")
    resend.set_defaults(func=_resend)
    q = ssub.add_parser("quarantine", help="batches the server refused: list, show, retry")
    qsub = q.add_subparsers(dest="quarantine_command", metavar="ACTION", required=True)
    qsub.add_parser("list", help="quarantined batches, oldest first").set_defaults(func=_q_list)
    show = qsub.add_parser("show", help="one batch: reason, server's OperationOutcome, rows")
    show.add_argument("batch", metavar="BATCH")
    show.set_defaults(func=_q_show)
    retry = qsub.add_parser("retry", help="put a batch's rows back in the queue")
    retry.add_argument("batch", metavar="BATCH")
    retry.set_defaults(func=_q_retry)
    bundle = ssub.add_parser("bundle", help="print the FHIR transaction Bundle a session produces")
    bundle.add_argument("session_id", metavar="SESSION_ID")
    bundle.set_defaults(func=_bundle)
    run = ssub.add_parser("run", help="run the upload service in the foreground until Ctrl-C")
    run.add_argument("--idle-poll", type=float, default=5.0, metavar="S", help="seconds between looks at an idle queue")
    run.set_defaults(func=_run)


def _open(args: argparse.Namespace) -> tuple[Any, Any]:
    from kiosk.cli import station_config
    from kiosk.storage import Create, open_store

    cfg = station_config(args)
    return cfg, open_store(cfg, create=Create.NEVER)  # a mistyped data folder is an error, never a new database


def _when(at: datetime | str | None) -> str:
    if at is None or at == "":
        return "never"
    return at.isoformat(timespec="seconds") if isinstance(at, datetime) else str(at)


def status_figures(cfg: Any, store: Any) -> dict[str, Any]:
    """What `kiosk sync status` shows, as plain data (also used by the demo and the technician screen)."""
    from sync.capabilities import CAPABILITIES_KEY, Capabilities
    from sync.upload_fit import SPLIT_KEY, SplitState, load_fit
    from sync.upload_state import BACKOFF_KEY, INFLIGHT_KEY, LAST_SUCCESS_KEY, BackoffState, InflightBatch

    stats = store.outbox_stats()
    backoff = BackoffState.from_json(store.sync_state_get(BACKOFF_KEY))
    inflight_text = store.sync_state_get(INFLIGHT_KEY)
    inflight = None
    if inflight_text:
        try:
            b = InflightBatch.from_json(inflight_text)
            inflight = {"batch_id": b.batch_id, "rows": len(b.ids), "consecutive_5xx": b.consecutive_5xx}
        except (ValueError, KeyError, TypeError):
            inflight = {"batch_id": "<unreadable>"}
    return {
        "endpoint": cfg.sync.endpoint or "(sync off)",
        "queue_depth": stats["pending"],
        "oldest_unsent_at": _when(stats["oldest_pending_at"]) if stats["pending"] else None,
        "acknowledged": stats["acked"],
        "last_success_at": _when(store.sync_state_get(LAST_SUCCESS_KEY) or stats["last_ack_at"]),
        "backoff": {"failures": backoff.failures, "next_attempt_at": _when(backoff.next_attempt_at)
                    if backoff.next_attempt_at else None, "last_error": backoff.last_error,
                    "last_status": backoff.last_status},
        "in_flight": inflight,
        "quarantined_batches": stats["quarantined_batches"],
        "quarantined_rows": stats["quarantined"],
        "server": (caps.lines() if (caps := Capabilities.from_json(store.sync_state_get(CAPABILITIES_KEY)))
                   else ["not checked yet (the uploader checks at start; or: kiosk sync check)"]),
        "sizes": load_fit(store, cfg.sync.endpoint).describe(),
        "split_row": (split.row_id if (split := SplitState.from_json(store.sync_state_get(SPLIT_KEY))) else None),
    }


def _status(args: argparse.Namespace) -> int:
    cfg, store = _open(args)
    with store:
        fig = status_figures(cfg, store)
    if args.json:
        print(json.dumps(fig, indent=2, ensure_ascii=False))
        return 0
    b = fig["backoff"]
    print(f"endpoint            {fig['endpoint']}")
    print(f"queue depth         {fig['queue_depth']} rows")
    print(f"oldest unsent       {fig['oldest_unsent_at'] or '-'}")
    print(f"last success        {fig['last_success_at']}")
    print(f"acknowledged        {fig['acknowledged']} rows")
    if b["failures"]:
        print(f"backoff             {b['failures']} failure(s) in a row; next attempt {b['next_attempt_at']}")
        print(f"last error          {b['last_error']}")
    else:
        print("backoff             none")
    if fig["in_flight"]:
        print(f"in flight           batch {fig['in_flight']['batch_id']} ({fig['in_flight'].get('rows', '?')} rows)")
    print(f"quarantine          {fig['quarantined_batches']} batch(es), {fig['quarantined_rows']} rows"
          + ("  -> kiosk sync quarantine list" if fig["quarantined_batches"] else ""))
    print(f"batch sizes         {fig['sizes']}")
    if fig["split_row"]:
        print(f"sending in parts    row {fig['split_row']}")
    for n, line in enumerate(fig["server"]):
        print(f"{'server' if n == 0 else '':<20}{line}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from sync.capabilities import check_and_save
    from sync.http import FhirClient

    cfg, store = _open(args)
    with store:
        if not cfg.sync.endpoint:
            print("sync is off: set [sync] endpoint in the station file")
            return 1
        with FhirClient(cfg.sync) as client:
            caps = check_and_save(store, client)
    if args.json:
        print(caps.to_json())
    else:
        print(f"endpoint  {cfg.sync.endpoint}")
        print("\n".join(caps.lines()))
    return 1 if caps.warnings else 0


def _resend(args: argparse.Namespace) -> int:
    from kiosk.errors import InputError
    from sync.resend import resend

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            raise InputError(f"--since {args.since!r} is not an ISO 8601 date or time", field="since") from None
    _, store = _open(args)
    with store:
        n = resend(store, since=since, session_id=args.session, everything=args.all)
    print(f"re-queued {n} acknowledged rows; they go with the next upload (or: kiosk sync push)")
    return 0


def _push(args: argparse.Namespace) -> int:
    from sync.uploader import Uploader

    cfg, store = _open(args)
    if not cfg.sync.endpoint:
        store.close()
        print("sync is off: set [sync] endpoint in the station file")
        return 1
    uploader = Uploader(cfg, store=store)
    try:
        report = uploader.drain_once(force=True, max_batches=args.max_batches)
        left = store.outbox_stats()["pending"]
    finally:
        uploader.close()
        store.close()
    if report.busy:
        print("the upload service is sending right now; nothing was pushed (see: kiosk sync status)")
        return 1
    print(f"sent {report.rows_acked} rows in {report.batches_acked} batch(es); "
          f"quarantined {report.rows_quarantined} rows in {report.batches_quarantined} batch(es); {left} still queued")
    if report.retry_at is not None:
        print(f"stopped: {report.last_error}; next attempt after {_when(report.retry_at)}")
        return 1
    if report.batches_quarantined:
        print("see: kiosk sync quarantine list")
        return 1
    return 0


def _q_list(args: argparse.Namespace) -> int:
    _, store = _open(args)
    with store:
        batches = store.quarantine_list()
    if not batches:
        print("quarantine is empty")
        return 0
    print(f"{'BATCH':<36}  {'SINCE':<25}  {'ROWS':>4}  {'HTTP':>4}  REASON")
    for q in batches:
        print(f"{q['batch_id']:<36}  {_when(q['created_at']):<25}  {q['count']:>4}  {q['http_status'] or '-':>4}  "
              f"{q['reason']}")
    return 0


def _q_show(args: argparse.Namespace) -> int:
    _, store = _open(args)
    with store:
        q = store.quarantine_get(args.batch)
    if q is None:
        print(f"no quarantined batch {args.batch!r}; see: kiosk sync quarantine list")
        return 1
    print(json.dumps({**q, "created_at": _when(q["created_at"]),
                      "requeued_at": _when(q["requeued_at"]) if q["requeued_at"] else None},
                     indent=2, ensure_ascii=False))
    return 0


def _q_retry(args: argparse.Namespace) -> int:
    from kiosk.audit import AuditLog

    _, store = _open(args)
    with store:
        n = store.quarantine_requeue(args.batch)
        AuditLog(store).record("console", "system", "sync.quarantine_retry", target=args.batch, details={"rows": n})
    print(f"requeued {n} rows of batch {args.batch}; they go with the next upload (or: kiosk sync push)")
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from sync.fhir_map import session_bundle

    cfg, store = _open(args)
    with store:
        bundle = session_bundle(store, args.session_id, cfg)
    print(json.dumps(bundle, indent=2, ensure_ascii=False))
    return 0


def _run(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config
    from sync.service import check_database, serve_until_signalled
    from sync.uploader import Uploader

    cfg = station_config(args)
    check_database(cfg)
    if not cfg.sync.endpoint:
        print("sync is off: set [sync] endpoint in the station file")
        return 1
    serve_until_signalled(Uploader(cfg), idle_poll_s=args.idle_poll)
    return 0
