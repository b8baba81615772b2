"""Deciding a narrowed or widened ``pattern``: regular-language containment with greenery.

jsonschema-rs's canonical form cannot say whether one regular expression admits every string
another does, and no payload can show that it does; so a version whose only change is a
pattern stayed "unknown" in the direction where it holds. Here the two patterns become finite
automata (greenery) and their difference is checked for emptiness. Only what the translation
is sure of is decided, else ``None`` (unknown stays unknown):

- ECMA-262 search semantics, as jsonschema-rs applies them (held to it by a differential
  test): unanchored patterns match anywhere, ``^``/``$`` only as the first/last character and
  never with a top-level ``|``, ``.`` is any character but a line terminator;
- no ``\\s``/``\\S`` (Unicode spaces in ECMA), ``\\b``, back-references, lookaround, lazy
  quantifiers, ``\\u``/``\\p`` escapes, or counted repetition over ``MAX_REPEAT``.

The schema as a whole is decided only when the message's own schema differs in nothing but
pattern values, its shared definitions are unchanged, and each changed pattern sits on a path of
keywords that only ever narrow when their subschema narrows (properties, items, allOf, anyOf,
then/else, ...; not ``not``, ``if``, ``oneOf``, ``contains`` or a ``$defs`` entry, whose
references could be anywhere).
"""

from __future__ import annotations

import re
from typing import Any

from interopcheck.sources.walk import objects

