"""``interopcheck compat``: the bundled 1.0 against the proposed 1.1 in examples/compat (one
change of each kind in its own message type), every counterexample re-checked under both
versions by the python-jsonschema oracle, "unknown" said as such, exit codes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.sources.yaml_text import parse_yaml
from interopcheck.standard.catalog import Catalog
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.oracle import oracle_validator

DRAFT = EXAMPLES / "compat" / "versions" / "1.1"
#: What each change must give (backward, forward). case-listing's narrowed pattern is
#: forward compatible: the canonical form cannot decide regular-expression containment and no
#: payload can show it, so it is proved on the two patterns' automata (compat/patterns.py).
EXPECTED = {
    "charge-file": ("yes", "no"),  # new optional field
    "charging-decision": ("no", "no"),  # new required field
    "case-listing": ("no", "yes"),  # narrowed pattern
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


def _by_type(document: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """message type -> direction -> the result's comparison record."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for result in document["results"]:
        record = result["comparison"]
        found.setdefault(result["messageType"], {})[record["direction"]] = record
    return found


def _verdicts(records: dict[str, dict[str, Any]]) -> tuple[str, str]:
    return records["backward"]["verdict"], records["forward"]["verdict"]


@pytest.fixture(scope="module")
def bundled_against_draft() -> dict[str, Any]:
    code, document = _document("1.0", str(DRAFT))
    assert code == 1 and document["conformant"] is False
    return document


def test_every_change_kind_gets_its_verdict_in_both_directions(
    bundled_against_draft: dict[str, Any],
) -> None:
    found = {t: _verdicts(records) for t, records in _by_type(bundled_against_draft).items()}
    assert found == EXPECTED
    outcomes = {r["id"]: r["outcome"] for r in bundled_against_draft["requirements"]}
    for message_type, pair in EXPECTED.items():
        for direction, verdict in zip(("backward", "forward"), pair, strict=True):
            expected = {"yes": "passed", "no": "failed", "unknown": "error"}[verdict]
            assert outcomes[f"{message_type}/{direction}"] == expected


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
    for message, records in _by_type(bundled_against_draft).items():
        for direction, (accepts, rejects) in (
            ("backward", ("1.0", "1.1")),
            ("forward", ("1.1", "1.0")),
        ):
            result = records[direction]
            if result["verdict"] != "no":
                assert "counterexample" not in result
                continue
            payload = result["counterexample"]["payload"]
            # as a sender on the accepting version sends it: valid there exactly as it is
            assert payload["header"]["standardVersion"] == accepts
            assert not list(_oracle(message, accepts).iter_errors(payload))
            # and refused by the other version for what changed, not for the label
            assert list(_oracle(message, rejects).iter_errors(_labelled(payload, rejects)))
            checked += 1
    assert checked == 9


def test_the_narrowed_pattern_is_proved_on_the_patterns(
    bundled_against_draft: dict[str, Any],
) -> None:
    """Where the canonical form says "unknown", the proof says how it was reached."""
    (result,) = [
        r
        for r in bundled_against_draft["results"]
        if r["messageType"] == "case-listing" and r["comparison"]["direction"] == "forward"
    ]
    listing = result["comparison"]
    assert (listing["verdict"], listing["how"]) == ("yes", "proved")
    assert "patterns" in listing["note"] and listing["tries"] == 0  # no search needed
    assert any("hearingType/pattern" in d for d in listing["differences"])
    assert result["findings"] == []


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
    (entry,) = _by_type(document).values()
    assert _verdicts(entry) == ("yes", "no")
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
        order = matrix["upgrades"][message_type]["1.0 → 1.1"]
        assert (
            order
            == {
                ("yes", "yes"): "either side may upgrade first",
                ("yes", "no"): "receivers upgrade first",
                ("no", "yes"): "senders upgrade first",
                ("no", "no"): "neither side can go first: upgrade together",
            }[(backward, forward)]
        )
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
        (["--matrix", "examples/compat/versions", "-f", "sarif"], "for OLD NEW"),
        (["--matrix", "examples/compat/versions", "--report-dir", "x"], "for OLD NEW"),
        (["1.0", "1.0", "--type", "no-such-type"], "neither"),
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
    changes = {(r["id"], r["change"]) for r in document["requirementChanges"]}
    assert changes == {
        ("SC-001", "added"),
        ("ID-004", "removed"),
        ("CL-007", "level"),
        ("CL-009", "level"),
        ("CF-005", "check"),
    }
    records = {r["comparison"]["direction"]: r["comparison"] for r in document["results"]}
    assert records["backward"]["verdict"] == "no"
    assert records["backward"]["differences"] == ["SC-001 added at MUST"]
    assert records["forward"]["verdict"] == "no"
    assert "ID-004 removed (was MUST)" in records["forward"]["differences"]
    same, unchanged = _document("justice-ew", "justice-ew")
    assert same == 0 and unchanged["requirementChanges"] == []


