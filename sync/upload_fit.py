"""Batches that fit the server: what it refused as too large or could not decode, and how a record is split.

Pure (no I/O). A real server limits a transaction: Medplum's engine refuses one with conditional creates
and more than 8 entries ("Transaction requires strict isolation but has too many entries"), a proxy
answers 413. The uploader halves a refused batch down to one row; a single row still too large is sent
as several smaller transactions (``next_part``), each a prefix of the row's entries that are not yet
on the server, its references to earlier parts rewritten to the literal ``Type/id`` the server
returned for them in its transaction-response (``Bundle.entry.response.location``). That needs no
server support beyond transactions; FHIR's conditional references would too, but servers need not
support them (Medplum's engine does not). What worked is kept in ``sync_state`` (``FitState``), and so
is a server's refusal of gzip bodies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

FIT_KEY = "uploader.fit"
SPLIT_KEY = "uploader.split"

# An OperationOutcome text that says the request is too big (Medplum, HAPI's and proxies' wordings).
_TOO_LARGE = re.compile(r"too many entries|too large|too big|(bundle|transaction|batch|request|payload|entries)"
                        r"[^.]{0,60}(exceed|limit|maximum|too many)", re.IGNORECASE)
# A 400 that says the body could not be read at all (an undecoded gzip body is not JSON).
_UNREADABLE = re.compile(r"json|pars(e|ing)|encod|gzip|unexpected token|syntax|content.type|not a bundle",
                         re.IGNORECASE)


def outcome_text(outcome: dict[str, Any] | None) -> str:
    """Every human text of an OperationOutcome (details.text, diagnostics), joined; "" if none."""
    issues = (outcome or {}).get("issue")
    texts: list[str] = []
    for issue in issues if isinstance(issues, list) else []:
        if isinstance(issue, dict):
            details = issue.get("details")
            if isinstance(details, dict) and isinstance(details.get("text"), str):
                texts.append(details["text"])
            if isinstance(issue.get("diagnostics"), str):
                texts.append(issue["diagnostics"])
    return " | ".join(texts)


def is_too_large(status: int | None, outcome: dict[str, Any] | None) -> bool:
    """Whether the server refused the batch for its size (413, or a 400/422 whose outcome says so)."""
    if status == 413:
        return True
    return status in (400, 422) and bool(_TOO_LARGE.search(outcome_text(outcome)))


def refuses_gzip(status: int | None, body: dict[str, Any] | None) -> bool:
    """Whether a refusal of a gzip body says the server could not read it (415, or a 400 about JSON/encoding,
    or a 400 without any FHIR answer), rather than judging its content."""
    if status == 415:
        return True
    if status != 400:
        return False
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return True
    text = outcome_text(body)
    return bool(_UNREADABLE.search(text)) and "Bundle.entry[" not in json.dumps(body)


@dataclass(frozen=True)
class FitState:
    """What the server accepts, learned from its refusals and acknowledgements (persisted as JSON)."""

    max_rows: int | None = None  # rows per batch after a too-large refusal (None: the configured count)
    max_entries: int | None = None  # entries per transaction after a single row was too large
    gzip_refused: bool = False  # the server could not read a gzip body: send plain JSON
    worked_rows: int = 0  # the most rows one acknowledged batch carried
    worked_entries: int = 0  # the most entries one acknowledged transaction carried
    endpoint: str = ""  # the server all this was learned from: another endpoint starts afresh

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> FitState:
        if not text:
            return cls()
        try:
            d = json.loads(text)
            return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})
        except (ValueError, TypeError):
            return cls()

    def acknowledged(self, rows: int, entries: int) -> FitState:
        return replace(self, worked_rows=max(self.worked_rows, rows), worked_entries=max(self.worked_entries, entries))

    def describe(self) -> str:
        rows = f"at most {self.max_rows} rows a batch" if self.max_rows else "the configured batch size"
        entries = f", at most {self.max_entries} entries a transaction" if self.max_entries else ""
        body = "plain JSON (the server refused gzip)" if self.gzip_refused else "gzip"
        return (f"{rows}{entries}; body {body}; largest acknowledged: {self.worked_rows} rows, "
                f"{self.worked_entries} entries")


def load_fit(store: Any, endpoint: str) -> FitState:
    """What was learned about ``endpoint`` (nothing, when it was learned about another server)."""
    fit = FitState.from_json(store.sync_state_get(FIT_KEY))
    return fit if fit.endpoint == endpoint else FitState(endpoint=endpoint)


@dataclass(frozen=True)
class SplitState:
    """One outbox row being sent as several transactions (persisted as JSON until the last part is acknowledged)."""

    row_id: str
    batch_id: str
    max_entries: int
    done: tuple[str, ...] = ()  # fullUrls of the row's entries the server has acknowledged
    resolved: dict[str, str] = field(default_factory=dict)  # fullUrl -> "Type/id" on the server

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "done": list(self.done)})

    @classmethod
    def from_json(cls, text: str | None) -> SplitState | None:
        if not text:
            return None
        try:
            d = json.loads(text)
            return cls(str(d["row_id"]), str(d["batch_id"]), int(d["max_entries"]), tuple(d.get("done", ())),
                       dict(d.get("resolved", {})))
        except (ValueError, TypeError, KeyError):
            return None


class UnsplittableError(ValueError):
    """A row's entries cannot be cut into prefixes: an entry refers to one that comes after it (a mapping bug)."""


def next_part(entries: Sequence[dict[str, Any]], owners: Sequence[str | None], split: SplitState
              ) -> tuple[list[dict[str, Any]], list[str | None]]:
    """The next transaction of a split row: up to ``split.max_entries`` of its entries not yet acknowledged, in
    order, with references to acknowledged entries rewritten to their server reference. ([], []) when done."""
    done = set(split.done)
    todo = [(e, o) for e, o in zip(entries, owners, strict=True) if e["fullUrl"] not in done]
    part = todo[: max(1, split.max_entries)]
    here = {e["fullUrl"] for e, _ in part}
    out = []
    for entry, _ in part:
        for ref in _references(entry["resource"]):
            if ref.startswith("urn:uuid:") and ref not in here and ref not in split.resolved:
                raise UnsplittableError(f"entry {entry['fullUrl']} refers to {ref}, which is neither in this part "
                                        "nor acknowledged before it")
        out.append({**entry, "resource": _rewrite(entry["resource"], split.resolved)})
    return out, [o for _, o in part]


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for v in node.values():
            yield from _references(v)
    elif isinstance(node, list):
        for v in node:
            yield from _references(v)


def _rewrite(node: Any, resolved: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v, resolved) for k, v in node.items()}
        if isinstance(node.get("reference"), str) and node["reference"] in resolved:
            out["reference"] = resolved[node["reference"]]
        return out
    if isinstance(node, list):
        return [_rewrite(v, resolved) for v in node]
    return node


_LOCATION = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[^/]+)?/?$")


def location_reference(location: Any) -> str | None:
    """``Type/id`` from a transaction-response location (relative or absolute, with or without _history)."""
    if not isinstance(location, str):
        return None
    match = _LOCATION.search(location.split("?", 1)[0])
    return f"{match.group(1)}/{match.group(2)}" if match else None
