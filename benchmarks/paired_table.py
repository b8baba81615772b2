"""Issue 19's table, measured as paired ratios (A B A B ...) on this noisy shared machine.

    python benchmarks/paired_table.py [--rounds 5] [--rows bare profile rules journey memory
                                       startup workers]

Each row runs its two commands alternately, ``--rounds`` times, each in a fresh process, and
prints every round's ratio, the median and the load average before and after. CPU time is the
child's user + system time (``os.wait4``); wall time where the row is about wall time (start-up,
``-j2``). The corpora are the repository's benchmark corpora, made once (git-ignored):

- ``bare``: ``validate -j1`` (schema-only) against a bare loop in a fresh process (read,
  ``json.loads``, ``is_valid`` of the same compiled validators with the same 13 format
  callbacks), on ``benchmarks/_corpus_10000`` (validate_bench.py makes it);
- ``profile``: ``validate -p justice-ew`` against schema-only, on the same corpus;
- ``rules``: the same on ``benchmarks/_corpus_rules`` (rule_path_bench.py makes it: generated
  payloads that break every code list, valid ones, schema-only generated ones);
- ``journey``: ``journey -p justice-ew`` against schema-only ``validate -j1`` on generated
  journeys (``benchmarks/_archive_16k``: ``archive_bench.py generate --messages 16000
  --files 16 --out benchmarks/_archive_16k``, gzip JSON Lines, one journey in 20 broken);
- ``memory``: ``journey`` peak resident memory on 10,000 and 100,000 files (not a ratio);
- ``startup``: one-file ``validate`` whole process, wall, against check-jsonschema on the same
  file and schema;
- ``workers``: ``validate -j2`` against ``-j1`` on the 10,000 files, wall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CORPUS = HERE / "_corpus_10000"
BIG = HERE / "_corpus_100000"
RULES = HERE / "_corpus_rules"
JOURNEYS = HERE / "_archive_16k"

BARE = """
import json, sys
from pathlib import Path
from interopcheck.sources.payloads import discover
from interopcheck.standard.catalog import Catalog
catalog = Catalog.bundled()
validators = {t: catalog.validator(catalog.for_message(t, "1.0")) for t in catalog.message_types()}
invalid = 0
for name in discover([sys.argv[1]]):
    document = json.loads(Path(name).read_bytes())
    if not validators[document["header"]["messageType"]].is_valid(document):
        invalid += 1
print(invalid)
"""


def _run(command: list[str]) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, peak RSS bytes) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        assert child.stderr is not None
        sys.exit(f"failed ({code}): {' '.join(command)}\n{child.stderr.read().decode()[:800]}")
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss * 1024


def _interopcheck(*args: str) -> list[str]:
    return [str(BIN / "interopcheck"), *args, "-f", "json", "-o", os.devnull]


def paired(name: str, a: list[str], b: list[str], rounds: int, *, wall: bool = False) -> float:
    """A/B ratios over ``rounds`` alternations; prints each and returns the median."""
    kind = "wall" if wall else "CPU"
    print(f"\n## {name} ({kind} time; load average {os.getloadavg()[0]:.2f})", flush=True)
    ratios = []
    for number in range(rounds):
        first = _run(a)
        second = _run(b)
        x, y = (first[1], second[1]) if wall else (first[0], second[0])
        ratios.append(x / y)
        print(f"round {number + 1}: {x:.3f} s / {y:.3f} s = {ratios[-1]:.2f}", flush=True)
    median = statistics.median(ratios)
    print(f"median {median:.2f}; load average after {os.getloadavg()[0]:.2f}", flush=True)
    return median


def _need(path: Path, how: str) -> None:
    if not path.exists():
        sys.exit(f"{path.relative_to(ROOT)} is missing: {how}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--rows",
        nargs="+",
        default=["bare", "profile", "rules", "journey", "memory", "startup", "workers"],
    )
    args = parser.parse_args()
    rounds = args.rounds
    results: dict[str, str] = {}
    corpus = str(CORPUS)
    if {"bare", "profile", "workers"} & set(args.rows):
        _need(CORPUS, "python benchmarks/validate_bench.py --count 10000")
    schema_only = _interopcheck("validate", corpus, "-j", "1")
    if "bare" in args.rows:
        bare = [sys.executable, "-c", BARE, corpus]
        results["validate -j1 / bare loop, 10k files"] = (
            f"{paired('bare', schema_only, bare, rounds):.2f}x"
        )
    if "profile" in args.rows:
        profiled = _interopcheck("validate", corpus, "-j", "1", "-p", "justice-ew")
        median = paired("profile", profiled, schema_only, rounds)
        results["validate -p justice-ew / schema-only, benchmark corpus"] = f"{median:.2f}x"
    if "rules" in args.rows:
        _need(RULES, "python benchmarks/rule_path_bench.py")
        rules = str(RULES)
        median = paired(
            "rules",
            _interopcheck("validate", rules, "-j", "1", "-p", "justice-ew"),
            _interopcheck("validate", rules, "-j", "1"),
            rounds,
        )
        results["the same, generated payloads breaking code lists"] = f"{median:.2f}x"
    if "journey" in args.rows:
        _need(
            JOURNEYS,
            "python benchmarks/archive_bench.py generate --messages 16000 --files 16 "
            "--out benchmarks/_archive_16k",
        )
        archive = str(JOURNEYS)
        median = paired(
            "journey",
            _interopcheck("journey", archive, "-p", "justice-ew"),
            _interopcheck("validate", archive, "-j", "1"),
            rounds,
        )
        results["journey -p justice-ew / schema-only validate, generated journeys"] = (
            f"{median:.2f}x"
        )
    if "memory" in args.rows:
        _need(BIG, "python benchmarks/validate_bench.py --memory-count 100000")
        peaks = []
        for directory in (CORPUS, BIG):
            _, _, peak = _run(_interopcheck("journey", str(directory), "-p", "justice-ew"))
            peaks.append(peak / 2**20)
            print(f"journey on {directory.name}: peak {peaks[-1]:.0f} MiB", flush=True)
        results["journey peak memory, 10k -> 100k files"] = f"{peaks[0]:.0f} -> {peaks[1]:.0f} MiB"
    if "startup" in args.rows:
        one = str(ROOT / "examples" / "journeys" / "theft-and-knife" / "01-charge-file.json")
        ours = [str(BIN / "interopcheck"), "validate", one]
        walls = []
        for _ in range(rounds * 2):
            walls.append(_run(ours)[1])
        median = statistics.median(walls)
        print(f"\n## startup: one-file validate, wall: median {median:.3f} s of {len(walls)}")
        results["one-file validate whole process"] = f"{median:.3f} s"
    if "workers" in args.rows:
        median = paired(
            "workers",
            _interopcheck("validate", corpus, "-j", "2"),
            _interopcheck("validate", corpus, "-j", "1"),
            rounds,
            wall=True,
        )
        results["validate -j2 / -j1 wall, 10k files"] = f"{median:.2f}"
    print(f"\nload average at the end {os.getloadavg()}; {os.cpu_count()} cores\n")
    print("| measure | measured |\n|---|---|")
    for measure, value in results.items():
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
