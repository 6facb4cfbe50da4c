"""TEST DOUBLE of the regional FHIR server, on 127.0.0.1 over real HTTP or HTTPS, with fault injection.

Not a FHIR server for production: it exists so tests, the benchmark and the demo can exercise the
uploader end to end. It accepts ``POST [base]`` transaction Bundles (gzip or plain), validates each
resource with ``fhir.resources`` R4B, applies conditional create by identifier, honours
``Idempotency-Key``, issues OAuth2 client-credentials tokens with an expiry, checks client
certificates when asked (mutual TLS), and on command fails the next N FHIR requests in one of the
ways a real network fails (see ``FaultKind``). What it accepted is queryable in-process
(``server.memory``) and with ``GET [base]/Type?identifier=…`` / ``GET /_test/stats``.

Run it for the demo: ``python -m sync.testing.fhir_test_server --port 8089 [--tls-dir DIR] [--mtls]``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import enum
import gzip
import json
import secrets
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sync.testing.fhir_memory import Answer, FhirMemory, operation_outcome
from sync.testing.pki import TestPki, make_test_pki

TOKEN_PATH = "/oauth2/token"
CONTROL_PREFIX = "/_test"



class FaultKind(enum.StrEnum):
    STATUS = "status"  # answer `status` (500, 502, 503, 429 …) with an OperationOutcome and optional Retry-After
    #                    (its issue points at `expression`, e.g. "Bundle.entry[2]", when one is given)
    SLOW = "slow"  # apply the request, then wait `delay_s` before answering (past the client's timeout)
    DROP = "drop"  # apply the request, then send half a response and close the connection
    REJECT = "reject"  # 400 with an OperationOutcome, as a server refusing a resource would
    UNAUTHORIZED = "unauthorized"  # 401 whatever the token
    NOT_FHIR = "not_fhir"  # 200 with an HTML page, as a captive portal or broken proxy would answer
    ENTRY_ERROR = "entry_error"  # 200 transaction-response whose entry `entry` failed with 400 + OperationOutcome


@dataclass
class Fault:
    kind: FaultKind
    count: int = 1
    status: int = 500
    retry_after: str | None = None
    delay_s: float = 2.0
    apply: bool = True  # SLOW/DROP: whether the server commits the bundle before failing
    entry: int = 0  # ENTRY_ERROR: which entry fails
    expression: str | None = None  # STATUS: what the OperationOutcome's issue names (None: nothing)


@dataclass
class ServerLog:
    """What the server saw, for assertions (never holds bodies)."""

    requests: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # method, path, status, key
    received: list[tuple[str, str | None]] = field(default_factory=list)  # path, Idempotency-Key, on arrival
    faults_fired: list[str] = field(default_factory=list)


class _QuietThreadingServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (killed uploader, refused TLS handshake) is normal here, not an error."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class FhirTestServer:
    """The test double. ``clients`` maps OAuth2 client ids to secrets; ``None`` disables auth."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, base_path: str = "/fhir",
                 pki: TestPki | None = None, require_client_cert: bool = False,
                 clients: dict[str, str] | None = None, token_ttl_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.memory = FhirMemory()
        self.log = ServerLog()
        self.base_path = "/" + base_path.strip("/")
        self.clients = clients
        self.token_ttl_s = token_ttl_s
        self.clock = clock
        self.tokens: dict[str, float] = {}  # token -> expiry on `clock`
        self.tokens_issued = 0
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._httpd = _QuietThreadingServer((host, port), _Handler, bind_and_activate=True)
        self._httpd.fhir = self  # type: ignore[attr-defined]
        self._ssl: ssl.SSLContext | None = None
        if pki is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(pki.server_cert, pki.server_key)
            if require_client_cert:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(pki.ca_cert)
            self._ssl = ctx
        self._httpd.tls_context = self._ssl  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # ---- life cycle --------------------------------------------------------------------------
    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"{'https' if self._ssl else 'http'}://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.base_path

    @property
    def token_url(self) -> str:
        return self.origin + TOKEN_PATH

    def start(self) -> FhirTestServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fhir-test-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command-line entry point)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never started
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FhirTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- commands ----------------------------------------------------------------------------
    def inject(self, kind: FaultKind | str, count: int = 1, **params: Any) -> None:
        """Fail the next ``count`` FHIR requests (token requests are not affected) in the given way."""
        with self._lock:
            self._faults.append(Fault(FaultKind(kind), count, **params))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def expire_tokens(self) -> None:
        """Make every issued token expired (as if the clock had run past them)."""
        with self._lock:
            self.tokens = {t: float("-inf") for t in self.tokens}

    def next_fault(self) -> Fault | None:
        with self._lock:
            if not self._faults:
                return None
            f = self._faults[0]
            f.count -= 1
            if f.count <= 0:
                self._faults.pop(0)
            self.log.faults_fired.append(f.kind.value)
            return f

    def issue_token(self, client_id: str | None, secret: str | None) -> Answer:
        if self.clients is None or client_id not in self.clients or not secrets.compare_digest(
                self.clients[client_id], secret or ""):
            return Answer(401, {"error": "invalid_client"}, (("WWW-Authenticate", 'Basic realm="token"'),))
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = self.clock() + self.token_ttl_s
            self.tokens_issued += 1
        return Answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_ttl_s)})

    def authorised(self, header: str | None) -> bool:
        if self.clients is None:
            return True
        if not header or not header.startswith("Bearer "):
            return False
        with self._lock:
            expiry = self.tokens.get(header.removeprefix("Bearer ").strip())
        return expiry is not None and self.clock() < expiry


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FhirTestServer/1"

    @property
    def fhir(self) -> FhirTestServer:
        return self.server.fhir  # type: ignore[attr-defined]

    def setup(self) -> None:
        ctx = self.server.tls_context  # type: ignore[attr-defined]
        if ctx is not None:  # the handshake happens here, in the request thread, not in the accept loop
            self.request.settimeout(10)
            self.request = ctx.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read server.log instead
        pass

    # ---- routing -----------------------------------------------------------------------------
    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.fhir.log.received.append((path, self.headers.get("Idempotency-Key")))
        if path == TOKEN_PATH:
            self._token(body)
        elif path == CONTROL_PREFIX + "/faults":
            try:
                spec = json.loads(body or b"{}")
                self.fhir.inject(spec.pop("kind"), int(spec.pop("count", 1)), **spec)
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                kinds = ", ".join(k.value for k in FaultKind)
                self._send(Answer(400, {"error": f"bad fault {e!r}; expected JSON with kind (one of {kinds}), "
                                                 "count and the fault's fields"}))
                return
            self._send(Answer(200, {"ok": True}))
        elif path == self.fhir.base_path:
            self._transaction(body)
        else:
            self._send(Answer(404, operation_outcome("not-found", f"no endpoint {path}")))

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/")
        if path == CONTROL_PREFIX + "/stats":
            m = self.fhir.memory
            self._send(Answer(200, {"counts": m.counts(), "transactions": m.transactions, "replays": m.replays,
                                    "requests": len(self.fhir.log.requests), "tokens_issued": self.fhir.tokens_issued}))
            return
        rtype = path.removeprefix(self.fhir.base_path + "/")
        if path == self.fhir.base_path + "/metadata":  # what this double does, in FHIR's words (public, as usual)
            self._send(Answer(200, {
                "resourceType": "CapabilityStatement", "status": "active", "kind": "instance", "fhirVersion": "4.0.1",
                "software": {"name": "station FHIR test double"}, "format": ["application/fhir+json"],
                "rest": [{"mode": "server", "interaction": [{"code": "transaction"}],
                          "resource": [{"type": t, "conditionalCreate": True, "referencePolicy": ["literal", "local"]}
                                       for t in ("Patient", "Device", "Observation", "DiagnosticReport", "CarePlan",
                                                 "AuditEvent")]}]}))
            return
        if not path.startswith(self.fhir.base_path + "/") or "/" in rtype:
            self._send(Answer(404, operation_outcome("not-found", f"no endpoint {path}")))
            return
        if not self.fhir.authorised(self.headers.get("Authorization")):
            self._send(Answer(401, operation_outcome("login", "bearer token missing or expired")))
            return
        found = self.fhir.memory.search(rtype, url.query)
        self._send(Answer(200, {"resourceType": "Bundle", "type": "searchset", "total": len(found),
                                "entry": [{"resource": r} for r in found]}))

    def _token(self, body: bytes) -> None:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        if form.get("grant_type") != "client_credentials":
            self._send(Answer(400, {"error": "unsupported_grant_type"}))
            return
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                client_id = secret = None
        self._send(self.fhir.issue_token(client_id, secret))

    def _transaction(self, body: bytes) -> None:
        key = self.headers.get("Idempotency-Key")
        fault = self.fhir.next_fault()
        if fault is not None and fault.kind is FaultKind.STATUS:
            headers = (("Retry-After", fault.retry_after),) if fault.retry_after else ()
            outcome = operation_outcome("transient", f"injected HTTP {fault.status}", expression=fault.expression)
            self._send(Answer(fault.status, outcome), headers, key=key)
            return
        if fault is not None and fault.kind is FaultKind.UNAUTHORIZED:
            self._send(Answer(401, operation_outcome("login", "injected 401")), key=key)
            return
        if fault is not None and fault.kind is FaultKind.NOT_FHIR:
            self._send_html()
            return
        if fault is not None and fault.kind is FaultKind.REJECT:
            self._send(Answer(400, operation_outcome("business-rule", "injected rejection of the batch")), key=key)
            return
        if not self.fhir.authorised(self.headers.get("Authorization")):
            self._send(Answer(401, operation_outcome("login", "bearer token missing or expired")),
                       (("WWW-Authenticate", 'Bearer error="invalid_token"'),), key=key)
            return
        if fault is not None and fault.kind is FaultKind.ENTRY_ERROR:
            self._send(_entry_error(body, self.headers.get("Content-Encoding", ""), fault.entry), key=key)
            return
        if self.headers.get("Content-Encoding", "identity").lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError) as e:
                self._send(Answer(400, operation_outcome("structure", f"bad gzip body: {e}")), key=key)
                return
        answer = self.fhir.memory.post_bundle(body, key) if fault is None or fault.apply else None
        if fault is not None and fault.kind is FaultKind.SLOW:
            time.sleep(fault.delay_s)
        if fault is not None and fault.kind is FaultKind.DROP:
            self._drop(answer)
            return
        self._send(answer or Answer(503, operation_outcome("transient", "not applied")), key=key)

    # ---- writing -----------------------------------------------------------------------------
    def _send(self, answer: Answer, extra: tuple[tuple[str, str], ...] = (), *, key: str | None = None) -> None:
        payload = json.dumps(answer.body).encode()
        self.fhir.log.requests.append((self.command, self.path, answer.status, key))
        try:
            self.send_response(answer.status)
            plain = self.path.startswith((TOKEN_PATH, CONTROL_PREFIX))
            self.send_header("Content-Type", "application/json" if plain else "application/fhir+json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (*answer.headers, *extra):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError):
            self.close_connection = True  # the client gave up (a SLOW fault): nothing to tell it

    def _send_html(self) -> None:
        page = b"<html><body>Welcome to the hotel Wi-Fi</body></html>"
        self.fhir.log.requests.append((self.command, self.path, 200, self.headers.get("Idempotency-Key")))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _drop(self, answer: Answer | None) -> None:
        payload = json.dumps(answer.body if answer else {}).encode()
        self.fhir.log.requests.append((self.command, self.path, -1, self.headers.get("Idempotency-Key")))
        try:
            self.send_response(answer.status if answer else 200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(payload) + 100))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.request.shutdown(2)


