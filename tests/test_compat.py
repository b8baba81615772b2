"""``interopcheck compat``: the bundled 1.0 against the proposed 1.1 in examples/compat (one
change of each kind in its own message type), every counterexample re-checked under both
versions by the python-jsonschema oracle, "unknown" said as such, exit codes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.standard.catalog import Catalog
from tests.conftest import EXAMPLES, run_cli
from tests.oracle import oracle_validator

DRAFT = EXAMPLES / "compat" / "versions" / "1.1"
#: What each change must give (backward, forward). case-listing's narrowed pattern is
#: forward compatible in truth, but regular-expression containment is not decided by the
#: canonical form and no payload can show otherwise: "unknown", never rounded up to "yes".
EXPECTED = {
    "charge-file": ("yes", "no"),  # new optional field
    "charging-decision": ("no", "no"),  # new required field
    "case-listing": ("no", "unknown"),  # narrowed pattern
    "custody-warrant": ("yes", "no"),  # widened enum
    "prison-reception": ("yes", "no"),  # raised maxLength
    "licence-release": ("no", "yes"),  # removed optional field
    "hearing-result": ("no", "no"),  # renamed property
    "prosecution-case": ("yes", "yes"),  # unchanged
}
BOTH = Catalog.bundled([DRAFT])


def _document(*args: str) -> tuple[int, dict[str, Any]]:
    proc = run_cli("compat", *args, "-f", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def bundled_against_draft() -> dict[str, Any]:
    code, document = _document("1.0", str(DRAFT))
    assert code == 1 and document["compatible"] is False
    return document


def test_every_change_kind_gets_its_verdict_in_both_directions(
    bundled_against_draft: dict[str, Any],
) -> None:
    found = {
        entry["messageType"]: (entry["backward"]["verdict"], entry["forward"]["verdict"])
        for entry in bundled_against_draft["messageTypes"]
    }
    assert found == EXPECTED


def _oracle(message_type: str, version: str) -> Any:
    entry = next(
        e for e in BOTH.entries() if e.message_type == message_type and f"/{version}/" in e.uri
    )
    return oracle_validator(BOTH, entry)


def _labelled(payload: Any, version: str) -> Any:
    """The payload with its version label set for ``version`` (the label differs by design)."""
    labelled = copy.deepcopy(payload)
    labelled["header"]["standardVersion"] = version
    return labelled


def test_every_counterexample_is_proved_by_the_oracle_under_both_versions(
    bundled_against_draft: dict[str, Any],
) -> None:
    checked = 0
    for entry in bundled_against_draft["messageTypes"]:
        for direction, (accepts, rejects) in (
            ("backward", ("1.0", "1.1")),
            ("forward", ("1.1", "1.0")),
        ):
            result = entry[direction]
            if result["verdict"] != "no":
                assert "counterexample" not in result
                continue
            payload = result["counterexample"]["payload"]
            message = entry["messageType"]
            assert not list(_oracle(message, accepts).iter_errors(_labelled(payload, accepts)))
            assert list(_oracle(message, rejects).iter_errors(_labelled(payload, rejects)))
            checked += 1
    assert checked == 9


def test_unknown_is_reported_with_how_hard_it_searched(
    bundled_against_draft: dict[str, Any],
) -> None:
    listing = next(
        e for e in bundled_against_draft["messageTypes"] if e["messageType"] == "case-listing"
    )
    assert listing["forward"] == {"verdict": "unknown", "how": "searched", "tries": 300}
    assert any("hearingType/pattern" in d for d in listing["differences"])


def test_exit_codes_follow_the_direction_asked() -> None:
    assert run_cli("compat", "1.0", str(DRAFT), "--type", "prosecution-case").returncode == 0
    assert (
        run_cli("compat", "1.0", str(DRAFT), "--type", "charge-file", "--direction", "backward")
    ).returncode == 0
    proc = run_cli("compat", "1.0", str(DRAFT), "--type", "charge-file", "--direction", "forward")
    assert proc.returncode == 1
    assert "interpreterNeeded" in proc.stdout and "NOT COMPATIBLE" in proc.stdout
    missing = run_cli("compat", "1.0", "no/such/dir")
    assert missing.returncode == 2 and "no/such/dir" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_two_schema_files_of_ones_own(tmp_path: Path) -> None:
    def write(name: str, max_length: int) -> Path:
        path = tmp_path / name
        path.write_text(
            json.dumps(
                {
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$id": f"urn:example:{name}",
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {"name": {"type": "string", "maxLength": max_length}},
                }
            )
        )
        return path

    old, new = write("referral-v1.json", 20), write("referral-v2.json", 35)
    _code, document = _document(str(old), str(new))
    (entry,) = document["messageTypes"]
    assert entry["backward"]["verdict"] == "yes" and entry["forward"]["verdict"] == "no"
    example = entry["forward"]["counterexample"]["payload"]
    assert 20 < len(example["name"]) <= 35


VERSIONS = EXAMPLES / "compat" / "versions"


def test_the_matrix_agrees_with_the_pairwise_verdicts_in_every_format(tmp_path: Path) -> None:
    proc = run_cli("compat", "--matrix", str(VERSIONS), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    matrix = json.loads(proc.stdout)["matrix"]
    assert matrix["versions"] == ["1.0", "1.1"]
    for message_type, (backward, forward) in EXPECTED.items():
        cells = matrix["messageTypes"][message_type]
        assert cells["1.0"]["1.1"] == backward  # a 1.0 sender, a 1.1 receiver
        assert cells["1.1"]["1.0"] == forward  # a 1.1 sender, a 1.0 receiver
        assert cells["1.0"]["1.0"] == cells["1.1"]["1.1"] == "yes"
    markdown = run_cli("compat", "--matrix", str(VERSIONS), "-f", "markdown").stdout
    assert "## charge-file" in markdown and "| 1.1 | **no** | yes |" in markdown
    page = tmp_path / "matrix.html"
    assert (
        run_cli("compat", "--matrix", str(VERSIONS), "-f", "html", "-o", str(page)).returncode == 0
    )
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.tags.append(tag)

    parser = Cells()
    parser.feed(page.read_text())
    assert parser.tags.count("table") == len(EXPECTED) and "script" not in parser.tags


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--matrix", "examples/compat/versions/1.0"], "at least 2 needed"),
        (["--matrix", "no/such/dir"], "needs a directory"),
        (["1.0"], "give OLD and NEW"),
        (["1.0", "1.0", "-f", "html"], "for --matrix"),
    ],
)
def test_compat_mistakes_are_one_line_errors(args: list[str], message: str) -> None:
    proc = run_cli("compat", *args)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_profiles_are_compared_requirement_by_requirement() -> None:
    """justice-scotland extends justice-ew: one MUST added, two lowered to SHOULD, one
    dropped, one re-checked (the age of criminal responsibility)."""
    code, document = _document("justice-ew", "justice-scotland")
    assert code == 1
    profiles = document["profiles"]
    changes = {(r["id"], r["change"]) for r in profiles["requirements"]}
    assert changes == {
        ("SC-001", "added"),
        ("ID-004", "removed"),
        ("CL-007", "level"),
        ("CL-009", "level"),
        ("CF-005", "check"),
    }
    assert profiles["backward"]["verdict"] == "no"
    assert profiles["backward"]["reasons"] == ["SC-001 added at MUST"]
    assert profiles["forward"]["verdict"] == "no"
    assert "ID-004 removed (was MUST)" in profiles["forward"]["reasons"]
    same, unchanged = _document("justice-ew", "justice-ew")
    assert same == 0 and unchanged["profiles"]["requirements"] == []


def test_the_gate_in_markdown_and_junit() -> None:
    from xml.etree import ElementTree as ET

    markdown = run_cli("compat", "1.0", str(DRAFT), "-f", "markdown")
    assert markdown.returncode == 1
    for message_type, (backward, forward) in EXPECTED.items():
        row = next(
            line for line in markdown.stdout.splitlines() if line.startswith(f"| {message_type} |")
        )
        assert row.split(" | ")[1].startswith(backward) and row.split(" | ")[2].startswith(forward)
    junit = run_cli("compat", "1.0", str(DRAFT), "-f", "junit")
    suite = ET.fromstring(junit.stdout.split("\n", 1)[1])
    verdicts = [v for pair in EXPECTED.values() for v in pair]
    assert suite.get("tests") == str(len(verdicts))
    assert suite.get("failures") == str(sum(1 for v in verdicts if v != "yes"))  # unknown fails too
    kinds = sorted(f.get("type") for f in suite.iter("failure"))
    assert kinds.count("unknown") == 1 and kinds.count("no") == 9


def test_a_version_edited_in_place_under_the_same_ids(tmp_path: Path) -> None:
    """A team copies 1.0 and edits it without changing any $id: the two versions must still
    be compared as two (not one shadowing the other)."""
    import shutil

    edited = tmp_path / "next"
    shutil.copytree(EXAMPLES / "compat" / "versions" / "1.0", edited)
    path = edited / "prison-reception.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"]["prison"]["properties"]["name"]["maxLength"] = 120
    path.write_text(json.dumps(schema))
    code, document = _document("1.0", str(edited), "--type", "prison-reception")
    (entry,) = document["messageTypes"]
    assert code == 1
    assert (entry["backward"]["verdict"], entry["forward"]["verdict"]) == ("yes", "no")
    name = entry["forward"]["counterexample"]["payload"]["prison"]["name"]
    assert 80 < len(name) <= 120
