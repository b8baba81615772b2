"""An agency's own API document (OpenAPI 3.0/3.1 or Swagger 2.0) as the source of a profile's api.

Every operation becomes an endpoint (GET, POST, PUT, PATCH and DELETE probed in full; HEAD and
OPTIONS, and an operation whose body no case can be made in, for authentication only). The
schemas its bodies, parameters and answers have become message types in the catalog (the
document's files are registered whole, so ``$ref`` between them resolves as written); its
security becomes the api's authentication, and a header parameter named like a correlation id
becomes the correlation header. OpenAPI 3.0's differences from JSON Schema that change validity
(``nullable``, boolean ``exclusiveMinimum``/``exclusiveMaximum``) are rewritten to their
2020-12 meaning. Endpoint ids: the ``operationId`` in kebab case, else ``method-path``
(``get-cases-urn``), each made unique.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from interopcheck.apis.operations import (
    ApiDocument,
    Body,
    Operation,
    Parameter,
    Schema,
    read_api,
)
from interopcheck.domain.endpoints import (
    BodyEncoding,
    DeclaredResponse,
    EndpointParameter,
    ProbeDepth,
    ReadLink,
    SecurityScheme,
)
from interopcheck.domain.http import is_json_media, is_token, media_kind
from interopcheck.errors import ApiDocumentError
from interopcheck.sources.positions import escape_pointer_token, unescape_pointer_token
from interopcheck.standard.catalog import SchemaEntry, read_as_known_dialect

#: Probed in full; HEAD and OPTIONS for authentication only; TRACE not at all.
FULL_METHODS = ("get", "post", "put", "patch", "delete")
AUTH_ONLY_METHODS = ("head", "options")
#: Header names that carry a correlation id by convention, when no description says so.
CORRELATION_NAMES = ("x-request-id", "request-id", "x-trace-id", "traceparent")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class OpenApiOperation:
    id: str
    method: str
    path: str
    receives: str | None
    accepted: int
    response: str | None
    error: str | None
    parameters: tuple[EndpointParameter, ...] = ()
    parameters_type: str | None = None
    body_encoding: BodyEncoding = "json"
    body_media_type: str = "application/json"
    responses: tuple[DeclaredResponse, ...] = ()
    secured: bool = True
    depth: ProbeDepth = "full"
    note: str = ""
    security: tuple[tuple[str, ...], ...] = ()
    links: tuple[ReadLink, ...] = ()


@dataclass(frozen=True)
class OpenApiSource:
    path: Path
    title: str
    version: str
    entries: tuple[SchemaEntry, ...]
    operations: tuple[OpenApiOperation, ...]
    auth: str
    api_key_header: str
    correlation_header: str | None
    schemes: dict[str, SecurityScheme] = field(default_factory=dict)


def load_openapi(path: Path, actor: str, ref_schemas: tuple[Path, ...] = ()) -> OpenApiSource:
    """Read ``path`` and take its endpoints for ``actor``; ``SetupError`` naming the place
    when it cannot be used. An API document is another organisation's: a part of the wrong
    shape (a number where an object belongs) is a clear error about the document, never a
    crash of ours."""
    try:
        return _load_openapi(path, actor, ref_schemas)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        raise ApiDocumentError(
            f"{path}: not a usable OpenAPI document: a part has the wrong shape "
            f"({type(exc).__name__}: {str(exc)[:120]}); check it with an OpenAPI validator"
        ) from None


def _load_openapi(path: Path, actor: str, ref_schemas: tuple[Path, ...]) -> OpenApiSource:
    api, bundle = read_api(path, ref_schemas)
    as_schema: Callable[[Any], Any] = _as_written if api.version == "3.1" else _from_30

    def convert(value: Any) -> Any:
        return _safe_refs(as_schema(value))

    # a local copy stands for the absolute URI (its $id) the document names it by
    identified = {local: uri for uri, local in bundle.aliases.items()}
    root_uri = path.resolve().as_uri()

    def uri_of(file: Path) -> str:
        return root_uri if file == bundle.root else identified.get(file, file.as_uri())

    document = convert(bundle.document)
    components = (document.get("components") or {}).get("schemas") or {}
    names = _Names(bundle.root, uri_of, convert)
    operations = _Operations(api, names).read()
    if not operations:
        raise ApiDocumentError(f"{path}: no operation to probe (paths is empty)")
    used = {
        n
        for o in operations
        for n in (o.receives, o.parameters_type, *(r.schema for r in o.responses))
        if n
    }
    used |= {o.parameters_type + SENDABLE for o in operations if o.parameters_type}
    missing = sorted(n for n in used if n not in components and n not in names.inline)
    if missing:
        raise ApiDocumentError(f"{path}: components/schemas has no {', '.join(missing)}")
    stem = path.stem
    api_version = api.api_version or "1"
    entries = [
        SchemaEntry(
            name=f"{stem}.openapi", uri=root_uri, path=path, document=document, standard=stem
        )
    ]
    for file in bundle.files.values():
        if file.path != bundle.root and isinstance(file.value, dict):
            # a custom $schema is read as the catalog reads any (never fetched)
            written, meta_schema = read_as_known_dialect(convert(file.value))
            entries.append(
                SchemaEntry(
                    name=f"{stem}.{file.path.name}",
                    uri=uri_of(file.path),
                    path=file.path,
                    document=written,
                    standard=stem,
                    meta_schema=meta_schema,
                )
            )
    receiving = {o.receives for o in operations} | {o.parameters_type for o in operations}
    for name in sorted(used):
        urn = f"urn:interopcheck:openapi:{quote(stem, safe='')}:{quote(name, safe='')}"
        if name in names.inline:  # a schema written in place (an array, an object): as written
            schema: dict[str, Any] = {**names.inline[name], "$schema": DIALECT, "$id": urn}
            schema.setdefault("title", name)
        else:
            component = components[name]
            title = component.get("title") if isinstance(component, dict) else None
            schema = {
                "$schema": DIALECT,
                "$id": urn,
                "title": str(title or name),
                "$ref": f"{root_uri}#/components/schemas/{_fragment(escape_pointer_token(name))}",
            }
        entries.append(
            SchemaEntry(
                name=name,
                uri=urn,
                path=path,
                document=schema,
                standard=stem,
                version=api_version,
                message_type=name if name in receiving else None,
            )
        )
    auth, key_header = _security(api, path)
    return OpenApiSource(
        path=path,
        title=api.title or stem,
        version=api_version,
        entries=tuple(entries),
        operations=tuple(operations),
        auth=auth,
        api_key_header=key_header,
        correlation_header=_correlation_header(api),
        schemes=dict(api.security_schemes),
    )


class _Operations:
    """Each operation of the document as an endpoint's parts."""

    def __init__(self, api: ApiDocument, names: _Names) -> None:
        self.api = api
        self.names = names
        self.slugs: set[str] = set()

    def read(self) -> list[OpenApiOperation]:
        taken = [o for o in self.api.operations if o.method in FULL_METHODS + AUTH_ONLY_METHODS]
        self.slug_of = {id(o): self._slug(o) for o in taken}
        self.by_operation_id = {
            o.operation_id: self.slug_of[id(o)] for o in taken if o.operation_id
        }
        self.by_route = {(o.method, o.path): self.slug_of[id(o)] for o in taken}
        return [self._one(operation) for operation in taken]

    def _links(self, operation: Operation) -> tuple[ReadLink, ...]:
        """The reads a 2xx answer's OpenAPI links name, by endpoint id (a link to an
        operation that is not an endpoint here is left out)."""
        found = []
        for response in operation.responses:
            if not response.status.startswith("2"):
                continue
            for link in response.links:
                target = self.by_operation_id.get(link.operation_id or "")
                if target is None and link.operation_ref:
                    target = self._by_reference(link.operation_ref)
                if target is not None:
                    found.append(ReadLink(target, tuple(link.parameters.items()), link.name))
        return tuple(found)

    def _by_reference(self, reference: str) -> str | None:
        """``#/paths/~1cases~1{id}/get`` (in this document) as an endpoint id."""
        _, _, fragment = reference.partition("#/paths/")
        route, _, method = fragment.rpartition("/")
        path = unescape_pointer_token(unquote(route))
        return self.by_route.get((method.lower(), path))  # type: ignore[arg-type]

    def _slug(self, operation: Operation) -> str:
        written = operation.operation_id or f"{operation.method}-{operation.path}"
        slug = re.sub(r"[^a-z0-9-]+", "-", _kebab(written)).strip("-")[:63] or "operation"
        unique, n = slug, 1
        while unique in self.slugs:
            n += 1
            unique = f"{slug}-{n}"
        self.slugs.add(unique)
        return unique

    def _one(self, operation: Operation) -> OpenApiOperation:
        slug = self.slug_of[id(operation)]
        where = f"{self.api.path}: paths/{operation.path}/{operation.method}"
        depth: ProbeDepth = "full" if operation.method in FULL_METHODS else "auth-only"
        note = "" if depth == "full" else f"{operation.method.upper()}: probed for authentication"
        receives: str | None = None
        encoding: BodyEncoding = "json"
        media = "application/json"
        chosen = _chosen_body(operation.request_bodies)
        if chosen is not None and depth == "full":
            body, encoding = chosen
            media = "application/json" if "*" in body.media_type else body.media_type
            schema = body.schema or Schema({}, self.api.path)
            receives = self.names.of(schema, f"{slug}-request", where + ": request body")
        elif operation.request_bodies and operation.body_required and depth == "full":
            depth = "auth-only"
            kinds = ", ".join(b.media_type for b in operation.request_bodies)
            note = f"its body is {kinds}: no case is made in that media type"
        parameters = tuple(
            EndpointParameter(p.name, p.location, p.required, p.written_style, p.written_exploded)
            for p in operation.parameters
        )
        parameters_type = (
            self.names.parameters(operation.parameters, f"{slug}-parameters")
            if operation.parameters
            else None
        )
        responses = []
        first_success = None
        for response in operation.responses:
            answer = next((b for b in response.bodies if _is_json(b.media_type)), None)
            name = None
            if answer is not None and answer.schema is not None:
                is_first = first_success is None and response.status.startswith("2")
                own = f"{slug}-response" if is_first else f"{slug}-response-{response.status}"
                name = self.names.of(answer.schema, own, f"{where}: response {response.status}")
            if first_success is None and response.status.startswith("2"):
                first_success = response.status
            media_types = tuple(b.media_type for b in response.bodies)
            responses.append(DeclaredResponse(response.status, name, media_types))
        by_status = {r.status.upper(): r for r in responses}
        codes = sorted(r.status for r in responses if r.status.isdigit() and r.status[0] == "2")
        accepted = int(codes[0]) if codes else 200
        success = by_status.get(str(accepted)) or by_status.get("2XX")
        error = next(
            (by_status[c].schema for c in ("400", "422", "4XX", "DEFAULT") if c in by_status), None
        )
        return OpenApiOperation(
            id=slug,
            method=operation.method.upper(),
            path=operation.path,
            receives=receives,
            accepted=accepted,
            response=success.schema if success else None,
            error=error,
            parameters=parameters,
            parameters_type=parameters_type,
            body_encoding=encoding,
            body_media_type=media,
            responses=tuple(responses),
            secured=bool(operation.security) and all(operation.security),
            depth=depth,
            note=note,
            security=operation.security,
            links=self._links(operation),
        )


