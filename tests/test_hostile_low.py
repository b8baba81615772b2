"""The smaller findings of the attack on the tool (issue 14, "Low"), each as it was seen: a rule
nested thousands of links deep, a code list named wrong in CEL, a cancelled CI job, a full
disk. None may be an internal error or leave a partial report behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import EXAMPLES, interopcheck_command, run_cli

PAYLOAD = EXAMPLES / "journeys" / "theft-and-knife" / "01-charge-file.json"


def _profile(tmp_path: Path, cel: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: nested-rule\nversion: '1'\ntitle: P\nextends: justice-ew\nrequirements:\n"
        "  - id: P-001\n    level: MUST\n    text: A rule for the test.\n    check:\n"
        f"      cel: {cel!r}\n      at: {{charge-file: [/header]}}\n"
    )
    return path


def test_a_rule_nested_thousands_deep_is_refused_where_it_is_written(tmp_path: Path) -> None:
    for cel in ("has(self" + ".a" * 3000 + ")", "(" * 500 + "true" + ")" * 500):
        profile = _profile(tmp_path, cel)
        proc = run_cli("validate", "-p", str(profile), str(PAYLOAD))
        assert proc.returncode == 2 and "internal error" not in proc.stderr, proc.stderr
        assert "deeper than any message" in proc.stderr
        lint = run_cli("profiles", "lint", str(profile))
        assert lint.returncode == 1 and ":10:" in lint.stdout


def test_lint_finds_a_code_list_named_wrong_inside_cel(tmp_path: Path) -> None:
    profile = _profile(tmp_path, "inCodelist('forcez', self.sender.ouCode)")
    lint = run_cli("profiles", "lint", str(profile))
    assert lint.returncode == 1, lint.stdout
    assert "no code list 'forcez'; did you mean forces?" in lint.stdout


def test_a_cancelled_run_stops_in_order_and_leaves_nothing(tmp_path: Path) -> None:
    """SIGTERM, as a CI system cancels a job: exit 143, no report and no hidden temporary file
    (before, a partial .report.json.* was left in the report directory)."""
    many = tmp_path / "many"
    many.mkdir()
    one = tmp_path / "one.json"
    one.write_bytes(PAYLOAD.read_bytes())
    for number in range(30_000):  # links to one file of our own: a long run, cheaply made
        os.link(one, many / f"{number:05d}.json")
    out = tmp_path / "reports"
    process = subprocess.Popen(
        [
            *interopcheck_command(),
            "validate",
            "-p",
            "justice-ew",
            "-j",
            "1",
            str(many),
            "--report-dir",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    _wait_until_it_catches(process.pid, signal.SIGTERM)
    time.sleep(0.5)  # into the run (a start, not a measurement)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert process.stderr is not None
    said = process.stderr.read()
    assert "terminated (no report file was written)" in said and "Traceback" not in said
    assert not out.exists() or list(out.iterdir()) == []


def _wait_until_it_catches(pid: int, signum: int, timeout: float = 60) -> None:
    """Until the process has its handler for ``signum`` (Linux: SigCgt in /proc), so that a
    loaded machine's slow start-up cannot turn the test into a kill."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(
            next(li for li in status.splitlines() if li.startswith("SigCgt:")).split()[1], 16
        )
        if caught >> (signum - 1) & 1:
            return
        time.sleep(0.05)
    raise AssertionError(f"the process never caught signal {signum}")


def test_a_full_disk_is_one_clear_line_not_a_bug_report() -> None:
    proc = run_cli("validate", str(PAYLOAD), "-f", "json", "-o", "/dev/full")
    assert proc.returncode == 2
    assert "No space left on device" in proc.stderr and "bug" not in proc.stderr


