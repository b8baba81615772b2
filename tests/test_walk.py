"""The one JSON walk (sources/walk.py): every node once, at a path that leads to it, parents
first and in document order; pruned where asked; and no recursion limit on hostile depth."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interopcheck.sources.walk import JsonPath, nodes, objects, walk

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=30,
)


def _reference(value: Any, path: JsonPath = ()) -> list[tuple[JsonPath, Any]]:
    """The recursive walk every hand-written copy used to be."""
    found = [(path, value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _reference(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _reference(child, (*path, index))
    return found


def _at(value: Any, path: JsonPath) -> Any:
    for step in path:
        value = value[step]
    return value


@given(JSON)
def test_the_walk_is_the_recursive_walk(value: Any) -> None:
    walked = list(walk(value))
    assert [p for p, _ in walked] == [p for p, _ in _reference(value)]
    for path, node in walked:
        assert _at(value, path) is node


@given(JSON, st.lists(st.integers(0, 3), max_size=2).map(tuple))
def test_a_prefix_is_kept_and_pruning_stops_below_a_node(value: Any, prefix: JsonPath) -> None:
    assert all(path[: len(prefix)] == prefix for path, _ in walk(value, prefix))
    shallow = list(walk(value, into=lambda path, _: len(path) < 1))
    assert all(len(path) <= 1 for path, _ in shallow)
    assert [p for p, _ in shallow] == [p for p, _ in _reference(value) if len(p) <= 1]


@given(JSON)
def test_nodes_and_objects_see_the_same_nodes(value: Any) -> None:
    every = [node for _, node in _reference(value)]
    assert sorted(map(id, nodes(value))) == sorted(map(id, every))
    assert sorted(map(id, objects(value))) == sorted(id(n) for n in every if isinstance(n, dict))


def test_a_value_nested_deeper_than_python_recurses_is_walked() -> None:
    deep: Any = "leaf"
    for _ in range(3_000):  # three times the interpreter's recursion limit
        deep = [deep]
    paths = [path for path, _ in walk(deep)]
    assert len(paths) == 3_001 and len(paths[-1]) == 3_000
    pruned = [path for path, _ in walk(deep, into=lambda path, _: len(path) < 128)]
    assert len(pruned) == 129
    for _ in range(100_000):
        deep = [deep]
    assert sum(1 for _ in nodes(deep)) == 103_001