def test_a_profile_change_is_located_in_the_file_that_made_it(tmp_path: Path) -> None:
    """SARIF puts each breaking change on the line of the profile file that names it: the
    added SC-001 in justice-scotland.yaml, the dropped ID-004 where justice-scotland drops it."""
    proc = run_cli("compat", "justice-ew", "justice-scotland", "--report-dir", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert "| SC-001 | added | - | MUST |" in (tmp_path / "report.md").read_text()
    page = (tmp_path / "report.html").read_text()
    assert "Requirement changes" in page and "<code>ID-004</code></td><td>removed" in page
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    located = {}
    for result in sarif["runs"][0]["results"]:
        place = result["locations"][0]["physicalLocation"]
        located[result["message"]["text"].split(" ", 1)[0]] = (
            place["artifactLocation"]["uri"],
            place["region"]["startLine"],
        )
    lines = (ROOT / "profiles" / "justice-scotland.yaml").read_text().splitlines()
    for requirement_id in ("SC-001", "ID-004"):
        uri, line = located[requirement_id]
        assert uri == "bundled:profiles/justice-scotland.yaml"
        assert requirement_id in lines[line - 1]


def test_the_matrix_over_versions_of_a_profile(tmp_path: Path) -> None:
    """examples/compat/profiles: 1.1 raises CF-007 to MUST and lowers CL-009 to SHOULD; 1.2
    only drops and adds SHOULDs, so 1.1 and 1.2 certify the same thing."""
    folder = str(EXAMPLES / "compat" / "profiles")
    proc = run_cli("compat", "--matrix", folder, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    matrix = json.loads(proc.stdout)["matrix"]
    assert matrix["of"] == "profiles" and matrix["versions"] == ["1.0.0", "1.1.0", "1.2.0"]
    cells = matrix["tables"]["requirements"]
    assert cells["1.0.0"] == {"1.0.0": "yes", "1.1.0": "no", "1.2.0": "no"}
    assert cells["1.1.0"] == {"1.0.0": "no", "1.1.0": "yes", "1.2.0": "yes"}
    assert cells["1.2.0"] == {"1.0.0": "no", "1.1.0": "yes", "1.2.0": "yes"}
    markdown = run_cli("compat", "--matrix", folder, "-f", "markdown").stdout
    assert "| 1.0.0 | yes | **no** | **no** |" in markdown
    mixed = tmp_path / "mixed"
    (mixed / "1.0").mkdir(parents=True)
    (mixed / "p.yaml").write_text(
        (EXAMPLES / "compat" / "profiles" / "justice-ew-1.0.yaml").read_text()
    )
    proc = run_cli("compat", "--matrix", str(mixed))
    assert proc.returncode == 2 and "holds both" in proc.stderr


def test_the_gate_in_every_report_format_signed_and_verified(tmp_path: Path) -> None:
    """compat writes the shared report: JSON valid against the report schema, SARIF located at
    the changed line of the new schema, JUnit a testcase per message type and direction,
    Markdown and HTML with the counterexamples; signed, verified, re-rendered."""
    from xml.etree import ElementTree as ET

    import jsonschema_rs

    from interopcheck.report.document import REPORT_SCHEMA_PATH

    key = tmp_path / "signer"
    assert run_cli("keys", "generate", str(key)).returncode == 0
    out = tmp_path / "report"
    draft = str(DRAFT.relative_to(ROOT))  # as a user in the repository names it
    proc = run_cli("compat", "1.0", draft, "--report-dir", str(out), "--sign", str(key))
    assert proc.returncode == 1, proc.stderr
    assert "NOT COMPATIBLE" in proc.stdout  # the console table still comes first
    document = json.loads((out / "report.json").read_text())
    schema = json.loads(REPORT_SCHEMA_PATH.read_text())
    assert jsonschema_rs.validator_for(schema).is_valid(document)
    assert document["command"] == "compat" and document["levelsAchieved"] == []

    sarif = json.loads((out / "report.sarif").read_text())["runs"][0]
    rules = {r["id"] for r in sarif["tool"]["driver"]["rules"]}
    assert {f"{t}/{d}" for t in EXPECTED for d in ("backward", "forward")} <= rules
    by_rule = {r["ruleId"]: r for r in sarif["results"]}
    assert len(by_rule) == sum(1 for pair in EXPECTED.values() for v in pair if v != "yes")
    listing = by_rule["case-listing/backward"]["locations"][0]["physicalLocation"]
    assert listing["artifactLocation"]["uri"] == f"{draft}/case-listing.schema.json"
    changed = (DRAFT / "case-listing.schema.json").read_text().splitlines()
    assert '"pattern"' in changed[listing["region"]["startLine"] - 1]

    suite = ET.parse(out / "report.junit.xml").getroot().find("testsuite")
    assert suite is not None
    verdicts = [v for pair in EXPECTED.values() for v in pair]
    assert suite.get("tests") == str(len(verdicts))
    assert suite.get("failures") == str(verdicts.count("no"))
    assert suite.get("errors") == str(verdicts.count("unknown"))  # not proven is not passed

    markdown = (out / "report.md").read_text()
    assert "NOT COMPATIBLE" in markdown and markdown.count("<summary>counterexample") == 9
    page = (out / "report.html").read_text()
    assert page.count("<pre>") >= 9 and "<script" not in page
    assert "interpreterNeeded" in page  # charge-file's forward counterexample, shown whole

    verified = run_cli(
        "verify",
        str(out / "report.json"),
        "--public-key",
        str(key.with_suffix(".pub")),
        "--ref-schemas",
        str(DRAFT),
    )
    assert verified.returncode == 0 and "VERIFIED" in verified.stdout, verified.stdout
    again = run_cli("report", str(out / "report.json"), "-f", "html")
    assert again.returncode == 0 and again.stdout == page


def test_a_message_type_added_or_withdrawn(tmp_path: Path) -> None:
    """1.0 without licence-release and with a new victim-notice: the withdrawn type breaks
    backward (a 1.0 sender's licence release has no schema in the next version), the new one
    breaks forward; each counterexample is valid in the version that has the type."""
    import shutil

    nxt = tmp_path / "next"
    shutil.copytree(EXAMPLES / "compat" / "versions" / "1.0", nxt)
    (nxt / "licence-release.schema.json").unlink()
    codes = json.loads((nxt / "codes.schema.json").read_text())
    codes["$defs"]["messageType"]["enum"].append("victim-notice")
    (nxt / "codes.schema.json").write_text(json.dumps(codes))
    text = (nxt / "charging-decision.schema.json").read_text()
    (nxt / "victim-notice.schema.json").write_text(
        text.replace("charging-decision", "victim-notice")
    )
    code, document = _document("1.0", str(nxt))
    found = _by_type(document)
    assert code == 1
    assert _verdicts(found["licence-release"]) == ("no", "yes")
    assert _verdicts(found["victim-notice"]) == ("yes", "no")
    assert _verdicts(found["charge-file"]) == ("yes", "yes")
    released = found["licence-release"]["backward"]["counterexample"]
    assert released["payload"]["header"]["messageType"] == "licence-release"
    payload = released["payload"]  # labelled 1.0 already, as its senders send it
    assert not list(_oracle("licence-release", "1.0").iter_errors(payload))
    assert "no schema for message type" in released["rejection"]
    notice = found["victim-notice"]["forward"]["counterexample"]["payload"]
    assert notice["header"]["messageType"] == "victim-notice"


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
    (entry,) = _by_type(document).values()
    assert code == 1
    assert _verdicts(entry) == ("yes", "no")
    recorded = {s["id"] for s in document["manifest"]["schemas"]}
    assert str(path) in recorded  # the edited file by its path: its $id names the original
    payload = entry["forward"]["counterexample"]["payload"]
    assert payload["header"]["standardVersion"] == "1.0"  # the edited copy's label, kept
    name = payload["prison"]["name"]
    assert 80 < len(name) <= 120


def test_versions_that_refer_to_a_shared_schema_elsewhere(tmp_path: Path) -> None:
    """Both versions $ref a schema neither holds: without --ref-schemas a one-line error that
    says what to do; with it, compared, and its digest recorded in the manifest."""
    shared = tmp_path / "refs" / "name.json"
    shared.parent.mkdir()
    shared.write_text(json.dumps({"$id": "https://example.org/name.json", "type": "string"}))

    def version(name: str, max_length: int) -> Path:
        path = tmp_path / name
        name_ref = {"$ref": "https://example.org/name.json", "maxLength": max_length}
        path.write_text(
            json.dumps(
                {
                    "$id": f"urn:example:{name}",
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": name_ref},
                }
            )
        )
        return path

    old, new = version("v1.json", 10), version("v2.json", 5)
    missing = run_cli("compat", str(old), str(new))
    assert missing.returncode == 2 and "--ref-schemas" in missing.stderr
    assert "Traceback" not in missing.stderr
    code, document = _document(str(old), str(new), "--ref-schemas", str(shared.parent))
    (entry,) = _by_type(document).values()
    assert code == 1 and _verdicts(entry) == ("no", "yes")
    assert 5 < len(entry["backward"]["counterexample"]["payload"]["name"]) <= 10
    recorded = {s["id"] for s in document["manifest"]["schemas"]}
    assert "https://example.org/name.json" in recorded
    assert "--ref-schemas" in document["manifest"]["reproduce"]


def test_a_profile_against_a_schema_version_is_a_one_line_error() -> None:
    proc = run_cli("compat", "justice-ew", "1.0")
    assert proc.returncode == 2 and "compare two profiles" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_console_table_written_to_a_file_is_not_cut(tmp_path: Path) -> None:
    """-o FILE: the requirement text and the whole table are there, however narrow the
    terminal the command ran in."""
    out = tmp_path / "compat.txt"
    proc = run_cli(
        "compat", "justice-ew", "justice-scotland", "-o", str(out), env={"COLUMNS": "40"}
    )
    assert proc.returncode == 1 and proc.stdout == ""
    text = out.read_text()
    assert "committed before their twelfth birthday" in text
    assert "backward: no (SC-001 added at MUST)" in text


def _listing(extra_item_property: dict[str, Any] | None, schema_id: str | None) -> dict[str, Any]:
    """A listing whose hearings are an array of objects, the items open to other properties
    (as HMCTS's are), optionally with one more typed optional property in the items."""
    item: dict[str, Any] = {
        "type": "object",
        "required": ["court"],
        "properties": {
            "court": {"type": "string"},
            "slot": {"type": "object", "properties": {"starts": {"type": "string"}}},
        },
    }
    if extra_item_property:
        item["properties"].update(extra_item_property)
    document: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["hearings"],
        "properties": {"hearings": {"type": "array", "items": item}},
    }
    if schema_id:
        document["$id"] = schema_id
    return document


@pytest.mark.parametrize(
    ("added", "where"),
    [
        ({"room": {"type": "integer"}}, "/hearings/0/room"),  # inside array items
        (None, "/hearings/0/slot/ends"),  # inside an object inside array items
    ],
)
@pytest.mark.parametrize("schema_id", [None, "urn:example:listing"])
def test_a_typed_optional_field_added_deep_down_is_a_no_with_its_counterexample(
    tmp_path: Path, added: dict[str, Any] | None, where: str, schema_id: str | None
) -> None:
    """Issue 17, part 5: an open object that gains a typed optional property breaks backward
    compatibility (an old message may hold that name with another type), in array items and
    nested objects too; before, the search said "unknown" after 5,000 tries. With one URN
    $id for both versions (edited in place), the versions are still told apart: before, the
    new one was compared as the old one, and "yes" was printed without proof."""
    import jsonschema

    old_document = _listing(None, schema_id)
    new_document = _listing(added, schema_id)
    if added is None:  # the nested case: slot gains a typed optional "ends"
        slot = new_document["properties"]["hearings"]["items"]["properties"]["slot"]
        slot["properties"]["ends"] = {"type": "integer"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = tmp_path / "a" / "listing.json", tmp_path / "b" / "listing.json"
    old.write_text(json.dumps(old_document))
    new.write_text(json.dumps(new_document))
    code, document = _document(str(old), str(new))
    assert code == 1
    records = _by_type(document)["listing"]
    assert records["forward"]["verdict"] == "yes"  # every new message is an old one
    backward = records["backward"]
    assert backward["verdict"] == "no" and backward["how"] == "counterexample", backward
    payload = backward["counterexample"]["payload"]
    assert jsonschema.Draft202012Validator(old_document).is_valid(payload)
    assert not jsonschema.Draft202012Validator(new_document).is_valid(payload)
    assert where in json.dumps(document)  # said at the place that changed


def _api_profile(folder: Path, version: str, kinds: list[str], extra_path: bool = False) -> Path:
    """A profile sourced from an API document whose one request body has an enum of
    ``kinds``; every profile's requirements are the same, word for word."""
    folder.mkdir(parents=True, exist_ok=True)
    more = (
        "  /notes:\n    post:\n      operationId: addNote\n      requestBody:\n"
        "        required: true\n        content:\n          application/json:\n"
        "            schema: {type: object, required: [text], properties: {text: {type: string}}}\n"
        "      responses: {'201': {description: Made}, '400': {description: No}}\n"
        if extra_path
        else ""
    )
    (folder / "openapi.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: Things, version: '1'}\npaths:\n  /things:\n    post:\n"
        "      operationId: addThing\n      requestBody:\n        required: true\n"
        "        content:\n          application/json:\n            schema:\n"
        "              type: object\n              required: [kind]\n"
        f"              properties: {{kind: {{type: string, enum: {json.dumps(kinds)}}}}}\n"
        "      responses: {'201': {description: Made}, '400': {description: No}}\n" + more
    )
    profile = folder / "profile.yaml"
    profile.write_text(
        f"id: things\nversion: {version}\ntitle: Things\nactors:\n  agency: {{title: It}}\n"
        "api:\n  openapi: openapi.yaml\n  actor: agency\nrequirements:\n"
        "  - {id: T-1, level: MUST, text: Bad bodies are refused.,"
        " check: {http: rejects-invalid}}\n"
    )
    return profile


def test_profiles_from_api_documents_compare_their_message_schemas(tmp_path: Path) -> None:
    """Issue 17, part 5: the same requirements, and an enum value removed from a request body
    (both documents called openapi.yaml): before, "backward: yes, forward: yes", exit 0."""
    import jsonschema

    old = _api_profile(tmp_path / "v1", "1.0.0", ["a", "b", "c"])
    new = _api_profile(tmp_path / "v2", "1.1.0", ["a", "b"])
    code, document = _document(str(old), str(new))
    assert code == 1
    records = {r["comparison"]["direction"]: r["comparison"] for r in document["results"]}
    assert records["forward"]["verdict"] == "yes"  # proved: every new body is an old one
    assert records["backward"]["verdict"] == "no"
    (reason,) = records["backward"]["differences"]
    assert reason.startswith("add-thing-request: a payload things 1.0.0 accepts")
    assert "/kind" in reason
    # the verdict is right by python-jsonschema too: "c" was accepted, and is not now
    old_body = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"enum": ["a", "b", "c"]}},
    }
    assert jsonschema.Draft202012Validator(old_body).is_valid({"kind": "c"})

    same, unchanged = _document(str(old), str(old))
    assert same == 0
    assert {r["comparison"]["verdict"] for r in unchanged["results"]} == {"yes"}

    grown = _api_profile(tmp_path / "v3", "1.2.0", ["a", "b", "c"], extra_path=True)
    code, document = _document(str(old), str(grown))
    records = {r["comparison"]["direction"]: r["comparison"] for r in document["results"]}
    assert code == 1 and records["backward"]["verdict"] == "yes"
    assert records["forward"]["verdict"] == "no"
    assert any(
        d.startswith("add-note-request: added in") for d in records["forward"]["differences"]
    )


