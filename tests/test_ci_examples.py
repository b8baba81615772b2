"""The CI examples and the pre-commit hook: they parse, and the commands they run exist and
produce the files the next steps read (run here for real, on the bundled examples)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import EXAMPLES, run_cli

CI = EXAMPLES / "ci"


def _commands(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line) for line in lines if line.strip().startswith("interopcheck ")]


def _run_in_a_repository(tmp_path: Path, command: list[str]) -> Any:
    """Run an example's command where ``payloads/`` holds the bundled complete journey."""
    shutil.copytree(EXAMPLES / "journeys", tmp_path / "payloads")
    return run_cli(*command[1:], cwd=tmp_path)


def test_github_workflow_runs_a_real_command_and_reads_what_it_writes(tmp_path: Path) -> None:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text())
    steps = workflow["jobs"]["interopcheck"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    commands = _commands(runs)
    assert len(commands) == 1
    proc = _run_in_a_repository(tmp_path, commands[0])
    assert proc.returncode == 0, proc.stderr
    read = [
        s["with"][k]
        for s in steps
        if "with" in s
        for k in ("report_paths", "sarif_file", "path")
        if k in s["with"]
    ]
    read += [w for r in runs for w in shlex.split(r) if w.startswith("reports/")]
    assert read
    for path in read:
        assert (tmp_path / path).exists(), path
    gate = next(s for s in steps if s.get("name") == "Gate on the verdict")
    assert "steps.check.outcome" in gate["if"]


def test_gitlab_job_runs_a_real_command_and_its_junit_report_exists(tmp_path: Path) -> None:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["interopcheck"]
    commands = _commands(job["script"])
    assert len(commands) == 1
    proc = _run_in_a_repository(tmp_path, commands[0])
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / job["artifacts"]["reports"]["junit"]).is_file()
    for path in job["artifacts"]["paths"]:
        assert (tmp_path / path).exists()


def test_the_commands_gate_on_the_exit_code(tmp_path: Path) -> None:
    """The same command on a payload that breaks a MUST requirement exits 1, which is what
    fails the CI job."""
    command = _commands(
        yaml.safe_load((CI / "gitlab-ci.yml").read_text())["interopcheck"]["script"]
    )[0]
    shutil.copytree(EXAMPLES / "journeys", tmp_path / "payloads")
    shutil.copy(
        EXAMPLES / "charge-file" / "invalid" / "asn-wrong-check-letter.json", tmp_path / "payloads"
    )
    proc = run_cli(*command[1:], cwd=tmp_path)
    assert proc.returncode == 1
    assert (tmp_path / "reports" / "report.junit.xml").is_file()


def test_compat_gate_workflow_annotates_the_proposed_schemas(tmp_path: Path) -> None:
    """The standard's repository: the released 1.0 checked out beside the proposed 1.1. The
    workflow's command exits 1 (receivers cannot upgrade first), writes what the later steps
    read, and its SARIF names the schema files by their paths in the repository, which is
    what lets code scanning annotate the pull request."""
    workflow = yaml.safe_load((CI / "github-compat-gate.yml").read_text())
    steps = workflow["jobs"]["compat"]["steps"]
    (command,) = _commands([s["run"] for s in steps if "run" in s])
    env = workflow["env"]
    versions = EXAMPLES / "compat" / "versions"
    shutil.copytree(versions / "1.0", tmp_path / env["RELEASED"])
    shutil.copytree(versions / "1.1", tmp_path / env["PROPOSED"])
    words = [env[w[1:]] if w.startswith("$") else w for w in command[1:]]
    proc = run_cli(*words, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    sarif = yaml.safe_load((tmp_path / "reports" / "report.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris and all(u.startswith(env["PROPOSED"] + "/") for u in uris)
    assert all((tmp_path / u).is_file() for u in uris)
    for step in steps:
        for key in ("sarif_file", "path"):
            if key in step.get("with", {}):
                assert (tmp_path / step["with"][key]).exists()
    shutil.rmtree(tmp_path / env["PROPOSED"])
    shutil.copytree(versions / "1.0", tmp_path / env["PROPOSED"])
    assert run_cli(*words, cwd=tmp_path).returncode == 0  # nothing changed: the gate opens
