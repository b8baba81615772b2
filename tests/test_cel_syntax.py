"""The one reading of CEL text (checks/cel_syntax.py). The projection read from the tree is
sound: on generated rules and values, evaluating a rule on the projected value gives exactly
what it gives on the whole value. The generator's hints come from the tree: a negated
``inCodelist`` is not a wish, and hints keep the order of the text."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from interopcheck.checks.cel_env import project, projection
from interopcheck.checks.cel_native import EvalError, compile_native, new_env
from interopcheck.checks.cel_syntax import ordered_dates, parse, reads, wanted_codes
from interopcheck.profile.checks import CelCheck
from interopcheck.profile.loader import load_profile

FIELDS = ["a", "b", "c"]
FUNCTIONS = {"size": len, "inCodelist": lambda name, value: value in ("x", 1)}


@st.composite
def _chain(draw: st.DrawFn, root: str) -> str:
    return root + "".join("." + f for f in draw(st.lists(st.sampled_from(FIELDS), max_size=3)))


def _expression(variables: tuple[str, ...]) -> st.SearchStrategy[str]:
    roots = st.sampled_from(("self", *variables))
    reads_a_field = roots.flatmap(lambda r: _chain(r))
    atom = st.one_of(
        reads_a_field.map(lambda c: f"{c} == 1"),
        reads_a_field.map(lambda c: f"{c} in [1, 'x']"),
        reads_a_field.map(lambda c: f"inCodelist('l', {c})"),
        st.tuples(roots, st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2)).map(
            lambda t: f"has({t[0]}.{'.'.join(t[1])})"
        ),
        st.just("true"),
    )
    if len(variables) < 2:
        name = f"v{len(variables)}"
        atom = st.one_of(
            atom,
            st.tuples(
                reads_a_field,
                st.sampled_from(["all", "exists", "exists_one"]),
                st.deferred(lambda: _expression((*variables, name))),
            ).map(lambda t: f"{t[0]}.{t[1]}({name}, {t[2]})"),
        )
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["&&", "||"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"!({e})"),
        ),
        max_leaves=4,
    )


VALUES = st.recursive(
    st.sampled_from([1, "x", "y", None, True]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3)
    ),
    max_leaves=12,
)


def _outcome(expression: str, value: Any) -> tuple[str, Any]:
    try:
        return "value", compile_native(expression, FUNCTIONS)(new_env(value))
    except EvalError:
        return "error", None


@settings(max_examples=400)
@given(_expression(()), VALUES)
# each reading rule at least once, whatever is drawn: a macro whose body ignores its variable
# (the list is still read), a bare macro variable, a key's presence, an outer variable inside
# an inner macro
@example("(self.b == 1 || self.a.all(v0, true))", {"a": [], "b": 2})
@example("(self.b == 1 || self.exists_one(v0, true))", {"a": 1, "b": 2})
@example("self.a.exists_one(v0, v0 == 1)", {"a": [1, 1, {"b": 1}]})
@example("has(self.a.b)", {"a": {"b": None, "c": 1}})
@example("self.a.all(v0, v0.b.exists(v1, v1 == v0.c))", {"a": [{"b": [1], "c": 1}]})
def test_a_rule_on_its_projection_answers_as_on_the_whole_value(
    expression: str, value: Any
) -> None:
    trie = projection(expression)
    assert _outcome(expression, project(value, trie)) == _outcome(expression, value)


def test_reading_self_whole_binds_the_whole_value() -> None:
    assert projection("size(self) > 1") is None
    assert projection("self.a.all(x, x == 1) && self.b.c == 1") == {"a": {"*": {}}, "b": {"c": {}}}
    assert reads(parse("has(self.a.b)")) == [("a", "b")]


#: The regular expressions the generator read CEL with before the syntax tree: the reference
#: where the two must agree (every bundled rule).
_LISTED = re.compile(r"(?<![!\w])inCodelist\(\s*'([\w-]+)'\s*,\s*self\.([\w.]+)\s*\)")
_ORDERED = re.compile(
    r"(?:day|instant)\(\s*self\.([\w.]+)\s*\)\s*<=\s*(?:day|instant)\(\s*self\.([\w.]+)\s*\)"
)


def test_the_hints_agree_with_the_old_reading_on_every_bundled_rule() -> None:
    compared = 0
    for name in ("justice-ew", "justice-scotland"):
        for requirement in load_profile(name).requirements:
            if not isinstance(requirement.check, CelCheck):
                continue
            tree = parse(requirement.check.cel)
            listed = [(n, tuple(p.split("."))) for n, p in _LISTED.findall(requirement.check.cel)]
            assert wanted_codes(tree) == listed, requirement.id
            ordered = [
                (tuple(a.split(".")), tuple(b.split(".")))
                for a, b in _ORDERED.findall(requirement.check.cel)
            ]
            assert ordered_dates(tree) == ordered, requirement.id
            compared += 1
    assert compared >= 20


def test_a_denied_code_is_not_a_wish_and_hints_keep_the_texts_order() -> None:
    tree = parse("!(self.x == 1 && inCodelist('a', self.p)) || inCodelist('b', self.q.r)")
    assert wanted_codes(tree) == [("b", ("q", "r"))]
    tree = parse("day(self.b) <= day(self.c) && instant(self.a) <= day(self.b)")
    assert ordered_dates(tree) == [(("b",), ("c",)), (("a",), ("b",))]
