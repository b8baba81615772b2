"""Shrinking a failing exchange to a smaller request that fails the same way.

Greedy and domain-aware: try the body without one property or one array item at a time; keep a
candidate when the checker still says what the case claims (valid stays valid; an invalid case
keeps its finding at the same place and keyword) and the server, sent it again, still fails the
same requirement. Bounded by a budget of requests per failure. Hypothesis's own shrinker cannot
be used here: the server's answer, not the generator, decides what "still failing" means, and
every try costs a request to someone else's system.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from interopcheck.checks.schema import SchemaChecker
from interopcheck.generation.reduce import candidates
from interopcheck.probing.client import Answer
from interopcheck.probing.judge import Judge
from interopcheck.probing.plan import Exchange
from interopcheck.sources.payloads import Payload

#: Failures worth shrinking: those decided by the body. (Response time is not: each try of a
#: slow server costs the time it is slow by, and the answer varies from one try to the next.)
SHRINKABLE = ("example", "edge", "generated", "invalid")
NOT_BY_BODY = ("response-time", "reads-back")


def still_claims(checker: SchemaChecker, exchange: Exchange, value: Any) -> bool:
    """Whether ``value`` is still what ``exchange`` says it is (valid, or invalid at the same
    place on the same keyword)."""
    findings = checker.check(Payload(source="shrink", syntax="json", value=value), 0).findings
    if exchange.kind != "invalid":
        return not findings
    breaks = exchange.breaks or {}
    return any(
        f.pointer == breaks.get("pointer")
        and (breaks.get("keyword") is None or f.keyword == breaks.get("keyword"))
        for f in findings
    )


async def shrink(
    exchange: Exchange,
    requirement: str,
    checker: SchemaChecker,
    judge: Judge,
    send: Callable[[Exchange], Awaitable[Answer]],
    budget: int,
) -> tuple[Exchange, int]:
    """The smallest exchange found that still fails ``requirement``, and the requests spent."""
    spent = 0
    current = exchange
    improved = True
    while improved and spent < budget:
        improved = False
        for value in candidates(current.value):
            if spent >= budget:
                break
            if not still_claims(checker, exchange, value):
                continue
            trial = replace(current, value=value)
            spent += 1
            verdict = judge.judge(trial, await send(trial))
            if verdict.outcomes.get(requirement) == "failed":
                current, improved = trial, True
                break
    return current, spent
