"""The ways ``--fault`` makes the sandbox misbehave, each like a real server's fault."""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from typing import Literal

from interopcheck.errors import UsageError
from interopcheck.results import Finding
from interopcheck.standard.formats import JUSTICE_FORMATS

Fault = Literal[
    "accept-invalid",
    "crash-on-apostrophe",
    "wrong-content-type",
    "no-correlation-id",
    "stack-trace",
    "no-auth-check",
    "slow",
    "bad-receipt",
    "wrong-status",
    "accept-missing-required",
    "accept-wrong-check-letter",
    "slow-on-large",
    "unauthenticated-reads",
    "errors-as-plain-json",
]
#: What each fault does (``interopcheck sandbox --list-faults``).
FAULTS: dict[Fault, str] = {
    "accept-invalid": "accepts invalid messages as if they were valid",
    "crash-on-apostrophe": "fails with 500 on any text containing an apostrophe (O'Brien)",
    "wrong-content-type": "answers text/plain instead of JSON",
    "no-correlation-id": "does not echo the correlation id",
    "stack-trace": "answers a rejected message with 500 and a stack trace",
    "no-auth-check": "accepts requests without (or with wrong) credentials",
    "slow": "takes longer to answer than the profile allows",
    "bad-receipt": "answers with a receipt that breaks the receipt schema",
    "wrong-status": "answers an accepted message with 200 instead of the declared status",
    "accept-missing-required": "accepts a message that lacks a required part",
    "accept-wrong-check-letter": "accepts a well-formed identifier with the wrong check letter",
    "slow-on-large": "takes longer than the profile allows on a request body over 32 KiB",
    "unauthenticated-reads": "answers GET operations without checking credentials",
    "errors-as-plain-json": "answers errors as application/json, not application/problem+json",
}
#: A request body over this many bytes is what ``slow-on-large`` is slow on.
LARGE_BODY = 32 * 1024


def let_through(finding: Finding, faults: frozenset[Fault]) -> bool:
    """Whether a server with these faults misses this finding (and so accepts what only it
    refuses): a missing required property; an identifier of the right shape whose check
    letter is wrong (one other last character would make it valid)."""
    if "accept-missing-required" in faults and finding.keyword == "required":
        return True
    if "accept-wrong-check-letter" in faults and (finding.expected or "").startswith("identifier "):
        valid = JUSTICE_FORMATS.get((finding.expected or "").removeprefix("identifier "))
        try:
            value = json.loads(finding.value_json or "null")
        except ValueError:
            return False
        if valid is None or not isinstance(value, str) or not value:
            return False
        others = string.ascii_uppercase + string.digits
        return any(valid(value[:-1] + c) for c in others if c != value[-1])
    return False


def refused_for(
    findings: list[Finding], deciding: tuple[str, ...], faults: frozenset[Fault]
) -> list[Finding]:
    """What a sandbox refuses a message for: its findings of a deciding level (or of none:
    the schema's), less those its faults let through."""
    return [
        f
        for f in findings
        if (f.level is None or f.level in deciding) and not let_through(f, faults)
    ]


def parse_faults(names: Iterable[str]) -> frozenset[Fault]:
    """The faults named (``--fault``), each one the sandbox knows; ``UsageError`` otherwise."""
    known: dict[str, Fault] = {name: name for name in FAULTS}
    unknown = sorted(set(names) - known.keys())
    if unknown:
        raise UsageError(f"unknown fault {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    return frozenset(known[name] for name in names)
