"""One bad payload never ends the run: each of these ended `validate` or `journey` with exit 2,
"internal error" and no report for any file. Now each is a finding about its own file, every
input is listed, every format is written, and the good file beside it is still checked."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from interopcheck.checks.schema import SchemaChecker
from interopcheck.report.document import REPORT_SCHEMA_PATH
from interopcheck.sources.payloads import Payload
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import EXAMPLES, run_cli

REPORT = jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA_PATH.read_text()))
GOOD = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"
HEADER = '{"header": {"messageType": "charge-file", "standardVersion": "1.0"}'


def _deep(levels: int, open_: str, close: str) -> str:
    return HEADER + ', "a": ' + open_ * levels + close * levels + "}"


HOSTILE = {
    "deep-object.json": (HEADER + ', "a": ' + '{"x": ' * 600 + "1" + "}" * 600 + "}", "nested"),
    "deep-list.json": (_deep(900, "[", "]"), "nested"),
    "surrogate-key.json": (HEADER + ', "\\ud800": 1}', "lone surrogate"),
    "surrogate-value.json": (HEADER + ', "note": "a\\udfffb"}', "lone surrogate"),
    "huge-integer.yaml": (
        'header: {messageType: charge-file, standardVersion: "1.0"}\nn: ' + "9" * 5000,
        "4,300 digits",
    ),
    "huge-integer.json": (HEADER + ', "n": ' + "9" * 5000 + "}", "4,300 digits"),
    "lines.jsonl": (_deep(300, "[", "]") + "\n" + HEADER + "}\n", "nested"),
}


def test_each_hostile_payload_is_a_finding_about_its_own_file(tmp_path: Path) -> None:
    shutil.copy(GOOD, tmp_path / "good.json")
    for name, (text, _) in HOSTILE.items():
        (tmp_path / name).write_text(text)
    out = tmp_path / "reports"
    proc = run_cli("validate", str(tmp_path), "--report-dir", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    document = json.loads((out / "report.json").read_text())
    REPORT.validate(document)
    by_source = {Path(r["source"]).name: r for r in document["results"]}
    by_source["lines.jsonl"] = by_source.pop("lines.jsonl:1")
    assert by_source.pop("lines.jsonl:2")["findings"][0]["check"] == "schema"  # read, checked
    assert set(by_source) == {"good.json", *HOSTILE}  # every input listed
    assert by_source["good.json"]["valid"]
    for name, (_, words) in HOSTILE.items():
        findings = by_source[name]["findings"]
        assert findings and findings[0]["check"] == "parse", (name, findings)
        assert words in findings[0]["message"], (name, findings[0]["message"])
    for name in ("surrogate-key.json", "surrogate-value.json", "deep-object.json"):
        finding = by_source[name]["findings"][0]  # located, as other parse findings are
        assert finding["line"] == 1 and finding["column"] > 60, (name, finding)
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "report.json",
        "report.junit.xml",
        "report.md",
        "report.sarif",
    ]


def test_a_journey_with_objects_where_identifiers_belong_is_checked_not_crashed(
    tmp_path: Path,
) -> None:
    journey = EXAMPLES / "journeys" / "theft-and-knife"
    for source in journey.glob("*.json"):
        shutil.copy(source, tmp_path / source.name)
    decision = tmp_path / "02-charging-decision.json"
    value = json.loads(decision.read_text())
    value["ptiUrn"] = ["not", "an", "identifier"]
    decision.write_text(json.dumps(value))
    case = tmp_path / "03-prosecution-case.json"
    value = json.loads(case.read_text())
    value["defendants"][0]["asn"] = {"an": "object"}
    case.write_text(json.dumps(value))
    proc = run_cli("journey", "-p", "justice-ew", str(tmp_path), "-f", "json")
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    REPORT.validate(document)
    assert len(document["results"]) == 8
    failed = {r["id"] for r in document["requirements"] if r["outcome"] == "failed"}
    assert "JR-001" in failed  # the ASN that became an object differs from the one issued


class _Breaks(SchemaChecker):
    """A checker with a bug that shows on one payload (a stand-in for a bug not yet found)."""

    def _check(self, payload: Payload, index: int) -> Any:
        if payload.source == "the-one":
            raise TypeError("unhashable type: 'dict'")
        return super()._check(payload, index)


def test_a_failure_of_ours_on_one_payload_is_a_finding_on_it_not_the_end_of_the_run() -> None:
    checker = build_checker(ValidationSpec())
    checker.__class__ = _Breaks
    value = json.loads(GOOD.read_text())
    broken = checker.check(Payload(source="the-one", syntax="json", value=value), 0)
    fine = checker.check(Payload(source="other", syntax="json", value=value), 1)
    assert fine.valid
    [finding] = broken.findings
    assert finding.check == "internal" and "TypeError" in finding.message
    assert "please report it" in finding.message


@pytest.mark.parametrize("levels", [127, 128])
def test_the_depth_limit_is_exact(tmp_path: Path, levels: int) -> None:
    """127 nested lists inside the document are read; 128 are refused (MAX_DEPTH)."""
    (tmp_path / "p.json").write_text(_deep(levels, "[", "]"))
    proc = run_cli("validate", str(tmp_path / "p.json"), "-f", "json")
    document = json.loads(proc.stdout)
    checks = [f["check"] for f in document["results"][0]["findings"]]
    assert ("parse" in checks) == (levels >= 128), checks


def test_control_characters_from_inputs_never_reach_the_reader_raw(tmp_path: Path) -> None:
    """A payload's property name and a file's name could clear a terminal (or a CI log viewer)
    and paint a forged green line; a bidi override makes a name read backwards. Each is shown
    as its escape in the console (normal, quiet, verbose), Markdown and HTML."""
    name = "evil\x1b[31m\u202e.json"
    (tmp_path / name).write_text(
        HEADER + ', "\\u001b[2J\\u001b[32m\\u2714 valid\\u0007": 1}', encoding="utf-8"
    )
    outputs = [
        run_cli("validate", str(tmp_path), *flags, cwd=tmp_path).stdout
        for flags in ((), ("-q",), ("-v",), ("-f", "markdown"), ("-f", "html"))
    ]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert "evil\\x1b[31m\\u202e.json" in outputs[0]
    assert "/\\x1b[2J\\x1b[32m" in outputs[0]  # the pointer, escaped


def test_inputs_that_cannot_be_read_are_findings_never_skipped(tmp_path: Path) -> None:
    """A dangling link with a payload's name and a link loop were skipped silently (the run
    passed); a file name that is not UTF-8 ended the run with an internal error. Each is now
    a located finding, or read and named with the bytes escaped."""
    import os

    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.json")
    os.symlink("nowhere.json", folder / "dangling.json")
    os.symlink("..", folder / "loop")
    odd = os.fsencode(folder) + b"/bad\xff name.json"
    with open(odd, "wb") as handle:
        handle.write(GOOD.read_bytes())
    proc = run_cli("validate", str(folder), "-f", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    document = json.loads(proc.stdout)
    REPORT.validate(document)
    by_name = {r["source"].removeprefix(str(folder) + "/"): r for r in document["results"]}
    assert by_name["good.json"]["valid"] and by_name["bad\\xff name.json"]["valid"]
    assert "cannot read" in by_name["dangling.json"]["findings"][0]["message"]
    assert "a symbolic link leads back to it" in by_name["loop/d"]["findings"][0]["message"]
    # named on the command line, the odd name is read and shown escaped too
    named = run_cli("validate", os.fsdecode(odd), cwd=tmp_path)
    assert named.returncode == 0 and "bad\\xff name.json" in named.stdout, named.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any directory: nothing to refuse")
def test_a_directory_that_cannot_be_listed_is_a_finding(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.json").write_text("{}")
    locked.chmod(0)
    try:
        proc = run_cli("validate", str(tmp_path), "-f", "json", cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    document = json.loads(proc.stdout)
    [result] = document["results"]
    assert proc.returncode == 1 and "cannot be listed" in result["findings"][0]["message"]


def test_a_file_that_does_not_know_its_size_is_read_whole_and_bounded(tmp_path: Path) -> None:
    """read_bytes asks for the file's own size (not the limit): a FIFO says 0, and must still
    be read whole, and over the limit still refused."""
    import threading

    from interopcheck.sources.payloads import read_bytes

    fifo = tmp_path / "pipe.json"
    for body, limit, whole in ((b'{"a": 1}' * 1000, 1 << 20, True), (b"x" * 5000, 4096, False)):
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda b=body: fifo.write_bytes(b))
        writer.start()
        data = read_bytes(str(fifo), limit)
        writer.join(timeout=10)
        fifo.unlink()
        if whole:
            assert data == body
        else:
            assert not isinstance(data, bytes) and "over the" in data.message
