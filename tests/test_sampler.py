"""The fast sampler (generate/sampler.py): the same strategies drawn without Hypothesis's
bookkeeping. Held to the same properties as Hypothesis's cases: valid ones are valid for
jsonschema-rs, the python-jsonschema oracle and the profile; invalid ones fail on what they
claim; the edges are reached; a seed gives the same values. Each test here runs the sampler
alone (Hypothesis's share of a request set to 0)."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import strategies as st

from interopcheck.generation import cases
from interopcheck.generation.cases import CaseGenerator
from interopcheck.generation.sampler import FastData, Rejected
from interopcheck.standard.formats import JUSTICE_FORMATS
from interopcheck.validation import ValidationSpec, build_checker
from tests.generation_checks import (
    BASE,
    MESSAGE_TYPES,
    OWN_SCHEMA,
    check_invalid_cases,
    check_valid_cases,
    strategy_for,
)
from tests.oracle import format_checker


@pytest.fixture(autouse=True)
def sampler_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cases, "HYPOTHESIS_FIRST", 0)
    yield


@pytest.fixture(scope="module")
def profiled() -> Any:
    return build_checker(ValidationSpec(profile="justice-ew"))


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_sampled_valid_cases_are_valid_for_both_validators_and_the_profile(
    message_type: str, profiled: Any
) -> None:
    check_valid_cases(profiled, message_type, seed=3, count=40)


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_sampled_invalid_cases_fail_on_the_constraint_they_claim(message_type: str) -> None:
    check_invalid_cases(message_type, seed=8, count=10)


def _samples(strategy: Any, count: int = 2000, seed: int = 0) -> list[Any]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        try:
            found.append(FastData(rng).draw(strategy))
        except Rejected:
            continue
    return found


def test_the_sampler_reaches_the_edges_of_real_data() -> None:
    names = _samples(strategy_for(BASE + "person.schema.json#/$defs/name"))
    assert any("'" in n["familyName"] for n in names)
    assert any(len(n["familyName"]) == 35 for n in names)
    assert any(
        d.endswith("-02-29")
        for d in _samples(strategy_for(BASE + "common.schema.json#/$defs/date"))
    )
    asns = _samples(strategy_for(BASE + "identifiers.schema.json#/$defs/asn"))
    assert all(JUSTICE_FORMATS["asn"](a) for a in asns)
    assert any(not a[2:4].isdigit() for a in asns)  # a force code with letters


def test_a_users_own_schema_through_the_sampler(tmp_path: Path) -> None:
    schema = tmp_path / "referral.schema.json"
    schema.write_text(json.dumps(OWN_SCHEMA))
    checker = build_checker(ValidationSpec(schema_file=schema))
    entry = checker.selection.fixed
    generation = CaseGenerator(checker, entry, seed=4).valid(60)
    assert len(generation.cases) == 60
    oracle = jsonschema.Draft202012Validator(OWN_SCHEMA, format_checker=format_checker())
    values = [case.value for case in generation.cases]
    for value in values:
        assert not list(oracle.iter_errors(value)), value
    assert any(v["kind"] == "custody" for v in values) and any("score" in v for v in values)
    assert any("guardian" in v["person"] for v in values)  # recursion, cut at its bound


def test_the_same_seed_samples_the_same_values_and_another_seed_others() -> None:
    checker = build_checker(ValidationSpec())
    entry = checker.catalog.for_message("hearing-result", "1.0")
    first = [c.text() for c in CaseGenerator(checker, entry, seed=21).valid(30).cases]
    again = [c.text() for c in CaseGenerator(checker, entry, seed=21).valid(30).cases]
    other = [c.text() for c in CaseGenerator(checker, entry, seed=22).valid(30).cases]
    assert first == again
    assert first != other


def test_kinds_the_sampler_does_not_read_are_drawn_by_hypothesis() -> None:
    values = _samples(st.floats(min_value=0.25, max_value=0.5), count=50)
    assert len(values) == 50 and all(0.25 <= v <= 0.5 for v in values)
    assert _samples(st.nothing(), count=5) == []  # nothing to draw: rejected, not invented
