"""The probe's plan: the same seed plans the same exchanges, and drawing them again in one
process (the Python API, the pytest plugin) reuses the cases drawn, untouched by what the
first plan's user did to its own copy."""

from __future__ import annotations

from typing import Any

import pytest

from interopcheck.generation import cases
from interopcheck.probing import plan as planning
from interopcheck.probing.plan import Planner, PlanOptions
from interopcheck.validation import ValidationSpec, build_checker


def _planned(seed: int) -> list[tuple[str, str, Any]]:
    checker = build_checker(ValidationSpec(profile="justice-ew"))
    assert checker.rules is not None and checker.rules.profile.api is not None
    endpoints = checker.rules.profile.api.for_actor("court")
    exchanges = Planner(checker, PlanOptions(max_examples=2, seed=seed)).plan(endpoints)
    return [(e.endpoint.id, e.kind, e.value) for e in exchanges]


def test_the_same_seed_plans_the_same_exchanges_and_draws_them_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planning._DRAWN.clear()
    made: list[int] = []
    real = cases.CaseGenerator

    class Counted(real):  # type: ignore[misc, valid-type]
        """The real generator, counted (the count is what this test is about)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(cases, "CaseGenerator", Counted)
    first = _planned(seed=3)
    drawn = len(made)
    assert drawn > 0 and any(kind == "generated" for _, kind, _ in first)
    for _, _, value in first:  # the first plan's user changes its own bodies...
        if isinstance(value, dict):
            value["tampered"] = True
    again = _planned(seed=3)
    assert len(made) == drawn  # ...drawn once
    assert all(not (isinstance(v, dict) and "tampered" in v) for _, _, v in again)
    planning._DRAWN.clear()
    fresh = _planned(seed=3)
    assert len(made) == 2 * drawn
    assert [(e, k, v) for e, k, v in fresh] == [(e, k, v) for e, k, v in again]
    other = _planned(seed=4)
    assert [v for _, k, v in other if k == "generated"] != [
        v for _, k, v in fresh if k == "generated"
    ]
