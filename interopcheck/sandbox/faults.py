"""The ways ``--fault`` makes the sandbox misbehave, each like a real server's fault."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from interopcheck.errors import UsageError

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
}


def parse_faults(names: Iterable[str]) -> frozenset[Fault]:
    """The faults named (``--fault``), each one the sandbox knows; ``UsageError`` otherwise."""
    known: dict[str, Fault] = {name: name for name in FAULTS}
    unknown = sorted(set(names) - known.keys())
    if unknown:
        raise UsageError(f"unknown fault {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    return frozenset(known[name] for name in names)
