"""The ``probe`` command as one call: options in, a ``Run`` out.

Loads the profile, checks the actor, the target and the credentials before anything is sent,
probes (``probe.run``), and gathers the results under a summary of the http requirements
binding the actor probed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import ProfileError
from interopcheck.probing.auth import parse_auth
from interopcheck.probing.client import SendOptions
from interopcheck.probing.headers import parse_headers
from interopcheck.probing.pacing import Controls
from interopcheck.probing.plan import PlanOptions
from interopcheck.probing.report import probe_summary
from interopcheck.probing.run import ProbeRequest, check_target, endpoints_of, run_probe
from interopcheck.probing.selection import EndpointSelection
from interopcheck.profile.model import Endpoint
from interopcheck.run import Run
from interopcheck.validation import ValidationSpec, build_checker, now_iso


@dataclass(frozen=True)
class ProbeOptions:
    """What ``interopcheck probe`` is given (the secrets stay where ``auth`` names them)."""

    target: str
    actor: str
    profile: str = "justice-ew"
    auth: str | tuple[str, ...] | None = None
    """``[SCHEME=]KIND:SOURCE``, one per security scheme to present (probing/auth.py)."""
    """``bearer:ENV_VAR``, ``api-key:file:PATH``, ``mtls:CERT[:KEY]``...: where, never what."""
    ca_bundle: str | None = None
    max_examples: int = 10
    max_negatives: int = 500
    """Systematic negatives per message type (``--max-negatives``)."""
    max_failures: int | None = None
    max_time: float | None = None
    seed: int = 0
    rate_limit: float | None = None
    timeout: float = 10.0
    concurrency: int = 8
    max_response_bytes: int = 1024 * 1024
    shrink_budget: int = 50
    strict: bool = False
    headers: tuple[str, ...] = ()
    """``-H NAME:VALUE`` (``env:VAR`` or ``file:PATH`` for a secret), sent on every request."""
    only: frozenset[int] | None = None
    """Send only the planned exchanges of these numbers (``replay``)."""
    profile_digest: str | None = None
    """The profile must still have this digest (``replay``: the plan is the report's only if
    the profile is)."""
    include_endpoints: tuple[str, ...] = ()
    exclude_endpoints: tuple[str, ...] = ()
    include_checks: tuple[str, ...] = ()
    exclude_checks: tuple[str, ...] = ()


def probe_run(
    options: ProbeOptions,
    on_planned: Callable[[int], None] | None = None,
    on_answer: Callable[[], None] | None = None,
) -> Run:
    """Probe ``options.actor``'s endpoints at ``options.target``; every setup problem (an
    unknown actor, a bad URL, a missing secret, an unreachable target) raises first."""
    checker = build_checker(ValidationSpec(profile=options.profile))
    assert checker.rules is not None
    loaded = checker.rules.profile
    endpoints_of(loaded, options.actor)
    if options.profile_digest is not None and loaded.digest != options.profile_digest:
        raise ProfileError(
            f"profile {options.profile} has changed since the report was made (digest "
            f"{loaded.digest[:12]}, the report's {options.profile_digest[:12]}): the same "
            "options would not plan the same exchanges; probe again instead"
        )
    assert loaded.api is not None
    request = ProbeRequest(
        target=check_target(options.target),
        actor=options.actor,
        credentials=parse_auth(options.auth, loaded.api),
        plan=PlanOptions(
            max_examples=options.max_examples,
            max_negatives=options.max_negatives,
            seed=options.seed,
        ),
        controls=Controls(options.max_failures, options.max_time),
        only=options.only,
        shrink_budget=options.shrink_budget,
        selection=EndpointSelection(
            options.include_endpoints,
            options.exclude_endpoints,
            options.include_checks,
            options.exclude_checks,
        ),
        send=SendOptions(
            timeout=options.timeout,
            concurrency=options.concurrency,
            rate_limit=options.rate_limit,
            max_response_bytes=options.max_response_bytes,
            ca_bundle=options.ca_bundle,
            extra_headers=parse_headers(options.headers, loaded.api.correlation_header),
        ),
    )
    summary = probe_summary(loaded, [options.actor], options.strict)

    def note(endpoint: Endpoint, said: str) -> None:
        url = request.target + endpoint.path
        summary.note_endpoint(endpoint.id, endpoint.method, url, endpoint.receives, said)

    def cover(endpoint: Endpoint, coverage: dict[str, Any]) -> None:
        url = request.target + endpoint.path
        summary.cover_endpoint(endpoint.id, endpoint.method, url, endpoint.receives, coverage)

    results = run_probe(request, checker, on_planned, on_answer, note, cover)
    for result in results:
        summary.add(result)
    summary.finished_at = now_iso()
    return Run(
        command="probe",
        summary=summary,
        inputs=[request.target],
        options={
            "target": request.target,
            "profile": options.profile,
            "actor": options.actor,
            "auth": options.auth,  # names where the secret is (a variable or file), never it
            "maxExamples": options.max_examples,
            "maxNegatives": options.max_negatives,
            "maxFailures": options.max_failures,
            "maxTime": options.max_time,
            "seed": options.seed,
            "timeout": options.timeout,
            "concurrency": options.concurrency,
            "rateLimit": options.rate_limit,
            "maxResponseBytes": options.max_response_bytes,
            "shrinkBudget": options.shrink_budget,
            "strict": options.strict,
            "header": list(options.headers),  # as given: a secret only as env:/file:
            "includeEndpoint": list(options.include_endpoints),
            "excludeEndpoint": list(options.exclude_endpoints),
            "includeCheck": list(options.include_checks),
            "excludeCheck": list(options.exclude_checks),
        },
        results=results,
        catalog=checker.catalog,
    )
