"""Shrinking (generate/reduce.py), shared by probe's reproductions and compat's
counterexamples: what it keeps still shows the thing, it always ends, and what it leaves is
small and plain."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from interopcheck.generation.reduce import candidates, reduce

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def _measure(value: Any) -> tuple[int, int, int]:
    """What every candidate must lower: nodes, then string length, then unplain characters."""
    text = json.dumps(value, ensure_ascii=False)
    nodes = text.count(",") + text.count(":") + 1
    strings: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            strings.extend(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            strings.append(node)

    walk(value)
    length = sum(len(s) for s in strings)
    unplain = sum(1 for s in strings for c in s if not " " <= c <= "~")
    return nodes, length, unplain


@settings(max_examples=200)
@given(JSON)
def test_every_candidate_is_smaller_so_shrinking_ends(value: Any) -> None:
    for candidate in candidates(value):
        assert candidate != value
        assert _measure(candidate) < _measure(value)


@settings(max_examples=200)
@given(JSON, st.integers(min_value=0, max_value=3))
def test_what_is_kept_still_shows_it(value: Any, depth: int) -> None:
    def keeps(candidate: Any) -> bool:  # "still has as much nesting as asked"
        def deepest(node: Any) -> int:
            if isinstance(node, dict) and node:
                return 1 + max(deepest(v) for v in node.values())
            if isinstance(node, list) and node:
                return 1 + max(deepest(v) for v in node)
            return 0

        return deepest(candidate) >= depth

    if keeps(value):
        assert keeps(reduce(value, keeps))


def test_a_counterexample_is_cut_to_what_matters_and_made_plain() -> None:
    """Only the property the predicate needs is left; its unplain characters become letters,
    same length, while the apostrophe (printable ASCII) that matters to a name stays."""
    value = {
        "header": {"id": "x" * 30, "sentAt": "2026-01-01"},
        "name": "O\u2019Brien-Ł'ódź",
        "items": [1, 2, 3],
    }
    kept = reduce(value, lambda v: isinstance(v, dict) and "'" in str(v.get("name", "")))
    assert kept == {"name": "OxBrien-x'xdx"}
