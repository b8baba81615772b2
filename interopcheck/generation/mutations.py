"""Invalid cases by mutating valid ones: each mutation says which constraint it breaks.

The constraints a place must meet are read from the message schema (``schema_paths.asserted``:
only subschemas that hold unconditionally there), so a mutation targets a real constraint:
drop a required property, a wrong type, one character beyond a length limit, a number just
outside its bound, a broken pattern, a wrong check letter, an unknown code, an extra property
where none is allowed, a malformed date. For the profile's rules: a date moved to the far past
or future, a code that has the right shape but is not in the published list. Whether the case
is really invalid, and on which constraint, is for the validator to confirm (see cases.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.domain.identifiers import CHECK_ALPHABET
from interopcheck.results import Finding
from interopcheck.sources.positions import pointer_of
from interopcheck.sources.walk import walk
from interopcheck.standard.schema_paths import possible

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutation:
    """One change to a valid case, and what it is meant to break."""

    name: str
    """A short slug for file names: ``drop-required``, ``too-long``, ``bad-check-letter``..."""
    path: Path
    """Where the change is made (for ``drop-required``, the object that loses a property)."""
    keyword: str | None
    """The JSON Schema keyword it breaks, or None for a profile rule."""
    apply: Callable[[Any], Any]
    """Returns the new value at ``path`` (or the new object)."""
    description: str
    target: str | None = None
    """The property it adds or leaves out, where it names one (``drop-required``...)."""

    def pointer(self) -> str:
        return pointer_of(self.path)

    def applied_to(self, document: Any) -> Any:
        changed = copy.deepcopy(document)
        if not self.path:
            return self.apply(changed)
        parent = changed
        for step in self.path[:-1]:
            parent = parent[step]
        parent[self.path[-1]] = self.apply(parent[self.path[-1]])
        return changed


def _schema_tokens(path: Path) -> list[str]:
    return ["*" if isinstance(t, int) else t for t in path]


def _other_type(value: Any) -> Any:
    if isinstance(value, str):
        return 12345
    if isinstance(value, bool) or value is None:
        return "not-a-" + ("null" if value is None else "boolean")
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return {"not": "an array"}
    return ["not", "an", "object"]


_NO_VALUE = object()
#: A value of none of the JSON types its key names, per type.
_NOT_OF_TYPE: dict[str, Any] = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "not-a-boolean",
    "null": "not-null",
    "array": "not-an-array",
    "object": "not-an-object",
}


def _not_of_type(schema: Any) -> Any:
    """A value the schema's ``type`` refuses (``_NO_VALUE`` when it names no type, or more
    than one, or when the value would be of one of them)."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    return _NOT_OF_TYPE.get(kind, _NO_VALUE) if isinstance(kind, str) else _NO_VALUE


def with_property(name: str, value: Any) -> Callable[[Any], Any]:
    """An object with ``name`` set to ``value``."""
    return lambda old: {**old, name: value}


def always(value: Any) -> Callable[[Any], Any]:
    """``value``, whatever was there."""
    return lambda _old: value


def _without(name: str) -> Callable[[Any], Any]:
    return lambda old: {k: v for k, v in old.items() if k != name}


def _lengthened(size: int) -> Callable[[Any], Any]:
    return lambda old: (old + "x" * size)[:size]


def _shortened(size: int) -> Callable[[Any], Any]:
    return lambda old: old[:size]


def bad_check_letter(value: str) -> str:
    """``value`` with its last character, the check letter, changed to another one."""
    last = value[-1]
    others = [c for c in CHECK_ALPHABET if c != last]
    return value[:-1] + others[(ord(last) * 7) % len(others)]


DATE_FORMATS = {
    "date": "2023-02-30",
    "date-time": "2023-06-31T10:00:00Z",
}
CHECKED_FORMATS = ("asn", "pnc-id", "cro-number")


