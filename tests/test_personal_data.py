"""Which values count as personal data: read from the standard's ``x-personal-data`` marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interopcheck.standard.catalog import Catalog
from interopcheck.standard.personal import PersonalDataMap
from tests.conftest import run_cli

CATALOG = Catalog.bundled()
PERSONAL = PersonalDataMap(CATALOG.documents())


def _uri(name: str) -> str:
    entry = CATALOG.find(name)
    assert entry is not None
    return entry.uri


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ("charge-file", ["defendants", 0, "asn"]),
        ("charge-file", ["defendants", 0, "person", "name", "familyName"]),
        ("charge-file", ["defendants", 0, "person", "name", "givenNames", 1]),
        ("charge-file", ["defendants", 0, "person", "birthDate"]),
        ("charge-file", ["defendants", 0, "person", "address", "lines", 0]),
        ("charge-file", ["defendants", 0, "offences", 0, "wording"]),
        ("charge-file", ["case", "officerInCase", "name"]),
        ("hearing-result", ["defendant", "offences", 0, "results", 0, "text"]),
        ("licence-release", ["probationPractitioner", "email"]),
        ("licence-release", ["crn"]),
        ("prison-reception", ["nomsNumber"]),
        # Not described by the schema: unknown, so treated as personal.
        ("charge-file", ["defendants", 0, "nickname"]),
        ("charge-file", ["surprise"]),
    ],
)
def test_personal(message: str, path: list[str | int]) -> None:
    assert PERSONAL.is_personal(_uri(message), path)


@pytest.mark.parametrize(
    ("message", "path"),
    [
        ("charge-file", ["header", "sentAt"]),
        ("charge-file", ["header", "sender", "actor"]),
        ("charge-file", ["defendants", 0, "person", "gender"]),
        ("charge-file", ["defendants", 0, "offences", 0, "cjsOffenceCode"]),
        ("charge-file", ["defendants", 0, "custodyStatus"]),
        ("hearing-result", ["defendant", "offences", 0, "plea"]),
        ("hearing-result", ["defendant", "offences", 0, "results", 0, "cjsResultCode"]),
        ("custody-warrant", ["sentence", "offences", 0, "term", "unit"]),
        ("licence-release", ["licence", "licenceType"]),
    ],
)
def test_not_personal(message: str, path: list[str | int]) -> None:
    assert not PERSONAL.is_personal(_uri(message), path)


def test_unknown_schema_is_personal() -> None:
    assert PERSONAL.is_personal("https://nowhere.example/x.json", ["a"])


def _user_schema(tmp_path: Path, marked: bool) -> Path:
    name: dict[str, object] = {"type": "string", "maxLength": 3}
    if marked:
        name["x-personal-data"] = True
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"name": name, "code": {"type": "string", "pattern": "^[A-Z]+$"}},
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    (tmp_path / "payload.json").write_text('{"name": "Alexandra", "code": "abc"}')
    return path


def test_a_user_schema_that_marks_nothing_is_said_once_with_how_to_mark(tmp_path: Path) -> None:
    _user_schema(tmp_path, marked=False)
    proc = run_cli("validate", "--schema", "schema.json", "payload.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Alexandra" not in proc.stdout and '"abc"' not in proc.stdout
    notice = [line for line in proc.stdout.splitlines() if "marks no field" in line]
    assert len(notice) == 1, proc.stdout  # said once, not per value
    assert notice[0].startswith("2 personal values redacted")
    assert "schema.json marks no field as personal data" in notice[0]
    assert '"x-personal-data": true' in notice[0]
    assert str(tmp_path) not in proc.stdout  # the schema named as the user named it
    document = json.loads(
        run_cli(
            "validate", "--schema", "schema.json", "payload.json", "-f", "json", cwd=tmp_path
        ).stdout
    )
    assert document["summary"]["unmarkedSchemas"] == ["schema.json"]


def test_marking_the_personal_fields_shows_the_others(tmp_path: Path) -> None:
    _user_schema(tmp_path, marked=True)
    proc = run_cli("validate", "--schema", "schema.json", "payload.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Alexandra" not in proc.stdout  # marked: redacted
    assert '"abc"' in proc.stdout  # not marked, in a schema that marks: shown
    assert "marks no field" not in proc.stdout
    assert "1 personal value redacted" in proc.stdout
