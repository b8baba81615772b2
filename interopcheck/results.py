"""Findings and the validation result: the one shape every layer hands on.

Data flows one way (sources -> checks -> results -> formats); this module imports nothing of
ours. A finding keeps the offending value twice: a short JSON rendering and a type-and-size
summary, with a flag saying whether it is personal data, so that every format can redact by
default without knowing anything about schemas.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, TypedDict

#: A requirement's level (RFC 2119 words, as profiles write them).
Level = Literal["MUST", "SHOULD", "MAY"]
#: What one requirement came to on one payload, exchange or journey.
Outcome = Literal["passed", "failed", "error"]
#: Which check found a finding: reading the payload (``parse``), telling its message type
#: (``type``), its JSON Schema, a profile rule (or a rule that could not be evaluated), a
#: journey rule, an HTTP check, a compatibility verdict, or a fault of our own (``internal``).
FindingCheck = Literal[
    "parse", "type", "schema", "rule", "rule-error", "journey", "http", "compat", "internal"
]

#: Where an outcome is counted in a [passed, failed, errored] triple.
OUTCOME_SLOT: dict[Outcome, int] = {"passed": 0, "failed": 1, "error": 2}

#: Keep value renderings short: reports are read by people and CI systems.
MAX_VALUE_CHARS = 120


class Verdict(str, Enum):
    """What a run shows. With a profile, CONFORMANT only when every deciding requirement in
    scope was tested and passed; INCOMPLETE when none failed but some were never tested (a
    banner must not claim what nothing checked); NOT CONFORMANT when one failed."""

    conformant = "conformant"
    not_conformant = "not-conformant"
    incomplete = "incomplete"

    @property
    def words(self) -> str:
        return self.value.replace("-", " ").upper()


class FailOn(str, Enum):
    """What makes a run exit 1 (the verdict in the report does not change)."""

    must = "must"
    """A deciding requirement failed (NOT CONFORMANT): the default."""
    should = "should"
    """...or a SHOULD requirement failed."""
    untested = "untested"
    """...or a deciding requirement in scope was never tested (INCOMPLETE)."""
    never = "never"
    """Never: only setup errors exit non-zero."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one payload, located as precisely as the source allows."""

    check: FindingCheck
    """What kind of check found it (see ``FindingCheck``)."""
    message: str
    """What is wrong, in words, without the value (which may be personal)."""
    pointer: str = ""
    """RFC 6901 JSON pointer to the offending value inside the payload."""
    line: int | None = None
    column: int | None = None
    keyword: str | None = None
    """The JSON Schema keyword that failed (``required``, ``format``, ...)."""
    expected: str | None = None
    """What the standard expected there, in words."""
    schema_location: str | None = None
    value_json: str | None = None
    """The value, as compact JSON, shortened; shown only when personal data is allowed."""
    value_summary: str | None = None
    """The value's type and size: safe to show always (``string, 20 chars``)."""
    personal: bool = True
    """Whether the value is (or may be) personal data; unknown counts as personal."""
    requirement: str | None = None
    """The profile requirement this finding breaks, when a profile is in use."""
    level: Level | None = None

    def shown_value(self, show_personal_data: bool) -> str | None:
        """The value as a report may print it: redacted unless allowed or not personal."""
        if self.value_json is None:
            return None
        if self.personal and not show_personal_data:
            return f"<redacted: {self.value_summary}>"
        return self.value_json


class ShrunkRecord(TypedDict):
    """How a failing probed case was made smaller before it was reported."""

    requirement: str
    fromBytes: int
    toBytes: int
    requests: int


class _Exchange(TypedDict):
    number: int
    """Its place in the run's plan: the same options plan the same exchange under it again."""
    endpoint: str
    method: str
    url: str
    kind: str
    status: int | None
    elapsedMs: float
    error: str | None
    retries: int
    seed: int
    reproduction: str


class ExchangeRecord(_Exchange, total=False):
    """What a report keeps of one probed exchange: never a secret, always how to send it
    again (``reproduction``: a curl command naming where the secret is)."""

    shrunk: ShrunkRecord
    breaks: dict[str, Any]
    """For an invalid case: the pointer, keyword, requirement and mutation it was built with."""


class CounterexampleRecord(TypedDict):
    """A payload one version accepts and the other refuses, confirmed by both validators."""

    payload: Any
    acceptedBy: str
    rejectedBy: str
    rejection: str | None
    pointer: str | None