def _is_json(media_type: str) -> bool:
    """JSON, or what a JSON body may be sent as (``*/*``, ``text/json``)."""
    return is_json_media(media_type) or media_kind(media_type) in ("*/*", "text/json")


def _chosen_body(bodies: tuple[Body, ...]) -> tuple[Body, BodyEncoding] | None:
    """The body a case is made in: JSON first, then a form, then multipart."""
    for test, encoding in (
        (_is_json, "json"),
        (lambda m: media_kind(m) == FORM, "form"),
        (lambda m: media_kind(m) == MULTIPART, "multipart"),
    ):
        for body in bodies:
            if test(body.media_type):
                return body, encoding  # type: ignore[return-value]
    return None


def _kebab(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text).lower()


class _Names:
    """The message type a schema stands for: a component's name when the schema is a
    ``$ref`` to ``#/components/schemas/NAME`` of the root document; otherwise (an array, an
    object written in place, a schema in another file) a name of the operation's own, the
    schema kept as written (in 2020-12's terms) with its references made absolute so they
    still resolve into the document."""

    def __init__(
        self, root: Path, uri_of: Callable[[Path], str], convert: Callable[[Any], Any]
    ) -> None:
        self.root = root
        self.uri_of = uri_of
        self.convert = convert
        self.inline: dict[str, dict[str, Any]] = {}

    def of(self, schema: Schema, own_name: str, where: str) -> str:
        value = schema.value
        ref = value.get("$ref") if isinstance(value, dict) else None
        prefix = "#/components/schemas/"
        if (
            schema.file == self.root
            and isinstance(ref, str)
            and ref.startswith(prefix)
            and "/" not in ref[len(prefix) :]
        ):
            return unescape_pointer_token(unquote(ref[len(prefix) :]))
        if isinstance(value, bool):
            value = {} if value else {"not": {}}
        if not isinstance(value, dict):
            raise ApiDocumentError(f"{where}: the schema is not a schema object")
        self.inline[own_name] = self._absolute(value, schema.file)
        return own_name

    def parameters(self, parameters: tuple[Parameter, ...], own_name: str) -> str:
        """A message type for the parameters: an object per location, each holding its
        parameters' values (the required ones required)."""
        locations: dict[str, dict[str, Any]] = {}
        for parameter in parameters:
            place = locations.setdefault(
                parameter.location,
                {"type": "object", "properties": {}, "required": []},
            )
            value = parameter.schema.value if parameter.schema is not None else {}
            if isinstance(value, bool):
                value = {} if value else {"not": {}}
            at = parameter.schema.file if parameter.schema is not None else self.root
            place["properties"][parameter.name] = self._absolute(value, at)
            if parameter.required:
                place["required"].append(parameter.name)
        required = sorted(k for k, v in locations.items() if v["required"])
        for place in locations.values():
            if not place["required"]:
                del place["required"]
        self.inline[own_name] = {
            "type": "object",
            "properties": locations,
            **({"required": required} if required else {}),
        }
        sendable = json.loads(json.dumps(self.inline[own_name]))
        for location, place in sendable["properties"].items():
            for schema in place["properties"].values():
                _sendable(schema, location)
        self.inline[own_name + SENDABLE] = sendable
        return own_name

    def _absolute(self, schema: dict[str, Any], file: Path) -> dict[str, Any]:
        """A 2020-12 copy of ``schema`` whose ``$ref``s are absolute against its file."""
        from urllib.parse import urljoin

        from interopcheck.sources.walk import walk

        copied: dict[str, Any] = self.convert(json.loads(json.dumps(schema)))
        base = self.uri_of(file)
        for _, node in walk(copied):
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                node["$ref"] = urljoin(base, node["$ref"])
        return copied


