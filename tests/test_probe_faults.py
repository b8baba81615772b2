"""Probe at its default settings against an API nobody here wrote the profile for: a charge-file
intake described only by its OpenAPI document (identifiers and codes by pattern, errors as
problems, a read after the write), profiled as a new user would (tests/data/intake-api/).

The sandbox serves that document with each ``--fault`` in turn; probe must find every fault,
on every seed tried, at the default ``-n``, and raise no alarm against the clean sandbox. The
sandbox is real (Starlette under uvicorn on 127.0.0.1) and so is every request."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from interopcheck.probing.auth import parse_auth
from interopcheck.probing.client import SendOptions
from interopcheck.probing.pacing import Controls
from interopcheck.probing.plan import PlanOptions
from interopcheck.probing.run import ProbeRequest, run_probe
from interopcheck.sandbox.app import SandboxConfig, create_app
from interopcheck.sandbox.faults import FAULTS
from interopcheck.validation import ValidationSpec, build_checker
from tests.conftest import run_cli
from tests.servers import failed_requirements as _failed
from tests.servers import serving

INTAKE = Path(__file__).parent / "data" / "intake-api"
TOKEN_ENV = "INTAKE_TOKEN"
SECRET = "intake-secret-for-the-fault-tests-4b1d"
SEEDS = (0, 1, 2)
#: The requirement of the intake profile each fault must fail.
MEANT_FOR = {
    "accept-invalid": "INT-102",
    "accept-missing-required": "INT-102",
    "accept-wrong-check-letter": "INT-102",
    "crash-on-apostrophe": "INT-103",
    "stack-trace": "INT-108",
    "wrong-content-type": "INT-104",
    "errors-as-plain-json": "INT-104",
    "bad-receipt": "INT-105",
    "wrong-status": "INT-101",
    "no-correlation-id": "INT-106",
    "no-auth-check": "INT-107",
    "unauthenticated-reads": "INT-107",
    "slow": "INT-109",
    "slow-on-large": "INT-109",
}
#: What the finding of a fault about content says the case was.
CASE_SAID = {
    "accept-missing-required": "required property",
    "accept-wrong-check-letter": "pnc-id with the wrong check letter (INT-001)",
    "slow-on-large": "the largest valid ChargeFile",
    "unauthenticated-reads": "GET /v2/charge-files/{fileId} request sent without credentials",
}


#: The faults a time limit finds: only their runs get the tight limit (below).
TIMED = frozenset({"slow", "slow-on-large"})


def _intake(folder: Path, limit_ms: int) -> Path:
    shutil.copy(INTAKE / "openapi.yaml", folder / "openapi.yaml")
    text = (INTAKE / "profile.yaml").read_text(encoding="utf-8")
    (folder / "profile.yaml").write_text(
        text.replace("maxResponseMs: 2000", f"maxResponseMs: {limit_ms}"), encoding="utf-8"
    )
    return folder / "profile.yaml"


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The intake profile with a tighter time limit (1 s), so that the slow faults (1.5 s an
    answer) cost the test seconds, not minutes (tighter, a loaded machine's own answers were
    slower than the limit)."""
    return _intake(tmp_path_factory.mktemp("intake"), 1000)


