"""The schema check's own wording: every error kind explained, never leaking the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.checks.schema import SchemaChecker, SchemaSelection
from interopcheck.sources.payloads import read_payloads
from interopcheck.standard.catalog import Catalog

SECRET = "Zebedee-O'Secret"

KEYWORDS: list[tuple[dict, object, str]] = [  # type: ignore[type-arg]
    ({"type": "integer"}, SECRET, "wrong type"),
    ({"enum": ["A", "B"]}, SECRET, "allowed codes"),
    ({"const": "A"}, SECRET, "required value"),
    ({"format": "date"}, SECRET, "full-date"),
    ({"pattern": "^[0-9]+$"}, SECRET, "pattern"),
    ({"maxLength": 3}, SECRET, "too long"),
    ({"minLength": 30}, SECRET, "too short"),
    ({"not": {"type": "string"}}, SECRET, "forbids"),
    ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, SECRET, "none of the allowed"),
    ({"oneOf": [{"type": "string"}, {"minLength": 1}]}, SECRET, "more than one"),
    ({"maxItems": 1}, [SECRET, SECRET], "too many items"),
    ({"uniqueItems": True}, [SECRET, SECRET], "unique"),
    ({"contains": {"type": "integer"}}, [SECRET], "no item"),
    ({"maxProperties": 0}, {SECRET: SECRET}, "too many properties"),
    ({"additionalProperties": False}, {"nickname": SECRET}, "not allowed"),
    ({"required": ["x"]}, {"y": SECRET}, "missing"),
    (False, SECRET, "no value is allowed"),
]


@pytest.mark.parametrize(("schema", "value", "words"), KEYWORDS, ids=lambda x: str(x)[:30])
def test_each_keyword_gets_words_and_the_value_stays_out_of_them(
    tmp_path: Path, schema: object, value: object, words: str
) -> None:
    schema_file = tmp_path / "s.schema.json"
    schema_file.write_text(json.dumps({"properties": {"p": schema}}))
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"p": value}))
    catalog = Catalog.bundled()
    checker = SchemaChecker(catalog, SchemaSelection(fixed=catalog.add_user_schema(schema_file)))
    [item] = read_payloads(str(payload))
    result = checker.check(item, 0)
    assert result.findings
    text = " ".join(f"{f.message} {f.expected or ''}" for f in result.findings)
    assert words in text
    assert "Secret" not in text
    for finding in result.findings:
        assert finding.line is not None
        shown = finding.shown_value(show_personal_data=False)
        # This schema marks nothing as personal, so everything in it counts as personal.
        assert shown is None or "Secret" not in shown


def test_values_are_shown_only_where_the_schema_says_they_are_not_personal(tmp_path: Path) -> None:
    schema_file = tmp_path / "marked.schema.json"
    schema_file.write_text(
        json.dumps(
            {
                "properties": {
                    "name": {"type": "integer", "x-personal-data": True},
                    "code": {"type": "integer"},
                }
            }
        )
    )
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"name": SECRET, "code": "X1"}))
    catalog = Catalog.bundled()
    checker = SchemaChecker(catalog, SchemaSelection(fixed=catalog.add_user_schema(schema_file)))
    [item] = read_payloads(str(payload))
    shown = {f.pointer: f.shown_value(False) for f in checker.check(item, 0).findings}
    assert shown == {"/name": "<redacted: string, 16 chars>", "/code": '"X1"'}
