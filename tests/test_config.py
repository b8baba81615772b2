"""Configuration: defaults for the options people repeat from ``[tool.interopcheck]`` in
pyproject.toml or an ``interopcheck.toml`` found upward, ``INTEROPCHECK_*`` variables over them,
an option on the command line over both; ``interopcheck config`` says what is in effect and
where it came from; a mistake in the file is an error at its line and column. Every run here is
the real CLI in a temporary project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli

VALID = str(EXAMPLES / "charge-file" / "valid")
PYPROJECT = """[project]
name = "a-supplier-adapter"

[tool.ruff]
line-length = 100

[tool.interopcheck]
profile = "justice-ew"
format = ["json", "junit"]
report-dir = "conformance"
fail-on = ["untested"]
"""


def _project(tmp_path: Path, text: str = PYPROJECT) -> Path:
    (tmp_path / "pyproject.toml").write_text(text)
    work = tmp_path / "src" / "deep"
    work.mkdir(parents=True)
    return work


def _config(cwd: Path, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    proc = run_cli("config", "--json", cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stderr
    return {row["key"]: row for row in json.loads(proc.stdout)["settings"]}


def test_the_nearest_pyproject_table_gives_the_defaults(tmp_path: Path) -> None:
    work = _project(tmp_path)
    proc = run_cli("validate", VALID, cwd=work)
    # --fail-on untested from the file: a charge-file directory leaves requirements untested
    assert proc.returncode == 1, proc.stderr
    written = tmp_path / "conformance"  # relative to the file, not the working directory
    assert sorted(p.name for p in written.iterdir()) == ["report.json", "report.junit.xml"]
    document = json.loads((written / "report.json").read_text())
    assert document["profile"]["id"] == "justice-ew"
    assert document["verdict"] == "incomplete"
    # the reproduction stands alone: it names what the configuration supplied
    assert "--profile justice-ew" in document["manifest"]["reproduce"]
    assert "--fail-on untested" in document["manifest"]["reproduce"]


def test_option_beats_environment_beats_file(tmp_path: Path) -> None:
    work = _project(tmp_path)
    out = tmp_path / "out.json"

    def profile_used(*options: str, env: dict[str, str] | None = None) -> str:
        proc = run_cli("validate", VALID, "-f", "json", "-o", str(out), *options, cwd=work, env=env)
        assert proc.returncode in (0, 1), proc.stderr
        return str(json.loads(out.read_text())["profile"]["id"])

    assert profile_used() == "justice-ew"
    scotland = {"INTEROPCHECK_PROFILE": "justice-scotland"}
    assert profile_used(env=scotland) == "justice-scotland"
    assert profile_used("-p", "justice-ew", env=scotland) == "justice-ew"
    # -o on the command line wins over the configured report directory, instead of an error
    assert not (tmp_path / "conformance").exists()


def test_config_shows_each_value_and_where_it_came_from(tmp_path: Path) -> None:
    work = _project(tmp_path)
    rows = _config(work, env={"INTEROPCHECK_FAIL_ON": "untested should", "INTEROPCHECK_ACTOR": ""})
    assert rows["profile"]["value"] == "justice-ew"
    assert rows["profile"]["origin"] == "pyproject.toml:8:1"
    assert rows["format"]["value"] == ["json", "junit"]
    assert rows["report-dir"]["value"] == str(tmp_path / "conformance")
    assert rows["fail-on"] == {
        "key": "fail-on",
        "option": "--fail-on",
        "environment": "INTEROPCHECK_FAIL_ON",
        "value": ["untested", "should"],
        "origin": "INTEROPCHECK_FAIL_ON",
    }
    assert rows["actor"]["origin"] == "default" and rows["actor"]["value"] is None
    text = run_cli("config", cwd=work).stdout
    assert f"configuration file: {tmp_path / 'pyproject.toml'}" in text
    assert "profile     justice-ew  [pyproject.toml:8:1]" in text


def test_interopcheck_toml_is_found_before_a_farther_pyproject(tmp_path: Path) -> None:
    work = _project(tmp_path)
    (work.parent / "interopcheck.toml").write_text('# ours\nactor = "court"\n')
    rows = _config(work)
    assert rows["actor"]["origin"] == "interopcheck.toml:2:1"
    assert rows["profile"]["origin"] == "default"  # the nearest file alone decides
    # a pyproject.toml without the table is passed by on the way up
    (work / "pyproject.toml").write_text('[project]\nname = "inner"\n')
    assert _config(work)["actor"]["value"] == "court"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (PYPROJECT + "  workerz = 3\n", "pyproject.toml:12:3:", "unknown key 'workerz'"),
        (PYPROJECT + "workers = 0\n", "pyproject.toml:12:1:", "workers is a whole number"),
        (PYPROJECT.replace('"junit"', '"pdf"'), "pyproject.toml:9:1:", "format 'pdf' is not"),
        (PYPROJECT + "profile = \n", "pyproject.toml:12:", "not valid TOML"),
    ],
)
def test_a_mistake_in_the_file_is_one_located_line_and_nothing_runs(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    work = _project(tmp_path, text)
    for args in (("validate", VALID), ("config",)):
        proc = run_cli(*args, cwd=work)
        assert proc.returncode == 2, proc.stdout
        [line] = proc.stderr.strip().splitlines()
        assert line.startswith(f"interopcheck: error: {tmp_path / where}"), line
        assert words in line, line
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "conformance").exists()


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    proc = run_cli("journey", VALID, cwd=tmp_path, env={"INTEROPCHECK_FORMAT": "json pdf"})
    assert proc.returncode == 2
    assert "INTEROPCHECK_FORMAT: format 'pdf' is not one of" in proc.stderr
