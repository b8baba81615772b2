"""The ``journey`` pipeline: validate every payload, group the messages into journeys, run the
journey rules, and hand back one result per payload with the journey findings attached.

Unlike ``validate`` this holds the whole corpus in memory: a journey can only be judged when
all of its messages have been read.
"""

from __future__ import annotations

from collections.abc import Sequence

from interopcheck import __version__
from interopcheck.checks.journey import JourneyChecker, JourneyMessage, group
from interopcheck.errors import InputError, ProfileError, UsageError
from interopcheck.results import Finding, JourneySummary, PayloadResult, RunSummary
from interopcheck.run import Run
from interopcheck.sources.payloads import Payload, discover, read_payloads
from interopcheck.validation import ValidationOptions, build_checker, describe_profile, now_iso


def run_journeys(paths: Sequence[str], options: ValidationOptions) -> Run:
    """Check every payload and every journey they form; ``SetupError`` if it cannot start."""
    if options.spec.profile is None:
        raise UsageError("journey needs --profile (journeys are defined by a profile)")
    summary = RunSummary(
        tool_version=__version__,
        show_personal_data=options.show_personal_data,
        started_at=now_iso(),
        journeys_checked=True,
    )
    sources = discover(paths)
    checker = build_checker(options.spec)
    assert checker.rules is not None
    profile = checker.rules.profile
    if not profile.journey_join:
        raise ProfileError(f"profile {profile.id} defines no journey (journey.join is missing)")
    describe_profile(summary, profile, options.strict, options.scope)
    summary.journeys_checked = True

    results: list[PayloadResult] = []
    payloads: list[Payload] = []
    messages: list[JourneyMessage] = []
    for source in sources:
        for payload in read_payloads(source, options.spec.max_bytes):
            result = checker.check(payload, index=len(results))
            if result.message_type is not None and payload.problem is None:
                messages.append(
                    JourneyMessage(len(results), result.source, result.message_type, payload.value)
                )
            results.append(result)
            payloads.append(payload)
    if not results:
        raise InputError("no payload files found (looked for .json, .yaml, .yml, .jsonl, .ndjson)")

    journeys = group(messages, profile.journey_join)
    journey_checker = JourneyChecker(profile, checker.rules)
    keys = ", ".join(profile.journey_join)
    for journey in journeys:
        journey_checker.check(journey)
        if len(journey.messages) == 1:
            journey.messages[0].findings.append(
                Finding(
                    check="journey",
                    message=f"matches no other message by the journey keys ({keys}): "
                    "its journey cannot be checked",
                    personal=False,
                )
            )
        for message in journey.messages:
            if message.findings:
                result = results[message.position]
                result.findings.extend(checker.locate(payloads[message.position], message.findings))
        deciding = set(summary.deciding)
        findings = [f for m in journey.messages for f in results[m.position].findings]
        summary.add_journey(
            JourneySummary(
                number=journey.number,
                sources=tuple(m.source for m in journey.messages),
                conformant=not any(f.requirement is None or f.level in deciding for f in findings),
                findings=len(findings),
            ),
            journey.outcomes,
        )
    for result in results:
        summary.add(result)
    summary.finished_at = now_iso()
    return Run(
        command="journey",
        summary=summary,
        inputs=list(paths),
        options={
            "profile": options.spec.profile,
            "strict": options.strict,
            "actor": options.scope,
            "showPersonalData": options.show_personal_data,
        },
        results=results,
        catalog=checker.catalog,
    )
