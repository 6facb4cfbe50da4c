"""The sync endpoint's self-check lines: reachable, its capabilities (GET /metadata), and the server's clock.

``read_capabilities`` is the one place that asks the server what it can do; it is kept small so that a
fuller capability reader (``kiosk sync check``) can replace it without touching the verdicts. The
server's ``Date`` header gives the clock check an independent time (HTTP dates have one-second
resolution; the request's round trip is split in half).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from kiosk.config import SyncConfig
from kiosk.selfcheck import CheckLine, Status

FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class EndpointAnswer:
    """What GET {endpoint}/metadata said; ``reachable`` False when no HTTP answer came at all."""

    reachable: bool
    status: int | None = None
    error: str = ""
    fhir_version: str = ""
    software: str = ""
    interactions: tuple[str, ...] = ()  # system-level interactions (transaction, batch …)
    station_needs: tuple[str, ...] = ()  # what the station needs and the server does not declare (sync.capabilities)
    server_offset_s: float | None = None  # our clock minus the server's Date header
    extra: dict[str, Any] = field(default_factory=dict)


def read_capabilities(cfg: SyncConfig, *, transport: httpx.BaseTransport | None = None,
                      now: Any = time.time) -> EndpointAnswer:
    """GET the CapabilityStatement with the station's TLS settings (no token: /metadata is public in FHIR)."""
    from sync.http import tls_context

    url = cfg.endpoint.rstrip("/") + "/metadata"
    timeout = httpx.Timeout(connect=cfg.connect_timeout_s, read=cfg.read_timeout_s, write=5.0, pool=5.0)
    try:
        with httpx.Client(verify=tls_context(cfg), timeout=timeout, transport=transport,
                          follow_redirects=False, trust_env=False) as http:
            sent = now()
            r = http.get(url, headers={"Accept": FHIR_JSON})
            received = now()
    except httpx.HTTPError as e:
        return EndpointAnswer(reachable=False, error=f"{type(e).__name__}: {e}")
    offset = None
    if "date" in r.headers:
        try:
            server_time = parsedate_to_datetime(r.headers["date"]).timestamp()
            offset = (sent + received) / 2 - server_time
        except (TypeError, ValueError):
            offset = None
    try:
        body = r.json()
    except ValueError:
        body = None
    if r.status_code != 200 or not isinstance(body, dict) or body.get("resourceType") != "CapabilityStatement":
        return EndpointAnswer(reachable=True, status=r.status_code, server_offset_s=offset,
                            error="" if r.status_code == 200 else f"HTTP {r.status_code}")
    from sync.capabilities import assess

    rest = body.get("rest") or [{}]
    interactions = tuple(str(i.get("code")) for i in (rest[0].get("interaction") or []) if isinstance(i, dict))
    software = body.get("software") or {}
    return EndpointAnswer(reachable=True, status=200, fhir_version=str(body.get("fhirVersion", "")),
                        software=" ".join(str(software.get(k, "")) for k in ("name", "version")).strip(),
                        interactions=interactions, server_offset_s=offset, station_needs=assess(body).warnings)


def endpoint_lines(cfg: SyncConfig, caps: EndpointAnswer | None) -> list[CheckLine]:
    """Reachable (fail when not) and capable of FHIR R4 transactions (warn when it cannot say so)."""
    if not cfg.endpoint:
        return [CheckLine("sync", "endpoint", Status.WARN, "sync is off (no [sync] endpoint configured)",
                          "set [sync] endpoint in the station file so results reach the regional cloud")]
    assert caps is not None
    if not caps.reachable:
        return [CheckLine("sync", "endpoint", Status.FAIL, f"{cfg.endpoint} not reachable: {caps.error}",
                          "check the network cable or Wi-Fi, the proxy and the endpoint URL; results wait "
                          "safely in the queue meanwhile")]
    reach = CheckLine("sync", "endpoint", Status.PASS, f"{cfg.endpoint} answers (HTTP {caps.status})")
    if not caps.fhir_version:
        return [reach, CheckLine("sync", "capabilities", Status.WARN,
                                 f"no CapabilityStatement at /metadata ({caps.error or 'not FHIR'})",
                                 "ask the cloud's operator whether the endpoint URL is the FHIR base")]
    said = f"FHIR {caps.fhir_version}" + (f", {caps.software}" if caps.software else "")
    if not caps.fhir_version.startswith("4."):
        return [reach, CheckLine("sync", "capabilities", Status.FAIL, said + ": the station sends FHIR R4",
                                 "the endpoint must be an R4 server; check the URL with the cloud's operator")]
    if caps.interactions and "transaction" not in caps.interactions:
        return [reach, CheckLine("sync", "capabilities", Status.FAIL, said + "; no transaction interaction",
                                 "the station sends transaction Bundles; ask the operator to enable them")]
    if caps.station_needs:
        return [reach, CheckLine("sync", "capabilities", Status.WARN, said + ": " + "; ".join(caps.station_needs),
                                 "ask the cloud's operator; `kiosk sync check` prints the server's whole answer")]
    return [reach, CheckLine("sync", "capabilities", Status.PASS,
                             said + ("; transactions" if caps.interactions else ""))]


def server_clock(caps: EndpointAnswer | None) -> float | None:
    return caps.server_offset_s if caps is not None and caps.reachable else None


def last_success_age_s(store: Any, now: datetime | None = None) -> float | None:
    """Seconds since the cloud last acknowledged a batch (None: never)."""
    from sync.upload_state import LAST_SUCCESS_KEY

    text = store.sync_state_get(LAST_SUCCESS_KEY)
    when = datetime.fromisoformat(text) if text else store.outbox_stats().get("last_ack_at")
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - when).total_seconds()