#: The suffix of the parameters' schema that probe draws from: the same, with a plain string
#: of a path, header or cookie narrowed to URL-safe ASCII, so that each value drawn can be sent
#: as it is (a header cannot hold a newline; a path segment ``..`` is no segment). Cases are
#: confirmed by the schema as written, so a narrowing never makes a case "invalid".
SENDABLE = "-sendable"
SAFE_TEXT = {
    "path": "^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$",
    "header": "^[A-Za-z0-9._~-]*$",
    "cookie": "^[A-Za-z0-9._~-]*$",
}


def _sendable(schema: Any, location: str) -> None:
    if location not in SAFE_TEXT or not isinstance(schema, dict):
        return
    if schema.get("type") == "array":
        _sendable(schema.get("items"), location)
    free = not {"pattern", "enum", "const", "format", "$ref"} & schema.keys()
    if schema.get("type") == "string" and free:
        schema["pattern"] = SAFE_TEXT[location]


def _security(api: ApiDocument, path: Path) -> tuple[str, str]:
    """The api's authentication: the first scheme its operations require that probe can
    present (bearer, an API key in a header); ``none`` when no operation requires one."""
    for name, declared in api.security_schemes.items():
        header = declared.parameter
        is_header = declared.kind == "api-key" and declared.location == "header"
        if is_header and header is not None and not is_token(header):
            raise ApiDocumentError(
                f"{path}: securitySchemes {name}: header name {header[:60]!r} is not an HTTP "
                "field name (an RFC 9110 token)"
            )
    wanted = [name for o in api.operations for alternative in o.security for name in alternative]
    for name in dict.fromkeys(wanted):
        scheme: SecurityScheme | None = api.security_schemes.get(name)
        if scheme is None:
            continue
        if scheme.kind == "bearer":
            return "bearer", "X-Api-Key"
        if scheme.kind == "api-key" and scheme.location == "header":
            return "api-key", str(scheme.parameter or "X-Api-Key")
        if scheme.kind == "oauth2-client-credentials":
            return "bearer", "X-Api-Key"
    return "none", "X-Api-Key"


