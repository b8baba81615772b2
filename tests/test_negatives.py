"""Negatives by coverage and by rule (generation/negatives.py), and the largest valid case
(generation/boundaries.py), on the bundled examples and a real API document's schema: each
case held to python-jsonschema (the oracle) for what the schema says, and to the checker for
what the profile says."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interopcheck.generation.boundaries import SIZE_CAP, largest, size_of
from interopcheck.generation.negatives import ORDER, covering, unlisted_like
from interopcheck.sources.payloads import Payload
from interopcheck.validation import ValidationSpec, build_checker
from tests.oracle import oracle_validator

ROOT = Path(__file__).resolve().parent.parent
CHECKER = build_checker(ValidationSpec(profile="justice-ew"))
INTAKE = build_checker(
    ValidationSpec(profile=str(Path(__file__).parent / "data" / "intake-api" / "profile.yaml"))
)


def _example(message_type: str) -> Any:
    folder = ROOT / "examples" / message_type / "valid"
    return json.loads(sorted(folder.glob("*.json"))[0].read_text(encoding="utf-8"))


@given(
    st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8),
    st.sets(st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8)),
)
def test_an_unlisted_code_has_the_shape_of_the_one_it_replaces(code: str, listed: set[str]) -> None:
    other = unlisted_like(code, listed)
    if other is None:  # only when every code one character away is listed
        return
    assert other not in listed and other != code and len(other) == len(code)
    for a, b in zip(code, other, strict=True):
        assert a.isdigit() == b.isdigit() and a.isupper() == b.isupper()


def test_every_pair_is_covered_once_in_a_testers_order_and_is_invalid_for_the_oracle() -> None:
    typed = CHECKER.for_type("prosecution-case")
    entry = CHECKER.catalog.for_message("prosecution-case", None)
    assert typed is not None and entry is not None
    base = _example("prosecution-case")
    made, coverage = covering(typed, entry, [base], limit=10_000)
    pairs = [n.breaks["pair"] for n in made]
    assert len(pairs) == len(set(pairs)) == coverage.planned
    assert coverage.planned + coverage.not_breaking == coverage.pairs and coverage.over_limit == 0
    # every required property of the base is left out once, and those come first
    dropped = [p for p in pairs if " drop-required " in p]
    assert pairs[: len(dropped)] == dropped and len(dropped) > 20
    ranks = [ORDER.index(p.split(" ")[1]) for p in pairs]
    assert ranks == sorted(ranks)
    oracle = oracle_validator(CHECKER.catalog, entry)
    for negative in made:
        assert list(oracle.iter_errors(negative.value)), negative.breaks["pair"]


def test_a_limit_keeps_the_first_pairs_and_counts_the_rest() -> None:
    typed = CHECKER.for_type("prosecution-case")
    entry = CHECKER.catalog.for_message("prosecution-case", None)
    assert typed is not None and entry is not None
    made, coverage = covering(typed, entry, [_example("prosecution-case")], limit=5)
    assert len(made) == 5 and coverage.over_limit == coverage.pairs - 5 - coverage.not_breaking
    assert all(" drop-required " in n.breaks["pair"] for n in made)


def test_the_largest_case_is_valid_for_the_oracle_and_within_the_cap() -> None:
    for checker, message_type in ((CHECKER, "charge-file"), (INTAKE, "ChargeFile")):
        typed = checker.for_type(message_type)
        entry = checker.catalog.for_message(message_type, None)
        assert typed is not None and entry is not None
        base = (
            _example(message_type)
            if checker is CHECKER
            else {
                "caseUrn": "01AB1234567",
                "submittedOn": "2024-05-02",
                "defendant": {
                    "familyName": "Smith",
                    "givenNames": ["Jo"],
                    "dateOfBirth": "1990-01-01",
                    "pncId": "2019/0073319H",
                },
                "charges": [
                    {
                        "sequence": 1,
                        "offenceCode": "TH68001",
                        "committedOn": "2024-05-01",
                        "wording": "Stole a bicycle.",
                    }
                ],
            }
        )
        assert not typed.check(Payload(source="t", syntax="json", value=base), 0).findings
        grown = largest(typed, entry, base)
        assert grown is not None and size_of(base) < grown.size <= SIZE_CAP
        assert not list(oracle_validator(checker.catalog, entry).iter_errors(grown.value))
        assert not typed.check(Payload(source="t", syntax="json", value=grown.value), 0).findings
    # the intake's charges at maxItems (20), each wording at maxLength (2,000)
    assert len(grown.value["charges"]) == 20
    assert {len(c["wording"]) for c in grown.value["charges"]} == {2000}


def test_a_rule_on_an_optional_identifier_is_broken_even_where_the_case_lacks_it() -> None:
    """The referral profile's PNC ID is optional and declared by pattern: a case without one
    gets one added, well formed with the wrong check letter, which breaks REF-002 alone."""
    from interopcheck.generation.negatives import aimed

    checker = build_checker(
        ValidationSpec(profile=str(ROOT / "examples" / "own-api" / "profile.yaml"))
    )
    typed = checker.for_type("Referral")
    assert typed is not None
    base = {
        "referralId": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        "referredOn": "2024-03-02",
        "youngPerson": {"familyName": "Ng", "givenNames": ["Li"], "dateOfBirth": "2009-01-01"},
        "offence": {"cjsCode": "TH68001", "committedOn": "2024-03-01"},
    }
    assert not typed.check(Payload(source="t", syntax="json", value=base), 0).findings
    made, aimable, broken = aimed(typed, "Referral", [base])
    assert aimable == ("REF-002", "REF-003") and broken == aimable
    added = [n for n in made if n.breaks["requirement"] == "REF-002"]
    assert added and "pncId" in added[0].value["youngPerson"]
    findings = typed.check(Payload(source="t", syntax="json", value=added[0].value), 0).findings
    assert {f.requirement for f in findings} == {"REF-002"}
    # the schema itself (its pattern) accepts the case: only the profile's rule refuses it
    entry = checker.catalog.for_message("Referral", None)
    assert entry is not None
    assert not list(oracle_validator(checker.catalog, entry).iter_errors(added[0].value))


def test_a_rule_over_a_lists_items_is_broken_by_an_item_twice() -> None:
    """CF-006 (offence sequence numbers unique within a defendant's charges, a CEL uniqueBy):
    the first offence twice breaks it, and nothing else."""
    from interopcheck.generation.negatives import aimed

    typed = CHECKER.for_type("prosecution-case")
    assert typed is not None
    made, aimable, broken = aimed(typed, "prosecution-case", [_example("prosecution-case")])
    assert "CF-006" in aimable and "CF-006" in broken
    twice = next(n for n in made if n.breaks["requirement"] == "CF-006")
    assert "its first item twice" in twice.breaks["description"]
    findings = typed.check(Payload(source="t", syntax="json", value=twice.value), 0).findings
    assert {f.requirement for f in findings} == {"CF-006"}