class _Comparison(TypedDict):
    direction: str
    old: str
    new: str
    verdict: str
    how: str
    tries: int
    differences: list[str]


class ComparisonRecord(_Comparison, total=False):
    """One direction of a compatibility comparison (compat)."""

    note: str
    counterexample: CounterexampleRecord


@dataclass
class PayloadResult:
    """Everything found about one payload (a file, a JSON Lines line, or stdin)."""

    source: str
    """Where it came from, as the user named it (``payloads/a.json``, ``b.jsonl:7``, ``-``)."""
    index: int
    """Position in the run's input order: output order is stable whatever the parallelism."""
    message_type: str | None = None
    schema: str | None = None
    findings: list[Finding] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    """Requirement id -> ``passed``, ``failed`` or ``error``, for each that applied."""
    exchange: ExchangeRecord | None = None
    """For ``probe``: the request and answer (endpoint, url, status, time, reproduction)."""
    comparison: ComparisonRecord | None = None
    """For ``compat``: the direction, the verdict, how it was reached, the counterexample."""
    unmarked_schema: str | None = None
    """Its schema file, when that schema marks no value as personal (``x-personal-data``), so
    that every value found in it counts as personal and is redacted by default."""
    schema_failed: bool = False
    """Whether the message's JSON Schema rejected it, even where each finding is attributed to
    a more specific requirement (a wrong ASN check letter is ID-001's, but the schema failed)."""

    @property
    def valid(self) -> bool:
        return not self.findings


@dataclass
class RequirementTally:
    """One profile requirement and how it fared across the run."""

    id: str
    level: Level
    text: str
    kind: str = ""
    group: str | None = None
    source: str | None = None
    messages: tuple[str, ...] = ()
    """The message types it applies to (all a journey rule reads, for journey rules)."""
    actors: tuple[str, ...] = ()
    """The actors that send those messages: who the requirement binds."""
    passed: int = 0
    failed: int = 0
    errored: int = 0

    @property
    def applicable(self) -> int:
        return self.passed + self.failed + self.errored

    @property
    def outcome(self) -> str:
        """``failed``, ``error``, ``passed`` or ``untested`` (nothing it applies to was seen)."""
        if self.failed:
            return "failed"
        if self.errored:
            return "error"
        return "passed" if self.passed else "untested"


@dataclass
class EndpointTally:
    """One endpoint a probe sent to, and how each API requirement fared there: a report lists
    API requirements once per endpoint, not once per message."""

    id: str
    method: str
    url: str
    message_type: str | None
    exchanges: int = 0
    with_findings: int = 0
    outcomes: dict[str, list[int]] = field(default_factory=dict)
    """Requirement id -> [passed, failed, errored] at this endpoint."""
    note: str = ""
    """Why it was probed less than in full (or not at all), when it was."""
    coverage: dict[str, Any] | None = None
    """What its body's negatives covered (``generation.negatives.Coverage.record``)."""


class ArchiveRecord(TypedDict):
    """An archive run on Dask (``--engine dask``): where it ran and where its failing results
    went (every one, as JSON Lines beside the report; the report shows the first ones)."""

    engine: Literal["dask"]
    scheduler: str
    """``local`` (a cluster started on this machine) or the address of the one used."""
    workers: int
    partitions: int
    failuresDir: str
    failingResults: int
    journeys: int
    failingJourneys: int
    workerPeakMemory: int
    """The largest peak resident memory of a worker process, in bytes."""
    clientPeakMemory: int
    """The peak resident memory of the process that ran the command (the client), in bytes."""


@dataclass(frozen=True)
class JourneySummary:
    """One journey of a ``journey`` run: its number, its messages and whether it conforms."""

    number: int
    sources: tuple[str, ...]
    conformant: bool
    findings: int


