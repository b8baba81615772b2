"""The engine, configured exactly as interopcheck uses it, against the official test suite.

Every required draft 2020-12 test must agree with the suite, with one documented family of
exceptions: interopcheck asserts ``format`` (an exchange standard's identifiers and dates are
formats, and an annotation nobody checks protects nobody), so the suite's tests that an invalid
format is "only an annotation by default" are expected to disagree — and only those.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from interopcheck.standard.catalog import compile_validator
from tests.conftest import TEST_DATA

SUITE = TEST_DATA / "JSON-Schema-Test-Suite"
REQUIRED = sorted((SUITE / "tests" / "draft2020-12").glob("*.json"))
#: The formats the bundled standard uses; their optional tests must all pass.
STANDARD_FORMATS = ["date.json", "date-time.json", "email.json"]


def _registry() -> jsonschema_rs.Registry:
    remotes = SUITE / "remotes"
    resources = []
    for path in sorted(remotes.rglob("*.json")):
        relative = path.relative_to(remotes).as_posix()
        # Other drafts' remotes and the unreleased "v1" meta-schema are not 2020-12 material.
        if relative.startswith(("draft", "v1/")) and not relative.startswith("draft2020-12/"):
            continue
        resources.append((f"http://localhost:1234/{relative}", json.loads(path.read_text())))
    return jsonschema_rs.Registry(resources)


def _disagreements(files: list[Path]) -> tuple[int, list[tuple[str, str, str]]]:
    registry = _registry()
    total = 0
    wrong: list[tuple[str, str, str]] = []
    for path in files:
        groups: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        for group in groups:
            validator = compile_validator(group["schema"], None, path.name, registry)
            for test in group["tests"]:
                total += 1
                if validator.is_valid(test["data"]) != test["valid"]:
                    wrong.append((path.name, group["description"], test["description"]))
    return total, wrong


def test_required_suite_agrees_except_format_assertion() -> None:
    total, wrong = _disagreements(REQUIRED)
    assert total > 1200
    unexpected = [
        w for w in wrong if not (w[0] == "format.json" and "only an annotation by default" in w[2])
    ]
    assert unexpected == []
    # The exceptions are exactly the format-annotation tests, one per format in the suite.
    assert len(wrong) == 19


@pytest.mark.parametrize("name", STANDARD_FORMATS)
def test_optional_format_tests_pass_for_formats_the_standard_uses(name: str) -> None:
    total, wrong = _disagreements([SUITE / "tests" / "draft2020-12" / "optional" / "format" / name])
    assert total > 0
    assert wrong == []
