"""The ``probe`` pipeline: plan the exchanges, send them, judge each answer, hand on results.

The first exchange goes alone: if the target cannot be reached at all, that is one clear
``SetupError`` naming the URL and the cause, before anything else is sent. The rest go
concurrently; results come back in plan order whatever order the answers arrived in.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from interopcheck.checks.schema import SchemaChecker
from interopcheck.errors import ProfileError, TargetError, UsageError
from interopcheck.probing.auth import Credentials, Keyring
from interopcheck.probing.client import Answer, Sender, SendOptions
from interopcheck.probing.judge import Judge, Verdict
from interopcheck.probing.pacing import Controls, Pacing
from interopcheck.probing.plan import Exchange, Planner, PlanOptions
from interopcheck.probing.reads import follow_ups
from interopcheck.probing.selection import EndpointSelection
from interopcheck.probing.shrink import NOT_BY_BODY, SHRINKABLE, shrink
from interopcheck.profile.model import Endpoint, Profile
from interopcheck.results import ExchangeRecord, PayloadResult


@dataclass(frozen=True)
class ProbeRequest:
    target: str
    actor: str
    credentials: Credentials | Keyring
    plan: PlanOptions = field(default_factory=PlanOptions)
    send: SendOptions = field(default_factory=SendOptions)
    shrink_budget: int = 50
    """Requests each failing case may spend on being shrunk (0: reproduce as sent)."""
    selection: EndpointSelection = field(default_factory=EndpointSelection)
    controls: Controls = field(default_factory=Controls)
    """``--max-failures`` and ``--max-time``."""
    only: frozenset[int] | None = None
    """Send only the planned exchanges of these numbers, and no reads after writes
    (``replay``)."""


#: At most this many failing cases are shrunk in one run (the first for each endpoint and
#: requirement): each costs up to ``shrink_budget`` more requests to the system under test.
MAX_SHRUNK = 20


@dataclass(frozen=True)
class Shrunk:
    exchange: Exchange
    requirement: str
    requests: int


def endpoints_of(profile: Profile, actor: str) -> list[Endpoint]:
    """The endpoints ``actor`` must expose; ``SetupError`` when there are none."""
    if profile.api is None:
        raise ProfileError(f"profile {profile.id} declares no api: nothing to probe")
    if actor not in profile.actors:
        raise ProfileError(
            f"profile {profile.id} has no actor {actor!r}; actors: {', '.join(profile.actors)}"
        )
    endpoints = profile.api.for_actor(actor)
    if not endpoints:
        raise ProfileError(f"profile {profile.id} declares no endpoint for {actor}")
    if not profile.http_requirements():
        raise ProfileError(f"profile {profile.id} has no http requirements: nothing to check")
    return endpoints


def check_target(target: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--target {target!r}: give an http:// or https:// URL with a host")
    if parts.query or parts.fragment:
        raise UsageError(f"--target {target}: give the base URL, without ?query or #fragment")
    return target.rstrip("/")


def check_credentials(credentials: Credentials | Keyring, target: str) -> None:
    """A client certificate goes only over TLS: refuse to pretend otherwise."""
    if Keyring.of(credentials).cert is not None and not target.startswith("https://"):
        raise UsageError(f"--auth mtls needs an https:// target, not {target}")


def run_probe(
    request: ProbeRequest,
    checker: SchemaChecker,
    on_planned: Callable[[int], None] | None = None,
    on_answer: Callable[[], None] | None = None,
    on_note: Callable[[Endpoint, str], None] | None = None,
    on_coverage: Callable[[Endpoint, dict[str, Any]], None] | None = None,
) -> list[PayloadResult]:
    """Probe one actor's endpoints; the results in plan order (``SetupError`` if unreachable).
    ``on_note`` hears why an endpoint is probed less than in full, or not at all (exchanges
    a run control or a slow endpoint kept from being sent included); ``on_coverage`` what
    each endpoint's negatives covered."""
    assert checker.rules is not None
    profile = checker.rules.profile
    endpoints, left_out = request.selection.split(endpoints_of(profile, request.actor))
    checks = request.selection.checks()
    check_credentials(request.credentials, request.target)
    assert profile.api is not None
    keyring = Keyring.of(request.credentials)
    if keyring.oauth:
        from interopcheck.probing.oauth import fetch_tokens

        fetch_tokens(keyring, request.target, request.send)
    planner = Planner(checker, request.plan, keyring)
    exchanges = planner.plan(endpoints)
    if request.only is not None:
        exchanges = [e for e in exchanges if e.number in request.only]
    if not exchanges:
        said = "; ".join(f"{k}: {v}" for k, v in list(planner.notes.items())[:3])
        raise ProfileError(
            f"nothing to send to {request.actor}: no examples and no generated cases"
            + (f" ({said})" if said else "")
        )
    if on_note is not None:
        for endpoint in endpoints_of(profile, request.actor):
            reason = left_out.get(endpoint.id) or planner.notes.get(endpoint.id)
            if reason is not None:
                on_note(endpoint, reason)
    if on_coverage is not None:
        for endpoint in endpoints:
            coverage = planner.coverage.get(endpoint.id)
            if coverage is not None:
                on_coverage(endpoint, coverage.record())
    if on_planned is not None:
        on_planned(len(exchanges))
    judge = Judge(profile, checker.catalog, checks)
    pacing = Pacing(request.controls, profile.api.max_response_ms)
    exchanges, answers, verdicts, shrunk = asyncio.run(
        _probe_all(
            request,
            profile.api.correlation_header,
            endpoints,
            exchanges,
            judge,
            planner,
            pacing,
            on_answer,
        )
    )
    if on_note is not None:
        skipped = pacing.notes()
        for endpoint in endpoints:
            if endpoint.id in skipped:
                on_note(endpoint, skipped[endpoint.id])
    correlation_header = profile.api.correlation_header
    results = []
    for exchange, answer, verdict in zip(exchanges, answers, verdicts, strict=True):
        result = PayloadResult(
            source=exchange.source,
            index=exchange.number - 1,
            message_type=exchange.endpoint.receives,
            findings=verdict.findings,
            outcomes=verdict.outcomes,
        )
        smaller = shrunk.get(exchange.number)
        result.exchange = _record(exchange, answer, request, correlation_header, smaller)
        results.append(result)
    return results


