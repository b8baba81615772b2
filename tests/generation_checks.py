"""Checks shared by the generator's tests and the sampler's: the bundled catalog, a user's own
schema, and "every case is what it claims" for valid and invalid cases (the oracle agrees).
A helper module, not a test module: test modules do not import each other."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs

from interopcheck.generation.cases import CaseGenerator
from interopcheck.generation.strategies import StrategyBuilder
from interopcheck.standard.catalog import Catalog
from interopcheck.validation import ValidationSpec, build_checker
from tests.oracle import oracle_validator

CATALOG = Catalog.bundled()
MESSAGE_TYPES = CATALOG.message_types()
BASE = "https://schemas.interopcheck.org/justice/1.0/"


def check_valid_cases(checker: Any, message_type: str, seed: int, count: int) -> None:
    """``count`` valid cases, each valid for jsonschema-rs, the oracle and the profile."""
    entry = checker.catalog.for_message(message_type, "1.0")
    generator = CaseGenerator(checker, entry, seed=seed)
    generation = generator.valid(count)
    assert len(generation.cases) == count
    oracle = oracle_validator(checker.catalog, entry)
    engine = checker.catalog.validator(entry)
    for case in generation.cases:
        value = json.loads(case.text())  # what a user gets, read back
        assert engine.is_valid(value)
        assert not list(oracle.iter_errors(value)), message_type
        payload_findings = generator.findings(value)
        assert payload_findings == [], [f.message for f in payload_findings]


def check_invalid_cases(message_type: str, seed: int, count: int) -> None:
    """``count`` invalid cases, each failing for the oracle and on the place it claims."""
    checker = build_checker(ValidationSpec())
    entry = checker.catalog.for_message(message_type, "1.0")
    generator = CaseGenerator(checker, entry, seed=seed)
    generation = generator.invalid(count)
    assert len(generation.cases) == count
    oracle = oracle_validator(checker.catalog, entry)
    for case in generation.cases:
        value = json.loads(case.text())
        breaks = case.breaks
        assert breaks is not None
        assert list(oracle.iter_errors(value)), (message_type, breaks)  # the oracle agrees
        findings = generator.findings(value)
        assert any(
            f.pointer == breaks["pointer"] and f.keyword == breaks["keyword"] for f in findings
        ), (breaks, [(f.pointer, f.keyword) for f in findings])


def strategy_for(uri: str) -> Any:
    canonical = jsonschema_rs.canonicalize(
        {"$ref": uri}, registry=CATALOG.registry(), validate_formats=True
    )
    return StrategyBuilder(canonical).root()


OWN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:example:referral",
    "type": "object",
    "required": ["kind", "ref", "tags", "pair", "person"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["bail", "custody"]},
        "ref": {"type": "string", "pattern": "^RF-[0-9]{4}$"},
        "score": {"type": "integer", "minimum": 0, "maximum": 10, "multipleOf": 2},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "tags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "uniqueItems": True,
            "maxItems": 4,
        },
        "pair": {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "integer"}],
            "items": False,
        },
        "person": {"$ref": "#/$defs/person"},
        "when": {"type": "string", "format": "date"},
        "extra": {
            "type": "object",
            "patternProperties": {"^x-": {"type": "boolean"}},
            "additionalProperties": False,
        },
        "note": {"oneOf": [{"type": "string", "maxLength": 5}, {"type": "integer"}]},
    },
    "dependentRequired": {"score": ["ratio"]},
    "if": {"properties": {"kind": {"const": "custody"}}},
    "then": {"required": ["when"]},
    "$defs": {
        "person": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 35},
                "nino": {"type": "string", "format": "nino"},
                "guardian": {"$ref": "#/$defs/person"},
            },
        }
    },
}
