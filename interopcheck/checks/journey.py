"""Journeys: the messages about one case, grouped, and the rules that hold across them.

Messages join one journey when they share a value of any of the profile's join identifiers
(PTI-URN for police, CPS and courts; the booking number from prison to probation), found by
union-find, so a chain of links is enough. Four rule kinds, configured by the profile:
``same-identifier``, ``dates-in-order``, ``subset`` and ``requires``. Findings never quote
the identifiers or dates they compare (personal data); they point at both places instead.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from array import array
from dataclasses import dataclass, field
from typing import Any

from interopcheck.checks.cel_env import RuleError, Trie, merge, projection_of, projector
from interopcheck.checks.pointers import Path, parse_pointer, resolve
from interopcheck.checks.rules import ERROR, FAILED, PASSED, RuleChecker, requirement_finding
from interopcheck.profile.checks import (
    DatesInOrderCheck,
    Locations,
    RequiresCheck,
    SameIdentifierCheck,
    SubsetCheck,
)
from interopcheck.profile.model import Profile, Requirement
from interopcheck.results import Finding, FindingCheck, JourneySummary, Outcome, PayloadResult
from interopcheck.sources.payloads import Payload
from interopcheck.sources.positions import escape_pointer_token, pointer_of


@dataclass(slots=True)
class JourneyMessage:
    """A typed, parsed message of the run, and where its result is."""

    position: int
    """Index of its result in the run (input order)."""
    source: str
    message_type: str
    document: Any
    """The message, or only what the journey rules read of it (``JourneyReads.message``)."""
    findings: list[Finding] = field(default_factory=list)
    origin: tuple[str, int] | None = None
    """The file it was read from and its number there (0: the first payload of the file), so
    that its journey findings can be located by reading it again; None: not to be read again."""
    own_findings: int = 0
    """How many findings the message's own checks made (schema, identifiers, rules)."""
    own_deciding: bool = False
    """Whether any of those decides conformance (or belongs to no requirement)."""
    schema: str | None = None
    unmarked_schema: str | None = None
    """As on its result: what a result made for it later (journey findings only) carries."""
    sent_at: str = ""
    """When it was sent (``header.sentAt`` as a UTC instant), read once."""

    def __post_init__(self) -> None:
        if not self.sent_at:
            self.sent_at = _sent_at(self.document)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain tuples: a slotted dataclass's default state is a dict per message,
        which was most of what moving journeys between Dask workers cost."""
        return (_restored, (self.carried(), self.findings))

    def carried(self, offset: int = 0) -> Carried:
        """What moves between processes, as a plain tuple (cheaper to pickle than the object
        and its state), at ``position + offset`` and without findings."""
        return (
            self.position + offset,
            self.source,
            self.message_type,
            self.document,
            self.origin,
            self.own_findings,
            self.own_deciding,
            self.schema,
            self.unmarked_schema,
            self.sent_at,
        )

    @classmethod
    def arrived(cls, carried: Carried) -> JourneyMessage:
        """The message a ``carried`` tuple stands for."""
        position, source, kind, document, origin, own, deciding, schema, unmarked, sent = carried
        return cls(
            position, source, kind, document, [], origin, own, deciding, schema, unmarked, sent
        )


def _restored(carried: Carried, findings: list[Finding]) -> JourneyMessage:
    message = JourneyMessage.arrived(carried)
    message.findings = findings
    return message


#: ``JourneyMessage.carried``: its fields but the findings, in order.
Carried = tuple[
    int, str, str, Any, "tuple[str, int] | None", int, bool, "str | None", "str | None", str
]


def _sent_at(document: Any) -> str:
    header = document.get("header") if isinstance(document, dict) else None
    value = header.get("sentAt") if isinstance(header, dict) else None
    return _instant(value) or "" if isinstance(value, str) else ""


@dataclass
class Journey:
    number: int
    messages: list[JourneyMessage]
    outcomes: dict[str, Outcome] = field(default_factory=dict)


def _hashable(value: Any) -> Any:
    """A value as a set member: an object or list where an identifier belongs (a hostile or
    broken message) is compared by its canonical JSON, never a crash."""
    if isinstance(value, (dict, list)):
        return "json:" + json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _values(message: JourneyMessage, locations: Locations) -> list[tuple[Path, Any]]:
    return [
        hit
        for pointer in locations.get(message.message_type, ())
        for hit in resolve(message.document, pointer)
    ]


def join_values(message: JourneyMessage, join: dict[str, Locations]) -> list[tuple[str, str]]:
    """The (join name, value) pairs by which a message joins others: identifiers as text (an
    object or a boolean where an identifier belongs joins nothing)."""
    return [
        (name, str(value))
        for name, locations in join.items()
        for _, value in _values(message, locations)
        if isinstance(value, (str, int)) and not isinstance(value, bool)
    ]


def join_keys(message: JourneyMessage, join: dict[str, Locations]) -> list[str]:
    """``join_values`` as one string each (name, NUL, value): what grouping indexes."""
    return [f"{name}\x00{value}" for name, value in join_values(message, join)]


class Links:
    """Union-find over positions ``0 .. size - 1``, an 8-byte slot each. The smaller position
    is always the root, so a component's root is its first message: the local path and the
    Dask path number journeys by it alike."""

    def __init__(self, size: int) -> None:
        self._parent = array("q", range(size))

    def root(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def link(self, a: int, b: int) -> None:
        a, b = self.root(a), self.root(b)
        if a != b:
            self._parent[max(a, b)] = min(a, b)


def group(messages: list[JourneyMessage], join: dict[str, Locations]) -> list[Journey]:
    """Connected components of messages that share any join value, in input order."""
    links = Links(len(messages))
    first_with: dict[str, int] = {}  # one string a key, not a tuple: 56 bytes less each
    for i, message in enumerate(messages):
        for key in join_keys(message, join):
            first = first_with.setdefault(key, i)
            if first != i:
                links.link(i, first)
    components: dict[int, list[JourneyMessage]] = {}
    for i, message in enumerate(messages):
        components.setdefault(links.root(i), []).append(message)
    ordered = sorted(components.values(), key=lambda ms: ms[0].position)
    return [Journey(number + 1, members) for number, members in enumerate(ordered)]


#: Where every journey reads a message's time (``requires``: sent before).
SENT_AT = "/header/sentAt"


class JourneyReads:
    """What the journey rules read of each message type, so that a journey run keeps only that
    of each message (not its text, nor the rest of its value) until every message is read:
    memory then grows with the fields the rules read, not with the corpus.

    A message type's reads are the pointers of the join and of every journey requirement that
    names it, its ``header.sentAt``, and for ``requires`` the fields its CEL condition reads
    (the whole message when the condition cannot be read). The journey checks answer the same
    on the projection as on the whole message (a differential test holds it).
    """

    def __init__(self, profile: Profile, rules: RuleChecker) -> None:
        pointers: dict[str, set[str]] = {}
        tries: dict[str, list[Trie | None]] = {}

        def add(locations: Locations) -> None:
            for message_type, at in locations.items():
                pointers.setdefault(message_type, set()).update(at)

        for locations in profile.journey_join.values():
            add(locations)
        for requirement in profile.journey_requirements():
            match requirement.check:
                case SameIdentifierCheck(origin=origin, reuse=reuse):
                    add(origin)
                    add(reuse)
                case DatesInOrderCheck(steps=steps):
                    for step in steps:
                        add(step.at)
                case SubsetCheck(items=items, within=within, match=match):
                    # each item is compared on the matched fields only: those travel
                    for locations in (items, within):
                        add(
                            {
                                t: tuple(
                                    f"{p}/{escape_pointer_token(f)}" for p in at for f in match
                                )
                                for t, at in locations.items()
                            }
                        )
                case RequiresCheck(after=after):
                    rule = rules.rule(requirement.id)
                    if rule is not None:
                        tries.setdefault(after, []).append(projection_of(rule.tree))
        self._pointers = {t: tuple(sorted(p)) for t, p in pointers.items()}
        self._project = {
            t: projector(_kept((*self._pointers.get(t, ()), SENT_AT), tries.get(t, [])), _shared)
            for t in {*pointers, *tries}
        }
        self._sent_only = projector(_kept((SENT_AT,), []), _shared)

    def message(
        self,
        position: int,
        payload: Payload,
        result: PayloadResult,
        deciding: set[str],
        origin: tuple[str, int] | None = None,
    ) -> JourneyMessage | None:
        """The journey's view of a checked payload (its projection); None when it is not a
        typed, parsed message."""
        if result.message_type is None or payload.problem is not None:
            return None
        return JourneyMessage(
            position,
            result.source,
            result.message_type,
            self._project.get(result.message_type, self._sent_only)(payload.value),
            origin=origin,
            own_findings=len(result.findings),
            own_deciding=any(decides(f, deciding) for f in result.findings),
            schema=result.schema,
            unmarked_schema=result.unmarked_schema,
        )


def _shared(value: Any) -> Any:
    """A kept text as one shared object: a case's identifiers and dates recur in each of its
    messages, and the projections of a run are most of a journey run's memory."""
    return sys.intern(value) if type(value) is str else value


