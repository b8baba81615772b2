"""An agency's own OpenAPI 3.0/3.1 document as the source of a profile's api.

Its operations with a JSON request body become endpoints; the component schemas they send and
answer with become message types in the catalog (the document is registered whole, so ``$ref``
between components resolves as written); its security scheme becomes the api's authentication,
and a required header parameter named like a correlation id becomes the correlation header.
OpenAPI 3.0's differences from JSON Schema that change validity (``nullable``, boolean
``exclusiveMinimum``/``exclusiveMaximum``) are rewritten to their 2020-12 meaning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.domain.http import is_token
from interopcheck.errors import ApiDocumentError
from interopcheck.sources.positions import unescape_pointer_token
from interopcheck.standard.catalog import SchemaEntry

METHODS = ("post", "put")
#: Header names that carry a correlation id by convention, when no description says so.
CORRELATION_NAMES = ("x-request-id", "request-id", "x-trace-id", "traceparent")
DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class OpenApiOperation:
    id: str
    method: str
    path: str
    receives: str
    accepted: int
    response: str | None
    error: str | None


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


def read_document(
    path: Path, ref_schemas: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], list[SchemaEntry]]:
    """The root document (3.0 rewritten to 2020-12 where validity differs) and an entry for
    every other file its ``$ref``s reach, so that references between files resolve. Read and
    judged by ``apis/`` (openapi-spec-validator; errors at file:line:col in the document)."""
    from interopcheck.apis.read import read_bundle
    from interopcheck.apis.validate import validate_bundle

    bundle = read_bundle(path, ref_schemas)
    version, _ = validate_bundle(bundle)
    # a local copy stands for the absolute URI (its $id) the document names it by
    identified = {local: uri for uri, local in bundle.aliases.items()}

    if version == "2.0":  # in OpenAPI 3.0's shape (apis/convert.py), then 3.0 in 2020-12's
        from interopcheck.apis.convert import bundle_as_openapi30

        bundle = bundle_as_openapi30(bundle)

    def convert(value: Any) -> Any:
        return value if version == "3.1" else _from_30(value)

    root = convert(bundle.document)
    others = [
        SchemaEntry(
            name=f"{path.stem}.{file.path.name}",
            uri=identified.get(file.path, file.path.as_uri()),
            path=file.path,
            document=convert(file.value),
            standard=path.stem,
        )
        for file in bundle.files.values()
        if file.path != bundle.root and isinstance(file.value, dict)
    ]
    return root, others


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
    document, others = read_document(path, ref_schemas)
    components = (document.get("components") or {}).get("schemas") or {}
    uri = path.resolve().as_uri()
    info = document.get("info") or {}
    api_version = str(info.get("version") or "1")
    stem = path.stem
    operations: list[OpenApiOperation] = []
    used: set[str] = set()
    inline: dict[str, dict[str, Any]] = {}
    for route, item in (document.get("paths") or {}).items():
        for method in METHODS:
            operation = (item or {}).get(method)
            if not isinstance(operation, dict):
                continue
            where = f"{path}: paths/{route}/{method}"
            body = _json_content(operation.get("requestBody"), document)
            if body is None:
                continue
            operation_id = str(operation.get("operationId") or f"{method}-{route}")
            slug = re.sub(r"[^a-z0-9-]+", "-", _kebab(operation_id)).strip("-")[:63] or "operation"
            names = _Names(uri, inline)
            receives = names.of(body.get("schema"), f"{slug}-request", where + ": request body")
            accepted, response = _success(operation, document, where, names, slug)
            error = _error(operation, document, names, slug)
            operations.append(
                OpenApiOperation(slug, method.upper(), route, receives, accepted, response, error)
            )
            used |= {n for n in (receives, response, error) if n}
    if not operations:
        raise ApiDocumentError(f"{path}: no POST or PUT operation with a JSON request body")
    missing = sorted(n for n in used if n not in components and n not in inline)
    if missing:
        raise ApiDocumentError(f"{path}: components/schemas has no {', '.join(missing)}")
    whole = SchemaEntry(
        name=f"{stem}.openapi", uri=uri, path=path, document=document, standard=stem
    )
    entries = [whole, *others]
    receiving = {o.receives for o in operations}
    for name in sorted(used):
        urn = f"urn:interopcheck:openapi:{stem}:{name}"
        if name in inline:  # a body schema written in place (an array, an object): as written
            schema: dict[str, Any] = {**inline[name], "$schema": DIALECT, "$id": urn}
            schema.setdefault("title", name)
        else:
            component = components[name]
            title = component.get("title") if isinstance(component, dict) else None
            schema = {
                "$schema": DIALECT,
                "$id": urn,
                "title": str(title or name),
                "$ref": f"{uri}#/components/schemas/{name}",
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
    auth, key_header = _security(document, path)
    return OpenApiSource(
        path=path,
        title=str(info.get("title") or stem),
        version=api_version,
        entries=tuple(entries),
        operations=tuple(operations),
        auth=auth,
        api_key_header=key_header,
        correlation_header=_correlation_header(document),
    )


def _kebab(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text).lower()


def _resolve(node: Any, document: dict[str, Any]) -> Any:
    """Follow a local ``$ref`` to a reusable object (requestBodies, responses, parameters)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ApiDocumentError(f"only local references are followed here, not {ref}")
        target: Any = document
        for part in ref[2:].split("/"):
            target = (
                target.get(unescape_pointer_token(part), {}) if isinstance(target, dict) else {}
            )
        node, seen = target, seen + 1
    return node