def test_the_profile_matrix_compares_api_message_schemas_too(tmp_path: Path) -> None:
    folder = tmp_path / "versions"
    folder.mkdir()
    for version, kinds in (("1.0.0", ["a", "b", "c"]), ("1.1.0", ["a", "b"])):
        made = _api_profile(tmp_path / version, version, kinds)  # then beside one another:
        # (as JSON: every YAML file of a matrix folder is read as a profile)
        api, _ = parse_yaml((made.parent / "openapi.yaml").read_text())  # YAML 1.2: No is text
        (folder / f"openapi-{version}.json").write_text(json.dumps(api))
        text = made.read_text().replace("openapi.yaml", f"openapi-{version}.json")
        (folder / f"things-{version}.yaml").write_text(text)
    proc = run_cli("compat", "--matrix", folder, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    row = json.dumps(json.loads(proc.stdout))
    assert '"no"' in row  # 1.1.0 refuses a body 1.0.0 accepted: not "yes" both ways


@pytest.mark.parametrize(
    "dialect",
    [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
    ],
)
def test_older_drafts_are_compared_through_refs_to_other_files(
    tmp_path: Path, dialect: str
) -> None:
    """Issue 17, part 1: compat on draft 4/6/7/2019-09 (before, an internal error on 4 and 7),
    a $ref to a shared file given with --ref-schemas (draft 4's ``id``); the counterexample is
    checked by python-jsonschema's validator for that draft."""
    import jsonschema
    import referencing
    import referencing.jsonschema

    id_key = "id" if "draft-04" in dialect else "$id"
    shared = {"$schema": dialect, id_key: "http://justice.gov.uk/core/court.json",
              "type": "string", "pattern": "^[A-Z][0-9]{3}$"}  # fmt: skip
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "court.json").write_text(json.dumps(shared))
    old_document = {
        "$schema": dialect,
        "type": "object",
        "required": ["court"],
        "properties": {
            "court": {"$ref": "http://justice.gov.uk/core/court.json"},
            "note": {"type": "string", "maxLength": 10},
        },
    }
    new_document = copy.deepcopy(old_document)
    new_document["properties"]["note"]["maxLength"] = 5
    for version, document in (("a", old_document), ("b", new_document)):
        (tmp_path / version).mkdir()
        (tmp_path / version / "hearing.json").write_text(json.dumps(document))
    code, report = _document(
        str(tmp_path / "a" / "hearing.json"),
        str(tmp_path / "b" / "hearing.json"),
        "--ref-schemas",
        str(tmp_path / "refs"),
    )
    assert code == 1
    records = _by_type(report)["hearing"]
    assert records["forward"]["verdict"] == "yes"
    backward = records["backward"]
    assert backward["verdict"] == "no", backward
    payload = backward["counterexample"]["payload"]
    specification = referencing.jsonschema.specification_with(dialect)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        "http://justice.gov.uk/core/court.json", specification.create_resource(shared)
    )
    validator = jsonschema.validators.validator_for(old_document)
    assert validator(old_document, registry=registry).is_valid(payload)  # type: ignore[call-arg]
    assert not validator(new_document, registry=registry).is_valid(payload)  # type: ignore[call-arg]
