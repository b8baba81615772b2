"""Fixtures: paths to the project, the bundled examples and the third-party test data
(``tests/data``, copied into the project with its licences: nothing outside the clone is read)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEST_DATA = ROOT / "tests" / "data"
#: The OASIS SARIF 2.1.0 schema every SARIF report is checked against.
SARIF_SCHEMA = json.loads((TEST_DATA / "sarif" / "sarif-schema-2.1.0.json").read_text())

# Hypothesis headless: no deadline (a shared machine's speed varies), and the example database
# under a directory of the developer's choosing, or none at all in CI (runs stay independent).
settings.register_profile(
    "interopcheck",
    deadline=None,
    database=(
        None
        if os.environ.get("CI")
        else DirectoryBasedExampleDatabase(
            os.environ.get("INTEROPCHECK_HYPOTHESIS_DB", str(ROOT / ".hypothesis" / "examples"))
        )
    ),
)
settings.load_profile("interopcheck")


def interopcheck_command() -> list[str]:
    """The installed console script when there is one (as a user runs it), else the module."""
    script = Path(sys.executable).parent / "interopcheck"
    if script.exists():
        return [str(script)]
    found = shutil.which("interopcheck")
    return [found] if found else [sys.executable, "-m", "interopcheck"]


def run_cli(
    *args: str,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user or CI would, bounded in time."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    raw = subprocess.run(
        [*interopcheck_command(), *args],
        cwd=cwd or ROOT,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=120,
    )
    return subprocess.CompletedProcess(
        raw.args,
        raw.returncode,
        raw.stdout.decode("utf-8", "replace"),
        raw.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli
