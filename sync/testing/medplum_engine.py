"""Medplum's real FHIR engine on 127.0.0.1, for sync tests and the benchmark: start, query, stop.

``sync/testing/medplum/server.mjs`` serves ``@medplum/fhir-router`` with its in-memory repository
(Apache-2.0, from npm, pinned by ``package-lock.json`` and installed by ``make setup`` with
``npm ci``; nothing is downloaded at run time). It is not our code judging our code: the engine
decides what a transaction means, rewrites bundle-local ``urn:uuid`` strings, applies conditional
creates and refuses too-large strict transactions exactly as Medplum's server does. Our only
additions are HTTP plumbing, resource validation with ``@medplum/core`` (Medplum's server validates
every write) and one test control: dropping the next answers after applying them (a lost ack).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ENGINE_DIR = Path(__file__).resolve().parent / "medplum"
URI_SYSTEM = "urn:ietf:rfc:3986"


def _node_version() -> tuple[int, ...]:
    try:
        text = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout
        return tuple(int(part) for part in text.strip().lstrip("v").split(".")[:2])
    except (OSError, ValueError, subprocess.SubprocessError):
        return (0,)


def unavailable_reason() -> str | None:
    """Why the engine cannot run here (no node, or `make setup` has not installed it), or None."""
    if shutil.which("node") is None:
        return "node is not installed (Debian package nodejs)"
    version = _node_version()
    if version < (20, 19):
        return f"node {'.'.join(map(str, version))} is too old for Medplum's engine (it needs 20.19 or newer)"
    if not (ENGINE_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
        return f"Medplum's engine is not installed: run `make setup` (npm ci in {ENGINE_DIR})"
    return None


class MedplumEngine:
    """The Node process serving Medplum's engine; ``base_url`` is its FHIR base. A context manager."""

    def __init__(self, *, start_timeout_s: float = 30.0, decodes_gzip: bool = True) -> None:
        self._timeout = start_timeout_s
        self._flags = [] if decodes_gzip else ["--no-gzip"]
        self._proc: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.log: list[str] = []

    def __enter__(self) -> MedplumEngine:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self._proc = subprocess.Popen(["node", "server.mjs", "--port", "0", *self._flags], cwd=ENGINE_DIR, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert self._proc.stdout is not None
        ready = threading.Event()

        def read() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for line in self._proc.stdout:
                self.log.append(line.rstrip())
                if line.startswith("listening ") and not self.base_url:
                    self.base_url = f"http://127.0.0.1:{int(line.split()[1])}"
                    ready.set()

        threading.Thread(target=read, name="medplum-engine-log", daemon=True).start()
        if not ready.wait(self._timeout):
            self.__exit__()
            raise RuntimeError("Medplum's engine did not start: " + " | ".join(self.log[-5:]))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._proc = None

    # ---- queries (plain HTTP, as any client would) -------------------------------------------------
    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/{path.lstrip('/')}", timeout=30) as r:
            return json.loads(r.read())

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        """Every stored resource of one type (paged search)."""
        found: list[dict[str, Any]] = []
        while True:
            page = self.get(f"{resource_type}?_count=1000&_offset={len(found)}")
            entries = [e["resource"] for e in page.get("entry") or []]
            found += entries
            if len(entries) < 1000:
                return found

    def identifier_counts(self, resource_type: str) -> Counter[str]:
        """How many stored resources carry each ``system|value`` identifier."""
        return Counter(f"{i.get('system')}|{i.get('value')}" for r in self.resources(resource_type)
                       for i in r.get("identifier") or [])

    def find(self, resource_type: str, system: str, value: str) -> list[dict[str, Any]]:
        """A search by identifier, the way the station's conditional creates find a resource."""
        from urllib.parse import quote

        page = self.get(f"{resource_type}?identifier={quote(system, safe=':/')}|{quote(value, safe=':/')}")
        return [e["resource"] for e in page.get("entry") or []]

    def drop_answers(self, count: int) -> None:
        """The next ``count`` POSTs are applied, then their connection closes without an answer."""
        request = urllib.request.Request(f"{self.base_url}/_test/drop", data=json.dumps({"count": count}).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stats(self) -> dict[str, int]:
        return self.get("_test/stats")
