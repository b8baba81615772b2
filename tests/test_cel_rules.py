"""CEL rules: binding only the fields a rule reads gives the rule's own answer (differential),
and the helper functions behave on the standard's values."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interopcheck.checks.cel_env import (
    CelBatch,
    CelEvaluator,
    RuleError,
    merge,
    project,
    projection,
    projector,
)
from interopcheck.checks.pointers import resolve
from interopcheck.profile.checks import CelCheck
from interopcheck.profile.codelists import CodelistStore
from interopcheck.profile.loader import load_profile
from tests.conftest import EXAMPLES

DOCUMENTS = [
    json.loads(p.read_text(encoding="utf-8"))
    for p in sorted(EXAMPLES.rglob("*.json"))
    if "manifest" not in p.name
]


def _outcome(evaluator: CelEvaluator, rule, value):  # type: ignore[no-untyped-def]
    try:
        return ("value", evaluator.evaluate_with_engine(rule, value))
    except RuleError:
        return ("error", None)


@pytest.mark.parametrize("profile_name", ["justice-ew", "justice-scotland"])
def test_projected_binding_gives_the_same_answer_as_the_whole_value(profile_name: str) -> None:
    profile = load_profile(profile_name)
    codelists = CodelistStore(profile.codelists)
    whole, projected = CelEvaluator(codelists), CelEvaluator(codelists)
    compared = 0
    for requirement in profile.requirements:
        check = requirement.check
        if not isinstance(check, CelCheck):
            continue
        rule = whole.compile(check.cel, requirement.id, "test")
        # The production path: a batch (here of one) bound to the rule's projection.
        batch = CelBatch([rule], projection(check.cel))
        for document in DOCUMENTS:
            message_type = document.get("header", {}).get("messageType")
            for pointer in check.at.get(message_type, ()):
                for _, value in resolve(document, pointer):
                    expected = _outcome(whole, rule, value)
                    try:
                        got = ("value", projected.evaluate_in_batch(batch, rule, value))
                    except RuleError:
                        got = ("error", None)
                    assert got == expected, (requirement.id, pointer)
                    compared += 1
    assert compared > 200


def test_a_batch_gives_each_rule_its_own_answer_even_when_one_fails() -> None:
    evaluator = CelEvaluator(CodelistStore({}))
    rules = [
        evaluator.compile("self.a == 1", "T-1", "test"),
        evaluator.compile("self.b + 1 == 2", "T-2", "test"),  # b is a string: a type error
        evaluator.compile("self.a > 5", "T-3", "test"),
    ]
    batch = CelBatch(rules, merge([projection(r.expression) for r in rules]))
    value = {"a": 1, "b": "x", "c": "unused"}
    assert evaluator.evaluate_in_batch(batch, rules[0], value) is True
    with pytest.raises(RuleError):
        evaluator.evaluate_in_batch(batch, rules[1], value)
    assert evaluator.evaluate_in_batch(batch, rules[2], value) is False


def test_only_true_is_a_pass() -> None:
    """The fast path tests a batch's results by identity with its ``passing`` tuple: a rule
    that gives 1 (equal to True in Python) or a type error must not be taken for a pass."""
    evaluator = CelEvaluator(CodelistStore({}))
    rules = [
        evaluator.compile("self.a == 1", "T-1", "test"),
        evaluator.compile("self.a", "T-2", "test"),
    ]
    batch = CelBatch(rules, merge([projection(r.expression) for r in rules]))
    assert evaluator.batch_results(batch, {"a": 1}) is not batch.passing
    assert (
        evaluator.batch_results(batch, {"a": True}) is not batch.passing
    )  # CEL: true == 1 is not true
    one = CelBatch(rules[:1], projection(rules[0].expression))
    assert evaluator.batch_results(one, {"a": 1}) is one.passing
    assert evaluator.batch_results(one, {"a": 1}) is one.passing  # remembered, still identical
    assert evaluator.batch_results(one, {"a": 2}) is not one.passing


def test_projection_reads_fields_through_macros() -> None:
    trie = projection(
        "self.defendant.offences.exists(o, o.results.exists(r, r.cjsResultCode == 1002))"
    )
    assert trie == {"defendant": {"offences": {"*": {"results": {"*": {"cjsResultCode": {}}}}}}}
    assert projection("size(self) > 0") is None
    assert projection("self.a[0] == 1") is None
    value = {"defendant": {"offences": [{"results": [{"cjsResultCode": 1002, "text": "x"}]}]}}
    assert project(value, trie) == {
        "defendant": {"offences": [{"results": [{"cjsResultCode": 1002}]}]}
    }


def test_helpers_on_dates_and_ages() -> None:
    evaluator = CelEvaluator(CodelistStore({}))
    rule = evaluator.compile("ageOn(self.born, self.on)", "T-1", "test")
    assert evaluator.evaluate(rule, {"born": "1988-02-29", "on": "2024-02-28"}) == 35
    assert evaluator.evaluate(rule, {"born": "1988-02-29", "on": "2024-02-29"}) == 36
    order = evaluator.compile("instant(self.a) < instant(self.b)", "T-2", "test")
    # 10:30 in London in summer is 09:30 UTC: earlier than 10:00 UTC.
    assert evaluator.evaluate(
        order, {"a": "2024-07-01T10:30:00+01:00", "b": "2024-07-01T10:00:00Z"}
    )
    with pytest.raises(RuleError, match="ageOn"):
        evaluator.evaluate(rule, {"born": "1988-02-30", "on": "2024-01-01"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "*", "c"]), children, max_size=3)
    ),
    max_leaves=12,
)
tries = st.recursive(
    st.just({}),
    lambda children: st.dictionaries(st.sampled_from(["a", "b", "*"]), children, max_size=3),
    max_leaves=8,
)


@given(json_values, tries)
def test_the_specialised_projector_equals_project(value: object, trie: dict) -> None:  # type: ignore[type-arg]
    assert projector(trie)(value) == project(value, trie)
