"""The native evaluator against the CEL engine: for every bundled rule, on generated values
shaped like what the rule reads (missing fields, wrong types, dates in and out of order), both
give the same value or both cannot evaluate. Also the engine's own corner cases, one by one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interopcheck.checks.cel_env import CelEvaluator, RuleError, Trie, projection
from interopcheck.checks.cel_native import EvalError, Unsupported, compile_native
from interopcheck.profile.checks import CelCheck, RequiresCheck
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.loader import load_profile

PROFILE = load_profile("justice-ew")
CODELISTS = CodelistStore(PROFILE.codelists)
ENGINE = CelEvaluator(CODELISTS)
RULES = [(r.id, r.check.cel) for r in PROFILE.requirements if isinstance(r.check, CelCheck)] + [
    (r.id, r.check.after_cel)
    for r in PROFILE.requirements
    if isinstance(r.check, RequiresCheck) and r.check.after_cel is not None
]

LEAVES = st.one_of(
    st.sampled_from(
        ["2024-02-29", "2023-01-01", "2023-01-01T10:00:00Z", "2023-01-01T09:00:00+01:00"]
    ),
    st.sampled_from(
        ["G", "NA", "PR", "PB", "ADM", "B01EF00", "B01EF01", "1002", "court", "police"]
    ),
    st.sampled_from([1002, 1015, 1, 2, 10, 1015.0, True, False, None]),
    st.dates().map(str),
    st.text(max_size=3),
)


def _value(trie: Trie | None) -> st.SearchStrategy[Any]:
    """Maps with the fields the rule reads (each sometimes missing or of another shape)."""
    if not trie:
        return LEAVES
    fields = {
        name: (st.lists(_value(sub["*"]), max_size=3) if "*" in sub else _value(sub))
        for name, sub in trie.items()
        if name != "*"
    }
    return st.one_of(
        st.fixed_dictionaries({}, optional=fields),
        st.fixed_dictionaries(fields),
        LEAVES,
    )


def _engine(expression: str, value: Any) -> tuple[str, Any]:
    rule = ENGINE.compile(expression, "T", "test")
    try:
        return "value", ENGINE.evaluate_with_engine(rule, value)
    except RuleError:
        return "error", None


def _native(expression: str, value: Any) -> tuple[str, Any]:
    evaluator = compile_native(expression, ENGINE.raw_functions)
    try:
        return "value", evaluator({"self": value})
    except EvalError:
        return "error", None


@pytest.mark.parametrize(("rule_id", "expression"), RULES, ids=[r for r, _ in RULES])
def test_every_bundled_rule_gives_the_engines_answer(rule_id: str, expression: str) -> None:
    compile_native(expression, ENGINE.raw_functions)  # every bundled rule is in the subset
    trie = projection(expression)

    @settings(max_examples=150)
    @given(_value(trie))
    def same(value: Any) -> None:
        assert _native(expression, value) == _engine(expression, value), value

    same()


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("self.a == 1", {"a": 1.0}),
        ("self.a == 1", {"a": True}),
        ("self.a == '1'", {"a": 1}),
        ("self.a < 2", {"a": 1.5}),
        ("self.a < 'b'", {"a": 1}),
        ("self.a && true", {"a": 1}),
        ("false && self.x", {}),
        ("self.x && false", {}),
        ("self.x || true", {}),
        ("self.x || false", {}),
        ("has(self.a.b)", {}),
        ("has(self.a.b)", {"a": 1}),
        ("has(self.a)", {"a": None}),
        ("self.a in ['G', 1]", {"a": 1.0}),
        ("self.l.all(x, x > 1)", {"l": [2, "a"]}),
        ("self.l.all(x, x > 1)", {"l": [0, "a"]}),
        ("self.l.exists(x, x > 1)", {"l": ["a", 2]}),
        ("self.l.exists_one(x, x == 1)", {"l": [1, 1]}),
        ("self.l.all(x, x > 1)", {"l": "abc"}),
        ("self.a == [1]", {"a": [1.0]}),
        ("!self.a", {"a": 1}),
        ("self.a == null", {"a": None}),
        ("self.a != 1015", {"a": "1015"}),
        ("self.m.exists(k, k == 'x')", {"m": {"x": 1}}),
    ],
)
def test_the_engines_corner_cases(expression: str, value: Any) -> None:
    assert _native(expression, value) == _engine(expression, value)


def test_what_is_outside_the_subset_goes_to_the_engine() -> None:
    for expression in ("size(self.a) > 1", "self.a + 1 == 2", "self.a[0] == 1", "1.5 < self.a"):
        with pytest.raises(Unsupported):
            compile_native(expression, ENGINE.raw_functions)