def schema_mutations(
    document: Any,
    documents: dict[str, dict[str, Any]],
    schema_uri: str,
    memo: dict[tuple[str, ...], list[dict[str, Any]]] | None = None,
) -> list[Mutation]:
    """Every mutation the schema's constraints suggest for this valid document (``memo`` keeps
    the constraints per place between documents of one schema: they do not change)."""
    found: list[Mutation] = []
    memo = {} if memo is None else memo
    for path, value in walk(document):
        tokens = tuple(_schema_tokens(path))
        nodes = memo.get(tokens)
        if nodes is None:
            nodes = memo[tokens] = possible(documents, schema_uri, tokens)
        if not nodes:
            continue
        found.extend(_for_place(path, value, nodes))
    return found


def _for_place(path: Path, value: Any, nodes: list[dict[str, Any]]) -> Iterator[Mutation]:
    where = "/".join(str(t) for t in path) or "the document"
    if path:
        yield Mutation(
            "wrong-type",
            path,
            "type",
            _other_type,
            f"{where}: a value of another type",
        )
    for node in nodes:
        if isinstance(value, dict):
            properties = node.get("properties")
            for name, schema in properties.items() if isinstance(properties, dict) else ():
                wrong = _not_of_type(schema)
                if name not in value and wrong is not _NO_VALUE:
                    yield Mutation(
                        "optional-wrong-type",
                        path,
                        "type",
                        with_property(name, wrong),
                        f"{where}: optional property {name} present, of another type",
                        name,
                    )
            for name in node.get("required", []) or []:
                if name in value:
                    yield Mutation(
                        "drop-required",
                        path,
                        "required",
                        _without(name),
                        f"{where}: required property {name} left out",
                        name,
                    )
            closed = (
                node.get("additionalProperties") is False
                or node.get("unevaluatedProperties") is False
            )
            if closed:
                yield Mutation(
                    "extra-property",
                    path,
                    "additionalProperties",
                    lambda v: {**v, "unexpectedProperty": "x"},
                    f"{where}: a property the schema does not allow",
                )
        if isinstance(value, list):
            yield from _for_array(path, where, value, node)
        if isinstance(value, str):
            if isinstance(node.get("maxLength"), int):
                limit = node["maxLength"]
                yield Mutation(
                    "too-long",
                    path,
                    "maxLength",
                    _lengthened(limit + 1),
                    f"{where}: {limit + 1} characters, one over the limit",
                )
            if isinstance(node.get("minLength"), int) and node["minLength"] > 0:
                limit = node["minLength"]
                yield Mutation(
                    "too-short",
                    path,
                    "minLength",
                    _shortened(limit - 1),
                    f"{where}: {limit - 1} characters, one under the limit",
                )
            if isinstance(node.get("pattern"), str):
                yield Mutation(
                    "pattern-broken",
                    path,
                    "pattern",
                    lambda v: v + "\u00a7",
                    f"{where}: a character the pattern does not allow",
                )
            fmt = node.get("format")
            if fmt in CHECKED_FORMATS and value:
                yield Mutation(
                    "bad-check-letter",
                    path,
                    "format",
                    bad_check_letter,
                    f"{where}: wrong check letter",
                )
            if fmt in DATE_FORMATS:
                yield Mutation(
                    "malformed-date",
                    path,
                    "format",
                    always(DATE_FORMATS[fmt]),
                    f"{where}: a {fmt} that does not exist",
                )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if isinstance(node.get("maximum"), (int, float)):
                yield Mutation(
                    "above-maximum",
                    path,
                    "maximum",
                    always(node["maximum"] + 1),
                    f"{where}: just above the maximum",
                )
            if isinstance(node.get("minimum"), (int, float)):
                yield Mutation(
                    "below-minimum",
                    path,
                    "minimum",
                    always(node["minimum"] - 1),
                    f"{where}: just below the minimum",
                )
        if "enum" in node and isinstance(node["enum"], list):
            unknown = (
                "ZZ-UNKNOWN" if not isinstance(value, int) or isinstance(value, bool) else 99999
            )
            yield Mutation(
                "unknown-code",
                path,
                "enum",
                always(unknown),
                f"{where}: a value not in the list",
            )
        if "const" in node and path:
            yield Mutation(
                "wrong-constant",
                path,
                "const",
                lambda _v: "something-else",
                f"{where}: not the fixed value",
            )


#: Arrays are grown past maxItems only up to this size (a bound on a case's size).
LONGEST_ARRAY = 1000


