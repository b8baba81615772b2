"""The official JSON-Schema-Test-Suite against interopcheck: the engine as configured, and every
draft's required tests through the CLI (``interopcheck validate --schema``), as a user runs it.

Every required test of drafts 4, 6, 7, 2019-09 and 2020-12 must agree with the suite, with one
documented family of exceptions: interopcheck asserts ``format`` by default (an exchange
standard's identifiers and dates are formats, and an annotation nobody checks protects nobody),
so draft 2020-12's tests that an invalid format is "only an annotation by default" disagree —
only those, and none with ``--no-assert-formats``. The suite's remote documents are served by
``--ref-map http://localhost:1234/=remotes/``, never fetched; the custom meta-schemas of
``vocabulary.json`` come the same way, and their vocabularies are read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from interopcheck.standard.catalog import compile_validator
from tests.conftest import TEST_DATA, run_cli

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


#: Suite folder -> the ``--draft`` its schemas (most without ``$schema``) are read in.
DRAFTS = {
    "draft4": "4",
    "draft6": "6",
    "draft7": "7",
    "draft2019-09": "2019-09",
    "draft2020-12": "2020-12",
}
#: Required tests per draft at the suite's commit (a smaller number: tests went missing).
REQUIRED_COUNTS = {
    "draft4": 618,
    "draft6": 839,
    "draft7": 927,
    "draft2019-09": 1259,
    "draft2020-12": 1299,
}


def _through_the_cli(
    folder: str, tmp_path: Path, *extra: str
) -> tuple[int, list[tuple[str, str, str]]]:
    """Every required test of one draft, through ``interopcheck validate --schema``: one run
    per test group (its schema in a file, its instances as files), verdicts from report.json."""
    remotes = (SUITE / "remotes").resolve()
    total = 0
    wrong: list[tuple[str, str, str]] = []
    for path in sorted((SUITE / "tests" / folder).glob("*.json")):
        groups: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        for number, group in enumerate(groups):
            where = tmp_path / f"{path.stem}-{number}"
            (where / "data").mkdir(parents=True)
            (where / "schema.json").write_text(json.dumps(group["schema"]), encoding="utf-8")
            for index, test in enumerate(group["tests"]):
                instance = where / "data" / f"{index:03}.json"
                instance.write_text(json.dumps(test["data"]), encoding="utf-8")
            report = where / "report.json"
            proc = run_cli(
                "validate",
                "--schema",
                where / "schema.json",
                where / "data",
                "--draft",
                DRAFTS[folder],
                "--ref-map",
                f"http://localhost:1234/={remotes}/",
                "--format",
                "json",
                "--output",
                report,
                *extra,
            )
            assert proc.returncode in (0, 1), (path.name, group["description"], proc.stderr)
            verdicts = {
                Path(result["source"]).name: result["valid"]
                for result in json.loads(report.read_text(encoding="utf-8"))["results"]
            }
            for index, test in enumerate(group["tests"]):
                total += 1
                if verdicts[f"{index:03}.json"] != test["valid"]:
                    wrong.append((path.name, group["description"], test["description"]))
    return total, wrong


@pytest.mark.parametrize("folder", sorted(DRAFTS))
def test_every_draft_agrees_through_the_cli_without_format_assertion(
    folder: str, tmp_path: Path
) -> None:
    total, wrong = _through_the_cli(folder, tmp_path, "--no-assert-formats")
    assert total == REQUIRED_COUNTS[folder]
    assert wrong == []


@pytest.mark.parametrize("folder", ["draft4", "draft2020-12"])
def test_format_assertion_is_the_one_documented_difference(folder: str, tmp_path: Path) -> None:
    """By default (formats asserted) draft 4 still agrees everywhere (its suite has no
    annotation-only tests), and 2020-12 differs exactly on "only an annotation by default"."""
    total, wrong = _through_the_cli(folder, tmp_path)
    assert total == REQUIRED_COUNTS[folder]
    assert all(w[0] == "format.json" and "only an annotation by default" in w[2] for w in wrong)
    assert len(wrong) == (19 if folder == "draft2020-12" else 0)
