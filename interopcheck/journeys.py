"""The ``journey`` pipeline: validate every payload, group the messages into journeys, run the
journey rules, and hand back one result per payload with the journey findings attached.

A journey can only be judged once all of its messages have been read, yet memory stays nearly
flat: the first pass checks each payload and keeps, of each message, only what the journey
rules read (``JourneyReads``: the join keys, the compared fields, the sending time); each
payload's result goes to an unnamed temporary file. The second pass reads the results back in
input order, with the journey findings added (located by reading those payloads again), as
``publish`` consumes them. Without ``--show-personal-data`` no personal value is written to
that file: it keeps only the value's summary, as the report does.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING

from interopcheck import __version__
from interopcheck.checks.journey import JourneyChecker, JourneyMessage, JourneyReads, group, judge
from interopcheck.errors import InputError, ProfileError, UsageError
from interopcheck.results import Finding, PayloadResult, RunSummary
from interopcheck.run import Run
from interopcheck.sources.payloads import LOOKED_FOR, Rereader, discover, read_payloads
from interopcheck.validation import (
    ValidationOptions,
    build_checker,
    describe_profile,
    now_iso,
    recorded_options,
)

if TYPE_CHECKING:
    from interopcheck.checks.schema import SchemaChecker
    from interopcheck.profile.model import Profile

#: What a spilled personal value becomes without --show-personal-data: still "a value was
#: here" (the report counts what it redacted), never the value.
WITHHELD = '"<withheld>"'


class JourneyStream:
    """One ``journey`` run: set up at construction (setup errors raise before any output),
    then iterated for its results in input order; ``summary`` is final once it is consumed."""

    def __init__(self, paths: Sequence[str], options: ValidationOptions) -> None:
        if options.spec.profile is None:
            raise UsageError("journey needs --profile (journeys are defined by a profile)")
        self.summary = RunSummary(
            tool_version=__version__,
            show_personal_data=options.show_personal_data,
            started_at=now_iso(),
            journeys_checked=True,
        )
        self._options = options
        self._sources = discover(paths)
        self.checker = build_checker(options.spec)
        self.profile = journey_profile(self.checker)
        describe_profile(self.summary, self.profile, options.strict, options.scope)

    def __iter__(self) -> Iterator[PayloadResult]:
        with tempfile.TemporaryFile() as spill:
            messages, count = self._first_pass(spill)
            if not count:
                raise InputError(f"no payload files found (looked for {LOOKED_FOR})")
            added = self._judge(messages)
            del messages
            spill.seek(0)
            again = Rereader(self._options.spec.max_bytes)
            for _ in range(count):
                result: PayloadResult = pickle.load(spill)
                message = added.pop(result.index, None)
                if message is not None:
                    result.findings.extend(locate_again(self.checker, again, message))
                self.summary.add(result)
                yield result
        self.summary.finished_at = now_iso()

    def _first_pass(self, spill: IO[bytes]) -> tuple[list[JourneyMessage], int]:
        """Check every payload; spill its result; keep its journey view."""
        assert self.checker.rules is not None
        reads = JourneyReads(self.profile, self.checker.rules)
        deciding = set(self.summary.deciding)
        show = self._options.show_personal_data
        messages: list[JourneyMessage] = []
        count = 0
        max_bytes = self._options.spec.max_bytes
        for result, message in checked(self.checker, reads, self._sources, max_bytes, deciding):
            if message is not None:
                messages.append(message)
            pickle.dump(spillable(result, show), spill, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        return messages, count

    def _judge(self, messages: list[JourneyMessage]) -> dict[int, JourneyMessage]:
        """Group and judge the journeys; the messages with journey findings by position."""
        assert self.checker.rules is not None
        checker = JourneyChecker(self.profile, self.checker.rules)
        keys = ", ".join(self.profile.journey_join)
        deciding = set(self.summary.deciding)
        added: dict[int, JourneyMessage] = {}
        for journey in group(messages, self.profile.journey_join):
            self.summary.add_journey(judge(journey, checker, keys, deciding), journey.outcomes)
            for message in journey.messages:
                message.document = None  # judged: only its findings are wanted now
                if message.findings:
                    added[message.position] = message
        return added


def journey_profile(checker: SchemaChecker) -> Profile:
    """The profile a journey run judges by; ``ProfileError`` when it defines no journey."""
    assert checker.rules is not None
    profile = checker.rules.profile
    if not profile.journey_join:
        raise ProfileError(f"profile {profile.id} defines no journey (journey.join is missing)")
    return profile


def checked(
    checker: SchemaChecker,
    reads: JourneyReads | None,
    sources: Iterable[str],
    max_bytes: int,
    deciding: set[str],
) -> Iterator[tuple[PayloadResult, JourneyMessage | None]]:
    """Each payload's result (``index``: its place among these) and, with ``reads``, its
    journey view, remembering where it was read so that it can be read again."""
    count = 0
    for source in sources:
        for number, payload in enumerate(read_payloads(source, max_bytes)):
            result = checker.check(payload, index=count)
            view = (
                None
                if reads is None
                else reads.message(count, payload, result, deciding, (source, number))
            )
            yield result, view
            count += 1


def locate_again(checker: SchemaChecker, again: Rereader, message: JourneyMessage) -> list[Finding]:
    """A message's journey findings with line and column, from its payload read again (as
    they are when it cannot be: standard input, or a file changed since)."""
    payload = None if message.origin is None else again.payload(*message.origin)
    if payload is None or payload.problem is not None:
        return message.findings
    return checker.locate(payload, message.findings)


def spillable(result: PayloadResult, show_personal_data: bool) -> PayloadResult:
    """The result as it may be written to a temporary file: personal values withheld unless
    the run shows them (counted as redacted all the same)."""
    if show_personal_data or not any(f.personal and f.value_json for f in result.findings):
        return result
    findings = [
        replace(f, value_json=WITHHELD) if f.personal and f.value_json is not None else f
        for f in result.findings
    ]
    return replace(result, findings=findings)


def journey_run(paths: Sequence[str], options: ValidationOptions) -> Run:
    """The ``journey`` run, its results streamed: set up now (a setup error raises before any
    output), checked as ``publish`` or ``Run.collect`` consumes them."""
    stream = JourneyStream(paths, options)
    return Run(
        command="journey",
        summary=stream.summary,
        inputs=list(paths),
        options=recorded_options(options, journeys=True),
        results=stream,
        catalog=stream.checker.catalog,
    )


def run_journeys(paths: Sequence[str], options: ValidationOptions) -> Run:
    """Check every payload and every journey they form, and keep all results."""
    return journey_run(paths, options).collect()