def _for_array(
    path: Path, where: str, value: list[Any], node: dict[str, Any]
) -> Iterator[Mutation]:
    """An array one item over ``maxItems`` (its items repeated), one under ``minItems``, and
    one with an item twice where ``uniqueItems`` forbids it."""
    high, low = node.get("maxItems"), node.get("minItems")
    if isinstance(high, int) and value and high < LONGEST_ARRAY:
        yield Mutation(
            "too-many-items",
            path,
            "maxItems",
            _grown(high + 1),
            f"{where}: {high + 1} items, one over the limit",
        )
    if isinstance(low, int) and low > 0 and len(value) >= low:
        yield Mutation(
            "too-few-items",
            path,
            "minItems",
            _shortened_list(low - 1),
            f"{where}: {low - 1} items, one under the minimum",
        )
    if node.get("uniqueItems") is True and value:
        yield Mutation(
            "repeated-item",
            path,
            "uniqueItems",
            first_twice,
            f"{where}: the first item twice",
        )


def first_twice(items: list[Any]) -> list[Any]:
    """The list with a copy of its first item at the end."""
    return [*items, copy.deepcopy(items[0])]


def _shortened_list(size: int) -> Callable[[Any], Any]:
    return lambda items: items[:size]


def _grown(size: int) -> Callable[[Any], Any]:
    """Items repeated (copies of those there) until there are ``size``."""
    return lambda items: [copy.deepcopy(items[i % len(items)]) for i in range(size)]


def rule_mutations(document: Any) -> list[Mutation]:
    """Mutations aimed at the profile's rules: dates out of order, codes not in a list."""
    found: list[Mutation] = []
    for path, value in walk(document):
        if not isinstance(value, str) or not path:
            continue
        where = "/".join(str(t) for t in path)
        if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            found.append(
                Mutation(
                    "date-far-future",
                    path,
                    None,
                    lambda _v: "2099-12-31",
                    f"{where}: moved to 2099",
                )
            )
            found.append(
                Mutation(
                    "date-far-past", path, None, lambda _v: "1901-01-01", f"{where}: moved to 1901"
                )
            )
        elif len(value) >= 20 and value[4:5] == "-" and "T" in value:
            found.append(
                Mutation(
                    "time-far-future",
                    path,
                    None,
                    lambda _v: "2099-12-31T12:00:00Z",
                    f"{where}: moved to 2099",
                )
            )
            found.append(
                Mutation(
                    "time-far-past",
                    path,
                    None,
                    lambda _v: "1901-01-01T12:00:00Z",
                    f"{where}: moved to 1901",
                )
            )
        elif value.isalnum() and value.isupper() and 5 <= len(value) <= 8:
            found.append(
                Mutation(
                    "unlisted-code",
                    path,
                    None,
                    lambda v: v[:2] + "9" * (len(v) - 2) if v[:2].isalpha() else "Z" + v[1:],
                    f"{where}: right shape, not in the published list",
                )
            )
    return found


def confirmed(
    mutation: Mutation, findings: list[Finding], target: str | None
) -> dict[str, Any] | None:
    """What the changed case breaks, as the validator found it (``findings``), when that is
    what ``mutation`` claims: a finding of requirement ``target`` when one is aimed at, else
    one on the mutation's keyword at its place (or "none of the alternatives" above it); None
    when the change did not break what it meant to."""
    where = mutation.pointer()
    for finding in findings:
        if target is not None:
            if finding.requirement != target:
                continue
        elif mutation.keyword is not None:
            if finding.keyword in ("anyOf", "oneOf"):
                # where alternatives hold the place, the validator says none of them is
                # met, at the place or above it: that is the break, as it reports it
                if not (where + "/").startswith(finding.pointer.rstrip("/") + "/"):
                    continue
            elif (
                finding.keyword not in (mutation.keyword, "format", "pattern")
                and not (
                    finding.check == "rule" and mutation.keyword in ("enum", "format", "pattern")
                )
            ) or not (finding.pointer == where or finding.pointer.startswith(where + "/")):
                continue
        return {
            "mutation": mutation.name,
            "description": mutation.description,
            "pointer": finding.pointer,
            "keyword": finding.keyword,
            "schemaLocation": finding.schema_location,
            "requirement": finding.requirement,
            "message": finding.message,
        }
    return None
