"""The one walk over a JSON value (or a JSON Schema document): every node with its path.

Parents come before their children and siblings in document order. The walk keeps its own
stack, so a value nested deeper than Python's recursion limit is walked all the same; ``into``
decides, node by node, whether to go below it. Paths are tuples of keys and indexes
(``sources.positions.pointer_of`` turns one into a JSON pointer), and a path costs its length:
where depth may be hostile, prune with ``into`` (the parser stops at 128 levels) or use
``nodes``, which keeps no paths. Imports nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

#: Keys and list indexes from the root to a node.
JsonPath = tuple[str | int, ...]


def walk(
    value: Any,
    path: JsonPath = (),
    *,
    into: Callable[[JsonPath, Any], bool] | None = None,
) -> Iterator[tuple[JsonPath, Any]]:
    """``(path, node)`` for ``value`` and everything in it; below a node only when ``into``
    (if given) says so. ``path`` is prefixed to every path (the value's own place)."""
    stack: list[tuple[JsonPath, Any]] = [(path, value)]
    while stack:
        here, node = stack.pop()
        yield here, node
        if into is not None and not into(here, node):
            continue
        if isinstance(node, dict):
            stack.extend(reversed([((*here, key), child) for key, child in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([((*here, index), child) for index, child in enumerate(node)]))


def nodes(value: Any) -> Iterator[Any]:
    """Every node of ``value`` (itself included), without paths: the cheaper walk, in no
    promised order, for questions about the whole (counts, what occurs anywhere)."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value`` (a schema's subschemas, where ``$ref``, ``$id`` or
    ``format`` may stand), in no promised order."""
    return (node for node in nodes(value) if isinstance(node, dict))
