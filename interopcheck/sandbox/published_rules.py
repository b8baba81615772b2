"""What the sandbox enforces beyond a message's schema, as its OpenAPI document publishes it.

The sandbox refuses (422) a message that breaks a deciding requirement of the profile. So that a
client (or a tool such as Schemathesis) can know every such constraint before it sends:

- a MUST code list becomes an ``enum`` at its places, and a MUST identifier a ``format`` at its
  places (the profile may narrow the schema: England and Wales takes a PTI-URN where the
  standard also allows a Scottish crime reference), in an ``allOf`` beside the message schema:
  JSON Schema can say it, so the document says it;
- what each custom ``format`` means (``asn``: the check letter, ...) is published once under
  ``components.x-interopcheck-formats``;
- a MUST rule no schema can express (a CEL rule across fields: dates in order, unique sequence
  numbers) is published under ``x-interopcheck-rules`` on the request body, with its CEL, its
  places and its words.

A SHOULD requirement is not enforced: the message is accepted and the requirement named in the
``Interopcheck-Advice`` response header.
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.pointers import parse_pointer
from interopcheck.profile.checks import CelCheck, CodelistCheck, IdentifierCheck
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.model import Profile, Requirement
from interopcheck.sources.walk import objects, walk
from interopcheck.standard.formats import FORMAT_DESCRIPTIONS

RULES_EXTENSION = "x-interopcheck-rules"
#: On an accepted message: the SHOULD requirements it breaks (ids, space-separated).
ADVICE_HEADER = "Interopcheck-Advice"
#: The longest correlation id accepted; a longer one is a 400 (the id echoed whole all the same).
MAX_CORRELATION_ID = 200
FORMATS_EXTENSION = "x-interopcheck-formats"
#: Formats JSON Schema itself defines: not described again.
STANDARD_FORMATS = frozenset({"date", "date-time", "time", "uuid", "uri", "uri-reference", "email"})


def enforced(profile: Profile, message_type: str) -> list[Requirement]:
    """The deciding requirements on one message type the sandbox enforces beyond its schema."""
    return [
        r
        for r in profile.for_message(message_type)
        if r.level in profile.deciding and r.kind in ("codelist", "identifier", "cel")
    ]


def constraints_schema(
    profile: Profile, message_type: str, documents: list[Any]
) -> dict[str, Any] | None:
    """A schema that holds each MUST code list's codes and identifier's format at its places in
    the message (None when none applies): for an ``allOf`` beside the message's own schema.
    An identifier's ``format`` comes with the ``pattern`` the standard gives it (``documents``:
    the standard's schemas), since a format alone is only an annotation in OpenAPI 3.1."""
    store = CodelistStore(profile.codelists)
    merged: dict[str, Any] = {}
    for requirement in enforced(profile, message_type):
        check = requirement.check
        if isinstance(check, IdentifierCheck):
            shape = format_shape(check.identifier, documents)
            for pointer in check.at.get(message_type, ()):
                _merge(merged, _sparse(pointer, dict(shape)))
            continue
        if not isinstance(check, CodelistCheck):
            continue
        codes = list(store.codes(check.codelist))
        values: list[Any] = []
        for code in codes:
            values.append(code)
            if code.isdigit() and str(int(code)) == code:
                values.append(int(code))  # result codes and gender are JSON numbers
        for pointer in check.at.get(message_type, ()):
            _merge(merged, _sparse(pointer, {"enum": values}))
    return merged or None


def format_shape(name: str, documents: list[Any]) -> dict[str, Any]:
    """``{"format": name}`` with the pattern and length the standard's schemas give it."""
    shape: dict[str, Any] = {"format": name}
    for _, node in walk(documents):
        if isinstance(node, dict) and node.get("format") == name and "pattern" in node:
            kept = ("pattern", "minLength", "maxLength")
            shape.update({k: node[k] for k in kept if k in node})
            return shape
    return shape


def rules_extension(profile: Profile, message_type: str) -> list[dict[str, Any]]:
    """The MUST CEL rules on the message type, each with what a client needs to apply it."""
    published = []
    for requirement in enforced(profile, message_type):
        check = requirement.check
        if not isinstance(check, CelCheck):
            continue
        published.append(
            {
                "id": requirement.id,
                "level": requirement.level,
                "text": requirement.text,
                "cel": check.cel,
                "at": list(check.at.get(message_type, ())),
                "explain": check.explain,
                "language": "CEL (https://cel.dev) with interopcheck's functions "
                "(docs/profiles.md); self is the value at each place",
            }
        )
    return published


def formats_extension(schemas: dict[str, Any]) -> dict[str, str]:
    """Each custom ``format`` the published schemas use, with what it checks."""
    used = {node["format"] for node in objects(schemas) if isinstance(node.get("format"), str)}
    return {
        name: FORMAT_DESCRIPTIONS[name]
        for name in sorted(used - STANDARD_FORMATS)
        if name in FORMAT_DESCRIPTIONS
    }


def _sparse(pointer: str, leaf: dict[str, Any]) -> dict[str, Any]:
    """``/defendants/*/offences/*/code`` → properties/items nesting down to ``leaf``."""
    node = leaf
    for token in reversed(parse_pointer(pointer)):
        if token == "*":
            node = {"items": node}
        elif token.isdigit():
            node = {"prefixItems": [True] * int(token) + [node]}
        else:
            node = {"properties": {token: node}}
    return node


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        if key == "properties":
            properties = into.setdefault("properties", {})
            for name, child in value.items():
                if name in properties:
                    _merge(properties[name], child)
                else:
                    properties[name] = child
        elif key == "items" and "items" in into:
            _merge(into["items"], value)
        else:
            into.setdefault(key, value)
