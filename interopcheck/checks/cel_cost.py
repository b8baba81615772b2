"""How a CEL rule's cost grows with the message: read from its text, before any evaluation.

A comprehension macro (``all``, ``exists``, ``exists_one``, ``map``, ``filter``) visits every
item of a list. Nested inside another over the outer item's own list (``o.results.exists(...)``
inside ``offences.exists(o, ...)``) the two together still visit each item once; nested over a
list that is not the outer item's (``xs.all(x, xs.exists_one(y, ...))``) they visit n x n.
"""

from __future__ import annotations

from dataclasses import dataclass

from interopcheck.checks.cel_syntax import Unsupported, tokenize
from interopcheck.sources.walk import nodes

COMPREHENSIONS = frozenset({"all", "exists", "exists_one", "map", "filter"})


@dataclass(frozen=True)
class Growth:
    depth: int
    """The deepest nesting of comprehension macros."""
    superlinear: str | None
    """The first macro nested over a list that is not its outer item's (its text), if any."""


def growth(expression: str) -> Growth:
    """The nesting of the rule's macros, and whether any makes its cost superlinear (an
    expression this reader cannot tokenise counts as flat: the engine judges it)."""
    try:
        tokens = tokenize(expression)
    except Unsupported:
        return Growth(0, None)
    open_macros: list[tuple[int, str]] = []  # (paren depth at which it closes, its variable)
    parens = 0
    deepest = 0
    superlinear = None
    for index, (kind, value) in enumerate(tokens):
        if kind == "op" and value == "(":
            parens += 1
        elif kind == "op" and value == ")":
            parens -= 1
            while open_macros and open_macros[-1][0] > parens:
                open_macros.pop()
        if not _starts_macro(tokens, index):
            continue
        root = _chain_root(tokens, index)
        variable = tokens[index + 3][1]
        if open_macros and superlinear is None:
            outer = {v for _, v in open_macros}
            if root not in outer:
                superlinear = " ".join(v for _, v in tokens[max(0, index - 3) : index + 4])
        open_macros.append((parens + 1, variable))
        deepest = max(deepest, len(open_macros))
    return Growth(deepest, superlinear)


def _starts_macro(tokens: list[tuple[str, str]], index: int) -> bool:
    """``. name ( variable ,`` with name a comprehension."""
    window = tokens[index : index + 5]
    return (
        len(window) == 5
        and window[0] == ("op", ".")
        and window[1][0] == "name"
        and window[1][1] in COMPREHENSIONS
        and window[2] == ("op", "(")
        and window[3][0] == "name"
        and window[4] == ("op", ",")
    )


def _chain_root(tokens: list[tuple[str, str]], dot: int) -> str | None:
    """The first name of the member chain before ``.macro(``: ``self`` in ``self.a.b.all(``."""
    index = dot - 1
    root = None
    while index >= 0 and tokens[index][0] == "name":
        root = tokens[index][1]
        if index >= 1 and tokens[index - 1] == ("op", "."):
            index -= 2
        else:
            break
    return root


def list_items(value: object) -> int:
    """How many list items the value holds, at every depth (an engine rule's n)."""
    return sum(len(node) for node in nodes(value) if isinstance(node, list))
