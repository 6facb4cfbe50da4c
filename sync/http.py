"""HTTPS transport to the regional FHIR server: TLS, mutual TLS, OAuth2 bearer, gzip, idempotency keys.

TLS verification is always on: ``cfg.sync.ca_bundle`` names a CA file (else the system trust store)
and there is no switch to turn it off. A batch travels as one gzip-compressed transaction Bundle
``POST``ed to the base URL with an ``Idempotency-Key`` that the caller keeps stable across resends.
HTTP statuses come back as a ``SendResult`` for the retry policy to judge; only a failure to get
any answer (connect, TLS, timeout, dropped connection) raises ``TransportError``.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import logging
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from kiosk.config import SyncAuth, SyncConfig
from kiosk.errors import ConfigError
from kiosk.logs import log_event
from sync.auth import ClientCredentialsToken, read_client_secret
from sync.errors import TransportError

log = logging.getLogger("sync.http")

FHIR_JSON = "application/fhir+json"
GZIP_LEVEL = 6


def encode_bundle(bundle: dict[str, Any]) -> bytes:
    """The request body for a Bundle: compact UTF-8 JSON, gzip-compressed (deterministic: mtime 0)."""
    raw = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)


def tls_context(cfg: SyncConfig) -> ssl.SSLContext:
    """A verifying client TLS context: the configured CA bundle (or system store), plus the client
    certificate when one is configured (mutual TLS). Unreadable files are a ConfigError naming the key."""
    if not any(url.startswith("https://") for url in (cfg.endpoint, cfg.token_url)) and not cfg.ca_bundle:
        # plain http to this machine (tests): a verifying context that trusts nobody, without the
        # cost of loading the system store; any https redirect or misconfiguration fails closed
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx
    ca = cfg.ca_bundle or None
    if ca and not Path(ca).is_file():
        raise ConfigError("CA bundle not found", path=ca, key="sync.ca_bundle")
    try:
        ctx = ssl.create_default_context(cafile=ca)
    except (ssl.SSLError, OSError) as e:
        raise ConfigError(f"CA bundle is not usable: {e}", path=ca, key="sync.ca_bundle") from None
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if cfg.client_cert or cfg.client_key:
        for key, path in (("sync.client_cert", cfg.client_cert), ("sync.client_key", cfg.client_key)):
            if not path or not Path(path).is_file():
                raise ConfigError("file not found (mutual TLS needs both client_cert and client_key)",
                                  path=path or None, key=key)
        try:
            ctx.load_cert_chain(cfg.client_cert, cfg.client_key)
        except (ssl.SSLError, OSError) as e:
            raise ConfigError(f"client certificate or key is not usable: {e}", path=cfg.client_cert,
                              key="sync.client_cert") from None
    return ctx


def _require_https_off_this_machine(url: str, key: str) -> None:
    """Plain http only to a loopback address (the test double): residents' data and the client secret
    never cross a network unencrypted. Checked on the parsed host, so "http://localhost.example.org"
    or "http://127.0.0.1.nip.io", which pass a prefix test, are refused."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ConfigError("expected an https:// URL (plain http only to this machine, for tests)", key=key)


@dataclass(frozen=True)
class SendResult:
    """The server's answer to one POST: status, parsed JSON body (None if not JSON), Retry-After header."""

    status: int
    body: dict[str, Any] | None
    retry_after: str | None
    elapsed_s: float
    replayed: bool = False  # the server said it replayed an earlier answer for this Idempotency-Key


class FhirClient:
    """One HTTP connection pool to the FHIR base URL; for one thread (the uploader's)."""

    def __init__(self, cfg: SyncConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        if not cfg.endpoint:
            raise ConfigError("sync is off: no endpoint configured", key="sync.endpoint")
        _require_https_off_this_machine(cfg.endpoint, "sync.endpoint")
        if cfg.auth is SyncAuth.OAUTH2 and cfg.token_url:
            _require_https_off_this_machine(cfg.token_url, "sync.token_url")
        self.base_url = cfg.endpoint.rstrip("/")
        timeout = httpx.Timeout(connect=cfg.connect_timeout_s, read=cfg.read_timeout_s,
                                write=cfg.read_timeout_s, pool=cfg.connect_timeout_s)
        self._http = httpx.Client(verify=tls_context(cfg), timeout=timeout, transport=transport,
                                  follow_redirects=False, trust_env=False)
        self.tokens: ClientCredentialsToken | None = None
        if cfg.auth is SyncAuth.OAUTH2:
            if not (cfg.token_url and cfg.client_id):
                raise ConfigError("OAuth2 needs token_url and client_id", key="sync.token_url")
            self.tokens = ClientCredentialsToken(cfg.token_url, cfg.client_id,
                                                 read_client_secret(cfg.client_secret_file), http=self._http)

    def post_transaction(self, body_gzip: bytes, idempotency_key: str, *, gzip_body: bool = True) -> SendResult:
        """POST a transaction Bundle (given gzip-compressed) to the base URL, as gzip or, when ``gzip_body`` is
        false (``sync.gzip = false``, or a server that refused gzip), as the plain JSON.

        A 401 refreshes the OAuth2 token once and retries once. Raises ``TransportError`` when no
        HTTP answer arrives (network, TLS, timeout, connection dropped mid-response).
        """
        headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON, "Idempotency-Key": idempotency_key}
        if gzip_body:
            headers["Content-Encoding"] = "gzip"
        else:
            body_gzip = gzip.decompress(body_gzip)
        result = self._post(body_gzip, headers)
        if result.status == 401 and self.tokens is not None:
            log_event(log, logging.WARNING, "token refused, refreshing once", batch=idempotency_key)
            self.tokens.invalidate(headers.get("Authorization", "").removeprefix("Bearer "))
            result = self._post(body_gzip, headers)
        return result

    def get_metadata(self) -> SendResult:
        """``GET [base]/metadata``: the server's CapabilityStatement (``kiosk sync check``)."""
        return self._post(None, {"Accept": FHIR_JSON}, path="/metadata")

    def _post(self, body: bytes | None, headers: dict[str, str], *, path: str = "") -> SendResult:
        if self.tokens is not None:
            headers["Authorization"] = f"Bearer {self.tokens.bearer()}"
        started = time.perf_counter()
        try:
            if body is None:
                r = self._http.get(self.base_url + path, headers=headers)
            else:
                r = self._http.post(self.base_url, content=body, headers=headers)
        except httpx.TimeoutException as e:
            raise TransportError(f"timed out talking to {self.base_url}: {type(e).__name__}") from e
        except httpx.HTTPError as e:
            raise TransportError(f"no answer from {self.base_url}: {type(e).__name__}: {e}") from e
        elapsed = time.perf_counter() - started
        try:
            parsed = r.json()
        except ValueError:
            parsed = None
        return SendResult(status=r.status_code, body=parsed if isinstance(parsed, dict) else None,
                          retry_after=r.headers.get("Retry-After"), elapsed_s=elapsed,
                          replayed=r.headers.get("Idempotent-Replayed", "").lower() == "true")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FhirClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
