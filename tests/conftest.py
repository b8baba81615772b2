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

pytest_plugins = ["pytester"]

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


#: ``INTEROPCHECK_TEST_SUBPROCESS=1`` runs every CLI call in a subprocess, as a user's shell does
#: (slower; the in-process runner goes through the same ``main``, error handling included).
ALWAYS_SUBPROCESS = os.environ.get("INTEROPCHECK_TEST_SUBPROCESS") == "1"


def run_cli(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    subprocess_only: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI, bounded in time: in this process through ``interopcheck.cli.main``
    (what the console script calls), or in a subprocess where the process itself is the
    subject (signals, start-up, the installed script) or when ``ALWAYS_SUBPROCESS`` is set."""
    arguments = [os.fspath(a) for a in args]
    if subprocess_only or ALWAYS_SUBPROCESS:
        return run_cli_process(*arguments, cwd=cwd, stdin=stdin, env=env)
    return _run_in_process(arguments, cwd=cwd, stdin=stdin, env=env)


def run_cli_process(
    *args: str,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI in a subprocess, as a user or CI would, bounded in time."""
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


def _run_in_process(
    args: list[str],
    *,
    cwd: Path | None,
    stdin: bytes | None,
    env: dict[str, str] | None,
) -> subprocess.CompletedProcess[str]:
    """``main(args)`` with stdin, stdout, stderr, the environment and the working directory of
    its own, and the process-wide state ``main`` sets (signal handlers, the unraisable hook,
    the stop flag) put back afterwards."""
    import signal

    from click.testing import CliRunner

    from interopcheck import cli as cli_module
    from interopcheck.output import STOP_REQUESTED

    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    here = os.getcwd()
    code: int = 0
    runner = CliRunner()
    with runner.isolation(
        input=stdin or b"", env={"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    ) as (out, err, _):
        try:
            os.chdir(cwd or ROOT)
            cli_module.main(args)
        except SystemExit as exc:
            code = _exit_code(exc.code)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.chdir(here)
            for number, handler in handlers.items():
                signal.signal(number, handler)
            sys.unraisablehook = hook
            STOP_REQUESTED.clear()
            cli_module._STOPPED_BY.clear()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["interopcheck", *args], code, stdout, stderr)


def _exit_code(code: object) -> int:
    """What a process exiting with ``SystemExit(code)`` returns to its shell."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli
