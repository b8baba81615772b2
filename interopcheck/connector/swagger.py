"""An OpenAPI 3.1 document (what ``profiles openapi`` writes) in Swagger 2.0, the only version a
Power Platform custom connector takes.

Swagger 2.0's Schema Object is a subset of JSON Schema draft 4, so what it cannot say is left out
and listed as a ``Loss`` (``oneOf``, ``anyOf``, ``not``, ``if``, type unions beyond a nullable
one, ``patternProperties``, ...): the connector is looser than the standard there, and
interopcheck's own checks (and the agency's server) still apply those constraints. What can be
said another way is: ``const`` as a one-value ``enum``, a numeric ``exclusiveMinimum`` as
``minimum`` with ``exclusiveMinimum: true``, ``["string", "null"]`` as ``string`` with
``x-nullable``, ``examples`` as ``example``. Ours: the converters we found go the other way
(2.0 to 3.0: swagger2openapi, our ``apis/convert.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The Schema Object keywords Swagger 2.0 knows (besides ``$ref`` and ``x-`` extensions).
SCHEMA_KEYWORDS = frozenset(
    {
        "format", "title", "description", "default", "multipleOf", "maximum", "minimum",
        "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems",
        "maxProperties", "minProperties", "required", "enum", "type", "items", "allOf",
        "properties", "additionalProperties", "discriminator", "readOnly", "xml",
        "externalDocs", "example",
    }
)  # fmt: skip
#: Kept as their Swagger 2.0 counterparts (handled one by one below).
RESHAPED = frozenset({"const", "exclusiveMinimum", "exclusiveMaximum", "examples", "$ref"})
#: What says nothing about validity: dropped without a word.
SILENT = frozenset({"$schema", "$id", "$comment", "$anchor", "$defs", "definitions", "deprecated"})
PRIMITIVE_TYPES = ("string", "number", "integer", "boolean", "array")


@dataclass(frozen=True)
class Loss:
    """A constraint Swagger 2.0 cannot say, left out of the connector."""

    where: str
    keyword: str

    def __str__(self) -> str:
        return f"{self.where}: {self.keyword}"


class _Converter:
    def __init__(self, formats: frozenset[str] | None) -> None:
        self.losses: list[Loss] = []
        self.formats = formats

    def schema(self, node: Any, where: str) -> Any:
        """A Swagger 2.0 Schema Object for ``node`` (a JSON Schema 2020-12 one)."""
        if node is True or node == {}:
            return {}
        if node is False:
            self.losses.append(Loss(where, "false (nothing is valid)"))
            return {}
        if not isinstance(node, dict):
            return {}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key.startswith("x-"):
                out[key] = value
            elif key in ("properties",):
                out[key] = {
                    name: self.schema(sub, f"{where}/properties/{name}")
                    for name, sub in value.items()
                }
            elif key in ("items", "additionalProperties"):
                if isinstance(value, bool) and key == "additionalProperties":
                    out[key] = value
                elif isinstance(value, dict):
                    out[key] = self.schema(value, f"{where}/{key}")
                else:
                    self.losses.append(Loss(where, f"{key} as a list"))
            elif key == "allOf":
                out[key] = [self.schema(v, f"{where}/allOf/{i}") for i, v in enumerate(value)]
            elif key == "type":
                self._type(value, out, where)
            elif key == "format" and self.formats is not None and value not in self.formats:
                # a format the platform does not know (pnc-id): kept for people, said as lost
                out["x-interopcheck-format"] = value
                self.losses.append(Loss(where, f"format {value}"))
            elif key in SCHEMA_KEYWORDS:
                out[key] = value
            elif key in RESHAPED:
                self._reshaped(key, value, node, out, where)
            elif key not in SILENT:
                self.losses.append(Loss(where, key))
        if "items" in node and "type" not in out and "type" not in node:
            out["type"] = "array"
        return out

    def _type(self, value: Any, out: dict[str, Any], where: str) -> None:
        kinds = [value] if isinstance(value, str) else list(value)
        real = [k for k in kinds if k != "null"]
        if len(real) == 1:
            out["type"] = real[0]
            if "null" in kinds:
                out["x-nullable"] = True
        elif real:
            self.losses.append(Loss(where, f"type {kinds} (one of several)"))

    def _reshaped(
        self, key: str, value: Any, node: dict[str, Any], out: dict[str, Any], where: str
    ) -> None:
        if key == "const":
            out["enum"] = [value]
        elif key == "examples":
            if isinstance(value, list) and value and "example" not in node:
                out["example"] = value[0]
        elif key == "$ref":
            out["$ref"] = value
        else:  # a numeric exclusive bound: 2.0 writes it as the bound and a flag
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if isinstance(value, bool):
                out[key] = value
            elif bound not in node or (
                value >= node[bound] if bound == "minimum" else value <= node[bound]
            ):
                out[bound] = value
                out[key] = True


def to_swagger(
    document: dict[str, Any],
    host: str,
    base_path: str,
    formats: frozenset[str] | None = None,
) -> tuple[dict[str, Any], list[Loss]]:
    """The Swagger 2.0 form of an OpenAPI 3.1 ``document``, and what it could not say.
    ``formats``: the string formats the consumer knows (others are kept as
    ``x-interopcheck-format``); None: every one."""
    converter = _Converter(formats)
    definitions = {
        _definition_name(name): converter.schema(schema, f"#/definitions/{name}")
        for name, schema in ((document.get("components") or {}).get("schemas") or {}).items()
    }
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        paths[path] = {
            method: _operation(operation, converter, f"{path} {method.upper()}")
            for method, operation in item.items()
            if method in ("get", "put", "post", "delete", "patch", "head", "options")
        }
    swagger: dict[str, Any] = {
        "swagger": "2.0",
        "info": {
            k: v
            for k, v in (document.get("info") or {}).items()
            if k in ("title", "version", "description")
        },
        "host": host,
        "basePath": base_path,
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json", "application/problem+json"],
        "paths": paths,
        "definitions": definitions,
    }
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    if schemes:
        swagger["securityDefinitions"] = {n: _scheme(s) for n, s in schemes.items()}
    if document.get("security"):
        swagger["security"] = document["security"]
    _refs_to_definitions(swagger)
    return swagger, converter.losses


def _definition_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", name)


def _operation(operation: dict[str, Any], converter: _Converter, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": _operation_id(str(operation.get("operationId") or where)),
        "summary": str(operation.get("summary") or where)[:80],
    }
    if operation.get("description"):
        out["description"] = operation["description"]
    parameters = []
    for parameter in operation.get("parameters") or []:
        parameters.append(_parameter(parameter, converter, where))
    body = operation.get("requestBody")
    if isinstance(body, dict):
        content = body.get("content") or {}
        media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
        schema = converter.schema(media.get("schema") or {}, f"{where} body")
        extensions = {k: v for k, v in media.items() if k.startswith("x-")}
        parameters.append(
            {
                "name": "body",
                "in": "body",
                "required": bool(body.get("required")),
                "x-ms-summary": "Message",
                "description": "The message, as the standard defines it.",
                "schema": {**schema, **extensions},
            }
        )
    if parameters:
        out["parameters"] = parameters
    out["responses"] = {
        str(status): _response(response, converter, f"{where} {status}")
        for status, response in (operation.get("responses") or {}).items()
    }
    if "security" in operation:
        out["security"] = operation["security"]
    return out


def _operation_id(text: str) -> str:
    """A connector's operationId: letters and digits, in PascalCase."""
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Operation"


