"""An OpenAPI 3.1 document for one actor's endpoints, built from the profile's ``api``.

What API gateways, low-code platforms (a Power Platform custom connector) and other testing
tools import. Each body schema is the standard's own, dereferenced (jsonschema-rs) so that the
document stands alone: tools that do not follow embedded ``$id``s can still read it.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from interopcheck import __version__
from interopcheck.errors import ProfileError
from interopcheck.profile.model import Api, Profile
from interopcheck.sandbox.published_rules import (
    ADVICE_HEADER,
    FORMATS_EXTENSION,
    MAX_CORRELATION_ID,
    RULES_EXTENSION,
    constraints_schema,
    formats_extension,
    rules_extension,
)
from interopcheck.standard.catalog import Catalog

PROBLEM = "application/problem+json"


def _component(catalog: Catalog, registry: jsonschema_rs.Registry, name: str) -> dict[str, Any]:
    entry = catalog.find(name)
    if entry is None:
        raise ProfileError(f"no schema {name!r} in the standard")
    schema = jsonschema_rs.dereference(keep_ref_siblings(entry.document), registry=registry)
    return {k: v for k, v in schema.items() if k not in ("$id", "$schema")}


def published_document(profile: Profile, api: Api) -> dict[str, Any]:
    """An API document's own, as one file (``apis/bundle.py``; a Swagger 2.0 document in
    OpenAPI 3.0's shape), served from the sandbox's root: what it declares, and nothing more
    (no security it does not declare is announced), with the profile's rules on each body
    they bind, under ``x-interopcheck-rules``."""
    from interopcheck.apis.bundle import bundled
    from interopcheck.apis.operations import read_api

    assert api.openapi is not None
    _, bundle = read_api(api.openapi, api.ref_schemas)
    document = bundled(bundle)
    document["servers"] = [{"url": "/", "description": "the interopcheck sandbox"}]
    for endpoint in api.endpoints:
        operation = (
            (document.get("paths") or {}).get(endpoint.path, {}).get(endpoint.method.lower())
        )
        rules = rules_extension(profile, endpoint.receives) if endpoint.receives else []
        body = operation.get("requestBody") if isinstance(operation, dict) else None
        media = (
            (body.get("content") or {}).get(endpoint.body_media_type)
            if isinstance(body, dict)
            else None
        )
        if rules and isinstance(media, dict):
            media[RULES_EXTENSION] = rules
    return document


def keep_ref_siblings(node: Any) -> Any:
    """``{"$ref": X, "properties": ...}`` → ``{"allOf": [{"$ref": X}], "properties": ...}``.

    In 2020-12 a ``$ref`` applies beside its siblings, but dereferencing replaces the whole
    node with the target (measured: the message types' ``header.messageType`` const was lost,
    so the document accepted a charge-file header on every endpoint). Moving the ``$ref`` into
    an ``allOf`` keeps both."""
    if isinstance(node, list):
        return [keep_ref_siblings(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: keep_ref_siblings(value) for key, value in node.items()}
    siblings = set(out) - {"$ref", "$id", "$schema", "$defs", "title", "description"}
    if "$ref" in out and siblings:
        out["allOf"] = [{"$ref": out.pop("$ref")}, *out.get("allOf", [])]
    return out


def openapi_document(profile: Profile, actor: str, catalog: Catalog) -> dict[str, Any]:
    if profile.api is None:
        raise ProfileError(f"profile {profile.id} declares no api")
    if actor not in profile.actors:
        raise ProfileError(
            f"profile {profile.id} has no actor {actor!r}; actors: {', '.join(profile.actors)}"
        )
    api = profile.api
    if api.openapi is not None:
        return published_document(profile, api)
    endpoints = api.for_actor(actor)
    schemes: dict[str, Any] = {}
    security: list[dict[str, list[str]]] = []
    if api.auth == "bearer":
        schemes["bearerAuth"] = {"type": "http", "scheme": "bearer"}
        security = [{"bearerAuth": []}]
    elif api.auth == "api-key":
        schemes["apiKey"] = {"type": "apiKey", "in": "header", "name": api.api_key_header}
        security = [{"apiKey": []}]
    correlation = {
        "name": api.correlation_header,
        "in": "header",
        "required": False,
        "description": "Echoed back on every answer.",
        "schema": {"type": "string", "maxLength": MAX_CORRELATION_ID},
    }
    schemas: dict[str, Any] = {}
    registry = jsonschema_rs.Registry(
        [(e.uri, keep_ref_siblings(e.document)) for e in catalog.entries()]
    )

    def ref(name: str) -> dict[str, str]:
        if name not in schemas:
            schemas[name] = _component(catalog, registry, name)
        return {"$ref": f"#/components/schemas/{name}"}

    def problem(description: str, shape: str = "problem") -> dict[str, Any]:
        """An error answer: an RFC 9457 problem, or the API's own error shape."""
        media = PROBLEM if shape == "problem" else "application/json"
        return {"description": description, "content": {media: {"schema": ref(shape)}}}

    standard = [e.document for e in catalog.entries()]
    paths: dict[str, Any] = {}
    for endpoint in endpoints:
        if endpoint.receives is None:
            continue  # an operation without a body (an API document's): not published here
        error = endpoint.error or "problem"
        accepted: dict[str, Any] = {
            "description": "Accepted",
            "headers": {
                api.correlation_header: {"schema": {"type": "string"}},
                ADVICE_HEADER: {
                    "description": "The SHOULD requirements the message breaks (accepted all "
                    "the same), by id, space-separated.",
                    "schema": {"type": "string"},
                },
            },
        }
        if endpoint.response:
            accepted["content"] = {"application/json": {"schema": ref(endpoint.response)}}
        body: dict[str, Any] = ref(endpoint.receives)
        narrowed = constraints_schema(profile, endpoint.receives, standard)
        if narrowed is not None:
            body = {"allOf": [body, narrowed]}
        media: dict[str, Any] = {"schema": body}
        rules = rules_extension(profile, endpoint.receives)
        if rules:
            media[RULES_EXTENSION] = rules
        operation = {
            "operationId": endpoint.id,
            "summary": f"Receive a {endpoint.receives} message",
            "description": (
                "Refused with 422 when the message breaks its schema (with the code lists "
                f"given here) or a rule under {RULES_EXTENSION}; a SHOULD requirement it "
                f"breaks is named in the {ADVICE_HEADER} header of the answer."
            ),
            "parameters": [correlation],
            "requestBody": {"required": True, "content": {"application/json": media}},
            "responses": {
                str(endpoint.accepted): accepted,
                "400": problem(
                    f"Not a JSON message, or {api.correlation_header} over "
                    f"{MAX_CORRELATION_ID} characters",
                    error,
                ),
                "401": problem("No credentials", error),
                "403": problem("Credentials not accepted", error),
                "415": problem("Not application/json", error),
                "422": problem(
                    f"The message breaks its schema or a rule under {RULES_EXTENSION}", error
                ),
            },
        }
        if security:
            operation["security"] = security
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation
    paths["/v1/health"] = {
        "get": {
            "operationId": "health",
            "summary": "Whether the service is up",
            "security": [],
            "responses": {"200": {"description": "Up"}},
        }
    }
    case_operation: dict[str, Any] = {
        "operationId": "case",
        "summary": "The messages received about a case, by PTI-URN",
        "parameters": [
            {"name": "urn", "in": "path", "required": True, "schema": {"type": "string"}},
            correlation,
        ],
        "responses": {
            "200": {"description": "The case's messages"},
            "401": problem("No credentials"),
            "403": problem("Credentials not accepted"),
            "404": problem("No such case"),
        },
    }
    if security:
        case_operation["security"] = security
    paths["/v1/cases/{urn}"] = {"get": case_operation}
    title = profile.actors[actor].title
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title}: endpoints of {profile.id} {profile.version}",
            "version": profile.version,
            "description": f"Generated by interopcheck {__version__} from profile {profile.id}.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": schemes,
            FORMATS_EXTENSION: formats_extension({"schemas": schemas, "paths": paths}),
        },
    }
