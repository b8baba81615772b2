"""JSON pointers with ``*`` wildcards, resolved against a payload."""

from __future__ import annotations

from typing import Any

Path = list[str | int]


def parse_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve(document: Any, pointer: str) -> list[tuple[Path, Any]]:
    """Every (path, value) the pointer reaches; ``*`` expands over arrays and objects.

    A step that does not exist yields nothing: the requirement is not applicable there.
    """
    found: list[tuple[Path, Any]] = [([], document)]
    for token in parse_pointer(pointer):
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


def matches(pattern: str, path: Path) -> bool:
    """Whether a concrete path is one of those a wildcard pointer reaches."""
    tokens = parse_pointer(pattern)
    return len(tokens) == len(path) and all(
        t == "*" or t == str(p) for t, p in zip(tokens, path, strict=True)
    )
