"""``interopcheck replay REPORT.json``: a probe's failing exchanges sent again, to the same
server (still failing) and to a fixed one (passing), against real sandboxes on loopback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from interopcheck.sandbox.app import SandboxConfig, create_app
from tests.conftest import run_cli
from tests.servers import serving

INTAKE = Path(__file__).parent / "data" / "intake-api"
TOKEN_ENV = "REPLAY_TOKEN"
SECRET = "replay-secret-for-the-tests-91c2"
ENV = {TOKEN_ENV: SECRET}


@pytest.fixture()
def profile(tmp_path: Path) -> Path:
    for name in ("openapi.yaml", "profile.yaml"):
        shutil.copy(INTAKE / name, tmp_path / name)
    return tmp_path / "profile.yaml"


def _sandbox(profile: Path, *faults: str) -> object:
    return create_app(
        SandboxConfig(str(profile), "prosecution", token=SECRET, faults=frozenset(faults))
    )


def _probe(profile: Path, url: str, report: Path) -> dict[str, object]:
    words = ["probe", "-p", profile, "--actor", "prosecution", "--target", url,
             "--auth", f"bearer:{TOKEN_ENV}", "-f", "json", "-o", report]  # fmt: skip
    proc = run_cli(*words, env=ENV)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(report.read_text())  # type: ignore[no-any-return]


def _failing(document: dict[str, object]) -> set[int]:
    return {
        r["exchange"]["number"]  # type: ignore[index]
        for r in document["results"]  # type: ignore[attr-defined]
        if r["findings"] and r["exchange"]["kind"] not in ("read-back", "unknown-read")
    }


def test_failing_exchanges_are_sent_again_and_said_to_pass_once_fixed(
    profile: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    with serving(_sandbox(profile, "accept-wrong-check-letter")) as faulty:
        first = _probe(profile, faulty, report)
        failing = _failing(first)
        assert failing  # the wrong check letter was accepted
        again = run_cli("replay", report, "-f", "json", env=ENV)
    assert again.returncode == 1, again.stderr
    replayed = json.loads(again.stdout)
    assert _failing(replayed) == failing
    assert {r["exchange"]["number"] for r in replayed["results"]} == failing
    assert f"{len(failing)} still fail, 0 pass now" in again.stderr
    with serving(_sandbox(profile)) as fixed:
        now = run_cli("replay", report, "--target", fixed, "-f", "json", env=ENV)
    assert now.returncode == 0, now.stderr
    assert f"0 still fail, {len(failing)} pass now" in now.stderr
    assert json.loads(now.stdout)["manifest"]["options"]["replayOf"] == str(report)
    assert SECRET not in again.stdout + again.stderr + now.stdout + now.stderr


def test_replay_refuses_what_it_cannot_send_again(profile: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with serving(_sandbox(profile)) as clean:
        _probe(profile, clean, report)
    nothing = run_cli("replay", report, env=ENV)
    assert nothing.returncode == 2 and "no failing exchange to send again" in nothing.stderr
    with serving(_sandbox(profile, "accept-invalid")) as faulty:
        _probe(profile, faulty, report)
    profile.write_text(profile.read_text() + "\n# changed\n")
    changed = run_cli("replay", report, env=ENV)
    assert changed.returncode == 2 and "has changed since the report was made" in changed.stderr
    validated = tmp_path / "validate.json"
    payload = tmp_path / "p.json"
    payload.write_text("{}")
    run_cli("validate", payload, "-f", "json", "-o", validated)
    other = run_cli("replay", validated, env=ENV)
    assert other.returncode == 2 and "not of probe" in other.stderr
    for proc in (nothing, changed, other):
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
