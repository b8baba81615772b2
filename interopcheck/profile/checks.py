"""How a requirement is checked, as typed records: the one place that reads a profile's
``check`` mapping (already validated against ``profile.schema.json``, so the shapes hold).

A check is one of nine kinds; code that acts on a kind matches on its class, and mypy sees every
field. ``as_mapping`` gives the mapping back as a profile writes it, for comparison and display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, get_args

#: message type -> pointers (``*`` matches every item or member)
Locations = dict[str, tuple[str, ...]]

HttpCheckName = Literal[
    "accepts-valid",
    "rejects-invalid",
    "no-server-error",
    "content-type",
    "response-schema",
    "correlation-id",
    "authentication",
    "no-internals",
    "response-time",
    "reads-back",
]
HTTP_CHECKS: tuple[HttpCheckName, ...] = get_args(HttpCheckName)

JourneyRule = Literal["same-identifier", "dates-in-order", "subset", "requires"]


@dataclass(frozen=True)
class SchemaCheck:
    """The message conforms to its schema in the standard."""

    schema: str


@dataclass(frozen=True)
class IdentifierCheck:
    """An identifier's form and check character, at each location."""

    identifier: str
    at: Locations


@dataclass(frozen=True)
class CodelistCheck:
    """Membership of a named code list, at each location."""

    codelist: str
    at: Locations


@dataclass(frozen=True)
class CelCheck:
    """A CEL expression, true when the requirement is met; ``self`` is the value at each
    location."""

    cel: str
    at: Locations
    explain: str | None = None


@dataclass(frozen=True)
class HttpCheck:
    """A check probe makes on every exchange with the endpoints (all, or those named)."""

    http: HttpCheckName
    endpoints: tuple[str, ...] | None = None

    def binds(self, endpoint_id: str) -> bool:
        """Whether the check applies to this endpoint (its ``endpoints``, or all)."""
        return self.endpoints is None or endpoint_id in self.endpoints


@dataclass(frozen=True)
class SameIdentifierCheck:
    """An identifier keeps its value wherever it reappears in a journey."""

    origin: Locations
    reuse: Locations


@dataclass(frozen=True)
class DateStep:
    name: str
    at: Locations


@dataclass(frozen=True)
class DatesInOrderCheck:
    """Dates along a journey run forward, step by step."""

    steps: tuple[DateStep, ...]


@dataclass(frozen=True)
class SubsetCheck:
    """Every item here matches an item there, on the given fields."""

    items: Locations
    within: Locations
    match: tuple[str, ...]


@dataclass(frozen=True)
class RequiresCheck:
    """A message is preceded in its journey by a message that satisfies a condition."""

    message: str
    after: str
    """The message type that must come first."""
    after_cel: str | None = None
    """The condition it must meet (CEL over that message), if any."""


JourneyCheck: TypeAlias = SameIdentifierCheck | DatesInOrderCheck | SubsetCheck | RequiresCheck
Check: TypeAlias = (
    SchemaCheck | IdentifierCheck | CodelistCheck | CelCheck | HttpCheck | JourneyCheck
)

_JOURNEY_RULE_OF: dict[type, JourneyRule] = {
    SameIdentifierCheck: "same-identifier",
    DatesInOrderCheck: "dates-in-order",
    SubsetCheck: "subset",
    RequiresCheck: "requires",
}


def kind_of(check: Check) -> str:
    """``schema``, ``identifier``, ``codelist``, ``cel``, ``http:<check>`` or
    ``journey:<rule>``: the words reports and tallies use."""
    match check:
        case SchemaCheck():
            return "schema"
        case IdentifierCheck():
            return "identifier"
        case CodelistCheck():
            return "codelist"
        case CelCheck():
            return "cel"
        case HttpCheck(http=name):
            return f"http:{name}"
    return f"journey:{_JOURNEY_RULE_OF[type(check)]}"


def _locations(value: Mapping[str, Any]) -> Locations:
    return {str(name): tuple(str(p) for p in pointers) for name, pointers in value.items()}


