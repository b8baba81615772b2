"""``interopcheck validate`` end to end: the real CLI in a subprocess, on real files."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import jsonschema_rs
import pytest

from interopcheck import __version__
from interopcheck.formats.json_format import RESULT_SCHEMA_PATH
from tests.conftest import EXAMPLES, ROOT, run_cli

ASN_DEFECT = EXAMPLES / "charge-file" / "invalid" / "asn-wrong-check-letter.json"
VALID_HEARING = EXAMPLES / "hearing-result" / "valid" / "theft-and-knife.json"
RESULT_VALIDATOR = jsonschema_rs.validator_for(json.loads(RESULT_SCHEMA_PATH.read_text()))


def _json_run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    proc = run_cli("validate", "--format", "json", *args, cwd=cwd, stdin=stdin)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    document = json.loads(proc.stdout)
    RESULT_VALIDATOR.validate(document)
    return proc.returncode, document


def _hearing_variant(
    tmp_path: Path,
    name: str,
    change: Callable[[dict], None],
    indent: int | None = None,  # type: ignore[type-arg]
) -> Path:
    """The valid hearing result, changed, written to ``tmp_path / name``."""
    document = json.loads(VALID_HEARING.read_text())
    change(document)
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=indent))
    return path


def _one_line_error(proc) -> str:  # type: ignore[no-untyped-def]
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


# -- the main job ------------------------------------------------------------------------------


def test_the_bundled_journey_is_valid() -> None:
    proc = run_cli("validate", "examples/journeys/")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "8 payloads, all valid" in proc.stdout


def test_an_invalid_payload_exits_1_with_place_and_words() -> None:
    proc = run_cli("validate", str(ASN_DEFECT))
    assert proc.returncode == 1
    assert "36:14" in proc.stdout
    assert "/defendants/0/asn" in proc.stdout
    assert "check letter" in proc.stdout


def test_personal_data_is_redacted_unless_asked_for() -> None:
    asn = "2401ZD0100000448754X"
    redacted = run_cli("validate", str(ASN_DEFECT))
    assert asn not in redacted.stdout
    assert "redacted" in redacted.stdout
    shown = run_cli("validate", str(ASN_DEFECT), "--show-personal-data")
    assert asn in shown.stdout
    _, document = _json_run(str(ASN_DEFECT))
    assert asn not in json.dumps(document)
    assert document["personalData"] == "redacted"
    _, document = _json_run(str(ASN_DEFECT), "--show-personal-data")
    assert document["results"][0]["findings"][0]["value"] == json.dumps(asn)


def test_non_personal_values_are_shown() -> None:
    _, document = _json_run(str(EXAMPLES / "hearing-result" / "invalid" / "plea-code-unknown.json"))
    [finding] = document["results"][0]["findings"]
    assert finding["value"] == '"GUILTY"' and finding["valueRedacted"] is False
    assert finding["keyword"] == "enum"
    assert '"NG"' in finding["expected"]


def test_json_output_has_the_documented_shape_and_every_error() -> None:
    code, document = _json_run("examples/")
    assert code == 1
    summary = document["summary"]
    payload_files = [p for p in EXAMPLES.rglob("*") if p.suffix in (".json", ".yml", ".yaml")]
    assert summary["payloads"] == len(payload_files)
    assert summary["invalid"] >= 30
    by_source = {r["source"]: r for r in document["results"]}
    manifest = by_source["examples/invalid-manifest.json"]
    assert not manifest["valid"]  # a JSON file that is no message is a finding, not a crash
    assert "no message type" in manifest["findings"][0]["message"]
    job = by_source["examples/ci/gitlab-ci.yml"]  # YAML that is no message, likewise
    assert "no message type" in job["findings"][0]["message"]
    workflow = by_source["examples/ci/github-actions.yml"]["findings"][0]  # YAML 1.2: on is "on"
    assert "no message type" in workflow["message"]


def test_every_error_in_one_payload_is_reported(tmp_path: Path) -> None:
    def three_defects(document: dict) -> None:  # type: ignore[type-arg]
        document["defendant"]["offences"][0]["plea"] = "X"
        document["defendant"]["offences"][1]["verdict"] = "Y"
        del document["hearing"]["court"]

    path = _hearing_variant(tmp_path, "three.json", three_defects, indent=2)
    _, out = _json_run(str(path))
    pointers = sorted(f["pointer"] for f in out["results"][0]["findings"])
    assert pointers == ["/defendant/offences/0/plea", "/defendant/offences/1/verdict", "/hearing"]


# -- sources -----------------------------------------------------------------------------------


def test_stdin(tmp_path: Path) -> None:
    code, document = _json_run("-", stdin=VALID_HEARING.read_bytes())
    assert code == 0
    assert document["results"][0]["source"] == "-"


def test_json_lines_report_each_record_with_its_line(tmp_path: Path) -> None:
    good = json.dumps(json.loads(VALID_HEARING.read_text()))
    bad = json.loads(VALID_HEARING.read_text())
    bad["defendant"]["offences"][0]["plea"] = "GUILTY"
    path = tmp_path / "feed.jsonl"
    path.write_text(f"{good}\n\n{json.dumps(bad)}\n{{not json\n", encoding="utf-8")
    code, document = _json_run(str(path))
    assert code == 1
    results = {r["source"].rsplit(":", 1)[1]: r for r in document["results"]}
    assert sorted(results) == ["1", "3", "4"]
    assert results["1"]["valid"]
    assert results["3"]["findings"][0]["line"] == 3
    assert results["3"]["findings"][0]["pointer"] == "/defendant/offences/0/plea"
    assert results["4"]["findings"][0]["check"] == "parse"
    assert results["4"]["findings"][0]["line"] == 4


def test_yaml_payloads_report_yaml_lines(tmp_path: Path) -> None:
    import yaml

    document = json.loads(VALID_HEARING.read_text())
    document["defendant"]["offences"][0]["plea"] = "GUILTY"
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    path = tmp_path / "result.yaml"
    path.write_text(text, encoding="utf-8")
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if "plea: GUILTY" in line)
    _, out = _json_run(str(path))
    [finding] = out["results"][0]["findings"]
    assert finding["line"] == expected_line
    # Dates stay strings in YAML (no implicit timestamps), so a valid YAML payload is valid.
    document["defendant"]["offences"][0]["plea"] = "G"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    code, _ = _json_run(str(path))
    assert code == 0


def test_globs_and_directories() -> None:
    code, document = _json_run("examples/*/valid/*.json")
    assert code == 0
    assert document["summary"]["payloads"] == len(list(EXAMPLES.glob("*/valid/*.json")))
    sources = [r["source"] for r in document["results"]]
    assert sources == sorted(sources)


def test_type_from_option_overrides_the_header(tmp_path: Path) -> None:
    path = _hearing_variant(tmp_path, "untyped.json", lambda d: d["header"].pop("messageType"))
    code, out = _json_run(str(path))
    assert code == 1 and out["results"][0]["findings"][0]["check"] == "type"
    code, out = _json_run(str(path), "--type", "hearing-result")
    # With --type the header is still validated: the missing messageType is a schema error.
    assert out["results"][0]["findings"][0]["message"].startswith("required property")


def test_unknown_message_type_is_a_finding(tmp_path: Path) -> None:
    path = _hearing_variant(
        tmp_path, "unknown.json", lambda d: d["header"].update(messageType="parole-decision")
    )
    code, out = _json_run(str(path))
    assert code == 1
    assert "unknown message type" in out["results"][0]["findings"][0]["message"]


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "result.json"
    proc = run_cli("validate", str(ASN_DEFECT), "--format", "json", "--output", str(target))
    assert proc.returncode == 1
    assert proc.stdout == ""
    RESULT_VALIDATOR.validate(json.loads(target.read_text()))
    assert [p.name for p in target.parent.iterdir()] == ["result.json"]


def test_output_to_a_pipe_or_device_writes_through_it(tmp_path: Path) -> None:
    """``-o /dev/null`` or a named pipe is written as it is: an atomic rename over it would
    replace the device with a regular file (a FIFO stands in for /dev/null here)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run_cli("validate", str(ASN_DEFECT), "--format", "json", "--output", str(fifo))
    reader.join(timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    RESULT_VALIDATOR.validate(json.loads(received[0]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


# -- setup errors: exit 2, one line ------------------------------------------------------------


def test_missing_file_is_a_setup_error() -> None:
    line = _one_line_error(run_cli("validate", "no/such/file.json"))
    assert "no/such/file.json" in line and "no such file" in line


def test_glob_matching_nothing_is_a_setup_error() -> None:
    line = _one_line_error(run_cli("validate", "examples/*.nothing"))
    assert "matches no files" in line


def test_directory_without_payloads_is_a_setup_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    line = _one_line_error(run_cli("validate", str(tmp_path)))
    assert "no payload files" in line


def test_unknown_type_and_conflicting_options() -> None:
    assert "unknown message type 'nope'" in _one_line_error(
        run_cli("validate", "examples/journeys", "--type", "nope")
    )
    assert "not both" in _one_line_error(
        run_cli("validate", "examples/journeys", "--type", "receipt", "--schema", "x.json")
    )
    bad_option = run_cli("validate", "examples/journeys", "--format", "xml")
    assert bad_option.returncode == 2 and "Traceback" not in bad_option.stderr


def test_malformed_schema_names_file_line_and_column(tmp_path: Path) -> None:
    schema = tmp_path / "broken.schema.json"
    schema.write_text('{\n  "type": "object",\n  "properties": {,}\n}')
    line = _one_line_error(run_cli("validate", str(VALID_HEARING), "--schema", str(schema)))
    assert f"{schema}:3:" in line


def test_schema_that_is_not_a_schema(tmp_path: Path) -> None:
    schema = tmp_path / "wrong.schema.json"
    schema.write_text('{"type": "objekt"}')
    line = _one_line_error(run_cli("validate", str(VALID_HEARING), "--schema", str(schema)))
    assert "not a valid JSON Schema" in line


def test_remote_ref_says_how_to_supply_it_and_supplying_it_works(tmp_path: Path) -> None:
    schema = tmp_path / "case.schema.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {"ref": {"$ref": "https://agency.example/defs/ref.json"}},
            }
        )
    )
    payload = tmp_path / "p.json"
    payload.write_text('{"ref": 12}')
    line = _one_line_error(run_cli("validate", str(payload), "--schema", str(schema)))
    assert "https://agency.example/defs/ref.json" in line and "--ref-schemas" in line
    defs = tmp_path / "defs"
    defs.mkdir()
    (defs / "ref.json").write_text(
        json.dumps({"$id": "https://agency.example/defs/ref.json", "type": "string"})
    )
    proc = run_cli("validate", str(payload), "--schema", str(schema), "--ref-schemas", str(defs))
    assert proc.returncode == 1
    assert "expected string, got integer" in proc.stdout


