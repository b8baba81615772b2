"""The largest valid message: a valid case grown to the bounds its schema allows.

Generated cases stay small (a few items per array), so a server that is slow, or fails, only
on large messages is never met. ``largest`` takes a valid case and grows, place by place,
every string to its ``maxLength`` and every array to its ``maxItems`` (copies of its own
items; an array with no bound up to ``LONGEST``), innermost first, keeping each step only if
the checker still accepts the whole and it stays within a size cap.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.schema import SchemaChecker
from interopcheck.generation.mutations import LONGEST_ARRAY, Mutation
from interopcheck.sources.payloads import Payload
from interopcheck.sources.positions import pointer_of, value_at
from interopcheck.sources.walk import JsonPath, walk
from interopcheck.standard.catalog import SchemaEntry
from interopcheck.standard.schema_paths import possible

#: The largest body made, in bytes of compact JSON (a bound on what probe sends).
SIZE_CAP = 256 * 1024
#: An array its schema does not bound grows to at most this many items.
LONGEST = 100


@dataclass(frozen=True)
class Largest:
    value: Any
    size: int
    """Its size in bytes, as compact UTF-8 JSON."""
    grown: int
    """Places grown to their bound (or to the cap)."""


def size_of(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def largest(
    checker: SchemaChecker, entry: SchemaEntry, base: Any, cap: int = SIZE_CAP
) -> Largest | None:
    """``base`` grown as far as its schema and the checker allow within ``cap`` bytes; None
    when nothing could be grown."""
    documents = checker.catalog.documents()
    memo: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def bounds(path: JsonPath) -> list[dict[str, Any]]:
        tokens = tuple("*" if isinstance(t, int) else t for t in path)
        if tokens not in memo:
            memo[tokens] = possible(documents, entry.uri, tokens)
        return memo[tokens]

    def valid(value: Any) -> bool:
        payload = Payload(source="largest", syntax="json", value=value)
        return not checker.check(payload, 0).findings

    # the places of the base, deepest first (an inner array grows before the one holding
    # it, so that copies of the outer array's items carry the inner growth)
    places = sorted(walk(base), key=lambda item: -len(item[0]))
    value = copy.deepcopy(base)
    grown = 0
    for path, node in places:
        if not path or not isinstance(node, str | list):
            continue
        target = _target(node, bounds(path))
        if target is None:
            continue
        # the place in the value grown so far (an array's items carry what grew inside them)
        current = value_at(value, pointer_of(path))
        for size in _sizes(current, target):
            changed = Mutation("grown", path, None, _grown(size), "").applied_to(value)
            if size_of(changed) <= cap and valid(changed):
                value = changed
                grown += 1
                break
    if grown == 0:
        return None
    return Largest(value, size_of(value), grown)


def _target(node: Any, nodes: list[dict[str, Any]]) -> int | None:
    """How long this string or array may be: its smallest declared bound (strings only
    when nothing but a length constrains them)."""
    if isinstance(node, str):
        free = all(not any(k in n for k in ("pattern", "format", "enum", "const")) for n in nodes)
        limits = [n["maxLength"] for n in nodes if isinstance(n.get("maxLength"), int)]
        return min(limits) if free and limits and min(limits) > len(node) else None
    limits = [n["maxItems"] for n in nodes if isinstance(n.get("maxItems"), int)]
    if any(n.get("uniqueItems") is True for n in nodes) or not node:
        return None  # copies would repeat an item
    bound = min(limits) if limits else LONGEST
    return min(bound, LONGEST_ARRAY) if bound > len(node) else None


def _sizes(current: Any, target: int) -> list[int]:
    """The sizes to try, largest first: the bound, then halves down to one more than now."""
    sizes = []
    size = target
    while size > len(current):
        sizes.append(size)
        size = len(current) + (size - len(current)) // 2
        if sizes and size == sizes[-1]:
            break
    return sizes[:6]


def _grown(size: int) -> Callable[[Any], Any]:
    """A string padded, or an array's items repeated (copies), to ``size``."""

    def grow(current: Any) -> Any:
        if isinstance(current, str):
            return (current + "x" * size)[:size]
        return [copy.deepcopy(current[i % len(current)]) for i in range(size)]

    return grow
