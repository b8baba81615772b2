"""YAML text into JSON values, hardened: YAML 1.2's core schema, no aliases or merge keys, no
duplicate keys, nothing JSON cannot hold. Imported only when YAML is read (``parse``)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from interopcheck.sources.parse import ParseProblem, check_value

_YAML_LOADER_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictYamlLoader(_YAML_LOADER_BASE):  # type: ignore[misc,valid-type]
    """Safe YAML read by YAML 1.2's core schema, as JSON Schema tooling assumes: ``on``,
    ``yes``, ``No`` and ``y`` are strings (YAML 1.1 made them booleans), ``012`` is twelve,
    ``1_000`` and ``1:20`` are strings; dates stay strings, as JSON would keep them (the
    schema checks their format)."""

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)


#: YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution): what a plain
#: scalar is, by its text.
_CORE_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
]
_CORE_TAGS = {tag for tag, _, _ in _CORE_RESOLVERS} | {"tag:yaml.org,2002:timestamp"}
_StrictYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag not in _CORE_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _firsts in _CORE_RESOLVERS:
    # (an empty scalar has no first character: null's resolver is also filed under "")
    _first = [*_firsts, ""] if _tag.endswith(":null") else list(_firsts)
    _StrictYamlLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
_StrictYamlLoader.add_constructor("tag:yaml.org,2002:int", _StrictYamlLoader.construct_core_int)
#: The core schema's resolvers: a dumper given them quotes every string a YAML 1.2 reader
#: would read as something else (PyYAML's own, YAML 1.1's, leaves ``0E0`` bare: a float here).
CORE_SCHEMA_RESOLVERS = _StrictYamlLoader.yaml_implicit_resolvers


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree of a single document, checked for aliases and duplicate keys."""
    try:
        documents = list(yaml.compose_all(text, Loader=_StrictYamlLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = exc.problem or "malformed YAML"
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise ParseProblem(f"malformed YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise ParseProblem(f"malformed YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ParseProblem("nested too deeply to process (over ~1,000 levels)") from None
    if len(documents) > 1:
        mark = documents[1].start_mark
        raise ParseProblem(
            f"{len(documents)} YAML documents in one file: put one payload per file, "
            "or use JSON Lines for many",
            mark.line + 1,
            mark.column + 1,
        )
    if not documents:
        return None
    _check_yaml_tree(documents[0])
    return documents[0]


def _check_yaml_tree(root: yaml.Node) -> None:
    """Refuse aliases (no billion-laughs expansion) and duplicate mapping keys."""
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ParseProblem(
                "YAML anchors and aliases (&name, *name) are not allowed in payloads: the value "
                "anchored here is reused; write each value out",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise ParseProblem(
                        "YAML merge keys (<<) are not allowed in payloads",
                        key_node.start_mark.line + 1,
                        key_node.start_mark.column + 1,
                    )
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in keys:
                        raise ParseProblem(
                            f"duplicate key {json.dumps(key_node.value)} in a mapping",
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                        )
                    keys.add(key_node.value)
                stack.append(key_node)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def yaml_node_to_json(root: yaml.Node) -> Any:
    """Construct the value of a checked node tree, refusing what JSON cannot hold."""
    loader = _StrictYamlLoader("")
    try:
        value = loader.construct_document(root)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise ParseProblem(
            f"not a JSON-compatible YAML value: {exc.problem}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except ValueError as exc:  # an integer beyond Python's digit limit
        if "integer string conversion" not in str(exc):
            raise
        raise ParseProblem(
            "an integer with more than 4,300 digits: too long to be a real value"
        ) from None
    finally:
        loader.dispose()
    _require_json_compatible(value, root)
    return value


def _require_json_compatible(value: Any, root: yaml.Node) -> None:
    stack: list[tuple[Any, yaml.Node]] = [(value, root)]
    while stack:
        item, node = stack.pop()
        mark = node.start_mark
        where = (mark.line + 1, mark.column + 1)
        if isinstance(item, dict):
            assert isinstance(node, yaml.MappingNode)
            for (key, child), (key_node, value_node) in zip(item.items(), node.value, strict=True):
                if not isinstance(key, str):
                    kmark = key_node.start_mark
                    raise ParseProblem(
                        f"mapping key {key_node.value!r} is not a string (JSON keys are strings):"
                        " quote it",
                        kmark.line + 1,
                        kmark.column + 1,
                    )
                stack.append((child, value_node))
        elif isinstance(item, list):
            assert isinstance(node, yaml.SequenceNode)
            stack.extend(zip(item, node.value, strict=True))
        elif isinstance(item, float) and not math.isfinite(item):
            raise ParseProblem("NaN and infinity have no JSON equivalent", *where)
        elif not isinstance(item, (str, int, float, bool)) and item is not None:
            raise ParseProblem(f"a YAML {type(item).__name__} value has no JSON equivalent", *where)


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document into a JSON value, with its node tree for positions."""
    root = compose_yaml(text)
    if root is None:
        raise ParseProblem("empty YAML document")
    value = yaml_node_to_json(root)
    check_value(value, text)
    return value, root
