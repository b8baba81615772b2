"""The profile model: what a loaded, resolved profile is, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interopcheck.domain.endpoints import (
    BodyEncoding,
    DeclaredResponse,
    EndpointParameter,
    ProbeDepth,
    ReadLink,
    SecurityScheme,
)
from interopcheck.profile.checks import (
    CelCheck,
    Check,
    CodelistCheck,
    DatesInOrderCheck,
    HttpCheck,
    IdentifierCheck,
    Locations,
    RequiresCheck,
    SameIdentifierCheck,
    SchemaCheck,
    SubsetCheck,
    kind_of,
)
from interopcheck.results import Level


@dataclass(frozen=True)
class Requirement:
    """One testable statement: id + level + text + how it is checked."""

    id: str
    level: Level
    text: str
    check: Check
    source: str | None = None
    group: str | None = None
    defined_in: Path | None = None
    line: int | None = None

    @property
    def kind(self) -> str:
        """``schema``, ``identifier``, ``codelist``, ``cel``, ``journey:<rule>`` or
        ``http:<check>``."""
        return kind_of(self.check)

    @property
    def is_journey(self) -> bool:
        return isinstance(
            self.check, SameIdentifierCheck | DatesInOrderCheck | SubsetCheck | RequiresCheck
        )

    @property
    def is_http(self) -> bool:
        """Checked by ``probe`` on the exchanges with an endpoint, not on payloads."""
        return isinstance(self.check, HttpCheck)

    def message_types(self) -> set[str]:
        """The message types this requirement applies to (for payload checks)."""
        if isinstance(self.check, SchemaCheck):
            return {self.check.schema}
        if isinstance(self.check, IdentifierCheck | CodelistCheck | CelCheck):
            return set(self.check.at)
        return set()


@dataclass(frozen=True)
class Codelist:
    name: str
    title: str
    source: str
    file: str | None = None
    code: str | None = None
    label: str | None = None
    values: dict[str, str] | None = None
    base: Path | None = None
    """Directory a relative ``file`` is read from (the profile's), after the bundled data."""


@dataclass(frozen=True)
class Actor:
    name: str
    title: str
    sends: tuple[str, ...] = ()
    receives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    """An HTTP endpoint an actor exposes: one message type it receives (a profile's own
    endpoints), or any operation of an API document (its parameters, body and responses)."""

    id: str
    actor: str
    method: str
    path: str
    receives: str | None
    """The message type of the request body; None: the operation takes no body."""
    accepted: int = 202
    response: str = "receipt"
    error: str = "problem"
    parameters: tuple[EndpointParameter, ...] = ()
    parameters_type: str | None = None
    """The message type whose instances are the parameters, one object per location
    (``{"path": {...}, "query": {...}, "header": {...}, "cookie": {...}}``)."""
    body_encoding: BodyEncoding = "json"
    body_media_type: str = "application/json"
    responses: tuple[DeclaredResponse, ...] = ()
    """What an API document declares (empty: a profile's own endpoint, answering
    ``accepted`` with ``response`` or an ``error``)."""
    secured: bool = True
    """False when the operation declares that it needs no credentials (``security: []``)."""
    depth: ProbeDepth = "full"
    note: str = ""
    links: tuple[ReadLink, ...] = ()
    """What to read after this endpoint accepted a request (OpenAPI links, the profile's
    ``reads``)."""
    security: tuple[tuple[str, ...], ...] = ()
    """Alternatives of the scheme names (``Api.schemes``) that must all be presented; an
    empty alternative: no credentials will also do."""
    documented: bool = False
    """Taken from an API document: answers as the document declares (``responses``), not as
    a profile's own endpoint does (``accepted``, a receipt or a problem)."""
    """Why an endpoint is probed for authentication only, when it is."""

    @property
    def reads(self) -> bool:
        """It names a resource in its path (a read of an unknown one may answer 404)."""
        return any(p.location == "path" for p in self.parameters)

    def declared(self, status: int) -> DeclaredResponse | None:
        """The response the document declares for ``status``: the code, its class
        (``4XX``), or ``default``."""
        by_status = {r.status.upper(): r for r in self.responses}
        return (
            by_status.get(str(status))
            or by_status.get(f"{str(status)[0]}XX")
            or by_status.get("DEFAULT")
        )

    @property
    def success_statuses(self) -> tuple[int, ...]:
        """The 2xx codes an accepted request may answer with."""
        if not self.documented:
            return (self.accepted,)
        codes = [int(r.status) for r in self.responses if r.status.isdigit()]
        found = tuple(c for c in codes if 200 <= c < 300)
        return found or tuple(range(200, 300))  # only 2XX or default declared: any 2xx


@dataclass(frozen=True)
class Api:
    """How the profile's actors receive messages over HTTP."""

    endpoints: tuple[Endpoint, ...]
    auth: str = "bearer"
    api_key_header: str = "X-Api-Key"
    correlation_header: str = "X-Correlation-Id"
    max_response_ms: int = 2000
    openapi: Path | None = None
    """The OpenAPI document the endpoints were taken from, when they were."""
    schemas: tuple[Any, ...] = ()
    """Its schemas (``SchemaEntry``), added to the catalog of any run using the profile."""
    ref_schemas: tuple[Path, ...] = ()
    """Local copies of what the document's absolute ``$ref``s name (``api.refSchemas``)."""
    schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    """The security schemes endpoints name, by name (an API document's; for a profile's own
    endpoints, ``default`` from ``auth``)."""

    def for_actor(self, actor: str) -> list[Endpoint]:
        return [e for e in self.endpoints if e.actor == actor]

    def bound_by(self, requirement: Requirement) -> list[Endpoint]:
        """The endpoints an ``http`` requirement applies to (its ``endpoints``, or all)."""
        check = requirement.check
        return [e for e in self.endpoints if not isinstance(check, HttpCheck) or check.binds(e.id)]


@dataclass(frozen=True)
class ConformanceLevel:
    name: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    id: str
    version: str
    title: str
    path: Path
    description: str = ""
    standard_name: str = "justice"
    standard_versions: tuple[str, ...] = ()
    extends: tuple[str, ...] = ()
    """The chain of profiles this one extends, nearest first (ids)."""
    actors: dict[str, Actor] = field(default_factory=dict)
    codelists: dict[str, Codelist] = field(default_factory=dict)
    requirements: tuple[Requirement, ...] = ()
    deciding: tuple[str, ...] = ("MUST",)
    levels: tuple[ConformanceLevel, ...] = ()
    journey_join: dict[str, Locations] = field(default_factory=dict)
    journey_order: tuple[str, ...] = ()
    digest: str = ""
    """SHA-256 over the profile file and every file it extends."""
    api: Api | None = None
    """The HTTP endpoints, when the profile declares them."""

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def for_message(self, message_type: str) -> list[Requirement]:
        """Payload requirements that apply to one message type, in profile order."""
        return [
            r for r in self.requirements if not r.is_journey and message_type in r.message_types()
        ]

    def journey_requirements(self) -> list[Requirement]:
        return [r for r in self.requirements if r.is_journey]

    def http_requirements(self) -> list[Requirement]:
        return [r for r in self.requirements if r.is_http]
