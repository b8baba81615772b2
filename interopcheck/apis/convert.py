"""A Swagger 2.0 document in OpenAPI 3.0's shape, for the parts interopcheck reads.

Ours because no maintained Python converter works offline (prance's converter sends the
document to a web service; swagger2openapi is a Node package). The translation is the
specification's own mapping, limited to what a profile's api reads: ``definitions`` become
``components.schemas`` (reusable ``parameters`` and ``responses`` likewise, and every ``$ref``
follows), a ``body`` or ``formData`` parameter becomes the ``requestBody`` for each media type
the operation ``consumes``, a response's ``schema`` its ``content`` for each it ``produces``,
parameter and header types go under ``schema``, ``securityDefinitions`` become
``securitySchemes``, ``x-nullable`` becomes ``nullable`` and a ``discriminator`` names its
property. A test holds the result valid OpenAPI 3.0 (openapi-spec-validator) for every Swagger
document of the corpus that is valid 2.0.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from interopcheck.apis.read import ApiBundle
from interopcheck.sources.walk import walk

JSON = "application/json"
MULTIPART, URLENCODED = "multipart/form-data", "application/x-www-form-urlencoded"
#: A Swagger 2.0 parameter's fields that make up its schema (3.x puts them under ``schema``).
SCHEMA_KEYS_20 = (
    "type", "format", "items", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "multipleOf", "default", "collectionFormat",
)  # fmt: skip


def bundle_as_openapi30(bundle: ApiBundle) -> ApiBundle:
    """A Swagger 2.0 bundle with every file in OpenAPI 3.0's shape (the root converted whole,
    the other files' reusable parts moved under ``components``), so that everything that reads
    a document reads one shape. The positions of the files stay those of the text as written."""
    files = {
        path: dataclasses.replace(
            file,
            value=to_openapi30(file.value)
            if path == bundle.root
            else rename_definitions(copy.deepcopy(file.value)),
        )
        for path, file in bundle.files.items()
    }
    return ApiBundle(bundle.root, files, bundle.aliases)


def to_openapi30(document: dict[str, Any]) -> dict[str, Any]:
    """The 3.0 form of a validated Swagger 2.0 document (the input is not changed)."""
    source = rename_definitions(copy.deepcopy(document))
    consumes = source.get("consumes") or [JSON]
    produces = source.get("produces") or [JSON]
    converted: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": source.get("info") or {"title": "", "version": ""},
        "paths": {},
        "components": source.get("components") or {},
    }
    schemes = {
        name: _scheme(definition)
        for name, definition in (source.get("securityDefinitions") or {}).items()
        if isinstance(definition, dict)
    }
    if schemes:
        converted["components"]["securitySchemes"] = schemes
    if "security" in source:
        converted["security"] = source["security"]
    for route, item in (source.get("paths") or {}).items():
        if not isinstance(item, dict):
            converted["paths"][route] = item
            continue
        out_item: dict[str, Any] = {}
        for key, operation in item.items():
            if key == "parameters":
                out_item[key] = [_parameter(p) for p in operation if not _is_body(p)]
            elif isinstance(operation, dict) and key in _METHODS:
                out_item[key] = _operation(operation, consumes, produces)
            else:
                out_item[key] = operation
        converted["paths"][route] = out_item
    return converted


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


#: Where 2.0 keeps what may be reused, and where 3.0 does.
_REUSABLE = {"definitions": "schemas", "parameters": "parameters", "responses": "responses"}


def rename_definitions(document: Any) -> Any:
    """``definitions``, ``parameters`` and ``responses`` moved under ``components``, every
    ``$ref`` to them rewritten, and ``x-nullable`` read as ``nullable`` (any file of a 2.0
    document)."""
    if isinstance(document, dict):
        for old, new in _REUSABLE.items():
            if isinstance(document.get(old), dict) and not _is_path_item(document):
                components = document.setdefault("components", {})
                moved = document.pop(old)
                if new == "parameters":
                    moved = {name: _parameter(p) for name, p in moved.items()}
                if new == "responses":
                    moved = {name: _response(r, [JSON]) for name, r in moved.items()}
                components[new] = moved
    for _, node in walk(document):
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            for old, new in _REUSABLE.items():
                if f"#/{old}/" in ref:
                    node["$ref"] = ref.replace(f"#/{old}/", f"#/components/{new}/")
        if node.get("x-nullable") is True:
            node["nullable"] = True
        if isinstance(node.get("discriminator"), str):  # 2.0 names the property; 3.0 wraps it
            node["discriminator"] = {"propertyName": node["discriminator"]}
    return document


def _is_path_item(node: dict[str, Any]) -> bool:
    return any(method in node for method in _METHODS)


def _response(response: Any, answers: list[str]) -> Any:
    """A 2.0 response: its ``schema`` as ``content`` per media type, its headers' types under
    ``schema``."""
    if not isinstance(response, dict) or "$ref" in response:
        return response
    out = {k: v for k, v in response.items() if k not in ("schema", "examples")}
    if "schema" in response:
        out["content"] = {m: {"schema": response["schema"]} for m in answers}
    if isinstance(response.get("headers"), dict):
        out["headers"] = {
            name: {
                **{k: v for k, v in header.items() if k == "description"},
                "schema": {k: v for k, v in header.items() if k in SCHEMA_KEYS_20},
            }
            for name, header in response["headers"].items()
            if isinstance(header, dict)
        }
    return out


def _is_body(parameter: Any) -> bool:
    return isinstance(parameter, dict) and parameter.get("in") in ("body", "formData")


def _operation(
    operation: dict[str, Any], consumes: list[str], produces: list[str]
) -> dict[str, Any]:
    out = {k: v for k, v in operation.items() if k not in ("consumes", "produces")}
    parameters = operation.get("parameters") or []
    body = next((p for p in parameters if isinstance(p, dict) and p.get("in") == "body"), None)
    out["parameters"] = [_parameter(p) for p in parameters if not _is_body(p)]
    media = operation.get("consumes") or consumes
    form = [p for p in parameters if isinstance(p, dict) and p.get("in") == "formData"]
    if body is not None:
        out["requestBody"] = {
            "required": bool(body.get("required")),
            "content": {m: {"schema": body.get("schema", {})} for m in media},
        }
    elif form:
        fields = {str(p["name"]): _parameter(p)["schema"] for p in form}
        required = [str(p["name"]) for p in form if p.get("required")]
        schema = {
            "type": "object",
            "properties": fields,
            **({"required": required} if required else {}),
        }
        forms = [m for m in media if m in (MULTIPART, URLENCODED)] or [
            MULTIPART if any(p.get("type") == "file" for p in form) else URLENCODED
        ]
        out["requestBody"] = {
            "required": bool(required),
            "content": {m: {"schema": schema} for m in forms},
        }
    answers = operation.get("produces") or produces
    out["responses"] = {
        str(status): _response(response, answers)
        for status, response in (operation.get("responses") or {}).items()
    }
    return out


def _parameter(parameter: Any) -> Any:
    """A 2.0 header, query, path or form parameter with its type under ``schema`` (3.0)."""
    if not isinstance(parameter, dict) or "$ref" in parameter:
        return parameter
    schema = {k: parameter[k] for k in SCHEMA_KEYS_20 if k in parameter and k != "collectionFormat"}
    if schema.get("type") == "file":
        schema = {"type": "string", "format": "binary"}
    kept = {k: v for k, v in parameter.items() if k not in SCHEMA_KEYS_20}
    kept.pop("allowEmptyValue", None) if kept.get("in") == "formData" else None
    if schema.get("type") == "array" and kept.get("in") in ("query", "path", "header"):
        kept.update(_serialisation(str(parameter.get("collectionFormat", "csv")), kept["in"]))
    return {**kept, "schema": schema or {}}


def _serialisation(collection_format: str, location: str) -> dict[str, Any]:
    """2.0's ``collectionFormat`` of an array parameter as 3.0's ``style`` and ``explode``
    (``tsv`` has no 3.0 equivalent: written as ``csv``)."""
    if collection_format == "multi" and location == "query":
        return {"style": "form", "explode": True}
    if collection_format == "ssv" and location == "query":
        return {"style": "spaceDelimited", "explode": False}
    if collection_format == "pipes" and location == "query":
        return {"style": "pipeDelimited", "explode": False}
    return {"style": "form" if location == "query" else "simple", "explode": False}


def _scheme(definition: dict[str, Any]) -> dict[str, Any]:
    kind = definition.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic"}
    if kind == "apiKey":
        return {"type": "apiKey", "in": definition.get("in"), "name": definition.get("name")}
    flows = {"implicit": "implicit", "password": "password", "application": "clientCredentials"}
    flow = flows.get(str(definition.get("flow")), "authorizationCode")
    details = {k: definition[k] for k in ("authorizationUrl", "tokenUrl") if k in definition}
    return {"type": "oauth2", "flows": {flow: {**details, "scopes": definition.get("scopes", {})}}}
