"""Wildcard pointers: the compiled value getter reaches exactly what ``resolve`` reaches
(differential), and code-list membership treats JSON numbers as JSON does."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interopcheck.checks.pointers import resolve, value_getter
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.model import Codelist

KEYS = st.sampled_from(["a", "b", "0", "1", "~", "x/y"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=12,
)
TOKEN = st.sampled_from(["a", "b", "0", "1", "2", "*", "~0", "x~1y"])


@given(JSON, st.lists(TOKEN, max_size=4))
def test_value_getter_reaches_what_resolve_reaches(document: Any, tokens: list[str]) -> None:
    pointer = "".join("/" + t for t in tokens)
    assert value_getter(pointer)(document) == [value for _, value in resolve(document, pointer)]


def test_an_integral_number_is_its_code_however_it_is_written() -> None:
    store = CodelistStore(
        {
            "results": Codelist(
                name="results", title="Results", source="test", values={"1015": "Fine"}
            )
        }
    )
    assert store.contains("results", 1015)
    assert store.contains("results", 1015.0)  # the same JSON number
    assert store.contains("results", "1015")
    assert not store.contains("results", 1015.5)
    assert not store.contains("results", True)