def _parameter(parameter: dict[str, Any], converter: _Converter, where: str) -> dict[str, Any]:
    schema = converter.schema(parameter.get("schema") or {}, f"{where} {parameter.get('name')}")
    out: dict[str, Any] = {
        "name": parameter["name"],
        "in": parameter["in"],
        "required": bool(parameter.get("required")) or parameter["in"] == "path",
        "x-ms-summary": str(parameter.get("x-ms-summary") or parameter["name"]),
        "type": schema.get("type") if schema.get("type") in PRIMITIVE_TYPES else "string",
    }
    if parameter.get("description"):
        out["description"] = parameter["description"]
    for key in ("format", "maxLength", "minLength", "pattern", "enum", "minimum", "maximum"):
        if key in schema:
            out[key] = schema[key]
    if out["type"] == "array":
        out["items"] = schema.get("items") or {"type": "string"}
    return out


def _response(response: dict[str, Any], converter: _Converter, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {"description": str(response.get("description") or "")}
    content = response.get("content") or {}
    media = next(iter(content.values()), None)
    if isinstance(media, dict) and media.get("schema") is not None:
        out["schema"] = converter.schema(media["schema"], where)
    headers = {}
    for name, header in (response.get("headers") or {}).items():
        kind = ((header or {}).get("schema") or {}).get("type", "string")
        headers[name] = {"type": kind if kind in PRIMITIVE_TYPES else "string"}
        if header.get("description"):
            headers[name]["description"] = header["description"]
    if headers:
        out["headers"] = headers
    return out


def _scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    """A 3.x security scheme as 2.0 says it; a bearer token is an API key in the
    Authorization header, as custom connectors take one."""
    if scheme.get("type") == "apiKey":
        return {"type": "apiKey", "in": scheme.get("in", "header"), "name": scheme.get("name")}
    if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return {"type": "basic"}
    return {"type": "apiKey", "in": "header", "name": "Authorization"}


def _refs_to_definitions(node: Any) -> None:
    """``#/components/schemas/X`` → ``#/definitions/X`` everywhere."""
    prefix = "#/components/schemas/"
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix):
            node["$ref"] = "#/definitions/" + _definition_name(ref[len(prefix) :])
        for value in node.values():
            _refs_to_definitions(value)
    elif isinstance(node, list):
        for value in node:
            _refs_to_definitions(value)