BROKEN_API_DOCUMENTS = [
    "just a string",
    "openapi: 3.1.0",
    "openapi: 3.1.0\npaths: []",
    "openapi: 3.1.0\npaths: {/x: {post: {requestBody: {content: {application/json: "
    "{schema: 5}}}}}}",
    "openapi: 3.1.0\npaths: {/x: {post: {operationId: [1], requestBody: {content: "
    "{application/json: {schema: {$ref: '#/nope'}}}}, responses: 7}}}\ncomponents: 3",
    "openapi: 3.1.0\npaths: {/x: {post: {requestBody: {content: {application/json: {schema: "
    "{$ref: '#/components/schemas/m'}}}}, responses: {'202': {description: ok}}}}}\n"
    "components: {schemas: {m: {type: object}}, securitySchemes: 5}\nsecurity: [5]",
]


def test_a_malformed_api_document_is_a_clear_error_located_where_it_is_named(
    tmp_path: Path,
) -> None:
    """Two of these were internal errors ('int' object has no attribute 'get'), and lint put
    every one at the profile's 1:1."""
    for text in BROKEN_API_DOCUMENTS:
        (tmp_path / "api.yaml").write_text(text + "\n")
        profile = tmp_path / "p.yaml"
        profile.write_text(
            "id: api-test\nversion: '1'\ntitle: API\nextends: justice-ew\n"
            "api:\n  openapi: api.yaml\n  actor: court\n"
        )
        proc = run_cli("validate", "-p", str(profile), str(PAYLOAD))
        assert proc.returncode == 2 and "internal error" not in proc.stderr, (text, proc.stderr)
        assert "api.yaml" in proc.stderr
        lint = run_cli("profiles", "lint", str(profile))
        assert lint.returncode == 1 and f"{profile}:6:12:" in lint.stdout, (text, lint.stdout)


def test_lint_finds_a_journey_rule_that_compares_objects(tmp_path: Path) -> None:
    """A journey rule pointed at an object crashed `journey` on valid data, and lint said
    nothing; `journey` now compares such values whole, and lint says where the rule is wrong."""
    profile = tmp_path / "j.yaml"
    profile.write_text(
        "id: journey-objects\nversion: '1'\ntitle: J\nextends: justice-ew\nrequirements:\n"
        "  - id: J-001\n    level: MUST\n    text: The same defendant throughout.\n"
        "    check:\n      journey: same-identifier\n"
        "      origin: {charge-file: [/defendants/*/person]}\n"
        "      reuse: {prosecution-case: [/defendants/*/person]}\n"
    )
    lint = run_cli("profiles", "lint", str(profile))
    assert lint.returncode == 1, lint.stdout
    assert ":11:" in lint.stdout and "is an object in a charge-file message" in lint.stdout
    journey = run_cli("journey", "-p", str(profile), str(EXAMPLES / "journeys"), "-f", "json")
    assert journey.returncode in (0, 1) and "internal error" not in journey.stderr


def test_lint_says_a_code_list_is_not_utf8_instead_of_failing(tmp_path: Path) -> None:
    (tmp_path / "latin.csv").write_bytes("code,label\n01,Gwynedd \xe2\n".encode("latin-1"))
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "id: latin\nversion: '1'\ntitle: L\nextends: justice-ew\ncodelists:\n"
        "  latin: {title: L, source: me, file: latin.csv, code: code, label: label}\n"
    )
    lint = run_cli("profiles", "lint", str(profile))
    assert lint.returncode == 1 and "internal error" not in lint.stderr
    assert "latin.csv is not UTF-8 text" in lint.stdout


def test_ctrl_c_with_workers_says_so_once(tmp_path: Path) -> None:
    """Each worker printed a traceback of its own before."""
    many = tmp_path / "many"
    many.mkdir()
    one = tmp_path / "one.json"
    one.write_bytes(PAYLOAD.read_bytes())
    for number in range(30_000):
        os.link(one, many / f"{number:05d}.json")
    process = subprocess.Popen(
        [
            *interopcheck_command(),
            "validate",
            "-p",
            "justice-ew",
            "-j",
            "2",
            str(many),
            "-f",
            "json",
            "-o",
            str(tmp_path / "r.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)  # the workers are at work (a start, not a measurement)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr is not None
    said = process.stderr.read()
    assert "Traceback" not in said and said.count("interrupted") == 1, said
    assert not (tmp_path / "r.json").exists()