async def _probe_all(
    request: ProbeRequest,
    correlation_header: str,
    endpoints: list[Endpoint],
    exchanges: list[Exchange],
    judge: Judge,
    planner: Planner,
    pacing: Pacing,
    on_answer: Callable[[], None] | None,
) -> tuple[list[Exchange], list[Answer], list[Verdict], dict[int, Shrunk]]:
    """Send the exchanges (the first alone) and judge each answer as it comes, as far as the
    run controls and what was learnt allow; then shrink the first failing case of each
    endpoint and requirement, on the same connections. The exchanges sent come back with
    their answers and verdicts, in plan order."""
    sender = Sender(
        request.target, Keyring.of(request.credentials), correlation_header, request.send
    )
    try:
        first = await sender.send(exchanges[0])
        if first.status is None:
            raise TargetError(f"{sender.url(exchanges[0])}: cannot reach the target: {first.error}")
        pacing.admit(exchanges[0])
        first_verdict = judge.judge(exchanges[0], first)
        pacing.heard(exchanges[0], first, first_verdict)
        if on_answer is not None:
            on_answer()

        async def one(exchange: Exchange) -> tuple[Answer, Verdict] | None:
            endpoint = exchange.endpoint.id
            if pacing.slow(endpoint):
                async with pacing.slot(endpoint):
                    answer = await sender.send(exchange, admit=pacing.admit)
            else:
                answer = await sender.send(exchange, admit=pacing.admit)
            if on_answer is not None:
                on_answer()
            if answer is None:
                return None
            verdict = judge.judge(exchange, answer)
            pacing.heard(exchange, answer, verdict)
            return answer, verdict

        async def each(planned: list[Exchange]) -> list[tuple[Exchange, Answer, Verdict]]:
            """Every exchange sent by as many workers as requests may be in flight, taking
            the endpoints in turn (so that what is learnt of each, slowness above all, is
            learnt early); the answers in plan order."""
            queue = _in_turn(planned)
            heard: dict[int, tuple[Answer, Verdict] | None] = {}

            async def worker() -> None:
                while queue:
                    exchange = queue.pop()
                    heard[exchange.number] = await one(exchange)

            await asyncio.gather(*(worker() for _ in range(request.send.concurrency)))
            return [(e, *h) for e in planned if (h := heard.get(e.number)) is not None]

        done = [(exchanges[0], first, first_verdict), *await each(exchanges[1:])]
        # reads after writes: what was accepted read back, what nothing made read (a second
        # round, its exchanges and answers added after the first's)
        sent = [e for e, _, _ in done]
        if request.only is None:
            reads = follow_ups(sent, [a for _, a, _ in done], endpoints, planner, request.target)
            done += await each(reads)
        sent = [e for e, _, _ in done]
        answers = [a for _, a, _ in done]
        verdicts = [v for _, _, v in done]
        shrunk: dict[int, Shrunk] = {}
        if request.shrink_budget > 0 and pacing.stopped() is None:
            seen: set[tuple[str, str]] = set()
            for exchange, verdict in zip(sent, verdicts, strict=True):
                if exchange.kind not in SHRINKABLE or len(shrunk) >= MAX_SHRUNK:
                    continue
                failed = [
                    rid
                    for rid, outcome in verdict.outcomes.items()
                    if outcome == "failed"
                    and judge.check_of(rid) not in NOT_BY_BODY
                    and (exchange.endpoint.id, rid) not in seen
                ]
                receives = exchange.endpoint.receives
                checker = planner.checker_for(receives) if receives else None
                if not failed or checker is None or exchange.breaking != "body":
                    continue
                seen.update((exchange.endpoint.id, rid) for rid in failed)
                smaller, spent = await shrink(
                    exchange, failed[0], checker, judge, sender.send, request.shrink_budget
                )
                if smaller is not exchange:
                    shrunk[exchange.number] = Shrunk(smaller, failed[0], spent)
        return sent, answers, verdicts, shrunk
    finally:
        await sender.close()


