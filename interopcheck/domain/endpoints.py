"""The vocabulary of an endpoint's parts, as an API document declares them: parameters,
responses, how a body is written, how deeply an endpoint is probed. Plain data, shared by the
profile model and the reader of API documents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParameterLocation = Literal["path", "query", "header", "cookie"]
#: How a request body is written: JSON, ``application/x-www-form-urlencoded`` or
#: ``multipart/form-data``.
BodyEncoding = Literal["json", "form", "multipart"]
#: ``full``: valid, invalid and credential cases; ``auth-only``: only without and with wrong
#: credentials (HEAD, OPTIONS, and a body in a media type no case can be made in).
ProbeDepth = Literal["full", "auth-only"]


@dataclass(frozen=True)
class EndpointParameter:
    """A path, query, header or cookie parameter, with how its value is written
    (OpenAPI ``style`` and ``explode``, the defaults filled in)."""

    name: str
    location: ParameterLocation
    required: bool
    style: str
    explode: bool


@dataclass(frozen=True)
class ReadLink:
    """What to read after an accepted request: an endpoint, and each of its parameters as a
    runtime expression over the exchange (``$response.body#/caseId``,
    ``$request.body#/ptiUrn``, ``$request.path.id``) or a value."""

    read: str
    """The endpoint id to read."""
    parameters: tuple[tuple[str, object], ...]
    via: str
    """Where it was said: the OpenAPI link's name, or ``profile``."""


@dataclass(frozen=True)
class DeclaredResponse:
    """One response an API document declares for an operation."""

    status: str
    """``201``, ``4XX`` or ``default``."""
    schema: str | None
    """The message type its JSON body is, when it declares one."""
    media_types: tuple[str, ...] = ()


SchemeKind = Literal[
    "bearer", "api-key", "basic", "oauth2-client-credentials", "mutual-tls", "other"
]


@dataclass(frozen=True)
class SecurityScheme:
    """One way an API authenticates, as its document declares it."""

    name: str
    kind: SchemeKind
    location: ParameterLocation | None = None
    """Where an API key goes: ``header``, ``query`` or ``cookie``."""
    parameter: str | None = None
    """The API key's header, query parameter or cookie name."""
    token_url: str | None = None
    """OAuth2 client credentials: where a token is asked for."""
    description: str = ""

    @property
    def presentable(self) -> bool:
        """Whether probe can present it (a digest or an unknown scheme it cannot)."""
        return self.kind != "other"
