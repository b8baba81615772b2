"""Smaller versions of a JSON value, for shrinking a case that shows something (a failing
exchange, a payload one schema version accepts and the other rejects) to its essentials."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from interopcheck.sources.walk import JsonPath, walk


def candidates(value: Any) -> Iterator[Any]:
    """``value`` with one property or one array item removed, outermost first (a big cut
    first: when it works, what was inside needs no trying); then with one long string halved;
    then with one string's characters outside printable ASCII made plain letters (same length),
    so that what is left reads easily where the characters did not matter."""
    paths = list(_places(value, ()))
    paths.sort(key=len)
    for path in paths:
        smaller = copy.deepcopy(value)
        parent = smaller
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        yield smaller
    for path in _strings(value, (), _long):
        yield _replaced(value, path, lambda text: text[: len(text) // 2])
    for path in _strings(value, (), _unplain):
        yield _replaced(
            value, path, lambda text: "".join(c if " " <= c <= "~" else "x" for c in text)
        )


def _replaced(value: Any, path: tuple[str | int, ...], change: Callable[[str], str]) -> Any:
    """A copy of ``value`` with the string at ``path`` changed (the root itself when empty)."""
    if not path:
        return change(value)
    copied = copy.deepcopy(value)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = change(parent[path[-1]])
    return copied


def _unplain(text: str) -> bool:
    return any(not " " <= c <= "~" for c in text)


#: Strings shorter than this are left as they are (a name, a code: their content matters).
LONG = 16


def _long(text: str) -> bool:
    return len(text) >= LONG


def _strings(
    value: Any, path: tuple[str | int, ...], wanted: Callable[[str], bool]
) -> Iterator[tuple[str | int, ...]]:
    """The paths of the strings in ``value`` that are ``wanted``."""
    return (here for here, node in walk(value, path) if isinstance(node, str) and wanted(node))


def _places(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Every member and, in a list of more than one, every item: what may be removed."""
    lone: set[JsonPath] = set()  # lists of one item: removing it is not "smaller" but empty
    for here, node in walk(value, path):
        if isinstance(node, list) and len(node) <= 1:
            lone.add(here)
        if len(here) > len(path) and not (isinstance(here[-1], int) and here[:-1] in lone):
            yield here


def reduce(value: Any, keeps: Callable[[Any], bool], budget: int = 5000) -> Any:
    """The smallest value found, removing one property or item at a time, for which
    ``keeps`` stays true (``budget`` calls of ``keeps`` at most)."""
    current = value
    improved = True
    while improved and budget > 0:
        improved = False
        for smaller in candidates(current):
            if budget <= 0:
                break
            budget -= 1
            if keeps(smaller):
                current, improved = smaller, True
                break
    return current
