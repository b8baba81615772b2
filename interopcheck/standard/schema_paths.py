"""Questions about places in a message schema, for profile checks and lint.

``describes``: could any valid message have a value here (else a profile pointer is a typo)?
``asserted``: the subschemas that every valid message's value here must satisfy, reached only
through ``properties``, ``items``, ``$ref`` and ``allOf`` (never through a branch that may not
apply), so a format or enum found on them is guaranteed for a schema-valid payload.
``possible``: the subschemas that may apply here, through ``anyOf``/``oneOf`` branches and
conditionals too: where a generator looks for constraints to break (each break confirmed by
the validator, so a branch that does not apply costs a try, never a wrong case).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from interopcheck.standard.personal import Node, PersonalDataMap, _children


def describes(documents: dict[str, dict[str, Any]], schema_uri: str, tokens: Sequence[str]) -> bool:
    """Whether the schema describes a location (``*`` = any item or member)."""
    walker = PersonalDataMap(documents)
    root = documents.get(schema_uri)
    if root is None:
        return False
    nodes = walker._expand([(schema_uri, root)])
    for token in tokens:
        children: list[Node] = []
        for base, schema in nodes:
            if token == "*":
                for keyword in ("items", "additionalProperties"):
                    if isinstance(schema.get(keyword), dict):
                        children.append((base, schema[keyword]))
                children.extend((base, s) for s in (schema.get("properties") or {}).values())
                children.extend((base, s) for s in (schema.get("patternProperties") or {}).values())
                children.extend((base, s) for s in (schema.get("prefixItems") or []))
            else:
                step: str | int = int(token) if token.isdigit() and "items" in schema else token
                children.extend(_children(base, schema, step))
        if not children:
            return False
        nodes = walker._expand(children)
    return True


def asserted(
    documents: dict[str, dict[str, Any]], schema_uri: str, tokens: Sequence[str]
) -> list[dict[str, Any]]:
    """Subschemas every valid value at the location satisfies (empty when unsure)."""
    walker = PersonalDataMap(documents)
    return _along(documents, schema_uri, tokens, lambda nodes: _unconditional(walker, nodes))


def possible(
    documents: dict[str, dict[str, Any]], schema_uri: str, tokens: Sequence[str]
) -> list[dict[str, Any]]:
    """Subschemas that may apply to the value at the location (every branch included)."""
    return _along(documents, schema_uri, tokens, PersonalDataMap(documents)._expand)


def _along(
    documents: dict[str, dict[str, Any]],
    schema_uri: str,
    tokens: Sequence[str],
    expand: Callable[[list[Node]], list[Node]],
) -> list[dict[str, Any]]:
    """The subschemas at the location, through ``properties`` and ``items``, each node with
    what ``expand`` says it applies in place."""
    root = documents.get(schema_uri)
    if root is None:
        return []
    nodes = expand([(schema_uri, root)])
    for token in tokens:
        children: list[Node] = []
        for base, schema in nodes:
            if token == "*":
                if isinstance(schema.get("items"), dict):
                    children.append((base, schema["items"]))
            else:
                properties = schema.get("properties")
                if isinstance(properties, dict) and token in properties:
                    children.append((base, properties[token]))
        if not children:
            return []
        nodes = expand(children)
    return [schema for _, schema in nodes]


def _unconditional(walker: PersonalDataMap, nodes: list[Node]) -> list[Node]:
    """The nodes plus what they always apply: ``$ref`` targets and ``allOf`` members."""
    result: list[Node] = []
    stack = list(nodes)
    seen: set[int] = set()
    while stack:
        base, schema = stack.pop()
        if not isinstance(schema, dict) or id(schema) in seen:
            continue
        seen.add(id(schema))
        result.append((base, schema))
        if isinstance(schema.get("$ref"), str):
            target = walker._resolve(base, schema["$ref"])
            if target is not None:
                stack.append(target)
        stack.extend((base, member) for member in schema.get("allOf", ()) or ())
    return result


def always_present(
    documents: dict[str, dict[str, Any]], schema_uri: str, tokens: Sequence[str]
) -> bool:
    """Whether every valid message has a value at the location: each property on the way is
    unconditionally required, and each ``*`` walks an array that must have an item."""
    for index, token in enumerate(tokens):
        parents = asserted(documents, schema_uri, tokens[:index])
        if token == "*":
            if not any(isinstance(n.get("minItems"), int) and n["minItems"] >= 1 for n in parents):
                return False
        elif not any(token in (n.get("required") or ()) for n in parents):
            return False
    return True
