"""The public Python API: the exported names are pinned, each function reaches the verdict the
CLI reaches on the same input, ``write_report`` writes what the CLI writes, and every setup
problem raises its documented kind of ``SetupError``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import interopcheck
from interopcheck import errors
from interopcheck.sandbox.app import DEVELOPMENT_TOKEN, TOKEN_ENV, SandboxConfig, create_app
from interopcheck.sandbox.serve import serving
from tests.conftest import EXAMPLES, ROOT, run_cli

#: The pinned public surface: a name added or removed is an API change, decided here.
PUBLIC = {
    "__version__",
    "validate",
    "journey",
    "probe",
    "compat",
    "generate",
    "write_report",
    "Run",
    "RunSummary",
    "PayloadResult",
    "Finding",
    "Verdict",
    "FailOn",
    "OutputFormat",
    "Generated",
    "InteropcheckError",
    "SetupError",
    "UsageError",
    "ConfigError",
    "InputError",
    "SchemaError",
    "ApiDocumentError",
    "ProfileError",
    "GenerationError",
    "CredentialError",
    "TargetError",
    "ReportError",
    "SigningError",
    "OutputError",
}
JOURNEY = EXAMPLES / "journeys"
CHARGE_FILE = EXAMPLES / "charge-file"


def test_the_exported_names_are_pinned_and_each_resolves() -> None:
    assert set(interopcheck.__all__) == PUBLIC
    assert len(interopcheck.__all__) == len(PUBLIC)
    for name in PUBLIC:
        assert getattr(interopcheck, name) is not None
    assert sorted(dir(interopcheck)) == sorted(PUBLIC)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = interopcheck.nothing_here  # type: ignore[attr-defined]


def test_importing_the_package_loads_no_pipeline() -> None:
    """``import interopcheck`` stays cheap: the CLI's start-up and ``--version`` pay for
    nothing they do not use."""
    code = (
        "import sys, interopcheck; "
        "print(sorted(m for m in sys.modules if m.startswith('interopcheck')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert loaded.strip() == "['interopcheck']"


def test_the_package_is_typed() -> None:
    assert resources.files("interopcheck").joinpath("py.typed").is_file()


def test_every_error_is_a_setup_error_and_one_line() -> None:
    kinds = [getattr(interopcheck, n) for n in PUBLIC if n.endswith("Error")]
    for kind in kinds:
        assert issubclass(kind, interopcheck.InteropcheckError)
        assert kind is interopcheck.InteropcheckError or issubclass(kind, interopcheck.SetupError)
        assert getattr(errors, kind.__name__) is kind
        assert kind.__doc__, f"{kind.__name__} says when it is raised"
    assert str(interopcheck.SchemaError("a.json:3:1: bad")) == "a.json:3:1: bad"
    assert issubclass(interopcheck.ApiDocumentError, interopcheck.SchemaError)
    assert issubclass(interopcheck.ConfigError, interopcheck.UsageError)


def test_validate_reaches_the_clis_verdict_and_counts(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    value = json.loads(next(iter(sorted((CHARGE_FILE / "valid").glob("*.json")))).read_text())
    del value["header"]
    broken.write_text(json.dumps(value))
    for paths in ([str(JOURNEY)], [str(JOURNEY), str(broken)]):
        run = interopcheck.validate(paths, profile="justice-ew")
        assert isinstance(run, interopcheck.Run)
        assert isinstance(run.results, list)
        cli = run_cli("validate", *paths, "-p", "justice-ew", "-f", "json")
        document = json.loads(cli.stdout)
        assert run.verdict.value == document["verdict"]
        assert run.summary.payloads == document["summary"]["payloads"]
        assert len(run.failed()) == sum(1 for r in document["results"] if not r["valid"])
    assert run.verdict is interopcheck.Verdict.not_conformant
    [failed] = run.failed()
    assert failed.source.endswith("broken.json")
    assert any(f.requirement for f in failed.findings) or failed.findings


def test_write_report_writes_what_the_cli_writes(tmp_path: Path) -> None:
    run = interopcheck.validate([str(JOURNEY)], profile="justice-ew", actor="police")
    code = interopcheck.write_report(run, tmp_path / "api", fail_on=["untested"])
    cli = run_cli(
        "validate",
        str(JOURNEY),
        "-p",
        "justice-ew",
        "--actor",
        "police",
        "--fail-on",
        "untested",
        "--report-dir",
        str(tmp_path / "cli"),
        "-j",
        "1",
    )
    assert code == cli.returncode
    written = sorted(p.name for p in (tmp_path / "api").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert "report.json" in written and "report.html" in written
    api_doc, cli_doc = (
        json.loads((tmp_path / side / "report.json").read_text()) for side in ("api", "cli")
    )
    assert _drop_times(api_doc) == _drop_times(cli_doc)


def _drop_times(value: Any) -> Any:
    """The report without what differs from one run to the next (its times)."""
    if isinstance(value, dict):
        return {
            k: _drop_times(v)
            for k, v in value.items()
            if not k.endswith("At") and k not in ("durationSeconds",)
        }
    if isinstance(value, list):
        return [_drop_times(v) for v in value]
    return value


def test_journey_returns_a_collected_run() -> None:
    run = interopcheck.journey([str(JOURNEY)], profile="justice-ew")
    assert run.command == "journey" and run.summary.journeys
    assert run.verdict is not interopcheck.Verdict.not_conformant


def test_probe_of_the_sandbox_returns_the_exchanges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, DEVELOPMENT_TOKEN)
    with serving(create_app(SandboxConfig("justice-ew", "court", DEVELOPMENT_TOKEN))) as url:
        run = interopcheck.probe(url, actor="court", auth=f"bearer:{TOKEN_ENV}", max_examples=1)
    assert run.command == "probe" and run.summary.exchanges > 0
    assert run.verdict is not interopcheck.Verdict.not_conformant, [
        f.message for r in run.failed() for f in r.findings
    ]
    assert all(r.exchange is not None for r in run.results)


def test_compat_says_no_when_an_enum_loses_a_value(tmp_path: Path) -> None:
    old = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/status.json",
        "type": "object",
        "properties": {
            "header": {"properties": {"messageType": {"const": "status"}}},
            "status": {"enum": ["open", "closed", "stayed"]},
        },
        "required": ["status"],
    }
    new = json.loads(json.dumps(old))
    new["properties"]["status"]["enum"] = ["open", "closed"]
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    run = interopcheck.compat(tmp_path / "old.json", tmp_path / "new.json", direction="backward")
    assert run.command == "compat" and not run.conformant
    cli = run_cli("compat", str(tmp_path / "old.json"), str(tmp_path / "new.json"))
    assert cli.returncode == 1
    assert interopcheck.write_report(run, output=tmp_path / "r.json", formats=["json"]) == 1


def test_generate_is_reproducible_by_its_seed() -> None:
    first = interopcheck.generate(message_type="charge-file", count=3, seed=7)
    again = interopcheck.generate(message_type="charge-file", count=3, seed=7)
    assert first.complete and first.seed == 7
    assert [c.value for c in first.cases] == [c.value for c in again.cases]
    invalid = interopcheck.generate(message_type="charge-file", count=2, invalid=True, seed=1)
    assert all(not c.valid and c.breaks for c in invalid.cases)


def test_each_setup_problem_raises_its_kind(tmp_path: Path) -> None:
    with pytest.raises(interopcheck.InputError, match="no such file or directory"):
        interopcheck.validate([str(tmp_path / "missing")])
    with pytest.raises(interopcheck.ProfileError, match="no profile 'no-such-profile'"):
        interopcheck.validate([str(JOURNEY)], profile="no-such-profile")
    with pytest.raises(interopcheck.UsageError, match="--strict needs --profile"):
        interopcheck.validate([str(JOURNEY)], strict=True)
    bad_schema = tmp_path / "bad.json"
    bad_schema.write_text('{"type": 12}')
    with pytest.raises(interopcheck.SchemaError, match=r"bad\.json"):
        interopcheck.validate([str(JOURNEY)], schema=bad_schema)
    with (
        socket.socket() as ours,  # bound, never listening: nothing could answer anyway
        pytest.raises(interopcheck.CredentialError, match="INTEROPCHECK_TEST_UNSET"),
    ):
        ours.bind(("127.0.0.1", 0))
        interopcheck.probe(
            f"http://127.0.0.1:{ours.getsockname()[1]}",
            actor="court",
            auth="bearer:INTEROPCHECK_TEST_UNSET",
        )
    run = interopcheck.validate([str(JOURNEY)])
    with pytest.raises(interopcheck.SigningError, match=r"no-key\.pem"):
        interopcheck.write_report(run, tmp_path / "r", sign=tmp_path / "no-key.pem")
    assert not (tmp_path / "r").exists()


def test_an_endpoint_that_never_answers_is_a_target_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A listening socket that never accepts: the connection is made by the kernel, no answer
    ever comes (a port of our own, held open for the whole test)."""
    monkeypatch.setenv(TOKEN_ENV, DEVELOPMENT_TOKEN)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(interopcheck.TargetError, match="cannot reach the target"):
            interopcheck.probe(
                url, actor="court", auth=f"bearer:{TOKEN_ENV}", max_examples=0, timeout=0.5
            )


def test_the_readme_example_runs_as_written() -> None:
    """The README's Python example, taken from the README itself."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\nimport interopcheck")
    code = readme[start + len("```python\n") : readme.index("```", start + 10)]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert isinstance(namespace["run"], interopcheck.Run)
