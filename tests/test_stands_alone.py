"""The project stands alone: a clone of this repository is all the tests and the tool read, no
tool cache is committed, and a command writes nothing the user did not ask for."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, TEST_DATA, run_cli

#: What reaching outside the clone looks like in code: the sibling ``shared/`` folder, by any path.
OUTSIDE = re.compile(r"""\.\./shared|parent\s*/\s*["']shared["']|["']shared["']\s*/\s*["']vendor""")


def _tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_no_code_reads_anything_beside_the_clone() -> None:
    offenders = []
    for folder in ("interopcheck", "tests", "benchmarks", ".ci"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ""} or not path.is_file() or "data" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.name != Path(__file__).name and OUTSIDE.search(text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_third_party_test_data_ships_with_its_licence_and_source() -> None:
    readme = (TEST_DATA / "README.md").read_text(encoding="utf-8")
    for folder, licence in (("JSON-Schema-Test-Suite", "LICENSE"), ("sarif", "LICENSE.md")):
        assert (TEST_DATA / folder / licence).is_file()
        commit = (TEST_DATA / folder / "COMMIT").read_text().split()[0]
        assert re.fullmatch(r"[0-9a-f]{40}", commit) and commit in readme
    suite = TEST_DATA / "JSON-Schema-Test-Suite" / "tests" / "draft2020-12"
    assert len(list(suite.glob("*.json"))) > 40


def test_no_tool_cache_or_generated_file_is_committed() -> None:
    caches = (".schemathesis/", ".hypothesis/", ".pytest_cache/", "__pycache__/", ".mypy_cache/")
    committed = [name for name in _tracked_files() if any(c in f"/{name}" for c in caches)]
    assert committed == []
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {".hypothesis/", ".schemathesis/", ".pytest_cache/", ".venv/"} <= set(ignored)


def _without_hypothesis_storage() -> dict[str, str]:
    return {"HYPOTHESIS_STORAGE_DIRECTORY": ""}


def test_generate_writes_only_what_was_asked(tmp_path: Path) -> None:
    proc = run_cli(
        "generate",
        "--type",
        "charge-file",
        "-n",
        "3",
        "--seed",
        "1",
        "--output-dir",
        "cases",
        cwd=tmp_path,
        env=_without_hypothesis_storage(),
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases"]
    assert not list(tmp_path.rglob(".hypothesis"))


def test_compat_writes_nothing_in_the_working_directory(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    old.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    new.write_text(
        json.dumps(
            {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}},
        )
    )
    proc = run_cli("compat", str(old), str(new), cwd=tmp_path, env=_without_hypothesis_storage())
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "old.json"]
