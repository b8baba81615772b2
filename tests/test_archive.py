"""Archive audits on Dask (``--engine dask``): the same verdict as the local path, finding for
finding, on a real ``LocalCluster`` (2 worker processes) started by the command itself or by
the test (``--scheduler``).

The corpus mixes what an archive holds: whole journeys generated from the profile (JSON Lines,
gzip), the broken journeys of the examples (one file each), payloads that break a message
requirement, a file that is not JSON, and a gzip file cut short.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli

pytest.importorskip("distributed")

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(EXAMPLES / "journeys-broken", root / "a-broken")
    made = run_cli(
        "generate", "-p", "justice-ew", "--journey", "-n", "6", "--seed", "3",
        "--output-dir", root / "b-journeys",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    lines = run_cli("generate", "-p", "justice-ew", "--journey", "-n", "5", "--seed", "4")
    assert lines.returncode == 0, lines.stderr
    records = lines.stdout.rstrip("\n").split("\n")
    # one hearing result of the archive names an ASN nothing charged (JR-001)
    broken = next(i for i, r in enumerate(records) if '"hearing-result"' in r)
    record = json.loads(records[broken])
    record["defendant"]["asn"] = "2401ZD0100000448754W"
    records[broken] = json.dumps(record)
    with gzip.open(root / "c-archive.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(records) + "\n")
    invalid = run_cli(
        "generate", "-p", "justice-ew", "--type", "charge-file", "--break", "CF-004",
        "-n", "3", "--seed", "1",
        "--output-dir", root / "d-invalid",
    )  # fmt: skip
    assert invalid.returncode == 0, invalid.stderr
    (root / "e-not-json.json").write_text('{"header": ', encoding="utf-8")
    whole = gzip.compress(("\n".join(records[:5]) + "\n").encode())
    (root / "f-cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    return root


def _report(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _findings(results: list[dict[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    keys = ("check", "requirement", "pointer", "line", "column", "message", "value")
    return {
        r["source"]: sorted((tuple(f[k] for k in keys) for f in r["findings"]), key=repr)
        for r in results
        if r["findings"]
    }


def _failures(directory: Path) -> Iterator[dict[str, Any]]:
    for part in sorted(directory.glob("part-*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)


def _run_both(
    command: str, archive: Path, tmp_path: Path, *extra: str
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    local = run_cli(command, *extra, archive, "-f", "json", "-o", tmp_path / "local.json")
    spread = run_cli(
        command, *extra, archive, "--engine", "dask", "-j", "2", "--partition-size", "7",
        "--failures-dir", tmp_path / "failures", "-f", "json", "-o", tmp_path / "dask.json",
    )  # fmt: skip
    assert spread.returncode == local.returncode, spread.stderr
    return (
        _report(tmp_path / "local.json"),
        _report(tmp_path / "dask.json"),
        list(_failures(tmp_path / "failures")),
    )


def _same_verdict(local: dict[str, Any], spread: dict[str, Any]) -> None:
    assert spread["verdict"] == local["verdict"]
    assert spread["summary"] == local["summary"]
    assert spread["requirements"] == local["requirements"]
    assert spread["levelsAchieved"] == local["levelsAchieved"]


def test_journey_on_dask_matches_the_local_path_finding_for_finding(
    archive: Path, tmp_path: Path
) -> None:
    local, spread, failures = _run_both("journey", archive, tmp_path, "-p", "justice-ew")
    _same_verdict(local, spread)
    assert _findings(failures) == _findings(local["results"])
    assert [r["source"] for r in failures] == [
        r["source"] for r in local["results"] if not r["valid"]
    ]
    # the journeys: the failing ones listed as the local path lists them, all of them counted
    assert spread["journeys"] == [j for j in local["journeys"] if not j["conformant"]]
    assert spread["archive"]["journeys"] == len(local["journeys"])
    assert spread["archive"]["failingResults"] == local["summary"]["invalid"]
    # what the corpus was made to hold was found
    failed = {r["id"] for r in local["requirements"] if r["outcome"] == "failed"}
    assert {"JR-001", "JR-008", "CF-004"} <= failed
    sources = {r["source"]: r for r in local["results"]}
    assert any(s.startswith(str(archive / "c-archive.jsonl.gz:")) for s in _findings(failures))
    cut = [s for s in sources if s.startswith(str(archive / "f-cut.jsonl.gz"))]
    assert any("gzip" in f["message"] for s in cut for f in sources[s]["findings"])


def test_validate_on_dask_matches_the_local_path(archive: Path, tmp_path: Path) -> None:
    local, spread, failures = _run_both("validate", archive, tmp_path, "-p", "justice-ew")
    _same_verdict(local, spread)
    assert _findings(failures) == _findings(local["results"])
    assert spread["resultsShown"] == "failing"
    assert _findings(spread["results"]) == _findings(local["results"])


def test_an_existing_scheduler_is_used_and_an_unreachable_one_is_one_line(
    archive: Path, tmp_path: Path
) -> None:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        done = run_cli(
            "journey", "-p", "justice-ew", archive / "b-journeys", "--engine", "dask",
            "--scheduler", cluster.scheduler_address, "--failures-dir", tmp_path / "f",
            "-f", "json", "-o", tmp_path / "r.json",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = _report(tmp_path / "r.json")
    assert report["archive"]["scheduler"] == cluster.scheduler_address
    assert report["archive"]["journeys"] == 6
    unreachable = run_cli(
        "validate", archive / "b-journeys", "--engine", "dask",
        "--scheduler", "tcp://127.0.0.1:9", "--failures-dir", tmp_path / "g",
    )  # fmt: skip
    assert unreachable.returncode == 2
    assert "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1


def test_dask_options_need_the_dask_engine(archive: Path) -> None:
    given = run_cli("validate", archive / "b-journeys", "--scheduler", "tcp://127.0.0.1:9")
    assert given.returncode == 2
    assert "--scheduler: only with --engine dask" in given.stderr
    stdin = run_cli("validate", "-", "--engine", "dask", stdin=b"{}")
    assert stdin.returncode == 2
    assert "not standard input" in stdin.stderr


def test_the_python_api_runs_on_dask_too(archive: Path, tmp_path: Path) -> None:
    import interopcheck
    from interopcheck.errors import UsageError

    local = interopcheck.journey([archive / "b-journeys"], profile="justice-ew")
    spread = interopcheck.journey(
        [archive / "b-journeys"],
        profile="justice-ew",
        engine="dask",
        workers=2,
        failures_dir=tmp_path / "failures",
    )
    assert spread.summary.archive is not None
    assert spread.summary.journey_count == len(local.summary.journeys) == 6
    assert (spread.verdict, spread.summary.payloads, spread.summary.invalid) == (
        local.verdict, local.summary.payloads, local.summary.invalid,
    )  # fmt: skip
    with pytest.raises(UsageError, match="only with --engine dask"):
        interopcheck.validate([archive / "b-journeys"], scheduler="tcp://127.0.0.1:9")