def _entry_error(body: bytes, encoding: str, failing: int) -> Answer:
    """A transaction-response in which one entry was refused (nothing applied)."""
    try:
        count = len(json.loads(gzip.decompress(body) if encoding.lower() == "gzip" else body).get("entry") or [])
    except (ValueError, OSError, EOFError, AttributeError):
        count = 1
    entries: list[dict[str, Any]] = [{"response": {"status": "201 Created"}} for _ in range(count)]
    failing = min(failing, max(count - 1, 0))
    entries[failing] = {"response": {"status": "400 Bad Request", "outcome": operation_outcome(
        "business-rule", "injected refusal of this entry", expression=f"Bundle.entry[{failing}]")}}
    return Answer(200, {"resourceType": "Bundle", "type": "transaction-response", "entry": entries})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync.testing.fhir_test_server", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--tls-dir", type=Path, help="serve HTTPS with a test PKI made (or reused) in this folder")
    parser.add_argument("--mtls", action="store_true", help="require a client certificate from the test CA")
    parser.add_argument("--client-id", help="require OAuth2 client credentials with this id …")
    parser.add_argument("--client-secret-file", type=Path, help="… and the secret in this file")
    parser.add_argument("--token-ttl", type=float, default=300.0, help="OAuth2 token lifetime in seconds")
    args = parser.parse_args(argv)
    pki = make_test_pki(args.tls_dir) if args.tls_dir else None
    clients = None
    if args.client_id:
        if not args.client_secret_file:
            parser.error("--client-id needs --client-secret-file")
        clients = {args.client_id: args.client_secret_file.read_text().strip()}
    server = FhirTestServer(port=args.port, pki=pki, require_client_cert=args.mtls, clients=clients,
                            token_ttl_s=args.token_ttl)
    print(f"FHIR TEST DOUBLE listening: base {server.base_url}  token {server.token_url}"
          + (f"  CA {pki.ca_cert}" if pki else ""), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