@dataclass
class RunSummary:
    """Counts for a run, kept as results stream past (so memory stays flat on any corpus)."""

    tool_version: str
    show_personal_data: bool = False
    started_at: str = ""
    finished_at: str = ""
    payloads: int = 0
    invalid: int = 0
    findings: int = 0
    redacted_values: int = 0
    """How many personal values were withheld from the output."""
    profile: dict[str, str] | None = None
    """id, version, title and digest of the profile, when one is used."""
    deciding: tuple[str, ...] = ("MUST",)
    requirements: dict[str, RequirementTally] = field(default_factory=dict)
    levels: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    """What was run, on what, with what: profile, schema digests, inputs, options, supplier,
    signer (see report/manifest.py). Known before the first result."""
    message_types: dict[str, list[int]] = field(default_factory=dict)
    """Message type -> [payloads, invalid payloads]; unreadable and untyped under ``""``."""
    unowned: int = 0
    """Findings that belong to no requirement (unreadable payloads, unknown types)."""
    journeys_checked: bool = False
    """Whether journey requirements ran (``journey``), not just payload ones (``validate``)."""
    journeys: list[JourneySummary] = field(default_factory=list)
    subject: str = "payload"
    """What each result is about, for people: ``payload``, or ``exchange`` for probe."""
    changes: list[dict[str, Any]] | None = None
    """For ``compat`` on two profiles: requirements added, removed, re-levelled or re-checked."""
    scope: str | None = None
    """The actor whose conformance is decided (``--actor``): only requirements binding it
    decide. None: every requirement of the profile."""
    schema_failed: int = 0
    """Payloads their message schema rejected (whatever requirement each finding went to)."""
    exchanges: int = 0
    """Of ``payloads``, how many were HTTP exchanges (probe, demo): counts say what they count."""
    unmarked_schemas: set[str] = field(default_factory=set)
    """Schemas that mark nothing as personal, whose values were redacted: said once, with how
    to mark personal fields."""
    endpoints: dict[str, EndpointTally] = field(default_factory=dict)
    """The endpoints the exchanges went to, in the order first seen (bounded by the API)."""
    journey_count: int | None = None
    """How many journeys there were, when ``journeys`` lists only some (an archive run lists
    the first failing ones); None: ``journeys`` lists every one."""
    archive: ArchiveRecord | None = None
    """How an archive run was distributed, and where its failing results went."""

    def add(self, result: PayloadResult) -> None:
        self.payloads += 1
        if result.schema_failed:
            self.schema_failed += 1
        if result.exchange is not None:
            self.exchanges += 1
            self._tally_endpoint(result)
        self._tally(result.outcomes)
        counts = self.message_types.get(result.message_type or "")
        if counts is None:
            counts = self.message_types[result.message_type or ""] = [0, 0]
        counts[0] += 1
        if result.findings:
            counts[1] += 1
            self.invalid += 1
            self.findings += len(result.findings)
            self.unowned += sum(1 for f in result.findings if f.requirement is None)
            if not self.show_personal_data:
                redacted = sum(
                    1 for f in result.findings if f.personal and f.value_json is not None
                )
                self.redacted_values += redacted
                if redacted and result.unmarked_schema:
                    self.unmarked_schemas.add(result.unmarked_schema)

    def merge(self, other: RunSummary) -> None:
        """Add the counts of a summary made the same way over other payloads (an archive
        run's partitions): payloads, findings, message types and requirement outcomes."""
        self.payloads += other.payloads
        self.invalid += other.invalid
        self.findings += other.findings
        self.redacted_values += other.redacted_values
        self.schema_failed += other.schema_failed
        self.unowned += other.unowned
        self.unmarked_schemas |= other.unmarked_schemas
        for name, (count, invalid) in other.message_types.items():
            counts = self.message_types.setdefault(name, [0, 0])
            counts[0] += count
            counts[1] += invalid
        for requirement_id, theirs in other.requirements.items():
            self.add_outcomes(requirement_id, theirs.passed, theirs.failed, theirs.errored)

    def add_outcomes(self, requirement_id: str, passed: int, failed: int, errored: int) -> None:
        """Count outcomes of a requirement reached elsewhere (a partition, a bag of journeys)."""
        tally = self.requirements.get(requirement_id)
        if tally is not None:
            tally.passed += passed
            tally.failed += failed
            tally.errored += errored

    def add_late(self, result: PayloadResult, findings: list[Finding], was_valid: bool) -> None:
        """Count findings added to a result already counted (journey findings, found after
        its own checks): it turns invalid if it was valid."""
        if not findings:
            return
        if was_valid:
            self.invalid += 1
            self.message_types.setdefault(result.message_type or "", [0, 0])[1] += 1
        self.findings += len(findings)
        self.unowned += sum(1 for f in findings if f.requirement is None)
        if not self.show_personal_data:
            redacted = sum(1 for f in findings if f.personal and f.value_json is not None)
            self.redacted_values += redacted
            if redacted and result.unmarked_schema:
                self.unmarked_schemas.add(result.unmarked_schema)

    def add_journey(self, journey: JourneySummary, outcomes: dict[str, Outcome]) -> None:
        self.journeys.append(journey)
        self._tally(outcomes)

    def note_endpoint(
        self, endpoint_id: str, method: str, url: str, message_type: str | None, note: str
    ) -> None:
        """Say why an endpoint was probed less than in full (listed even with no exchange)."""
        tally = self._endpoint(endpoint_id, method, url, message_type)
        tally.note = f"{tally.note}; {note}" if tally.note and note not in tally.note else note

    def cover_endpoint(
        self,
        endpoint_id: str,
        method: str,
        url: str,
        message_type: str | None,
        coverage: dict[str, Any],
    ) -> None:
        """Keep what an endpoint's negatives covered."""
        self._endpoint(endpoint_id, method, url, message_type).coverage = coverage

    def _endpoint(
        self, endpoint_id: str, method: str, url: str, message_type: str | None
    ) -> EndpointTally:
        """The endpoint's tally, begun the first time it is named."""
        tally = self.endpoints.get(endpoint_id)
        if tally is None:
            tally = self.endpoints[endpoint_id] = EndpointTally(
                endpoint_id, method, url, message_type
            )
        return tally

    def _tally_endpoint(self, result: PayloadResult) -> None:
        exchange = result.exchange
        assert exchange is not None
        endpoint = self._endpoint(
            exchange["endpoint"], exchange["method"], exchange["url"], result.message_type
        )
        endpoint.exchanges += 1
        if result.findings:
            endpoint.with_findings += 1
        for requirement_id, outcome in result.outcomes.items():
            counts = endpoint.outcomes.setdefault(requirement_id, [0, 0, 0])
            counts[OUTCOME_SLOT.get(outcome, 2)] += 1

    def _tally(self, outcomes: dict[str, Outcome]) -> None:
        for requirement_id, outcome in outcomes.items():
            tally = self.requirements.get(requirement_id)
            if tally is not None:
                if outcome == "passed":
                    tally.passed += 1
                elif outcome == "failed":
                    tally.failed += 1
                else:
                    tally.errored += 1

    def not_applicable(self, tally: RequirementTally) -> int:
        """How many subjects (payloads, or journeys for journey rules) it did not apply to;
        none for a compat requirement, which is about its own message type and direction."""
        if tally.kind.startswith("compat:"):
            return 0
        journeys = len(self.journeys) if self.journey_count is None else self.journey_count
        subjects = journeys if tally.kind.startswith("journey:") else self.payloads
        return max(0, subjects - tally.applicable)

    @property
    def valid(self) -> int:
        return self.payloads - self.invalid

    def redaction_words(self) -> str | None:
        """Said once: how many values were redacted, and why (a schema marking nothing)."""
        return redaction_words(self.redacted_values, sorted(self.unmarked_schemas))

    def subjects_words(self) -> str:
        """What the run's results are, counted by kind: ``8 payloads, 407 HTTP exchanges,
        1 journey`` (a demo), ``12 payloads`` (validate), ``30 exchanges`` (probe)."""
        return subjects_words(
            self.payloads - self.exchanges,
            self.exchanges,
            len(self.journeys) if self.journeys_checked else None,
            self.subject,
        )

    def in_scope(self, tally: RequirementTally) -> bool:
        """Whether a requirement binds the actor in scope (every one, without a scope)."""
        return self.scope is None or self.scope in tally.actors

    def deciding_in_scope(self, groups: tuple[str, ...] | None = None) -> list[RequirementTally]:
        """The requirements that decide the verdict (of these groups): a deciding level, and
        binding the actor in scope."""
        return [
            t
            for t in self.requirements.values()
            if t.level in self.deciding
            and self.in_scope(t)
            and (groups is None or t.group in groups)
        ]

    def deciding_failures(self, groups: tuple[str, ...] | None = None) -> list[RequirementTally]:
        return [t for t in self.deciding_in_scope(groups) if t.failed or t.errored]

    def untested_deciding(self, groups: tuple[str, ...] | None = None) -> list[RequirementTally]:
        """Deciding requirements in scope that nothing in this run applied to."""
        return [t for t in self.deciding_in_scope(groups) if t.applicable == 0]

    @property
    def verdict(self) -> Verdict:
        """Without a profile: every payload valid or not. With one: NOT CONFORMANT when
        anything was unreadable or untyped or a deciding requirement failed or errored;
        INCOMPLETE when none failed but a deciding requirement in scope was never tested;
        CONFORMANT only when every one was tested and passed."""
        if self.profile is None:
            return Verdict.conformant if self.invalid == 0 else Verdict.not_conformant
        if self.unowned or self.deciding_failures():
            return Verdict.not_conformant
        if self.untested_deciding() or not self.tested_any():
            return Verdict.incomplete
        return Verdict.conformant

    @property
    def conformant(self) -> bool:
        return self.verdict is Verdict.conformant

    def tested_any(self, groups: tuple[str, ...] | None = None) -> bool:
        """Whether any requirement (of these groups) applied at all: a profile none of whose
        requirements applied has shown nothing, and nothing shown is not conformance."""
        return any(
            t.applicable for t in self.requirements.values() if groups is None or t.group in groups
        )

    def achieved_levels(self) -> list[str]:
        """The profile's named conformance levels this run reaches: every deciding requirement
        of the level's groups in scope was tested and passed, and, for a level that includes
        message schemas, no payload failed its schema in any way."""
        if self.unowned:
            return []
        reached = []
        for name, groups in self.levels:
            deciding = self.deciding_in_scope(groups)
            if not deciding or any(t.applicable == 0 or t.failed or t.errored for t in deciding):
                continue
            has_schemas = any(
                t.kind == "schema" for t in self.requirements.values() if t.group in groups
            )
            if has_schemas and self.schema_failed:
                continue
            reached.append(name)
        return reached

    def untested(self) -> list[RequirementTally]:
        return [t for t in self.requirements.values() if t.applicable == 0]


