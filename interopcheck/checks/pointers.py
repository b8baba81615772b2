"""JSON pointers with ``*`` wildcards, resolved against a payload."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from interopcheck.sources.positions import unescape_pointer_token

Path = list[str | int]


@lru_cache(maxsize=4096)
def parse_pointer(pointer: str) -> tuple[str, ...]:
    if not pointer:
        return ()
    return tuple(unescape_pointer_token(t) for t in pointer[1:].split("/"))


def resolve(document: Any, pointer: str) -> list[tuple[Path, Any]]:
    """Every (path, value) the pointer reaches; ``*`` expands over arrays and objects.

    A step that does not exist yields nothing: the requirement is not applicable there.
    """
    tokens = parse_pointer(pointer)
    if "*" not in tokens:  # the common case: one place or none
        node = document
        path: Path = []
        for token in tokens:
            if isinstance(node, dict):
                if token not in node:
                    return []
                node = node[token]
                path.append(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
                path.append(int(token))
            else:
                return []
        return [(path, node)]
    found: list[tuple[Path, Any]] = [([], document)]
    for token in tokens:
        following: list[tuple[Path, Any]] = []
        for path, value in found:
            if token == "*":
                if isinstance(value, list):
                    following.extend(([*path, i], item) for i, item in enumerate(value))
                elif isinstance(value, dict):
                    following.extend(([*path, k], item) for k, item in value.items())
            elif isinstance(value, dict):
                if token in value:
                    following.append(([*path, token], value[token]))
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                following.append(([*path, int(token)], value[int(token)]))
        found = following
        if not found:
            break
    return found


Collect = Callable[[Any, list[Any]], None]


def value_getter(pointer: str) -> Callable[[Any], list[Any]]:
    """``resolve`` without the paths, specialised to one pointer once: the values a rule reads
    on its fast path (paths are built only when a finding needs words)."""
    tokens = parse_pointer(pointer)

    def step(index: int) -> Collect:
        if index == len(tokens):
            return _append
        token, rest = tokens[index], step(index + 1)
        if token == "*":

            def each(node: Any, out: list[Any]) -> None:
                if isinstance(node, list):
                    for item in node:
                        rest(item, out)
                elif isinstance(node, dict):
                    for item in node.values():
                        rest(item, out)

            return each
        number = int(token) if token.isdigit() else -1

        def field(node: Any, out: list[Any]) -> None:
            if isinstance(node, dict):
                if token in node:
                    rest(node[token], out)
            elif isinstance(node, list) and 0 <= number < len(node):
                rest(node[number], out)

        return field

    walk = step(0)

    def values(document: Any) -> list[Any]:
        out: list[Any] = []
        walk(document, out)
        return out

    return values


def _append(node: Any, out: list[Any]) -> None:
    out.append(node)


def matches(pattern: str, path: Path) -> bool:
    """Whether a concrete path is one of those a wildcard pointer reaches."""
    tokens = parse_pointer(pattern)
    return len(tokens) == len(path) and all(
        t == "*" or t == str(p) for t, p in zip(tokens, path, strict=True)
    )
