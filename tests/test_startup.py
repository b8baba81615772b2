"""Start-up: a run that names its command loads that command only, and a JSON-only run loads
neither PyYAML nor the process pool (issue 19: one-file validate was 0.22-0.30 s, mostly
imports). Checked in a fresh interpreter, where ``sys.modules`` says what was imported."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

ONE = ROOT / "examples" / "journeys" / "theft-and-knife" / "01-charge-file.json"

PROBE = """
import json, sys
from interopcheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    last = json.loads(done.stdout.strip().splitlines()[-1])
    return last["code"], set(last["modules"])


def test_validating_one_json_file_loads_only_what_it_uses() -> None:
    code, modules = _imported("validate", str(ONE), "-q")
    assert code == 0
    others = {f"interopcheck.cli.{name}" for name in ("probe", "sandbox", "compat", "generate")}
    assert not others & modules, others & modules
    for absent in ("yaml", "multiprocessing", "concurrent.futures", "dask", "httpx"):
        assert absent not in modules, absent


def test_help_still_lists_every_command() -> None:
    from interopcheck.cli import COMMANDS

    done = subprocess.run(
        [sys.executable, "-m", "interopcheck", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0
    for name in COMMANDS:
        assert f"  {name} " in done.stdout, name