def test_user_schema_with_relative_file_refs(tmp_path: Path) -> None:
    (tmp_path / "a.schema.json").write_text('{"properties": {"n": {"$ref": "b.json"}}}')
    (tmp_path / "b.json").write_text('{"type": "integer"}')
    payload = tmp_path / "p.json"
    payload.write_text('{"n": "x"}')
    proc = run_cli("validate", str(payload), "--schema", str(tmp_path / "a.schema.json"))
    assert proc.returncode == 1, proc.stderr
    assert "expected integer" in proc.stdout


# -- hostile input: a finding about the file, the rest still validated -----------------------

HOSTILE: list[tuple[str, bytes, str]] = [
    ("empty.json", b"", "empty file"),
    ("blank.json", b"  \n\t ", "empty file"),
    ("binary.json", b"\x7fELF\x02\x01\x01\x00\x00\x00garbage", "binary file"),
    ("latin1.json", b'{"name": "Si\xe2n"}', "not valid UTF-8 at byte"),
    ("utf16.json", "{}".encode("utf-16"), "UTF-16"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deep.yaml", b"[" * 100_000 + b"]" * 100_000, "nesting depth"),
    ("duplicate.json", b'{"header": 1,\n "header": 2}', 'duplicate key "header"'),
    ("duplicate.yaml", b"header: 1\nheader: 2\n", 'duplicate key "header"'),
    ("nan.json", b'{"amount": NaN}', "NaN"),
    ("infinity.json", b'{"amount": -Infinity}', "Infinity"),
    ("bigint.json", b'{"n": ' + b"9" * 5000 + b"}", "4,300 digits"),
    ("bomb.yaml", b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", "aliases"),
    ("merge.yaml", b"base: &b {x: 1}\nother:\n  <<: *b\n", "not allowed"),
    ("binary-tag.yaml", b"blob: !!binary aGVsbG8=\n", "no JSON equivalent"),
    ("int-key.yaml", b"1: one\n", "not a string"),
    ("two-docs.yaml", b"a: 1\n---\nb: 2\n", "2 YAML documents"),
    ("malformed.json", b'{"a": [1, 2}', "malformed JSON"),
    ("malformed.yaml", b"a: [1, 2\nb: }", "malformed YAML"),
    ("not-object.json", b"[1, 2, 3]", "no message type"),
]


def test_hostile_files_are_findings_and_the_corpus_goes_on(tmp_path: Path) -> None:
    for name, content, _ in HOSTILE:
        (tmp_path / name).write_bytes(content)
    shutil.copy(VALID_HEARING, tmp_path / "zz-valid.json")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + VALID_HEARING.read_bytes())
    code, document = _json_run(str(tmp_path))
    assert code == 1
    by_name = {Path(r["source"]).name: r for r in document["results"]}
    for name, _, fragment in HOSTILE:
        findings = by_name[name]["findings"]
        assert findings, name
        assert fragment in findings[0]["message"], (name, findings[0]["message"])
    assert by_name["zz-valid.json"]["valid"]
    assert by_name["bom.json"]["valid"]  # a UTF-8 byte-order mark is tolerated (RFC 8259 §8.1)


def test_oversized_payload_is_a_finding_not_a_load(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:  # 50 MB, sparse on disk
        handle.truncate(50 * 1024 * 1024)
    code, document = _json_run(str(big))
    assert code == 1
    assert "over the 16 MiB limit" in document["results"][0]["findings"][0]["message"]
    code, document = _json_run(str(big), "--max-bytes", str(60 * 1024 * 1024))
    assert "binary file" in document["results"][0]["findings"][0]["message"]


# -- parallel: same output whatever the number of workers -------------------------------------


def test_output_is_identical_with_one_or_two_workers(tmp_path: Path) -> None:
    sources = sorted(EXAMPLES.glob("*/*/*.json"))
    for i in range(260):
        shutil.copy(sources[i % len(sources)], tmp_path / f"p{i:04d}.json")

    def results(workers: str) -> list[dict]:  # type: ignore[type-arg]
        _, document = _json_run(str(tmp_path), "--workers", workers)
        return document["results"]  # type: ignore[no-any-return]

    one, two = results("1"), results("2")
    assert len(one) == 260
    assert one == two


# -- the rest of the CLI -------------------------------------------------------------------


def test_version_and_help_on_every_command() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"interopcheck {__version__}"
    for command in ([], ["validate"], ["schemas"], ["schemas", "list"], ["schemas", "show"]):
        proc = run_cli(*command, "--help")
        assert proc.returncode == 0, command
        assert "Usage:" in proc.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_shell_completion_script(shell: str) -> None:
    # Typer reads the completion settings from the environment when it builds the command,
    # once per process: the subject here is a fresh process.
    proc = run_cli(
        "--show-completion",
        shell,
        env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        subprocess_only=True,
    )
    assert proc.returncode == 0
    assert "interopcheck" in proc.stdout


def test_installed_package_works_from_any_directory(tmp_path: Path) -> None:
    """After ``pip install .`` the bundled standard ships inside the package."""
    listing = run_cli("schemas", "list", "--json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    names = {row["name"] for row in json.loads(listing.stdout)}
    assert {"charge-file", "licence-release", "receipt", "problem"} <= names
    shown = run_cli("schemas", "show", "receipt", cwd=tmp_path)
    assert json.loads(shown.stdout)["$id"].endswith("/1.0/receipt.schema.json")
    shutil.copy(VALID_HEARING, tmp_path / "one.json")
    assert run_cli("validate", "one.json", cwd=tmp_path).returncode == 0
    # Profiles, their schema and the CJS code-list files ship in the package too.
    with_profile = run_cli("validate", "one.json", "--profile", "justice-ew", cwd=tmp_path)
    assert with_profile.returncode == 0, with_profile.stdout + with_profile.stderr
    assert "CL-001" in with_profile.stdout
    assert "no bundled schema" in _one_line_error(run_cli("schemas", "show", "nope", cwd=tmp_path))


def test_root_is_the_project() -> None:
    assert (ROOT / "pyproject.toml").is_file()


# -- streaming output --------------------------------------------------------------------------


def test_a_failed_run_leaves_no_output_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    target = tmp_path / "result.json"
    for fmt in ("json", "console"):
        proc = run_cli("validate", str(empty), "--format", fmt, "--output", str(target))
        _one_line_error(proc)
        assert proc.stdout == ""
        assert list(tmp_path.iterdir()) == [empty]


def test_console_lists_valid_payloads_only_in_small_runs(tmp_path: Path) -> None:
    for i in range(21):
        shutil.copy(VALID_HEARING, tmp_path / f"p{i:02d}.json")
    shutil.copy(ASN_DEFECT, tmp_path / "zz-bad.json")
    many = run_cli("validate", str(tmp_path))
    assert "✓" not in many.stdout
    assert many.stdout.count("✗") == 1
    assert "1 of 22 payloads invalid, 1 finding" in many.stdout
    for i in range(3, 21):
        (tmp_path / f"p{i:02d}.json").unlink()
    few = run_cli("validate", str(tmp_path))
    assert few.stdout.count("✓") == 3 and few.stdout.count("✗") == 1


def test_python_api_returns_every_result_in_order() -> None:
    from interopcheck.validation import ValidationOptions, run_validation

    run = run_validation([str(EXAMPLES / "journeys")], ValidationOptions(workers=1))
    assert run.conformant and run.summary.payloads == 8
    assert [r.index for r in run.results] == list(range(8))
    assert run.results[0].message_type == "charge-file"


def test_unknown_standard_version_is_a_setup_error() -> None:
    line = _one_line_error(run_cli("validate", "examples/journeys", "--standard-version", "9.9"))
    assert "unknown standard version '9.9'" in line and "1.0" in line


def test_payload_with_an_unknown_standard_version_is_a_finding(tmp_path: Path) -> None:
    path = _hearing_variant(
        tmp_path, "future.json", lambda d: d["header"].update(standardVersion="7.3")
    )
    _, out = _json_run(str(path))
    [finding] = out["results"][0]["findings"]
    assert finding["check"] == "type" and "7.3" in finding["message"]
    assert finding["pointer"] == "/header/standardVersion" and finding["line"] == 1


def test_yaml_payloads_are_read_by_yaml_12(tmp_path: Path) -> None:
    """YAML 1.2's core schema, as JSON Schema tooling assumes: ``on``, ``yes``, ``No`` and
    ``y`` are strings (YAML 1.1 made them booleans, and a valid document failed), ``012`` is
    twelve, ``0o17`` fifteen; ``true`` and ``null`` are what they are in JSON."""
    import jsonschema

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:example:yaml12",
        "type": "object",
        "properties": {
            "on": {"type": "string"},
            "answer": {"enum": ["yes", "No", "y"]},
            "count": {"const": 12},
            "mode": {"const": 15},
            "flag": {"const": True},
            "gone": {"type": "null"},
            "day": {"type": "string", "format": "date"},
        },
        "required": ["on", "answer", "count", "mode", "flag", "gone", "day"],
    }
    schema_file = tmp_path / "s.json"
    schema_file.write_text(json.dumps(schema))
    payload = tmp_path / "p.yaml"
    payload.write_text(
        "on: push\nanswer: No\ncount: 012\nmode: 0o17\nflag: true\ngone:\nday: 2026-11-30\n"
    )
    proc = run_cli("validate", "--schema", str(schema_file), str(payload), "-f", "json")
    assert proc.returncode == 0, proc.stdout[-1500:]
    for answer in ("yes", "y"):
        payload.write_text(payload.read_text().replace("answer: No", f"answer: {answer}", 1))
        assert run_cli("validate", "--schema", str(schema_file), str(payload)).returncode == 0
        payload.write_text(payload.read_text().replace(f"answer: {answer}", "answer: No", 1))
    # the oracle agrees on the JSON the YAML 1.2 reading gives
    value = {"on": "push", "answer": "No", "count": 12, "mode": 15, "flag": True, "gone": None}
    assert jsonschema.Draft202012Validator(schema).is_valid({**value, "day": "2026-11-30"})
