"""Words for JSON Schema errors: what went wrong, what was expected, where to point.

Ours, not the library's: jsonschema-rs messages embed the offending value, which may be
personal data. In the standard layer so that both the payload checks and the profile loader
(which checks profiles against their own schema) use it without depending on each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import jsonschema_rs

from interopcheck.sources.positions import unescape_pointer_token
from interopcheck.standard.formats import FORMAT_DESCRIPTIONS

#: At most this many allowed values are listed in an "expected one of" message.
MAX_ENUM_SHOWN = 12


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    return "object"


_K = jsonschema_rs.ValidationErrorKind

#: Our own words for each error kind; none of them includes the (possibly personal) value.
_DESCRIPTIONS: dict[type, Callable[[Any, Any], str]] = {
    _K.Type: lambda k, v: f"wrong type: expected {' or '.join(k.types)}, got {_json_type(v)}",
    _K.Enum: lambda k, v: "not one of the allowed codes",
    _K.Constant: lambda k, v: "not the required value",
    _K.Format: lambda k, v: "not " + FORMAT_DESCRIPTIONS.get(k.format, f"a valid {k.format!r}"),
    _K.Pattern: lambda k, v: "does not match the required pattern",
    _K.MinLength: lambda k, v: f"too short: at least {k.limit} characters",
    _K.MaxLength: lambda k, v: f"too long: at most {k.limit} characters",
    _K.MinItems: lambda k, v: f"too few items: at least {k.limit}",
    _K.MaxItems: lambda k, v: f"too many items: at most {k.limit}",
    _K.MinProperties: lambda k, v: f"too few properties: at least {k.limit}",
    _K.MaxProperties: lambda k, v: f"too many properties: at most {k.limit}",
    _K.Minimum: lambda k, v: f"below the minimum {k.limit}",
    _K.Maximum: lambda k, v: f"above the maximum {k.limit}",
    _K.ExclusiveMinimum: lambda k, v: f"must be greater than {k.limit}",
    _K.ExclusiveMaximum: lambda k, v: f"must be less than {k.limit}",
    _K.MultipleOf: lambda k, v: f"not a multiple of {k.multiple_of}",
    _K.UniqueItems: lambda k, v: "items must be unique",
    _K.AnyOf: lambda k, v: "matches none of the allowed alternatives",
    _K.OneOfNotValid: lambda k, v: "matches none of the alternatives (exactly one must match)",
    _K.OneOfMultipleValid: lambda k, v: "matches more than one alternative (exactly one must)",
    _K.Not: lambda k, v: "matches something the standard forbids here",
    _K.FalseSchema: lambda k, v: "no value is allowed here",
    _K.Contains: lambda k, v: "contains no item of the required kind",
    _K.BacktrackLimitExceeded: lambda k, v: "the pattern check gave up (too costly on this value)",
}


def describe(kind: jsonschema_rs.ValidationErrorKind, instance: Any) -> str:
    """Our own words for an error, never including the (possibly personal) value."""
    describe = _DESCRIPTIONS.get(type(kind))
    return describe(kind, instance) if describe else f"fails the {kind.name!r} constraint"


def expected(kind: jsonschema_rs.ValidationErrorKind) -> str | None:
    k = jsonschema_rs.ValidationErrorKind
    if isinstance(kind, k.Enum):
        options = [json.dumps(o) for o in kind.options]
        shown = ", ".join(options[:MAX_ENUM_SHOWN])
        more = f" (+{len(options) - MAX_ENUM_SHOWN} more)" if len(options) > MAX_ENUM_SHOWN else ""
        return f"one of {shown}{more}"
    if isinstance(kind, k.Constant):
        return json.dumps(kind.expected_value)
    if isinstance(kind, k.Pattern):
        return f"pattern {kind.pattern}"
    if isinstance(kind, k.Format):
        return f"format {kind.format}"
    if isinstance(kind, k.Type):
        return " or ".join(kind.types)
    return None


def schema_node(schema: Any, schema_path: Sequence[str | int]) -> Any:
    """The node a keyword path leads to in a one-document schema, through local ``$ref``s."""
    node: Any = schema
    for step in schema_path:
        if step == "$ref" and isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = _local_ref(schema, node["$ref"])
        elif isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
        if node is None:
            return None
    return node


def _local_ref(schema: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return None
    node = schema
    for token in ref[1:].lstrip("/").split("/"):
        if token:
            token = unescape_pointer_token(token)
            node = node.get(token) if isinstance(node, dict) else None
    return node


def describe_error(
    error: jsonschema_rs.ValidationError, schema: Any, root: Any
) -> tuple[str, list[str | int] | None]:
    """Words for a person, and the path to point at, for an error in a one-document schema
    (the profile format). A schema node may carry ``x-error`` to say it better itself."""
    kind = error.kind
    path = list(error.instance_path)
    parent = schema_node(schema, error.schema_path[:-1])
    if isinstance(parent, dict) and isinstance(parent.get("x-error"), str):
        return parent["x-error"], path
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return f"missing required key {json.dumps(kind.property)}", path
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        allowed = sorted((parent or {}).get("properties", {})) if isinstance(parent, dict) else []
        names = ", ".join(json.dumps(n) for n in kind.unexpected)
        hint = f" (allowed here: {', '.join(allowed)})" if allowed else ""
        return f"unknown key {names}{hint}", [*path, kind.unexpected[0]]
    wanted = expected(kind)
    message = describe(kind, error.instance)
    return (f"{message}; expected {wanted}" if wanted else message), path
