"""Which values in a payload are personal data, read from the schema.

The standard marks personal data with the annotation ``"x-personal-data": true`` (names,
dates of birth, addresses, identifiers, free text). To decide whether the value at an instance
path is personal, walk the schema along that path, following ``$ref`` across documents and
every applicator branch; any marked node on the way makes it personal. A path the schema does
not describe (an unexpected property, say) counts as personal, and so does every value of a
schema that marks nothing at all (a user's schema that never says what is personal): redaction
errs on the safe side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from interopcheck.sources.positions import MISSING, value_at
from interopcheck.sources.walk import JsonPath, walk

PERSONAL_KEYWORD = "x-personal-data"
_BRANCH_KEYWORDS = ("allOf", "anyOf", "oneOf")
_CONDITIONAL_KEYWORDS = ("then", "else")

Node = tuple[str, Any]
"""A schema node and the base URI its references resolve against."""


class PersonalDataMap:
    """Answers "is the value at this path personal?" for the schemas of one catalog."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self._documents = documents
        self._cache: dict[tuple[str, tuple[str | int, ...]], bool] = {}
        self._declares: dict[str, bool] = {}

    def is_personal(self, schema_uri: str, path: Sequence[str | int]) -> bool:
        key = (schema_uri, tuple(path))
        cached = self._cache.get(key)
        if cached is None:
            cached = not self._declares_personal_data(schema_uri) or self._walk(schema_uri, key[1])
            self._cache[key] = cached
        return cached

    def marks_nothing(self, schema_uri: str) -> bool:
        """Whether the schema (with all it references) marks no value as personal, so that
        every value it describes is redacted: a report says so, once, and how to mark them."""
        return not self._declares_personal_data(schema_uri)

    def _declares_personal_data(self, schema_uri: str) -> bool:
        """Whether the schema, or any document it references, marks anything as personal."""
        known = self._declares.get(schema_uri)
        if known is None:
            known = any(
                PERSONAL_KEYWORD in json.dumps(self._documents[uri])
                for uri in self._reachable(schema_uri)
            )
            self._declares[schema_uri] = known
        return known

    def _reachable(self, schema_uri: str) -> set[str]:
        seen: set[str] = set()
        queue = [schema_uri]
        while queue:
            uri = queue.pop()
            if uri in seen or uri not in self._documents:
                continue
            seen.add(uri)
            for base, ref in _references(uri, self._documents[uri]):
                queue.append(urldefrag(urljoin(base, ref))[0])
        return seen

    def _walk(self, schema_uri: str, path: tuple[str | int, ...]) -> bool:
        root = self._documents.get(schema_uri)
        if root is None:
            return True
        nodes = self._expand([(schema_uri, root)])
        for step in path:
            if any(self._marked(node) for node in nodes):
                return True
            children: list[Node] = []
            for base, schema in nodes:
                children.extend(_children(base, schema, step))
            if not children:
                return True
            nodes = self._expand(children)
        return any(self._marked(node) for node in nodes)

    @staticmethod
    def _marked(node: Node) -> bool:
        schema = node[1]
        return isinstance(schema, dict) and schema.get(PERSONAL_KEYWORD) is True

    def _expand(self, nodes: list[Node]) -> list[Node]:
        """The nodes plus everything they apply in place: $ref targets and branches."""
        result: list[Node] = []
        seen: set[int] = set()
        stack = list(nodes)
        while stack:
            base, schema = stack.pop()
            if not isinstance(schema, dict) or id(schema) in seen:
                continue
            seen.add(id(schema))
            if isinstance(schema.get("$id"), str):
                base = urljoin(base, schema["$id"])
            result.append((base, schema))
            ref = schema.get("$ref")
            if isinstance(ref, str):
                target = self._resolve(base, ref)
                if target is not None:
                    stack.append(target)
            for keyword in _BRANCH_KEYWORDS:
                for branch in schema.get(keyword, ()) or ():
                    stack.append((base, branch))
            for keyword in _CONDITIONAL_KEYWORDS:
                if keyword in schema:
                    stack.append((base, schema[keyword]))
        return result

    def _resolve(self, base: str, ref: str) -> Node | None:
        absolute = urljoin(base, ref)
        document_uri, fragment = urldefrag(absolute)
        document = self._documents.get(document_uri)
        if document is None:
            return None
        # the fragment is a percent-encoded JSON pointer (``%3C`` is ``<``)
        node = value_at(document, "/" + unquote(fragment).lstrip("/") if fragment else "")
        if node is MISSING:
            return None
        return document_uri, node


def _references(base: str, node: Any) -> list[tuple[str, str]]:
    """Every ``$ref`` in a document, with the base URI it resolves against."""
    found: list[tuple[str, str]] = []
    bases: dict[JsonPath, str] = {}  # each container's base URI: its parent's, or its $id
    for path, current in walk(node):
        current_base = bases.get(path[:-1], base) if path else base
        if isinstance(current, dict):
            if isinstance(current.get("$id"), str):
                current_base = urljoin(current_base, current["$id"])
            if isinstance(current.get("$ref"), str):
                found.append((current_base, current["$ref"]))
        if isinstance(current, (dict, list)):
            bases[path] = current_base
    return found


def _children(base: str, schema: dict[str, Any], step: str | int) -> list[Node]:
    """The subschemas that describe the member or item ``step`` of a value of ``schema``."""
    found: list[Node] = []
    if isinstance(step, str):
        properties = schema.get("properties")
        if isinstance(properties, dict) and step in properties:
            found.append((base, properties[step]))
        for pattern, sub in (schema.get("patternProperties") or {}).items():
            try:
                if re.search(pattern, step):
                    found.append((base, sub))
            except re.error:
                found.append((base, sub))
        if not found and isinstance(schema.get("additionalProperties"), dict):
            found.append((base, schema["additionalProperties"]))
    else:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and step < len(prefix):
            found.append((base, prefix[step]))
        elif isinstance(schema.get("items"), dict):
            found.append((base, schema["items"]))
    return found
