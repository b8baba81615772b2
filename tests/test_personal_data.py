"""Which values count as personal data: read from the standard's ``x-personal-data`` marks."""

from __future__ import annotations

import pytest

from interopcheck.standard.catalog import Catalog
from interopcheck.standard.personal import PersonalDataMap

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