def _kept(pointers: tuple[str, ...], tries: list[Trie | None]) -> Trie | None:
    """The projection keeping the whole value at each pointer (``*``: every item) and what
    each CEL trie reads; None (the whole message) when a pointer is the root. ``merge`` lets
    a shorter pointer's whole value win over a longer one's part."""
    if "" in pointers:
        return None
    chains: list[Trie | None] = []
    for pointer in pointers:
        chain: Trie = {}
        for token in reversed(parse_pointer(pointer)):
            chain = {token: chain}
        chains.append(chain)
    return merge([*chains, *tries])


def decides(finding: Finding, deciding: set[str]) -> bool:
    """Whether a finding decides conformance: at a deciding level, or of no requirement."""
    return finding.requirement is None or finding.level in deciding


def judge(
    journey: Journey, checker: JourneyChecker, join_names: str, deciding: set[str]
) -> JourneySummary:
    """Run the journey requirements over one journey: its messages get their findings (one
    that matches no other message is told its journey cannot be checked) and the summary
    says whether the journey conforms, counting its messages' own findings too."""
    checker.check(journey)
    if len(journey.messages) == 1:
        journey.messages[0].findings.append(
            Finding(
                check="journey",
                message=f"matches no other message by the journey keys ({join_names}): "
                "its journey cannot be checked",
                personal=False,
            )
        )
    findings = sum(m.own_findings + len(m.findings) for m in journey.messages)
    conformant = not any(
        m.own_deciding or any(decides(f, deciding) for f in m.findings) for m in journey.messages
    )
    return JourneySummary(
        number=journey.number,
        sources=tuple(m.source for m in journey.messages),
        conformant=conformant,
        findings=findings,
    )