#: Keywords under which a narrower subschema can only narrow the whole.
MONOTONE = {
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "prefixItems",
    "allOf",
    "anyOf",
    "then",
    "else",
    "dependentSchemas",
    "propertyNames",
}
#: Keywords whose next token is a name or index, not a keyword.
NAMED = {"properties", "patternProperties", "prefixItems", "allOf", "anyOf", "dependentSchemas"}
MAX_REPEAT = 64
_LINE_TERMINATORS = "\n\r\u2028\u2029"
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def translate(pattern: str) -> str | None:
    """The pattern as a greenery expression over whole strings, or None if unsure."""
    if not pattern:
        return ".*"
    body = pattern
    anchored_start = body.startswith("^")
    if anchored_start:
        body = body[1:]
    anchored_end = body.endswith("$") and not _escaped_at(body, len(body) - 1)
    if anchored_end:
        body = body[:-1]
    out: list[str] = []
    depth = 0
    in_class = False
    top_level_alternation = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body):
                return None
            following = body[i + 1]
            if following in "sSbBukpPcx0123456789":
                return None
            out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[":
                return None  # nested classes: not ECMA, not ours to guess
            elif char == "-" and (out[-1] in "[^" or body[i + 1 : i + 2] == "]"):
                char = "\\-"  # a literal hyphen at a class's edge, spelt as greenery reads it
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if body[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if body[i + 1 : i + 2] == "]":
                return None  # ECMA's empty class []: greenery reads ] as a member
        elif char in "^$":
            return None  # an anchor inside the pattern
        elif char == ".":
            out.append("[^" + _LINE_TERMINATORS + "]")
        elif char == "(":
            if body[i + 1 : i + 3] == "?:":
                i += 2
            elif body[i + 1 : i + 2] == "?":
                return None  # lookaround, named groups
            depth += 1
            out.append("(")
        elif char == ")":
            depth -= 1
            out.append(")")
        elif char == "|":
            top_level_alternation = top_level_alternation or depth == 0
            out.append("|")
        elif char in "*+?}" and body[i + 1 : i + 2] == "?":
            return None  # lazy quantifiers: the same language, but greenery does not read them
        else:
            out.append(char)
        i += 1
    if in_class or depth != 0:
        return None
    if top_level_alternation and (anchored_start or anchored_end):
        return None  # ^a|b$ anchors one branch each
    for match in _REPEAT.finditer(body):
        if max(int(match.group(1)), int(match.group(2) or 0)) > MAX_REPEAT:
            return None
    inner = "".join(out)
    return ("" if anchored_start else ".*") + f"({inner})" + ("" if anchored_end else ".*")


def _escaped_at(text: str, index: int) -> bool:
    backslashes = 0
    while index - 1 - backslashes >= 0 and text[index - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def language(pattern: str) -> Any | None:
    """The finite automaton of the strings the pattern admits (greenery ``Fsm``), or None."""
    expression = translate(pattern)
    if expression is None:
        return None
    try:
        from greenery import parse

        return parse(expression).to_fsm()
    except Exception:  # greenery's own parse errors: a construct it does not read
        return None


#: Seconds the automata may take: some short patterns have exponentially large automata
#: (``(a|b)*a(a|b){10}``), and a gate must not hang on one.
PATTERN_SECONDS = 5.0


def admits_all(wider: str, narrower: str, seconds: float = PATTERN_SECONDS) -> bool | None:
    """Does ``wider`` admit every string ``narrower`` admits? None if not decidable here, or
    not within ``seconds`` (worked out in a child process, stopped when the time is up)."""
    import multiprocessing

    if translate(wider) is None or translate(narrower) is None:
        return None
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_contains, args=(wider, narrower, send), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(seconds):
            answer: bool | None = receive.recv()
            return answer
        return None
    except EOFError:  # the child died (out of memory, killed): not decided
        return None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


def _contains(wider: str, narrower: str, send: Any) -> None:
    a, b = language(wider), language(narrower)
    send.send(None if a is None or b is None else bool((b - a).empty()))
    send.close()


def changed_patterns(differences: list[tuple[str, str]]) -> list[str] | None:
    """The pointers of the changed patterns, if patterns in monotone places are all that
    changed; else None."""
    pointers = []
    for pointer, kind in differences:
        tokens = pointer.split("/")[1:]
        if kind != "changed" or not tokens or tokens[-1] != "pattern":
            return None
        if not _monotone(tokens[:-1]):
            return None
        pointers.append(pointer)
    return pointers or None


def _monotone(tokens: list[str]) -> bool:
    i = 0
    while i < len(tokens):
        keyword = tokens[i]
        if keyword not in MONOTONE:
            return False
        i += 2 if keyword in NAMED else 1
    return True


def pattern_at(document: Any, pointer: str) -> str | None:
    from interopcheck.sources.positions import value_at

    node = value_at(document, pointer)
    return node if isinstance(node, str) else None


def covers_by_patterns(
    cover: dict[str, Any], covered: dict[str, Any], differences: list[tuple[str, str]]
) -> bool:
    """True when the two message schemas differ only in patterns at monotone places and each
    of ``cover``'s patterns admits every string the ``covered`` one does: a proof that
    ``cover`` admits every payload ``covered`` admits."""
    pointers = changed_patterns(differences)
    if pointers is None:
        return False
    referenced = _local_references(cover) | _local_references(covered)
    if any(_within(pointer, target) for pointer in pointers for target in referenced):
        return False  # reached through a $ref too, from a place that may not be monotone
    for pointer in pointers:
        wider, narrower = pattern_at(cover, pointer), pattern_at(covered, pointer)
        if wider is None or narrower is None or admits_all(wider, narrower) is not True:
            return False
    return True


def _local_references(document: Any) -> set[str]:
    """The pointers into this document that its own ``$ref``s name (``#/…`` or its $id)."""
    own = document.get("$id") if isinstance(document, dict) else None
    found: set[str] = set()
    for node in objects(document):
        ref = node.get("$ref")
        if isinstance(ref, str):
            base, _, fragment = ref.partition("#")
            if base in ("", own) and fragment.startswith("/"):
                found.add(fragment)
    return found


def _within(pointer: str, target: str) -> bool:
    """Whether ``pointer`` lies in the subschema at ``target`` (or is it)."""
    return pointer == target or pointer.startswith(target.rstrip("/") + "/")
