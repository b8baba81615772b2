"""Smaller versions of a JSON value, for shrinking a case that shows something (a failing
exchange, a payload one schema version accepts and the other rejects) to its essentials."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any


def candidates(value: Any) -> Iterator[Any]:
    """``value`` with one property or one array item removed, outermost first (a big cut
    first: when it works, what was inside needs no trying); then with one long string halved."""
    paths = list(_places(value, ()))
    paths.sort(key=len)
    for path in paths:
        smaller = copy.deepcopy(value)
        parent = smaller
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        yield smaller
    for path in _long_strings(value, ()):
        shorter = copy.deepcopy(value)
        parent = shorter
        for step in path[:-1]:
            parent = parent[step]
        text = parent[path[-1]]
        parent[path[-1]] = text[: len(text) // 2]
        yield shorter


#: Strings shorter than this are left as they are (a name, a code: their content matters).
LONG = 16


def _long_strings(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _long_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _long_strings(item, (*path, index))
    elif isinstance(value, str) and len(value) >= LONG:
        yield path


def _places(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if len(value) > 1:
                yield (*path, index)
            yield from _places(item, (*path, index))


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