@pytest.fixture(scope="module")
def untimed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The intake profile with a limit no answer of a loopback sandbox meets (30 s), for the
    faults that are not about time: on a machine loaded by the rest of the suite, answers of
    over 1 s made the endpoint known slow, and the probe, rightly sending a slow endpoint
    only kinds of exchange it had not met, then missed the fault under test."""
    return _intake(tmp_path_factory.mktemp("intake-untimed"), 30000)


def _probe(profile: Path, faults: frozenset[Any], seed: int, **controls: Any) -> list[Any]:
    checker = build_checker(ValidationSpec(profile=str(profile)))
    assert checker.rules is not None and checker.rules.profile.api is not None
    os.environ[TOKEN_ENV] = SECRET
    app = create_app(
        SandboxConfig(str(profile), "prosecution", token=SECRET, faults=faults, slow_seconds=1.5)
    )
    with serving(app) as url:
        request = ProbeRequest(
            target=url,
            actor="prosecution",
            credentials=parse_auth(f"bearer:{TOKEN_ENV}", checker.rules.profile.api),
            plan=PlanOptions(seed=seed),  # the default -n
            send=SendOptions(timeout=10.0),
            controls=Controls(**controls),
        )
        return run_probe(request, checker)


def test_every_fault_has_a_requirement_of_the_intake_profile() -> None:
    assert set(MEANT_FOR) == set(FAULTS)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_clean_intake_sandbox_raises_no_alarm(untimed: Path, seed: int) -> None:
    results = _probe(untimed, frozenset(), seed)
    assert results and _failed(results) == {}
    # the negatives reached every rule of the profile, each broken alone
    aimed = {(r.exchange.get("breaks") or {}).get("requirement") or "" for r in results} & {
        "INT-001",
        "INT-002",
        "INT-003",
    }
    assert aimed == {"INT-001", "INT-002", "INT-003"}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_is_found_at_the_default_settings(
    profile: Path, untimed: Path, fault: Any, seed: int
) -> None:
    results = _probe(profile if fault in TIMED else untimed, frozenset({fault}), seed)
    failed = _failed(results)
    assert MEANT_FOR[fault] in failed, failed
    said = CASE_SAID.get(fault)
    if said is not None:
        messages = [
            f.message for r in results for f in r.findings if f.requirement == MEANT_FOR[fault]
        ]
        assert any(said in m for m in messages), messages[:3]


def test_a_slow_endpoint_is_sent_each_kind_once_more_and_no_more(profile: Path) -> None:
    """Once an endpoint is known slow, it is sent only what it has not met yet: the run takes
    a few rounds of its delay, not the plan's length times it, and each check still meets it."""
    results = _probe(profile, frozenset({"slow"}), 0)
    kinds = {r.exchange["kind"] for r in results}
    assert {"invalid", "no-credentials", "wrong-credentials"} <= kinds
    assert len(results) < 40  # of the ~105 planned
    assert _failed(results).keys() == {"INT-109"}


def test_run_controls_stop_sending_and_say_what_was_not_sent(profile: Path, tmp_path: Path) -> None:
    app = create_app(
        SandboxConfig(
            str(profile), "prosecution", token=SECRET, faults=frozenset({"accept-invalid"})
        )
    )
    common = ["probe", "-p", str(profile), "--actor", "prosecution",
              "--auth", f"bearer:{TOKEN_ENV}", "-f", "json"]  # fmt: skip
    with serving(app) as url:
        whole = run_cli(*common, "--target", url, env={TOKEN_ENV: SECRET})
        stopped = run_cli(*common, "--target", url, "--max-failures", "3", env={TOKEN_ENV: SECRET})
        timed = run_cli(*common, "--target", url, "--max-time", "0.1", env={TOKEN_ENV: SECRET})
    full, capped, short = (json.loads(p.stdout) for p in (whole, stopped, timed))
    assert whole.returncode == stopped.returncode == 1
    assert timed.returncode in (0, 1)  # what was sent in 0.1 s decides
    assert capped["summary"]["exchanges"] < full["summary"]["exchanges"]
    assert short["summary"]["exchanges"] < full["summary"]["exchanges"]
    notes = " ".join(e.get("note", "") for e in capped["endpoints"])
    assert "not sent: --max-failures 3 reached" in notes
    assert "--max-time 0.1 s reached" in " ".join(e.get("note", "") for e in short["endpoints"])
    assert "--max-failures 3" in capped["manifest"]["reproduce"]
    # the coverage of the negatives, per endpoint with a body
    coverage = next(e["coverage"] for e in full["endpoints"] if e.get("coverage"))
    assert (
        coverage["planned"] + coverage["notBreaking"] + coverage["overLimit"] == coverage["pairs"]
    )
    assert coverage["planned"] > 30 and coverage["broken"] == ["INT-001", "INT-002", "INT-003"]
