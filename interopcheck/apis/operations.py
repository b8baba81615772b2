"""Every operation of an API document, in one shape whatever the version.

OpenAPI 3.0 and 3.1 and Swagger 2.0 say the same things in different places; a 2.0 document is
first put in 3.0's shape (``apis/convert.py``), so one reader serves all three. This module
reads a validated bundle (``apis/read.py``, ``apis/validate.py``) into ``Operation`` records:
method, path, id, parameters (path-item parameters merged with the operation's), request bodies
by media type, responses by status, and the security it requires (alternatives of schemes that
must all be met). ``$ref``s to parameters, request bodies and responses are followed through
the bundle's files; schemas are kept as written, with the file they are written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from interopcheck.apis.read import ApiBundle, read_bundle
from interopcheck.apis.validate import Version, validate_bundle
from interopcheck.domain.endpoints import SecurityScheme
from interopcheck.domain.parameters import JSON_CONTENT
from interopcheck.errors import ApiDocumentError

Method = Literal["get", "put", "post", "delete", "options", "head", "patch", "trace"]
METHODS: tuple[Method, ...] = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Location = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class Schema:
    """A schema as written, and the file whose ``$ref``s it resolves against."""

    value: Any
    file: Path


#: Header parameters the OpenAPI specification says are ignored: Accept and Content-Type are
#: said by the media types, Authorization by the security schemes.
IGNORED_HEADERS = ("accept", "content-type", "authorization")
#: How each location writes a value unless ``style`` says otherwise (OpenAPI 3).
DEFAULT_STYLES: dict[Location, str] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: Location
    required: bool
    schema: Schema | None
    style: str | None = None
    explode: bool | None = None
    description: str = ""

    @property
    def written_style(self) -> str:
        return self.style or DEFAULT_STYLES[self.location]

    @property
    def written_exploded(self) -> bool:
        """``explode`` as written, else its default: true for ``form`` alone."""
        return self.explode if self.explode is not None else self.written_style == "form"


@dataclass(frozen=True)
class Body:
    media_type: str
    schema: Schema | None


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: how an answer's values name what another operation reads."""

    name: str
    operation_id: str | None
    operation_ref: str | None
    parameters: dict[str, Any]
    """Parameter name (``path.id`` may say where) -> a runtime expression or a value."""


@dataclass(frozen=True)
class Response:
    status: str
    """``200``, ``2XX`` or ``default``."""
    bodies: tuple[Body, ...] = ()
    description: str = ""
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Operation:
    method: Method
    path: str
    operation_id: str | None
    parameters: tuple[Parameter, ...]
    request_bodies: tuple[Body, ...]
    body_required: bool
    responses: tuple[Response, ...]
    security: tuple[tuple[str, ...], ...]
    """Alternatives, each the scheme names that must all be met (an empty alternative: no
    credentials is also accepted); ``()``: the operation declares no security."""
    deprecated: bool = False
    summary: str = ""

    @property
    def id(self) -> str:
        """The endpoint id: the ``operationId`` as written, else ``METHOD /path``."""
        return self.operation_id or f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class ApiDocument:
    path: Path
    version: Version
    title: str
    api_version: str
    files: int
    operations: tuple[Operation, ...]
    security_schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """What the validator noted without refusing (a contact email that is not one)."""


def load_api(path: Path, ref_schemas: tuple[Path, ...] = ()) -> ApiDocument:
    """Read, validate and normalise the API document at ``path``."""
    return read_api(path, ref_schemas)[0]


def read_api(path: Path, ref_schemas: tuple[Path, ...] = ()) -> tuple[ApiDocument, ApiBundle]:
    """The API document at ``path``, and its bundle in OpenAPI 3.x's shape (a 2.0 document
    converted), whose files its schemas are read from."""
    bundle = read_bundle(path, ref_schemas)
    version, notes = validate_bundle(bundle)
    if version == "2.0":  # read in 3.0's shape, as every reader of a document does
        from interopcheck.apis.convert import bundle_as_openapi30

        bundle = bundle_as_openapi30(bundle)
    reader = _Reader(bundle)
    document = bundle.document
    info = document.get("info") or {}
    return ApiDocument(
        path=path,
        version=version,
        title=str(info.get("title", "")),
        api_version=str(info.get("version", "")),
        files=len(bundle.files),
        operations=tuple(reader.operations()),
        security_schemes=reader.schemes(),
        notes=tuple(notes),
    ), bundle