def parse_check(raw: Mapping[str, Any]) -> Check:
    """The typed record of a ``check`` mapping that ``profile.schema.json`` accepted."""
    if "schema" in raw:
        return SchemaCheck(str(raw["schema"]))
    if "identifier" in raw:
        return IdentifierCheck(str(raw["identifier"]), _locations(raw["at"]))
    if "codelist" in raw:
        return CodelistCheck(str(raw["codelist"]), _locations(raw["at"]))
    if "cel" in raw:
        return CelCheck(str(raw["cel"]), _locations(raw["at"]), raw.get("explain"))
    if "http" in raw:
        endpoints = raw.get("endpoints")
        return HttpCheck(raw["http"], None if endpoints is None else tuple(endpoints))
    rule = raw["journey"]
    if rule == "same-identifier":
        return SameIdentifierCheck(_locations(raw["origin"]), _locations(raw["reuse"]))
    if rule == "dates-in-order":
        steps = (DateStep(str(s["name"]), _locations(s["at"])) for s in raw["steps"])
        return DatesInOrderCheck(tuple(steps))
    if rule == "subset":
        return SubsetCheck(_locations(raw["items"]), _locations(raw["within"]), tuple(raw["match"]))
    if rule == "requires":
        after = raw["after"]
        return RequiresCheck(str(raw["message"]), str(after["message"]), after.get("cel"))
    raise ValueError(f"not a check the profile schema allows: {dict(raw)!r}")


def pointers_in(check: Check, message_type: str) -> tuple[str, ...]:
    """The pointers a located check (identifier, code list, CEL) binds in a message type."""
    if isinstance(check, IdentifierCheck | CodelistCheck | CelCheck):
        return check.at.get(message_type, ())
    return ()


def messages_read(check: Check) -> set[str]:
    """The message types a check reads: those it locates values in, validates, or (journey
    rules) relates."""
    match check:
        case SchemaCheck(schema=message_type):
            return {message_type}
        case IdentifierCheck(at=at) | CodelistCheck(at=at) | CelCheck(at=at):
            return set(at)
        case SameIdentifierCheck(origin=origin, reuse=reuse):
            return set(origin) | set(reuse)
        case DatesInOrderCheck(steps=steps):
            return {message_type for step in steps for message_type in step.at}
        case SubsetCheck(items=items, within=within):
            return set(items) | set(within)
        case RequiresCheck(message=message, after=after):
            return {message, after}
    return set()


def as_mapping(check: Check) -> dict[str, Any]:
    """The check as a profile writes it (``parse_check``'s inverse): for comparing two
    profiles' requirements and for showing a requirement."""

    def places(locations: Locations) -> dict[str, list[str]]:
        return {name: list(pointers) for name, pointers in locations.items()}

    match check:
        case SchemaCheck(schema=schema):
            return {"schema": schema}
        case IdentifierCheck(identifier=name, at=at):
            return {"identifier": name, "at": places(at)}
        case CodelistCheck(codelist=name, at=at):
            return {"codelist": name, "at": places(at)}
        case CelCheck(cel=cel, at=at, explain=explain):
            written = {"cel": cel, "at": places(at)}
            return written if explain is None else {**written, "explain": explain}
        case HttpCheck(http=name, endpoints=endpoints):
            return (
                {"http": name} if endpoints is None else {"http": name, "endpoints": [*endpoints]}
            )
        case SameIdentifierCheck(origin=origin, reuse=reuse):
            return {"journey": "same-identifier", "origin": places(origin), "reuse": places(reuse)}
        case DatesInOrderCheck(steps=steps):
            written_steps = [{"name": step.name, "at": places(step.at)} for step in steps]
            return {"journey": "dates-in-order", "steps": written_steps}
        case SubsetCheck(items=items, within=within, match=fields):
            return {
                "journey": "subset",
                "items": places(items),
                "within": places(within),
                "match": list(fields),
            }
        case RequiresCheck(message=message, after=after, after_cel=cel):
            condition = {"message": after} if cel is None else {"message": after, "cel": cel}
            return {"journey": "requires", "message": message, "after": condition}
    raise AssertionError(f"unknown check {check!r}")
