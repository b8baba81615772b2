"""The bundled standard against its examples, under both validators (differential test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.checks.schema import SchemaChecker, SchemaSelection
from interopcheck.sources.payloads import read_payloads
from interopcheck.standard.catalog import Catalog
from tests.conftest import EXAMPLES
from tests.oracle import oracle_validator

CATALOG = Catalog.bundled()
MANIFEST = json.loads((EXAMPLES / "invalid-manifest.json").read_text(encoding="utf-8"))
VALID = (
    sorted(EXAMPLES.glob("*/valid/*.json"))
    + sorted(EXAMPLES.glob("journeys/*/*.json"))
    + sorted(EXAMPLES.glob("journeys-broken/*/*.json"))  # broken only across messages
)
INVALID = sorted(EXAMPLES.glob("*/invalid/*.json"))
#: Invalid under the schema; the rest break only a profile rule (tests/test_profiles.py).
SCHEMA_DEFECTS = [m for m in MANIFEST if m["keyword"]]
SCHEMA_INVALID = [EXAMPLES / m["file"] for m in SCHEMA_DEFECTS]
MESSAGE_TYPES = [
    "charge-file",
    "charging-decision",
    "prosecution-case",
    "case-listing",
    "hearing-result",
    "custody-warrant",
    "prison-reception",
    "licence-release",
]


def _entry_for(path: Path):  # type: ignore[no-untyped-def]
    document = json.loads(path.read_text(encoding="utf-8"))
    entry = CATALOG.for_message(document["header"]["messageType"], "1.0")
    assert entry is not None
    return document, entry


def test_every_message_type_has_a_schema_and_valid_and_invalid_examples() -> None:
    assert CATALOG.message_types() == sorted(MESSAGE_TYPES)
    for message_type in MESSAGE_TYPES:
        assert list((EXAMPLES / message_type / "valid").glob("*.json")), message_type
        assert len(list((EXAMPLES / message_type / "invalid").glob("*.json"))) >= 3, message_type


def test_the_journey_has_all_eight_messages_about_one_case() -> None:
    journey = sorted((EXAMPLES / "journeys" / "theft-and-knife").glob("*.json"))
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in journey]
    assert [d["header"]["messageType"] for d in documents] == MESSAGE_TYPES
    assert len({d["header"]["correlationId"] for d in documents}) == 1
    urns = {d.get("ptiUrn") or d.get("case", {}).get("ptiUrn") for d in documents[:7]}
    assert urns == {"01ZD0300124"}


@pytest.mark.parametrize(
    "path",
    VALID + [EXAMPLES / m["file"] for m in MANIFEST if not m["keyword"]],
    ids=lambda p: str(p.relative_to(EXAMPLES)),
)
def test_valid_examples_are_valid_under_both_validators(path: Path) -> None:
    document, entry = _entry_for(path)
    assert CATALOG.validator(entry).is_valid(document)
    oracle_errors = [e.message for e in oracle_validator(CATALOG, entry).iter_errors(document)]
    assert oracle_errors == []


@pytest.mark.parametrize("path", SCHEMA_INVALID, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_invalid_examples_are_invalid_under_both_validators(path: Path) -> None:
    document, entry = _entry_for(path)
    assert not CATALOG.validator(entry).is_valid(document)
    assert list(oracle_validator(CATALOG, entry).iter_errors(document))


def test_manifest_covers_every_invalid_example() -> None:
    assert sorted(m["file"] for m in MANIFEST) == sorted(
        str(p.relative_to(EXAMPLES)) for p in INVALID
    )


@pytest.mark.parametrize("case", SCHEMA_DEFECTS, ids=lambda m: m["file"])
def test_each_invalid_example_reports_its_named_defect(case: dict[str, str]) -> None:
    checker = SchemaChecker(CATALOG, SchemaSelection())
    [payload] = read_payloads(str(EXAMPLES / case["file"]))
    result = checker.check(payload, 0)
    reported = {(f.pointer, f.keyword) for f in result.findings}
    assert (case["pointer"], case["keyword"]) in reported, reported
    # One defect: every finding is about that one place (a format and its pattern may both
    # fire on one value; an if/then may add its own keyword at the same place).
    assert {f.pointer for f in result.findings} == {case["pointer"]}, reported
    assert all(f.line is not None for f in result.findings if f.pointer)
