"""Reading the FHIR server's answer to a batch: entry statuses, and which record a refusal names.

Pure helpers of the uploader (no I/O): the transaction-response's ``entry.response.status`` text, and
the one ``Bundle.entry[N]`` an OperationOutcome names, mapped to the outbox id that entry belongs to,
so that a refused record is quarantined alone and the rest of its batch still goes; and whether an
OperationOutcome is about the batch at all (a 404/405 that is not is about the endpoint URL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any


def named_entry_owner(owners: Sequence[str | None], outcome: dict[str, Any] | None) -> str | None:
    """The outbox id of the one entry a refusal's OperationOutcome names (``Bundle.entry[N]``), if exactly one."""
    issues = (outcome or {}).get("issue")
    if not isinstance(issues, list):  # the server's JSON: anything may be there
        return None
    named: set[int] = set()
    for issue in issues:
        expressions = issue.get("expression") if isinstance(issue, dict) else None
        for where in expressions if isinstance(expressions, list) else []:
            match = _ENTRY_EXPRESSION.match(str(where))
            if match is None:
                return None  # an issue about something else: the batch as a whole is refused
            named.add(int(match.group(1)))
    if len(named) != 1:
        return None
    (index,) = named
    return owners[index] if index < len(owners) else None


_ENTRY_EXPRESSION = re.compile(r"Bundle\.entry\[(\d+)\]")


def outcome_names_batch_content(outcome: dict[str, Any] | None) -> bool:
    """Whether an OperationOutcome points into the Bundle sent (an issue's expression or location ``Bundle…``).

    That tells a server's verdict on the batch from a 404/405 about the URL (a proxy's or a wrong path's
    answer names no part of the Bundle)."""
    issues = (outcome or {}).get("issue")
    if not isinstance(issues, list):
        return False
    for issue in issues:
        if not isinstance(issue, dict):
            continue
        for field in ("expression", "location"):
            where = issue.get(field)
            if isinstance(where, list) and any(str(w) == "Bundle" or str(w).startswith(("Bundle.", "Bundle["))
                                               for w in where):
                return True
    return False


def entry_status_code(text: str) -> int | None:
    """The number of a transaction-response entry status ("201 Created" -> 201), None if there is none."""
    head = text.split(" ", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None
