"""What the FHIR server says it can do (``GET [base]/metadata``), against what the station needs.

``assess(statement)`` is pure: from a CapabilityStatement it reads the FHIR version, whether the server
takes transaction Bundles, whether it does conditional create on the resources the station sends, and
what it says of conditional references, and lists warnings for what the station needs and the server
lacks. The station needs FHIR R4 (4.0.x), transactions and conditional create (its exactly-once rests
on ``ifNoneExist``). It does not need conditional references: a record too large for one transaction is
sent in parts that refer to the ids the server returned (``sync.upload_fit``). FHIR R4's
CapabilityStatement has no element for conditional references, so that is reported as "not declared"
unless the server says more in a ``referencePolicy``. ``check_and_save`` asks the server once and keeps
the result in ``sync_state`` for `kiosk sync status`; it never stops an upload.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.domain import utcnow
from kiosk.logs import log_event
from sync.errors import TransportError

log = logging.getLogger("sync.capabilities")

CAPABILITIES_KEY = "uploader.capabilities"
SENT_TYPES = ("Patient", "Device", "Observation", "DiagnosticReport", "CarePlan")  # created with ifNoneExist


@dataclass(frozen=True)
class Capabilities:
    """The server's answer, read for the station (``warnings`` empty: it has everything the station needs)."""

    fhir_version: str | None = None
    software: str | None = None
    transaction: bool | None = None
    conditional_create: bool | None = None  # on every type the station creates conditionally
    conditional_references: str = "not declared (FHIR R4 has no element for it)"
    warnings: tuple[str, ...] = ()
    checked_at: str = ""
    error: str | None = None  # the statement could not be read (then every other field is unknown)
    missing_conditional_create: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Capabilities | None:
        if not text:
            return None
        try:
            d = json.loads(text)
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()
                          if k in cls.__dataclass_fields__})
        except (ValueError, TypeError):
            return None

    def lines(self) -> list[str]:
        """Plain lines for `kiosk sync check` and `kiosk sync status`."""
        if self.error:
            return [f"capabilities: not read ({self.error})", *(f"WARNING: {w}" for w in self.warnings)]
        yes = {True: "yes", False: "NO", None: "not said"}
        return [f"server: {self.software or 'not named'}; FHIR version {self.fhir_version or 'not said'}",
                f"transactions: {yes[self.transaction]}; conditional create: {yes[self.conditional_create]}"
                + (f" (not on {', '.join(self.missing_conditional_create)})" if self.missing_conditional_create
                   else ""),
                f"conditional references: {self.conditional_references}; the station does not need them",
                *(f"WARNING: {w}" for w in self.warnings)]


def assess(statement: Any, checked_at: str = "") -> Capabilities:
    """Read a CapabilityStatement (any JSON: a server may answer anything) against the station's needs."""
    if not isinstance(statement, dict) or statement.get("resourceType") != "CapabilityStatement":
        return Capabilities(checked_at=checked_at, error="the answer to /metadata is not a CapabilityStatement",
                            warnings=("cannot tell whether the server supports transactions and conditional create",))
    rests = [r for r in statement.get("rest") or [] if isinstance(r, dict) and r.get("mode", "server") == "server"]
    rest = rests[0] if rests else {}
    codes = {i.get("code") for i in rest.get("interaction") or [] if isinstance(i, dict)}
    resources = {r.get("type"): r for r in rest.get("resource") or [] if isinstance(r, dict)}
    missing = tuple(t for t in SENT_TYPES if not (resources.get(t) or {}).get("conditionalCreate"))
    policies = {p for r in resources.values() for p in r.get("referencePolicy") or [] if isinstance(p, str)}
    version = statement.get("fhirVersion") if isinstance(statement.get("fhirVersion"), str) else None
    software = statement.get("software") if isinstance(statement.get("software"), dict) else {}
    name = " ".join(str(software[k]) for k in ("name", "version") if software.get(k)) or None
    transaction = "transaction" in codes
    warnings = []
    if version is None or not version.startswith("4.0"):
        warnings.append(f"the station sends FHIR R4 (4.0.x); the server says {version or 'no version'}")
    if not transaction:
        warnings.append("the server does not declare transactions: every batch may be refused")
    if missing:
        warnings.append("the server does not declare conditional create on " + ", ".join(missing)
                        + ": a resent result may be stored twice")
    references = ("declared resolvable (referencePolicy 'resolves')" if "resolves" in policies
                  else "not declared (FHIR R4 has no element for it)")
    return Capabilities(version, name, transaction, not missing, references, tuple(warnings), checked_at,
                        None, missing)


def check(client: Any) -> Capabilities:
    """Ask the server (``client``: a ``sync.http.FhirClient``) and assess its answer."""
    now = utcnow().isoformat()
    try:
        result = client.get_metadata()
    except TransportError as e:
        return Capabilities(checked_at=now, error=str(e), warnings=("the server could not be asked",))
    except Exception as e:  # e.g. a token that cannot go in a header: the upload itself will say so; never block it
        log.exception("reading the server's capabilities failed")
        return Capabilities(checked_at=now, error=f"{type(e).__name__}", warnings=("the server could not be asked",))
    if not 200 <= result.status < 300:
        return Capabilities(checked_at=now, error=f"HTTP {result.status} for /metadata",
                            warnings=("cannot tell whether the server supports transactions and conditional create",))
    return assess(result.body, now)


def check_and_save(store: Any, client: Any) -> Capabilities:
    """Check and keep the result for `kiosk sync status`; each warning is logged. Never raises for the server."""
    caps = check(client)
    store.sync_state_set(CAPABILITIES_KEY, caps.to_json())
    for warning in caps.warnings:
        log_event(log, logging.WARNING, "FHIR server capability", warning=warning)
    log_event(log, logging.INFO, "FHIR server capabilities read", fhir_version=caps.fhir_version,
              transaction=caps.transaction, conditional_create=caps.conditional_create, error=caps.error)
    return caps
