"""Pattern containment for compat (compat/patterns.py): the translation to greenery automata
is held to jsonschema-rs itself on the standard's patterns and some of our own (a differential
test), and only monotone places may decide a whole schema."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interopcheck.compatibility.patterns import admits_all, changed_patterns, language, translate
from tests.conftest import EXAMPLES, ROOT, run_cli


def _patterns() -> list[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in [*(ROOT / "schemas").rglob("*.json"), *(EXAMPLES / "compat").rglob("*.json")]:
        walk(json.loads(path.read_text()))
    return sorted(found)


OURS = [
    "a.b",
    "(ab)+c?",
    "[^a-c]x$",
    "^(?:ab|cd)*$",
    "colou?r",
    r"^\d{2,3}\w$",
    "[.]",
    "^$",
    "",
    "a{0,2}b",
    r"\.",
    r"^\D\W$",
    "^(a|b)$",
    "x|y",
]
PATTERNS = [p for p in [*_patterns(), *OURS] if language(p) is not None]
ALPHABET = "aAbBcCdrxXzZ0139/._-:+ \n\r\u2028\u00e9\u0663\U0001f600GIRSF"


@functools.cache
def _engine(pattern: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


@functools.cache
def _automaton(pattern: str) -> Any:
    automaton = language(pattern)
    assert automaton is not None
    return automaton


def test_the_standards_patterns_are_translated() -> None:
    """All but the NINO's lookahead: the standard's identifiers can be decided."""
    standard = _patterns()
    assert len(PATTERNS) >= len(OURS) + len(standard) - 2
    assert [p for p in standard if translate(p) is None] == [p for p in standard if "(?!" in p]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_automaton_answers_as_jsonschema_rs_does(data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(PATTERNS), label="pattern")
    near = st.from_regex(pattern or ".*") if pattern else st.text(ALPHABET, max_size=4)
    text = data.draw(st.one_of(st.text(ALPHABET, max_size=14), near), label="text")
    assert _automaton(pattern).accepts(text) == _engine(pattern).is_valid(text)


@pytest.mark.parametrize(
    ("wider", "narrower", "expected"),
    [
        ("^[A-Z0-9]{2,6}$", "^[A-Z]{2,6}$", True),
        ("^[A-Z]{2,6}$", "^[A-Z0-9]{2,6}$", False),
        ("[0-9]", "^[0-9]{2}$", True),  # unanchored: anywhere in the string
        ("^[0-9]{2}$", "[0-9]", False),
        (r"^\S+$", "^[A-Z]+$", None),  # \S is Unicode in ECMA: not decided here
        ("^a|b$", "^a$", None),  # anchors on branches
        ("a(?=b)", "ab", None),  # lookahead
        ("^a{1,100}$", "^a$", None),  # beyond MAX_REPEAT
    ],
)
def test_containment(wider: str, narrower: str, expected: bool | None) -> None:
    assert admits_all(wider, narrower) is expected


@pytest.mark.parametrize(
    ("pointer", "decides"),
    [
        ("/properties/a/pattern", True),
        ("/properties/a/items/properties/b/pattern", True),
        ("/allOf/0/properties/a/pattern", True),
        ("/properties/a/then/pattern", True),
        ("/not/pattern", False),  # narrowing under not widens
        ("/oneOf/1/pattern", False),  # oneOf is not monotone
        ("/if/properties/a/pattern", False),
        ("/$defs/code/pattern", False),  # referenced from anywhere
        ("/properties/a/contains/pattern", False),  # maxContains
    ],
)
def test_only_monotone_places_decide(pointer: str, decides: bool) -> None:
    assert (changed_patterns([(pointer, "changed")]) is not None) is decides
    assert changed_patterns([(pointer, "changed"), ("/properties/b/maxLength", "changed")]) is None


def _schema(tmp_path: Path, name: str, pattern: str) -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps(
            {
                "$id": f"urn:example:{name}",
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string", "pattern": pattern}},
            }
        )
    )
    return path


def test_a_narrowed_pattern_is_proved_forward_compatible(tmp_path: Path) -> None:
    old = _schema(tmp_path, "v1.json", "^[A-Z0-9]{2,6}$")
    new = _schema(tmp_path, "v2.json", "^[A-Z]{3}$")
    proc = run_cli("compat", str(old), str(new), "-f", "json")
    (backward, forward) = sorted(
        (r["comparison"] for r in json.loads(proc.stdout)["results"]),
        key=lambda c: c["direction"],
    )
    assert (backward["verdict"], forward["verdict"]) == ("no", "yes")
    assert forward["how"] == "proved" and "patterns" in forward["note"]
    example = backward["counterexample"]["payload"]["code"]
    assert _engine("^[A-Z0-9]{2,6}$").is_valid(example)
    assert not _engine("^[A-Z]{3}$").is_valid(example)


def test_what_cannot_be_decided_stays_unknown(tmp_path: Path) -> None:
    """\\S cannot be translated: the forward direction (true, but unprovable here) is
    reported as unknown with its tries, and the gate stays shut."""
    old = _schema(tmp_path, "v1.json", r"^\S{1,5}$")
    new = _schema(tmp_path, "v2.json", "^[A-Z]{1,5}$")
    proc = run_cli("compat", str(old), str(new), "--direction", "forward", "-f", "json")
    assert proc.returncode == 1
    (result,) = json.loads(proc.stdout)["results"]
    record = result["comparison"]
    assert (record["verdict"], record["how"], record["tries"]) == ("unknown", "searched", 300)
    assert result["findings"][0]["message"].startswith("not proven")


def test_an_exponential_automaton_gives_up_in_time_and_stays_unknown() -> None:
    """(a|b)*a(a|b){12} has thousands of states in its automaton: greenery takes minutes, so
    the comparison is stopped and nothing is decided (measured: {8} took 16 s in-process)."""
    import time

    started = time.monotonic()
    assert admits_all("^(a|b)*a(a|b){12}$", "^a{13}$", seconds=1.0) is None
    assert time.monotonic() - started < 10


def test_a_pattern_also_reached_by_a_ref_is_not_decided_by_place() -> None:
    """/properties/code is monotone where it stands, but a $ref under not reaches it too:
    narrowing it there widens the message, so the place does not decide."""
    from interopcheck.compatibility.patterns import covers_by_patterns

    def schema(pattern: str) -> dict[str, Any]:
        return {
            "properties": {"code": {"type": "string", "pattern": pattern}},
            "not": {"properties": {"other": {"$ref": "#/properties/code"}}},
        }

    changed = [("/properties/code/pattern", "changed")]
    wide, narrow = schema("^[A-Z0-9]+$"), schema("^[A-Z]+$")
    assert not covers_by_patterns(wide, narrow, changed)
    del wide["not"], narrow["not"]
    assert covers_by_patterns(wide, narrow, changed)