class _Reader:
    """Operations and security schemes of a bundle in OpenAPI 3.x's shape."""

    def __init__(self, bundle: ApiBundle) -> None:
        self.bundle = bundle
        self.document = bundle.document

    # -- references ---------------------------------------------------------------------------

    def resolve(self, node: Any, file: Path) -> tuple[Any, Path]:
        """Follow ``$ref`` (to this file or another of the bundle) until a value is reached."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            seen += 1
            if seen > 64:
                raise ApiDocumentError(f"{file}: a $ref chain longer than 64 (a cycle?)")
            node, file = self.bundle.part(file, node["$ref"])
        return node, file

    # -- operations ---------------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        found = []
        root = self.bundle.root
        for path, item in (self.document.get("paths") or {}).items():
            item, item_file = self.resolve(item, root)
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters") or []
            for method in METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    found.append(self._operation(method, path, operation, shared, item_file))
        return found

    def _operation(
        self, method: Method, path: str, operation: dict[str, Any], shared: list[Any], file: Path
    ) -> Operation:
        merged: dict[tuple[str, str], tuple[dict[str, Any], Path]] = {}
        for raw in [*shared, *(operation.get("parameters") or [])]:
            parameter, at = self.resolve(raw, file)
            if isinstance(parameter, dict):
                merged[(str(parameter.get("name")), str(parameter.get("in")))] = (parameter, at)
        parameters: list[Parameter] = []
        bodies: list[Body] = []
        body_required = False
        body, at = self.resolve(operation.get("requestBody"), file)
        if isinstance(body, dict):
            body_required = bool(body.get("required"))
            for media, content in (body.get("content") or {}).items():
                bodies.append(Body(media, _schema_in(content, at)))
        for parameter, at in merged.values():
            location = parameter.get("in")
            name = str(parameter.get("name", "")).lower()
            if location == "header" and name in IGNORED_HEADERS:
                continue  # OpenAPI: such a parameter "SHALL be ignored" (security, media types)
            if location in ("path", "query", "header", "cookie"):
                parameters.append(self._parameter(parameter, at))
        return Operation(
            method=method,
            path=path,
            operation_id=operation.get("operationId"),
            parameters=tuple(parameters),
            request_bodies=tuple(bodies),
            body_required=body_required,
            responses=tuple(self._responses(operation, file)),
            security=self._security(operation),
            deprecated=bool(operation.get("deprecated")),
            summary=str(operation.get("summary") or ""),
        )

    def _parameter(self, parameter: dict[str, Any], at: Path) -> Parameter:
        schema = parameter.get("schema")
        style = parameter.get("style")
        content = parameter.get("content")
        if schema is None and isinstance(content, dict) and content:
            # a value written in a media type (3.x ``content``): JSON text of its schema
            first = next(iter(content.values()))
            schema = first.get("schema") if isinstance(first, dict) else None
            style = JSON_CONTENT
        return Parameter(
            name=str(parameter.get("name")),
            location=parameter["in"],
            required=bool(parameter.get("required")) or parameter.get("in") == "path",
            schema=Schema(schema, at) if schema is not None else None,
            style=style,
            explode=parameter.get("explode"),
            description=str(parameter.get("description") or ""),
        )

    def _responses(self, operation: dict[str, Any], file: Path) -> list[Response]:
        found = []
        for status, raw in (operation.get("responses") or {}).items():
            if str(status).startswith("x-"):
                continue
            response, at = self.resolve(raw, file)
            if not isinstance(response, dict):
                continue
            bodies = tuple(
                Body(m, _schema_in(c, at)) for m, c in (response.get("content") or {}).items()
            )
            links = []
            for name, raw_link in (response.get("links") or {}).items():
                link, _ = self.resolve(raw_link, at)
                if isinstance(link, dict) and isinstance(link.get("parameters", {}), dict):
                    links.append(
                        Link(
                            str(name),
                            link.get("operationId"),
                            link.get("operationRef"),
                            dict(link.get("parameters") or {}),
                        )
                    )
            said = str(response.get("description") or "")
            found.append(Response(str(status), bodies, said, tuple(links)))
        return found

    def _security(self, operation: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
        required = operation.get("security", self.document.get("security")) or []
        return tuple(tuple(sorted(a)) for a in required if isinstance(a, dict))

    # -- security schemes ---------------------------------------------------------------------

    def schemes(self) -> dict[str, SecurityScheme]:
        raw = (self.document.get("components") or {}).get("securitySchemes") or {}
        found = {}
        for name, definition in raw.items():
            definition, _ = self.resolve(definition, self.bundle.root)
            if isinstance(definition, dict):
                found[name] = _scheme(name, definition)
        return found


def _schema_in(content: Any, at: Path) -> Schema | None:
    schema = content.get("schema") if isinstance(content, dict) else None
    return Schema(schema, at) if schema is not None else None


def _scheme(name: str, definition: dict[str, Any]) -> SecurityScheme:
    """A declared scheme in the endpoint vocabulary: an OAuth2 or OpenID Connect token is
    presented as a bearer token (given, or asked for by the client credentials flow)."""
    kind = str(definition.get("type", ""))
    said = str(definition.get("description") or "")
    if kind == "apiKey":
        places: dict[Any, Location] = {"header": "header", "query": "query", "cookie": "cookie"}
        location = places.get(definition.get("in"), "header")
        return SecurityScheme(name, "api-key", location, definition.get("name"), description=said)
    if kind == "http":
        scheme = str(definition.get("scheme", "")).lower()
        known = {"bearer": "bearer", "basic": "basic"}
        return SecurityScheme(name, known.get(scheme, "other"), description=said)  # type: ignore[arg-type]
    if kind == "oauth2":
        flows = definition.get("flows") or {}
        client = flows.get("clientCredentials") if isinstance(flows, dict) else None
        token_url = client.get("tokenUrl") if isinstance(client, dict) else None
        if isinstance(token_url, str):
            return SecurityScheme(
                name, "oauth2-client-credentials", token_url=token_url, description=said
            )
        return SecurityScheme(name, "bearer", description=said)
    if kind == "openIdConnect":
        return SecurityScheme(name, "bearer", description=said)
    return SecurityScheme(name, "mutual-tls", description=said)