def plural(count: int, noun: str) -> str:
    """``1 finding``, ``2 findings``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def subjects_words(payloads: int, exchanges: int, journeys: int | None, subject: str) -> str:
    """Counts that say what they count (shared by the console and the rendered formats)."""
    if subject not in ("payload", "result", "exchange"):  # compat's comparisons
        return plural(payloads, subject)
    parts = []
    if payloads or not exchanges:
        parts.append(plural(payloads, "payload"))
    if exchanges:
        parts.append(plural(exchanges, "HTTP exchange"))
    if journeys is not None:
        parts.append(plural(journeys, "journey"))
    return ", ".join(parts)


def summarise_value(value: Any) -> tuple[str, str]:
    """A short JSON rendering of ``value`` and a personal-data-free summary of it."""
    if isinstance(value, dict):
        return "{…}" if value else "{}", f"object, {len(value)} properties"
    if isinstance(value, list):
        return "[…]" if value else "[]", f"array, {len(value)} items"
    if isinstance(value, str):
        summary = f"string, {len(value)} chars"
    elif isinstance(value, bool):
        summary = "boolean"
    elif value is None:
        summary = "null"
    elif isinstance(value, int):
        summary = "integer"
    else:
        summary = "number"
    try:
        rendered = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        rendered = repr(value)
    if len(rendered) > MAX_VALUE_CHARS:
        rendered = rendered[: MAX_VALUE_CHARS - 1] + "…"
    return rendered, summary


def archive_words(record: ArchiveRecord, shown: int) -> str:
    """Where an archive run ran and where its failing results are, for people."""
    where = "a local Dask cluster" if record["scheduler"] == "local" else record["scheduler"]
    return (
        f"Checked on {where} ({plural(record['workers'], 'worker')}, "
        f"{plural(record['partitions'], 'partition')}); "
        f"{record['failingResults']} failing payloads, {shown} shown here: every one is in "
        f"{record['failuresDir']} (JSON Lines, a file per partition)."
    )


def redaction_words(redacted: int, unmarked_schemas: list[str]) -> str | None:
    """Why values are hidden, in one place for the console and every rendered format."""
    if not redacted:
        return None
    text = f"{plural(redacted, 'personal value')} redacted (--show-personal-data shows them)."
    if unmarked_schemas:
        names = ", ".join(unmarked_schemas)
        text += (
            f" {names} marks no field as personal data, so every value it describes is treated "
            'as personal: mark the personal fields with "x-personal-data": true (see '
            "docs/standard.md#personal-data) and the others are shown."
        )
    return text