def _in_turn(planned: list[Exchange]) -> list[Exchange]:
    """The exchanges one endpoint at a time in turn, each endpoint's in plan order, reversed
    (a stack: ``pop`` gives the next)."""
    by_endpoint: dict[str, list[Exchange]] = {}
    for exchange in planned:
        by_endpoint.setdefault(exchange.endpoint.id, []).append(exchange)
    turns = [e for group in zip_longest(*by_endpoint.values()) for e in group if e is not None]
    return turns[::-1]


def _record(
    exchange: Exchange,
    answer: Answer,
    request: ProbeRequest,
    correlation_header: str,
    shrunk: Shrunk | None = None,
) -> ExchangeRecord:
    """What a report keeps of the exchange: never a secret, always how to send it again."""
    record: ExchangeRecord = {
        "number": exchange.number,
        "endpoint": exchange.endpoint.id,
        "method": exchange.endpoint.method,
        "url": request.target + exchange.written.target,
        "kind": exchange.kind,
        "status": answer.status,
        "elapsedMs": round(answer.elapsed_ms, 1),
        "error": answer.error,
        "retries": answer.retries,
        "seed": request.plan.seed,
        "reproduction": curl(shrunk.exchange if shrunk else exchange, request, correlation_header),
    }
    if shrunk is not None:
        record["shrunk"] = {
            "requirement": shrunk.requirement,
            "fromBytes": len(exchange.body),
            "toBytes": len(shrunk.exchange.body),
            "requests": shrunk.requests,
        }
    if exchange.breaks:
        record["breaks"] = {
            k: exchange.breaks.get(k) for k in ("pointer", "keyword", "requirement", "mutation")
        }
    return record


def curl(exchange: Exchange, request: ProbeRequest, correlation_header: str) -> str:
    """The exchange as a curl command that a person may paste into a shell: every part
    single-quoted (``-g``: brackets and braces in the URL are not curl globs), a secret only as
    the expansion of the variable or file holding it, and the body in a here-document whose
    delimiter it cannot contain (JSON on one line never is a line of its own)."""
    parts = ["curl", "-g", "-i", "-X", shlex.quote(exchange.endpoint.method)]
    written = exchange.written
    parts.append(shlex.quote(request.target + written.target))
    body_bytes, content_type = exchange.encoded()
    if content_type is not None:
        parts += ["-H", shlex.quote(f"Content-Type: {content_type}")]
    for name, value in written.headers.items():
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    for extra in request.send.extra_headers:
        parts += extra.curl_words()
    if exchange.odd_header is not None:
        odd, value = exchange.odd_header
        parts += ["-H", shlex.quote(f"{odd}: {value}")]
    parts += ["-H", shlex.quote(f"{correlation_header}: {exchange.correlation_id}")]
    keyring = Keyring.of(request.credentials)
    presented = keyring.presented(exchange.endpoint, exchange.credentials, exchange.omitted)
    if exchange.credentials == "wrong":
        for credential in presented:
            for name in credential.shown_headers():
                wrong = "Bearer wrong-token" if credential.scheme == "bearer" else "wrong-key"
                parts += ["-H", shlex.quote(f"{name}: {wrong}")]
            if credential.scheme == "basic":
                parts += ["-u", "'wrong:wrong'"]
    else:
        for credential in presented:
            parts += credential.shell_header_words()
    suffixes = [s for c in presented if (s := c.url_suffix()) is not None]
    if suffixes and exchange.credentials != "wrong":
        # the URL again, each key by reference: '...?a=1&key='"$KEY"
        url = parts[parts.index("-X") + 2]
        joined = shlex.quote("&" if "?" in written.target else "?")
        for i, (name, shown) in enumerate(suffixes):
            joined += shlex.quote(("&" if i else "") + f"{name}=") + f'"{shown}"'
        parts[parts.index(url)] = url + joined
    if exchange.credentials in ("given", "partial") and keyring.cert is not None:
        parts += ["--cert", shlex.quote(str(keyring.cert))]
        if keyring.key is not None:
            parts += ["--key", shlex.quote(str(keyring.key))]
    if not exchange.has_body:
        return " ".join(parts)
    body = body_bytes.decode("utf-8")
    delimiter = "INTEROPCHECK_BODY"
    while delimiter in body.splitlines():
        delimiter += "_"
    return " ".join(parts) + f" --data-binary @- <<'{delimiter}'\n{body}\n{delimiter}"
