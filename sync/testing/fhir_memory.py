"""The FHIR test server's memory: accepted resources, transaction processing, idempotency replay.

Validates every resource with ``fhir.resources`` R4B, applies a transaction all-or-nothing with
conditional create (``ifNoneExist`` on identifier: 201 new, 200 existing) and conditional/plain
update, and remembers each ``Idempotency-Key`` with the answer it got, so that a resend of the same
body gets the same answer again (and a different body under a used key gets 422).
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError


@dataclass(frozen=True)
class Answer:
    """An HTTP answer the server gives: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()


def operation_outcome(code: str, diagnostics: str, *, expression: str | None = None,
                      severity: str = "error") -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}


class _Reject(Exception):
    def __init__(self, status: int, outcome: dict[str, Any]) -> None:
        super().__init__(outcome["issue"][0]["diagnostics"])
        self.status = status
        self.outcome = outcome


def validate_r4b(resource: Any, where: str) -> None:
    """Raise a 400 rejection naming ``where`` unless ``resource`` is a valid R4B resource."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise _Reject(400, operation_outcome("structure", "entry has no resource with a resourceType",
                                             expression=where))
    try:
        model = get_fhir_model_class(resource["resourceType"])
    except KeyError:
        raise _Reject(400, operation_outcome("not-supported", f"unknown resourceType {resource['resourceType']!r}",
                                             expression=where)) from None
    try:
        model.model_validate(resource)
    except (ValidationError, ValueError, TypeError) as e:
        first = str(e).splitlines()[:6]
        raise _Reject(400, operation_outcome("invalid", f"{resource['resourceType']} invalid: {' | '.join(first)}",
                                             expression=where)) from None


def _identifier_query(query: str) -> tuple[str | None, str] | None:
    """``identifier=system|value`` (or ``identifier=value``) from a conditional query string."""
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "identifier":
            system, bar, code = value.partition("|")
            return (system or None, code) if bar else (None, value)
    return None


class FhirMemory:
    """What the test server has accepted. Thread-safe: every operation holds one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._resources: dict[str, dict[str, dict[str, Any]]] = {}  # type -> id -> resource
        self._by_identifier: dict[tuple[str, str], set[str]] = {}  # (type, identifier value) -> ids
        self._idempotency: dict[str, tuple[str, Answer]] = {}  # key -> (body sha256, answer)
        self.transactions = 0  # transactions applied (not replays)
        self.replays = 0

    # ---- queries -----------------------------------------------------------------------------
    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._resources.get(resource_type, {}).values()]

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {t: len(rs) for t, rs in self._resources.items()}

    def identifier_counts(self, resource_type: str) -> Counter[str]:
        """How many stored resources of a type carry each identifier value (exactly-once checks)."""
        c: Counter[str] = Counter()
        for r in self.resources(resource_type):
            for ident in _identifiers(r):
                c[f"{ident.get('system', '')}|{ident.get('value', '')}"] += 1
        return c

    def search(self, resource_type: str, query: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._match(resource_type, query)]

    # ---- transactions ------------------------------------------------------------------------
    def post_bundle(self, raw: bytes, idempotency_key: str | None) -> Answer:
        """Apply a transaction Bundle (``raw`` JSON bytes), or replay the answer a key already got."""
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            if idempotency_key:
                seen = self._idempotency.get(idempotency_key)
                if seen is not None:
                    if seen[0] != digest:
                        return Answer(422, operation_outcome(
                            "conflict", "Idempotency-Key was already used with a different request body"))
                    self.replays += 1
                    return Answer(seen[1].status, seen[1].body, (*seen[1].headers, ("Idempotent-Replayed", "true")))
            answer = self._apply(raw)
            if idempotency_key and answer.status < 500:
                self._idempotency[idempotency_key] = (digest, answer)
            return answer

    def _apply(self, raw: bytes) -> Answer:
        try:
            bundle = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            return Answer(400, operation_outcome("structure", f"body is not JSON: {e}"))
        try:
            if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
                raise _Reject(400, operation_outcome("structure", "body is not a Bundle"))
            if bundle.get("type") != "transaction":
                raise _Reject(400, operation_outcome("not-supported", f"Bundle.type {bundle.get('type')!r} is not "
                                                                      "'transaction'"))
            entries = bundle.get("entry") or []
            for i, entry in enumerate(entries):
                validate_r4b(entry.get("resource") if isinstance(entry, dict) else None, f"Bundle.entry[{i}]")
            staged: dict[str, dict[str, dict[str, Any]]] = {}
            out = [self._entry(i, e, staged) for i, e in enumerate(entries)]
        except _Reject as r:
            return Answer(r.status, r.outcome)
        for rtype, by_id in staged.items():
            for rid, resource in by_id.items():
                self._commit(rtype, rid, resource)
        self.transactions += 1
        return Answer(200, {"resourceType": "Bundle", "id": str(uuid.uuid4()), "type": "transaction-response",
                            "entry": out})

    def _entry(self, i: int, entry: dict[str, Any], staged: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
        resource = dict(entry["resource"])
        rtype = resource["resourceType"]
        request = entry.get("request") or {}
        method, url = request.get("method"), str(request.get("url", ""))
        where = f"Bundle.entry[{i}].request"
        if method == "POST":
            cond = request.get("ifNoneExist")
            if cond:
                found = self._match(rtype, str(cond), staged)
                if len(found) > 1:
                    raise _Reject(412, operation_outcome("multiple-matches", f"ifNoneExist {cond!r} matches "
                                                                             f"{len(found)}", expression=where))
                if found:
                    return _response("200 OK", found[0])
            resource["id"] = str(uuid.uuid4())
            return _response("201 Created", self._stage(resource, staged))
        if method == "PUT":
            path, _, query = url.partition("?")
            if path != rtype:  # plain update: Type/id
                rid = path.partition("/")[2]
                if not rid or path.partition("/")[0] != rtype:
                    raise _Reject(400, operation_outcome("invalid", f"PUT url {url!r} does not name a {rtype}",
                                                         expression=where))
                existed = rid in self._resources.get(rtype, {}) or rid in staged.get(rtype, {})
            else:  # conditional update: Type?identifier=...
                found = self._match(rtype, query, staged)
                if len(found) > 1:
                    raise _Reject(412, operation_outcome("multiple-matches", f"{url!r} matches {len(found)}",
                                                         expression=where))
                existed = bool(found)
                rid = found[0]["id"] if found else str(uuid.uuid4())
            resource["id"] = rid
            return _response("200 OK" if existed else "201 Created", self._stage(resource, staged))
        raise _Reject(400, operation_outcome("not-supported", f"request.method {method!r} is not supported here",
                                             expression=where))

    def _stage(self, resource: dict[str, Any], staged: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
        resource["meta"] = {**resource.get("meta", {}), "versionId": "1"}
        staged.setdefault(resource["resourceType"], {})[resource["id"]] = resource
        return resource

    def _commit(self, rtype: str, rid: str, resource: dict[str, Any]) -> None:
        by_id = self._resources.setdefault(rtype, {})
        old = by_id.get(rid)
        for ident in _identifiers(old or {}):
            self._by_identifier.get((rtype, str(ident.get("value"))), set()).discard(rid)
        by_id[rid] = resource
        for ident in _identifiers(resource):
            self._by_identifier.setdefault((rtype, str(ident.get("value"))), set()).add(rid)

    def _match(self, rtype: str, query: str, staged: dict[str, dict[str, dict[str, Any]]] | None = None,
               ) -> list[dict[str, Any]]:
        """Resources of ``rtype`` matching ``identifier=[system|]value`` (all of them for an empty query)."""
        wanted = _identifier_query(query)
        stored = self._resources.get(rtype, {})
        if wanted is None:
            if query:
                return []
            return list(stored.values()) + (list(staged.get(rtype, {}).values()) if staged else [])
        system, value = wanted
        pool = [stored[rid] for rid in self._by_identifier.get((rtype, value), ())]
        if staged:
            pool += list(staged.get(rtype, {}).values())
        seen: dict[str, dict[str, Any]] = {}
        for r in pool:
            for ident in _identifiers(r):
                if ident.get("value") == value and (system is None or ident.get("system") == system):
                    seen[r["id"]] = r
        return list(seen.values())


def _identifiers(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """A resource's identifiers as a list (QuestionnaireResponse, Bundle … carry a single one)."""
    found = resource.get("identifier", [])
    return [found] if isinstance(found, dict) else list(found)


def _response(status: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"response": {"status": status, "location": f"{resource['resourceType']}/{resource['id']}/_history/1",
                         "etag": 'W/"1"'}}
