"""Reports: one run writes every format, each read back by a real parser or schema (JSON
Schema, an XML parser, the official SARIF 2.1.0 schema, headless Chromium); re-rendering a
saved report gives the same files; personal data shows nowhere by default; hostile markup in a
payload stays text."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from interopcheck.formats import markdown
from interopcheck.report.document import REPORT_SCHEMA_PATH
from tests.conftest import EXAMPLES, TEST_DATA, run_cli

REPORT_VALIDATOR = jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA_PATH.read_text()))
SARIF_SCHEMA = json.loads((TEST_DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())
BROKEN = EXAMPLES / "journeys-broken" / "asn-changed-at-court"
FILES = ["report.html", "report.json", "report.junit.xml", "report.md", "report.sarif"]
NAME_DEFECT = EXAMPLES / "charge-file" / "invalid" / "family-name-36-characters.json"
BIRTH_DEFECT = EXAMPLES / "charge-file" / "invalid" / "birth-date-30-february.json"


def _profile_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("validate", "-p", "justice-ew", *args, env=env)


def _all_formats(tmp_path: Path, *args: str, command: str = "journey") -> tuple[Path, Any]:
    out = tmp_path / "reports"
    proc = run_cli(command, "-p", "justice-ew", *args, "--report-dir", str(out))
    assert proc.returncode in (0, 1), proc.stderr
    return out, proc


def test_one_run_writes_every_format_and_each_parses(tmp_path: Path) -> None:
    out, proc = _all_formats(tmp_path, str(BROKEN))
    assert proc.returncode == 1
    assert "NOT CONFORMANT" in proc.stdout  # the console summary still goes to stdout
    assert sorted(p.name for p in out.iterdir()) == FILES

    report = json.loads((out / "report.json").read_text())
    REPORT_VALIDATOR.validate(report)
    assert report["conformant"] is False
    failed = {r["id"] for r in report["requirements"] if r["outcome"] == "failed"}
    assert failed == {"JR-001"}
    manifest = report["manifest"]
    assert manifest["inputs"] == [str(BROKEN)]
    assert manifest["profile"]["digest"] == report["profile"]["digest"]
    assert len(manifest["schemas"]) >= 13
    assert manifest["reproduce"].startswith("interopcheck journey ")

    # JUnit: one testcase per requirement, dotted profile.actor.message, the failure carrying
    # the failing subjects.
    root = ET.parse(out / "report.junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    ids = [c.get("name", "").split()[0] for c in cases]
    assert set(ids) >= {r["id"] for r in report["requirements"]}
    by_id = dict(zip(ids, cases, strict=True))
    assert by_id["JR-001"].get("classname") == "justice-ew.journey"
    assert by_id["CF-001"].get("classname") == "justice-ew.police.charge-file"
    failure = by_id["JR-001"].find("failure")
    assert failure is not None and "hearing-result" in (failure.text or "")
    assert by_id["CF-001"].find("failure") is None
    assert root.get("failures") == "1"

    # SARIF: valid against the official schema; a rule per requirement; results located.
    sarif = json.loads((out / "report.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    run = sarif["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert set(rules) >= {r["id"] for r in report["requirements"]}
    assert run["results"], "the failing requirement has located results"
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"] == "JR-001"
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith(".json")
        assert location["region"]["startLine"] >= 1

    md = (out / "report.md").read_text()
    assert "NOT CONFORMANT to justice-ew" in md and "JR-001" in md
    html = (out / "report.html").read_text()
    assert "NOT CONFORMANT to justice-ew" in html and "JR-001" in html


def test_a_schema_only_run_reports_by_message_type(tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = run_cli(
        "validate", str(NAME_DEFECT), str(EXAMPLES / "journeys"), "--report-dir", str(out)
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads((out / "report.json").read_text())
    REPORT_VALIDATOR.validate(report)
    assert report["manifest"]["profile"] is None
    counts = {
        m["messageType"]: (m["payloads"], m["invalid"]) for m in report["summary"]["messageTypes"]
    }
    assert counts["charge-file"] == (2, 1)
    cases = ET.parse(out / "report.junit.xml").getroot().findall("./testsuite/testcase")
    failing = [c.get("classname") for c in cases if c.find("failure") is not None]
    assert failing == ["schema.charge-file"]
    sarif = json.loads((out / "report.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"interopcheck/schema"}


def test_re_rendering_a_saved_report_gives_the_same_files(tmp_path: Path) -> None:
    out, _ = _all_formats(tmp_path, str(BROKEN))
    again = tmp_path / "again"
    proc = run_cli(
        "report",
        str(out / "report.json"),
        "-f",
        "html",
        "-f",
        "markdown",
        "-f",
        "junit",
        "-f",
        "sarif",
        "--report-dir",
        str(again),
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("report.html", "report.md", "report.junit.xml", "report.sarif"):
        assert (again / name).read_text() == (out / name).read_text(), name


def test_report_refuses_what_is_not_a_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"formatVersion": "2", "tool": 1')
    proc = run_cli("report", str(bad))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(f"interopcheck: error: {bad}:1:") and proc.stderr.count("\n") == 1
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    proc = run_cli("report", str(other))
    assert proc.returncode == 2 and "not an interopcheck report" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "json", "-f", "junit"], "several --format values need --report-dir"),
        (["--sign", "nokey"], "--sign signs report.json"),
        (["--product", "X"], "--product and --product-version need --supplier"),
        (["--report-dir", "d", "-o", "f"], "give --output or --report-dir, not both"),
    ],
)
def test_output_option_mistakes_are_setup_errors(
    tmp_path: Path, args: list[str], message: str
) -> None:
    proc = run_cli("validate", str(NAME_DEFECT), *args, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert message in proc.stderr and proc.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_fail_on_sets_the_exit_code_not_the_verdict(tmp_path: Path) -> None:
    # prosecution-case-before-decision breaks only a SHOULD requirement (JR-011).
    should_only = EXAMPLES / "journeys-broken" / "prosecution-case-before-decision"
    codes = {}
    for policy in ("must", "should", "never"):
        proc = run_cli(
            "journey", "-p", "justice-ew", str(should_only), "--fail-on", policy, "-f", "json"
        )
        codes[policy] = proc.returncode
        # Nothing deciding failed; the endpoints were not probed, so the verdict is INCOMPLETE.
        assert json.loads(proc.stdout)["verdict"] == "incomplete"
    assert codes == {"must": 0, "should": 1, "never": 0}
    broken = [
        run_cli("journey", "-p", "justice-ew", str(BROKEN), "--fail-on", p)
        for p in ("must", "never")
    ]
    assert [p.returncode for p in broken] == [1, 0]


# -- privacy ----------------------------------------------------------------------------------


def _personal_values() -> list[str]:
    person = json.loads(NAME_DEFECT.read_text())["defendants"][0]["person"]
    birth = json.loads(BIRTH_DEFECT.read_text())["defendants"][0]["person"]["birthDate"]
    family = person["name"]["familyName"]
    return [family, json.dumps(family)[1:-1], birth]


def test_personal_data_shows_in_no_format_by_default(tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = _profile_run(
        str(NAME_DEFECT),
        str(BIRTH_DEFECT),
        "--report-dir",
        str(out),
    )
    assert proc.returncode == 1, proc.stderr
    texts = {p.name: p.read_text() for p in out.iterdir()} | {
        "stdout": proc.stdout,
        "stderr": proc.stderr,
    }
    for name, text in texts.items():
        for value in _personal_values():
            assert value not in text, (name, value)
    assert "redacted" in texts["report.html"]
    shown = tmp_path / "shown"
    _profile_run(
        str(NAME_DEFECT),
        str(BIRTH_DEFECT),
        "--report-dir",
        str(shown),
        "--show-personal-data",
    )
    report = json.loads((shown / "report.json").read_text())
    assert report["personalData"] == "shown"
    assert _personal_values()[2] in (shown / "report.html").read_text()


def test_secrets_appear_nowhere(tmp_path: Path) -> None:
    """The key passphrase comes only from the environment and the private key only from its
    file: neither reaches any report, the signature, stdout or stderr."""
    secret = "correct horse battery staple 7Q!"
    env = {"INTEROPCHECK_KEY_PASSPHRASE": secret}
    key = tmp_path / "supplier-key"
    made = run_cli("keys", "generate", str(key), env=env)
    assert made.returncode == 0, made.stderr
    assert "encrypted" in made.stdout and secret not in made.stdout + made.stderr
    assert secret.encode() not in key.read_bytes()
    out = tmp_path / "r"
    proc = _profile_run(
        str(NAME_DEFECT),
        "--report-dir",
        str(out),
        "--sign",
        str(key),
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    private = key.read_text()
    body = private.splitlines()[1]
    for text in [p.read_text() for p in out.iterdir()] + [proc.stdout, proc.stderr]:
        assert secret not in text and body not in text
    # Without the passphrase the encrypted key cannot sign: a setup error, nothing written.
    proc = run_cli(
        "validate",
        str(NAME_DEFECT),
        "--report-dir",
        str(tmp_path / "none"),
        "--sign",
        str(key),
        env={"INTEROPCHECK_KEY_PASSPHRASE": ""},
    )
    assert proc.returncode == 2 and "INTEROPCHECK_KEY_PASSPHRASE" in proc.stderr
    assert not (tmp_path / "none").exists()


# -- markdown under GitHub's limit -------------------------------------------------------------


def test_markdown_stays_under_a_mebibyte_however_large_the_run() -> None:
    finding = {
        "check": "schema",
        "message": "x" * 300,
        "pointer": "/a/b/c",
        "line": 3,
        "column": 7,
        "keyword": "format",
        "expected": "y" * 100,
        "schemaLocation": None,
        "value": None,
        "valueRedacted": False,
        "requirement": "CF-001",
        "level": "MUST",
    }
    results = [
        {
            "source": f"payloads/{i:06d}.json",
            "messageType": "charge-file",
            "schema": None,
            "valid": False,
            "findings": [finding] * 20,
        }
        for i in range(5000)
    ]
    document = {
        "conformant": False,
        "personalData": "redacted",
        "manifest": {"reproduce": "interopcheck validate ."},
        "summary": {"payloads": 5000, "invalid": 5000, "findings": 100000},
        "results": results,
        "resultsOmitted": 95000,
    }
    text = markdown.render(document)
    assert len(text.encode()) < 1024 * 1024
    assert "not shown (size limit)" in text and "95000 more failing payloads" in text


# -- HTML in a real browser --------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("INTEROPCHECK_REQUIRE_CHROMIUM"),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "INTEROPCHECK_REQUIRE_CHROMIUM is set but chromium is missing"
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )


def _hostile_payload(tmp_path: Path) -> Path:
    document = json.loads(NAME_DEFECT.read_text())
    document["defendants"][0]["person"]["name"]["familyName"] = HOSTILE
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document))
    return path


@needs_chromium
def test_html_renders_in_chromium_and_markup_from_a_payload_stays_text(tmp_path: Path) -> None:
    out = tmp_path / "r"
    proc = _profile_run(
        str(_hostile_payload(tmp_path)),
        "--show-personal-data",
        "--report-dir",
        str(out),
        "-f",
        "html",
    )
    assert proc.returncode == 1, proc.stderr
    page = (out / "report.html").resolve().as_uri()
    dom = _chromium("--dump-dom", page)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert "<title>interopcheck report: NOT CONFORMANT" in dom.stdout  # no script changed it
    assert "pwned</title>" not in dom.stdout
    body = dom.stdout.split("<body>", 1)[1]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in body  # shown as text
    shot = tmp_path / "shot.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1000,1400", page)
    assert taken.returncode == 0, taken.stderr[-500:]
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1000, 1400)
    assert shot.stat().st_size > 20_000  # text and tables, not a blank page


def test_junit_tells_a_lone_message_from_an_unreadable_payload(tmp_path: Path) -> None:
    lone = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    proc = run_cli("journey", "-p", "justice-ew", str(lone), str(broken), "-f", "junit")
    assert proc.returncode == 1
    cases = {c.get("name"): c for c in ET.fromstring(proc.stdout).iter("testcase")}
    journey = cases["every message belongs to a journey with others"].find("failure")
    inputs = cases["every payload can be read and has a known message type"].find("failure")
    assert journey is not None and "01-charge-file.json" in (journey.text or "")
    assert inputs is not None and "broken.json" in (inputs.text or "")
    assert "01-charge-file.json" not in (inputs.text or "")
