"""Line and column lookup: the value found at each reported position is the value at the pointer."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from interopcheck.sources.positions import KEY_PREFIX, json_positions, pointer_of, yaml_positions
from interopcheck.sources.yaml_text import CORE_SCHEMA_RESOLVERS, parse_yaml

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


def _all_paths(
    value: Any, path: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], Any]]:
    found = [(path, value)]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_all_paths(child, (*path, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_all_paths(child, (*path, index)))
    return found


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(lines[i]) + 1 for i in range(line - 1)) + column - 1


@settings(max_examples=300)
@given(json_values, st.sampled_from([None, 2]), st.booleans())
def test_json_position_points_at_the_value(
    value: Any, indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    paths = _all_paths(value)
    positions = json_positions(text, {pointer_of(p) for p, _ in paths})
    decoder = json.JSONDecoder()
    for path, expected in paths:
        line, column = positions[pointer_of(path)]
        parsed, _ = decoder.raw_decode(text, _offset(text, line, column))
        assert parsed == expected


@settings(max_examples=300)
@given(json_values, st.data())
def test_asking_for_some_pointers_gives_the_same_positions(value: Any, data: st.DataObject) -> None:
    """Containers holding nothing wanted are skipped: that must not move anything found."""
    text = json.dumps(value, indent=1, ensure_ascii=False)
    every = {pointer_of(p) for p, _ in _all_paths(value)}
    full = json_positions(text, every)
    some = set(data.draw(st.lists(st.sampled_from(sorted(every)), max_size=4)))
    assert json_positions(text, some) == {p: full[p] for p in some}


class _Yaml12Dumper(yaml.SafeDumper):
    """Writes YAML that a YAML 1.2 reader reads back as written (``"0E0"`` quoted)."""


_Yaml12Dumper.yaml_implicit_resolvers = CORE_SCHEMA_RESOLVERS


@settings(max_examples=200)
@given(json_values)
def test_yaml_positions_cover_every_pointer_in_document_order(value: Any) -> None:
    text = yaml.dump(value, Dumper=_Yaml12Dumper, allow_unicode=True, sort_keys=False)
    parsed, root = parse_yaml(text)  # positions are of what we parsed (PyYAML folds \x85)
    assert root is not None
    paths = _all_paths(parsed)  # pre-order: the order values appear in the text
    positions = yaml_positions(root, {pointer_of(p) for p, _ in paths})
    assert set(positions) == {pointer_of(p) for p, _ in paths}
    ordered = [positions[pointer_of(p)] for p, _ in paths]
    assert ordered == sorted(ordered)
    leaves = [
        positions[pointer_of(p)] for p, v in paths if not isinstance(v, (dict, list)) or not v
    ]
    assert len(set(leaves)) == len(leaves)


def test_keys_and_escaped_pointers() -> None:
    text = '{"a/b": {"c~d": [10, 20]}}'
    positions = json_positions(text, {"/a~1b/c~0d/1", KEY_PREFIX + "/a~1b"})
    assert positions["/a~1b/c~0d/1"] == (1, 22)
    assert positions[KEY_PREFIX + "/a~1b"] == (1, 2)