def _json_content(holder: Any, document: dict[str, Any]) -> dict[str, Any] | None:
    holder = _resolve(holder, document)
    if not isinstance(holder, dict):
        return None
    content = holder.get("content") or {}
    for media in ("application/json", "application/problem+json"):
        if isinstance(content.get(media), dict):
            found: dict[str, Any] = content[media]
            return found
    return None


class _Names:
    """The message type a body schema stands for: a component's name when the schema is a
    ``$ref`` to ``#/components/schemas/NAME``; otherwise (an array, an object written in place,
    a schema in another file) a name of the operation's own, the schema kept as written with
    its references made absolute so they still resolve into the document."""

    def __init__(self, uri: str, inline: dict[str, dict[str, Any]]) -> None:
        self.uri = uri
        self.inline = inline

    def of(self, schema: Any, own_name: str, where: str) -> str:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        prefix = "#/components/schemas/"
        if isinstance(ref, str) and ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
            return unescape_pointer_token(ref[len(prefix) :])
        if not isinstance(schema, dict):
            raise ApiDocumentError(f"{where}: the body has no schema object")
        self.inline[own_name] = _absolute_refs(schema, self.uri)
        return own_name


def _absolute_refs(schema: dict[str, Any], base: str) -> dict[str, Any]:
    """A copy of ``schema`` whose ``$ref``s are absolute URIs against ``base`` (the document)."""
    from urllib.parse import urljoin

    from interopcheck.sources.walk import walk

    copied: dict[str, Any] = json.loads(json.dumps(schema))
    for _, node in walk(copied):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node["$ref"] = urljoin(base, node["$ref"])
    return copied


def _success(
    operation: dict[str, Any], document: dict[str, Any], where: str, names: _Names, slug: str
) -> tuple[int, str | None]:
    responses = operation.get("responses") or {}
    codes = sorted(c for c in map(str, responses) if c.isdigit() and c.startswith("2"))
    if not codes:
        raise ApiDocumentError(f"{where}: no 2xx response declared")
    body = _json_content(responses.get(codes[0]), document)
    if not body or "schema" not in body:
        return int(codes[0]), None
    return int(codes[0]), names.of(body["schema"], f"{slug}-response", f"{where}: response")


def _error(
    operation: dict[str, Any], document: dict[str, Any], names: _Names, slug: str
) -> str | None:
    responses = operation.get("responses") or {}
    for code in ("400", "422", "4XX", "default"):
        body = _json_content(responses.get(code), document)
        if body and isinstance(body.get("schema"), dict):
            return names.of(body["schema"], f"{slug}-error", "error response")
    return None


def _security(document: dict[str, Any], path: Path) -> tuple[str, str]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    wanted = [name for requirement in document.get("security") or [] for name in requirement]
    for name in wanted or list(schemes):
        scheme = _resolve(schemes.get(name), document)
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return "bearer", "X-Api-Key"
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            header = str(scheme.get("name") or "X-Api-Key")
            if not is_token(header):
                raise ApiDocumentError(
                    f"{path}: securitySchemes {name}: header name {header[:60]!r} is not an HTTP "
                    "field name (an RFC 9110 token)"
                )
            return "api-key", header
        if scheme.get("type") in ("mutualTLS", "oauth2", "openIdConnect"):
            return "bearer" if scheme["type"] != "mutualTLS" else "none", "X-Api-Key"
    return "none", "X-Api-Key"


def _correlation_header(document: dict[str, Any]) -> str | None:
    for item in (document.get("paths") or {}).values():
        for operation in [item, *((item or {}).get(m) for m in METHODS)]:
            for parameter in (operation or {}).get("parameters") or []:
                parameter = _resolve(parameter, document)
                if not isinstance(parameter, dict) or parameter.get("in") != "header":
                    continue
                name = str(parameter.get("name", ""))
                said = f"{name} {parameter.get('description', '')}".lower()
                if ("correlation" in said or name.lower() in CORRELATION_NAMES) and is_token(name):
                    return name
    return None


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
