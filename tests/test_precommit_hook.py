"""The pre-commit hook, judged by pre-commit itself: its manifest passes pre-commit's own schema,
pre-commit's own file classifier picks the payload fixtures of a realistic repository and
nothing else (no package.json, no workflow YAML), and the hook's command, run on what it picked
as pre-commit runs it, passes on good payloads and fails quietly, a line per finding, on a bad
one. The README's example ``rev:`` names a commit this repository has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest
from pre_commit.commands.run import Classifier, filter_by_include_exclude

from tests.conftest import EXAMPLES, ROOT, run_cli

HOOKS = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
HOOK = next(h for h in HOOKS if h["id"] == "interopcheck-validate")
GOOD = EXAMPLES / "charge-file" / "valid"
BAD = EXAMPLES / "charge-file" / "invalid" / "asn-wrong-check-letter.json"

#: A supplier's repository: payload fixtures beside everything else JSON and YAML.
NOT_PAYLOADS = [
    "package.json",
    "package-lock.json",
    "web/tsconfig.app.json",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
    "docker-compose.yaml",
    "openapi/court.yaml",
    "src/config/settings.json",
    ".vscode/settings.json",
    "fixtures/README.md",
]


def _repository(tmp_path: Path, bad: bool = False) -> list[str]:
    """Files as pre-commit hands them over: relative to the repository root."""
    for name in NOT_PAYLOADS:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"name": "not a payload", "on": ["push"]}\n')
    payloads = []
    for index, source in enumerate(sorted(GOOD.glob("*.json"))[:3]):
        folder = ("fixtures/payloads", "tests/fixtures", "messages/charge-files")[index]
        target = tmp_path / folder / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        payloads.append(f"{folder}/{source.name}")
    if bad:
        shutil.copy(BAD, tmp_path / "fixtures" / "payloads" / BAD.name)
        payloads.append(f"fixtures/payloads/{BAD.name}")
    return sorted(payloads)


def _picked(tmp_path: Path, files: list[str]) -> list[str]:
    classifier = Classifier([str(tmp_path / f) for f in files])
    names = [n.removeprefix(f"{tmp_path}/") for n in classifier.filenames]
    included = filter_by_include_exclude(names, HOOK["files"], HOOK["exclude"])
    return sorted(
        classifier.by_types(
            [str(tmp_path / n) for n in included],
            HOOK["types"],
            HOOK["types_or"],
            HOOK["exclude_types"],
        )
    )


def test_pre_commit_picks_the_payloads_and_nothing_else(tmp_path: Path) -> None:
    payloads = _repository(tmp_path)
    everything = NOT_PAYLOADS + payloads
    picked = [p.removeprefix(f"{tmp_path}/") for p in _picked(tmp_path, everything)]
    assert picked == payloads


def test_the_hook_passes_good_payloads_and_fails_quietly_on_a_bad_one(tmp_path: Path) -> None:
    payloads = _repository(tmp_path, bad=True)
    entry = HOOK["entry"].split()
    assert entry[0] == "interopcheck"
    good = [p for p in payloads if BAD.name not in p]
    passing = run_cli(*entry[1:], *HOOK["args"], *good, cwd=tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    failing = run_cli(*entry[1:], *HOOK["args"], *payloads, cwd=tmp_path)
    assert failing.returncode == 1, failing.stderr
    lines = failing.stdout.splitlines()
    assert any(line.startswith(f"✗ fixtures/payloads/{BAD.name}") for line in lines)
    assert any("/defendants/0/asn" in line for line in lines)
    assert not any(char in failing.stdout for char in "┃━│"), "quiet: no tables"
    assert len(lines) <= 6, failing.stdout


def test_the_readme_rev_is_a_commit_of_this_repository() -> None:
    readme = (ROOT / "README.md").read_text()
    revs = re.findall(r"^\s*rev:\s*(\S+)", readme, re.M)
    assert revs, "the README shows a .pre-commit-config.yaml with a rev:"
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no history to look the rev up in")
    for rev in revs:
        found = subprocess.run(
            ["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True
        )
        assert found.returncode == 0, f"rev {rev} is not a commit of this repository"
        manifest = subprocess.run(
            ["git", "show", f"{rev}:.pre-commit-hooks.yaml"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert "id: interopcheck-validate" in manifest.stdout
        assert "package(-lock)?" in manifest.stdout, "the rev has the payload-only pattern"