def _instant(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.timezone.utc).isoformat()


@dataclass(frozen=True)
class _When:
    """A date or date-time from a message, comparable as the journey's date order needs."""

    day: str
    instant: str | None

    @classmethod
    def parse(cls, value: Any) -> _When | None:
        if not isinstance(value, str) or len(value) < 10:
            return None
        try:
            dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
        return cls(value[:10], _instant(value) if len(value) > 10 else None)

    def before(self, other: _When) -> bool:
        """Strictly earlier: by instant when both have a time, else by calendar day."""
        if self.instant and other.instant:
            return self.instant < other.instant
        return self.day < other.day


class JourneyChecker:
    """Runs a profile's journey requirements over grouped journeys."""

    def __init__(self, profile: Profile, rules: RuleChecker) -> None:
        self.profile = profile
        self.rules = rules
        self.requirements = profile.journey_requirements()

    def check(self, journey: Journey) -> None:
        """Attach findings to the journey's messages and record each requirement's outcome."""
        for requirement in self.requirements:
            outcome: Outcome | None = None
            match requirement.check:
                case SameIdentifierCheck() as check:
                    outcome = self._same_identifier(requirement, check, journey)
                case DatesInOrderCheck() as check:
                    outcome = self._dates_in_order(requirement, check, journey)
                case SubsetCheck() as check:
                    outcome = self._subset(requirement, check, journey)
                case RequiresCheck() as check:
                    outcome = self._requires(requirement, check, journey)
            if outcome is not None:
                journey.outcomes[requirement.id] = outcome

    # -- the four rule kinds ------------------------------------------------------------------

    def _same_identifier(
        self, requirement: Requirement, check: SameIdentifierCheck, journey: Journey
    ) -> Outcome | None:
        origin = [
            (message, path, value)
            for message in journey.messages
            for path, value in _values(message, check.origin)
        ]
        reuse = [
            (message, path, value)
            for message in journey.messages
            for path, value in _values(message, check.reuse)
        ]
        if not reuse:
            return None
        reference = origin or reuse[:1]
        allowed = {_hashable(value) for _, _, value in reference}
        where = f"{reference[0][0].source} at {pointer_of(reference[0][1])}"
        failed = False
        for message, path, value in reuse:
            if _hashable(value) not in allowed:
                failed = True
                _add(
                    message,
                    requirement,
                    path,
                    value,
                    "differs from the value given where it was first issued",
                    f"the value in {where}",
                )
        return FAILED if failed else PASSED

    def _dates_in_order(
        self, requirement: Requirement, check: DatesInOrderCheck, journey: Journey
    ) -> Outcome | None:
        """Each step's dates are not earlier than the latest date of the steps before it.

        Linear in the journey's size: only the latest earlier date is kept (with its place).
        """
        latest: tuple[str, _When, JourneyMessage, Path] | None = None
        steps_present = 0
        failed = False
        for step in check.steps:
            here = [
                (message, path, when)
                for message in journey.messages
                for path, value in _values(message, step.at)
                if (when := _When.parse(value)) is not None
            ]
            if not here:
                continue
            steps_present += 1
            if latest is not None:
                name, earlier, earlier_message, earlier_path = latest
                for message, path, when in here:
                    if when.before(earlier):
                        failed = True
                        _add(
                            message,
                            requirement,
                            path,
                            None,
                            f"the {step.name} date is earlier than the {name} date",
                            f"on or after the {name} in {earlier_message.source} at "
                            f"{pointer_of(earlier_path)}",
                        )
            for message, path, when in here:
                if latest is None or latest[1].before(when):
                    latest = (step.name, when, message, path)
        if steps_present < 2:
            return None
        return FAILED if failed else PASSED

    def _subset(
        self, requirement: Requirement, check: SubsetCheck, journey: Journey
    ) -> Outcome | None:
        fields = check.match

        def key(value: Any) -> tuple[Any, ...] | None:
            if not isinstance(value, dict):
                return None
            return tuple(_hashable(value.get(f)) for f in fields)

        within = {
            k
            for message in journey.messages
            for _, value in _values(message, check.within)
            if (k := key(value)) is not None
        }
        items = [
            (message, path, value)
            for message in journey.messages
            for path, value in _values(message, check.items)
        ]
        if not within or not items:
            return None
        failed = False
        for message, path, value in items:
            k = key(value)
            if k is not None and k not in within:
                failed = True
                described = ", ".join(f"{f} {v}" for f, v in zip(fields, k, strict=True))
                _add(
                    message,
                    requirement,
                    path,
                    None,
                    f"no match ({described}) among the items it must come from",
                    "an item with the same " + " and ".join(fields),
                )
        return FAILED if failed else PASSED

    def _requires(
        self, requirement: Requirement, check: RequiresCheck, journey: Journey
    ) -> Outcome | None:
        """Each subject message has an earlier message of the named type meeting the condition.

        The condition is evaluated once per candidate, and only the earliest time a satisfying
        candidate was sent is kept, so a journey of any size costs one pass over it.
        """
        subjects = [m for m in journey.messages if m.message_type == check.message]
        if not subjects:
            return None
        after = check.after
        rule = self.rules.rule(requirement.id)
        outcome = PASSED
        earliest: str | None = None
        for candidate in journey.messages:
            if candidate.message_type != after or not candidate.sent_at:
                continue
            if earliest is not None and candidate.sent_at >= earliest:
                continue  # an earlier satisfying candidate is already known
            if rule is not None:
                try:
                    if self.rules.cel.evaluate(rule, candidate.document) is not True:
                        continue
                except RuleError as exc:
                    outcome = ERROR
                    _add(
                        candidate,
                        requirement,
                        [],
                        None,
                        f"the rule could not be evaluated here: {exc}",
                        f"rule {rule.expression}",
                        check="rule-error",
                    )
                    continue
            earliest = candidate.sent_at
        for subject in subjects:
            if earliest is not None and subject.sent_at and earliest <= subject.sent_at:
                continue
            if outcome != ERROR:
                outcome = FAILED
            condition = " that meets its condition" if rule is not None else ""
            _add(
                subject,
                requirement,
                ["header", "sentAt"],
                None,
                f"no {after}{condition} was sent before it in this journey",
                f"an earlier {after}" + (f" where {rule.expression}" if rule else ""),
            )
        return outcome


def _add(
    message: JourneyMessage,
    requirement: Requirement,
    path: Path,
    value: Any,
    text: str,
    expected: str,
    check: FindingCheck = "journey",
) -> None:
    """A journey finding on one message. Its words never quote the identifiers or dates
    compared; the value, when given, is personal data (shown only with --show-personal-data)."""
    extra = () if value is None else (value,)
    message.findings.append(
        requirement_finding(requirement, path, text, expected, check, lambda _: True, *extra)
    )
