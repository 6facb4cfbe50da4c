"""OAuth2 client-credentials tokens for the FHIR upload: fetched once, cached, refreshed before expiry.

The secret is read from ``cfg.sync.client_secret_file`` (never from the TOML itself, never logged).
A token is refreshed when it is within a margin of its expiry, and ``invalidate()`` lets the HTTP
client throw away a token the server refused (a 401) so that the next call fetches a fresh one.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk.errors import ConfigError
from kiosk.logs import log_event
from kiosk.secret_files import SecretFileError, read_private
from sync.errors import TransportError
from sync.retry import RETRYABLE_STATUSES

log = logging.getLogger("sync.auth")

DEFAULT_LIFETIME_S = 300.0  # when a server omits expires_in
MAX_TOKEN_LIFETIME_S = 86_400.0  # a longer (or infinite) expires_in is refreshed after a day all the same


def read_client_secret(path: str) -> str:
    """The client secret from its file (first line, stripped); a clear ConfigError when unusable."""
    if not path:
        raise ConfigError("OAuth2 needs a client secret file", key="sync.client_secret_file")
    p = Path(path)
    try:
        secret = read_private(p, "the OAuth client secret file").decode("utf-8").strip()
    except SecretFileError as e:  # exposed to other users, or owned by someone else (kiosk.secret_files)
        raise ConfigError(str(e), path=str(p), key="sync.client_secret_file") from None
    except FileNotFoundError:
        raise ConfigError("client secret file not found", path=str(p), key="sync.client_secret_file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read client secret file: {e}", path=str(p), key="sync.client_secret_file") from None
    if not secret:
        raise ConfigError("client secret file is empty", path=str(p), key="sync.client_secret_file")
    return secret


@dataclass(frozen=True)
class AccessToken:
    value: str
    refresh_at_s: float  # on the token source's monotonic clock
    expires_at_s: float


class ClientCredentialsToken:
    """A cached bearer token from an OAuth2 token endpoint (RFC 6749 §4.4). Thread-safe."""

    def __init__(self, token_url: str, client_id: str, client_secret: str, *, http: httpx.Client,
                 clock: Callable[[], float] = time.monotonic, refresh_margin_s: float = 60.0) -> None:
        self._url = token_url
        self._client_id = client_id
        self._secret = client_secret
        self._http = http
        self._clock = clock
        self._margin_s = refresh_margin_s
        self._token: AccessToken | None = None
        self._lock = threading.Lock()
        self.fetches = 0  # how many tokens were obtained (for tests and `kiosk sync status`)

    def bearer(self) -> str:
        """A token valid for a while yet; fetches a new one when none is cached or it is nearly expired."""
        with self._lock:
            tok = self._token
            if tok is None or self._clock() >= tok.refresh_at_s:
                tok = self._token = self._fetch()
            return tok.value

    def invalidate(self, refused: str | None = None) -> None:
        """Forget the cached token (the server refused it); ``refused`` avoids dropping a newer one."""
        with self._lock:
            if self._token is not None and (refused is None or self._token.value == refused):
                self._token = None

    def _fetch(self) -> AccessToken:
        started = self._clock()
        try:
            r = self._http.post(self._url, data={"grant_type": "client_credentials"},
                                auth=(self._client_id, self._secret), headers={"Accept": "application/json"})
        except httpx.HTTPError as e:
            raise TransportError(f"token endpoint unreachable: {type(e).__name__}: {e}") from e
        if r.status_code != 200:
            error = _json_field(r, "error") or r.reason_phrase
            log_event(log, logging.ERROR, "token refused", status=r.status_code, error=error)
            # a refused client or a broken token endpoint is a station set-up problem: retried with backoff,
            # never a reason to quarantine data. Its status must not pass for the FHIR server's verdict on a
            # batch (a 404 or 500 here once quarantined every batch in turn).
            raise TransportError(f"token endpoint refused the client: HTTP {r.status_code} {error}",
                                 http_status=_token_failure_status(r.status_code))
        value = _json_field(r, "access_token")
        if not value or str(_json_field(r, "token_type") or "bearer").lower() != "bearer":
            raise TransportError("token endpoint answered without a bearer access_token", http_status=502)
        try:
            lifetime = float(_json_field(r, "expires_in") or DEFAULT_LIFETIME_S)
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME_S
        if not math.isfinite(lifetime) or lifetime <= 0:  # NaN/Infinity (JSON as Python reads it) or nonsense
            lifetime = DEFAULT_LIFETIME_S
        lifetime = min(max(lifetime, 1.0), MAX_TOKEN_LIFETIME_S)  # NaN or 1e300 meant "never refresh"
        margin = min(self._margin_s, lifetime / 2)
        self.fetches += 1
        log_event(log, logging.INFO, "token obtained", lifetime_s=lifetime, fetches=self.fetches)
        return AccessToken(str(value), refresh_at_s=started + lifetime - margin, expires_at_s=started + lifetime)


def _token_failure_status(status: int) -> int | None:
    """The status a failed token request reports to the retry policy: 401 for a refused client, the
    status itself when it is transient (429, 502-504, so Retry-After and backoff apply), otherwise none
    (retried like a network error): the FHIR server never judged the batch."""
    if status in (400, 401, 403):
        return 401
    if status in RETRYABLE_STATUSES:
        return status
    return None


def _json_field(r: httpx.Response, name: str) -> object:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get(name) if isinstance(body, dict) else None
