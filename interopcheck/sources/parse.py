"""Hardened parsing of JSON text into JSON values (YAML's in ``yaml_text``, imported only
where YAML is read: a JSON-only run does not load PyYAML).

Payloads come from other organisations' systems and may be hostile or broken: duplicate keys,
NaN, a YAML alias bomb, absurd nesting, huge integers. Each of these raises ``ParseProblem``
with a line and column and words a person can act on, never a traceback and never a silent
"last key wins".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from interopcheck.sources.positions import pointer_of
from interopcheck.sources.walk import JsonPath, walk


@dataclass
class ParseProblem(Exception):
    """Text that is not a usable JSON value; line and column are 1-based when known."""

    message: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""
    """Where in the value, when the problem is found after parsing (the position is then
    looked up from it)."""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}, column {self.column}: {self.message}"


class _JsonDuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _JsonDuplicateKey(key)
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON (JSON has no NaN or Infinity)")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


_CONSTANT = re.compile(r"(?<![\w\"])-?(NaN|Infinity)(?![\w\"])")


def _line_col(text: str, offset: int) -> tuple[int | None, int | None]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


#: Deeper than any real message (the standard's nest under 15 levels); beyond it a validator's
#: own recursion gives out (jsonschema-rs at 256 to 999), so it is refused here, as a finding.
MAX_DEPTH = 128
_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F])")


def check_value(value: Any, text: str) -> None:
    """Refuse what parses but no validator or report can carry: nesting deeper than
    ``MAX_DEPTH``, and lone surrogates (``\\ud800``: not Unicode text, in a key or a string).
    The walk runs only when the text could hold either (cheap scans of the text first)."""
    deep = text.count("{") + text.count("[") > MAX_DEPTH
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    if not deep and not surrogates:
        return

    def shallow_enough(path: JsonPath, node: Any) -> bool:
        if len(path) >= MAX_DEPTH and isinstance(node, (dict, list)):
            pointer = pointer_of(path)
            raise ParseProblem(
                f"nested more than {MAX_DEPTH} levels deep (at {pointer[:120]}…): no real "
                "message is; refused rather than risk the validator",
                pointer=pointer,
            )
        return True

    for path, node in walk(value, into=shallow_enough):
        if path and isinstance(path[-1], str) and _lone_surrogate(path[-1]):
            step = pointer_of(path)
            raise ParseProblem(
                f"a lone surrogate (not Unicode text) in a key at {step!r}",
                pointer="~key~" + step,
            )
        if isinstance(node, str) and _lone_surrogate(node):
            raise ParseProblem(
                f"a lone surrogate (not Unicode text) in the string at {pointer_of(path)!r}",
                pointer=pointer_of(path),
            )


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_json(text: str) -> Any:
    """Parse one JSON text strictly (RFC 8259 plus: no duplicate keys, no NaN/Infinity, no
    lone surrogates, no absurd nesting)."""
    value = _decode_json(text)
    try:
        check_value(value, text)
    except ParseProblem as problem:
        raise _located(problem, text) from None
    return value


def _located(problem: ParseProblem, text: str) -> ParseProblem:
    """The problem with the line and column of its pointer, looked up in the JSON text."""
    from interopcheck.sources.positions import KEY_PREFIX, json_positions

    wanted = problem.pointer.replace("~key~", KEY_PREFIX)
    if problem.line is None and problem.pointer:
        try:
            found = json_positions(text, {wanted})
        except (RecursionError, ValueError):
            found = {}
        problem.line, problem.column = found.get(wanted, (None, None))
    return problem


def _decode_json(text: str) -> Any:
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ParseProblem(f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except _JsonDuplicateKey as exc:
        raise ParseProblem(
            f"duplicate key {json.dumps(exc.key)} in an object (which value is meant is ambiguous)",
            *_locate_duplicate(text, exc.key),
        ) from None
    except RecursionError:
        raise ParseProblem("nested too deeply to process (over ~1,000 levels)") from None
    except ValueError as exc:  # NaN/Infinity, or an integer beyond Python's digit limit
        message = str(exc).split("\n")[0]
        if "integer string conversion" in message:
            raise ParseProblem(
                "an integer with more than 4,300 digits: too long to be a real value"
            ) from None
        constant = _CONSTANT.search(text)  # best effort: the first bare NaN/Infinity token
        where = _line_col(text, constant.start()) if constant else (None, None)
        raise ParseProblem(message, *where) from None


def _locate_duplicate(text: str, key: str) -> tuple[int | None, int | None]:
    """Best effort: the second occurrence of the quoted key."""
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1) if first >= 0 else -1
    if second < 0:
        return None, None
    return _line_col(text, second)