def _correlation_header(api: ApiDocument) -> str | None:
    for operation in api.operations:
        for parameter in operation.parameters:
            if parameter.location != "header":
                continue
            name = parameter.name
            said = f"{name} {parameter.description}".lower()
            known = name.lower() in CORRELATION_NAMES
            if ("correlation" in said or known) and is_token(name):
                return name
    return None


#: What a URI fragment may hold as it is (RFC 3986 pchar, "/" and "?"; "%" keeps escapes).
FRAGMENT_SAFE = "/?:@!$&'()*+,;=-._~%"


def _fragment(text: str) -> str:
    return quote(text, safe=FRAGMENT_SAFE)


def _safe_refs(node: Any) -> Any:
    """Every ``$ref`` with what a URI may not hold in its fragment percent-encoded
    (``#/definitions/List[Case]``: documents generated from C# and Java have such names)."""
    from interopcheck.sources.walk import walk

    for _, found in walk(node):
        ref = found.get("$ref") if isinstance(found, dict) else None
        if isinstance(ref, str) and "#" in ref:
            base, _, fragment = ref.partition("#")
            found["$ref"] = f"{base}#{_fragment(fragment)}"
    return node


def _as_written(node: Any) -> Any:
    return node


def _from_30(node: Any) -> Any:
    """OpenAPI 3.0 schema objects → JSON Schema 2020-12 where validity differs."""
    if isinstance(node, list):
        return [_from_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _from_30(value) for key, value in node.items()}
    if out.pop("nullable", False) is True and "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*kinds, "null"]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        # 3.0: a boolean beside the bound; 2020-12: the bound itself
        if isinstance(out.get(exclusive), bool) and out.pop(exclusive) and bound in out:
            out[exclusive] = out.pop(bound)
    return out
