"""Benchmark ``interopcheck validate`` against check-jsonschema and a bare jsonschema-rs loop.

    python benchmarks/validate_bench.py [--count 10000] [--memory-count 100000]

Builds a deterministic corpus (benchmarks/corpus.py) under benchmarks/_corpus_N/ and times,
on the same files: interopcheck (1 worker and all cores, schema-only and with the profile,
validate and journey), and a bare in-process loop of read + json.loads + jsonschema-rs is_valid
with the same compiled validators. Then interopcheck against check-jsonschema on the first
``--cjs-count`` files: both given the same dereferenced schema per message type, first proved
to reach the same verdict on every file (the script stops otherwise), then timed in
alternation, once with standard formats only and once with the justice formats (check-jsonschema
through ``--validator-class benchmarks.cjs_justice:JusticeValidator``). Then start-up on one
file, and peak memory for two corpus sizes. Prints a Markdown table.

``--instructions`` instead counts the instructions (valgrind's callgrind) of schema-only and
``--profile justice-ew`` runs on the corpus and on one file of each message type (start-up):
a shared machine's speed drifts by tens of per cent between minutes, instruction counts do not.
The package is byte-compiled first, as an installed one is (PYTHONDONTWRITEBYTECODE may be set).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import jsonschema_rs  # noqa: E402

from benchmarks.corpus import build  # noqa: E402
from interopcheck import __file__ as PACKAGE_INIT  # noqa: E402
from interopcheck.standard.catalog import Catalog  # noqa: E402

BIN = Path(sys.executable).parent
#: check-jsonschema imports the justice validator class from benchmarks/ (--validator-class).
CJS_ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    which = shutil.which(name)
    if which is None:
        sys.exit(f"{name} is not installed: pip install -e '.[dev]'")
    return which


def _timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, check=False, cwd=ROOT, env=CJS_ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
    return elapsed, proc.returncode


def _instructions(command: list[str], workdir: Path) -> int:
    """Instructions the command executes, counted by callgrind (repeatable under load)."""
    out = workdir / "callgrind.out"
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].strip())
    sys.exit(f"callgrind gave no count for {command}: {proc.stderr[-500:]}")


def instruction_counts(corpus: Path, count: int) -> list[tuple[str, str]]:
    """Schema-only against --profile justice-ew, in instructions, for the corpus and start-up."""
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    starts = HERE / "_corpus_startup"
    starts.mkdir(exist_ok=True)
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        first = min(folder.glob("*.json"))
        shutil.copyfile(first, starts / f"{folder.name}.json")
    interop = _tool("interopcheck")
    rows = []
    counts: dict[tuple[str, bool], int] = {}
    for label, directory in (
        ("start-up (one file of each type)", starts),
        (f"{count} files", corpus),
    ):
        for profiled in (False, True):
            command = [interop, "validate", str(directory), "-j", "1", "-f", "json"]
            command += ["-o", os.devnull, *(["-p", "justice-ew"] if profiled else [])]
            counts[(label, profiled)] = _instructions(command, HERE)
        schema, profile = counts[(label, False)], counts[(label, True)]
        rows += [
            (f"{label}: schema-only", f"{schema / 1e9:.3f} G instructions"),
            (f"{label}: --profile justice-ew", f"{profile / 1e9:.3f} G instructions"),
            (f"{label}: profile / schema-only", f"{profile / schema:.2f}x"),
        ]
    (HERE / "callgrind.out").unlink(missing_ok=True)
    return rows


def _peak_rss_mib(command: list[str]) -> float:
    """Peak RSS of a command, measured by a fresh wrapper so earlier runs do not count."""
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def bare_loop(paths: list[Path], catalog: Catalog) -> tuple[float, int]:
    validators = {
        t: catalog.validator(catalog.for_message(t, "1.0")) for t in catalog.message_types()
    }  # type: ignore[arg-type]
    start = time.perf_counter()
    invalid = 0
    for path in paths:
        document = json.loads(path.read_bytes())
        if not validators[document["header"]["messageType"]].is_valid(document):
            invalid += 1
    return time.perf_counter() - start, invalid


def comparison_schemas(catalog: Catalog, workdir: Path) -> dict[str, tuple[Path, Path]]:
    """Per message type, the schema both tools are given: the standard's, dereferenced into one
    self-contained document (check-jsonschema resolves it offline and fast; with the
    compound-document bundle python-jsonschema's resolver took 25 times longer), once with the
    justice formats stripped (standard formats only) and once whole."""
    from interopcheck.sandbox.openapi import keep_ref_siblings
    from interopcheck.standard.formats import JUSTICE_FORMATS

    def strip(node: object) -> object:
        if isinstance(node, dict):
            return {
                k: strip(v) for k, v in node.items() if not (k == "format" and v in JUSTICE_FORMATS)
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    registry = jsonschema_rs.Registry(
        [(e.uri, keep_ref_siblings(e.document)) for e in catalog.entries()]
    )
    out = {}
    for message_type in catalog.message_types():
        entry = catalog.for_message(message_type, "1.0")
        assert entry is not None
        whole = jsonschema_rs.dereference(keep_ref_siblings(entry.document), registry=registry)
        whole.pop("$id", None)
        paths = (
            workdir / f"{message_type}.standard.json",
            workdir / f"{message_type}.justice.json",
        )
        paths[0].write_text(json.dumps(strip(whole)))
        paths[1].write_text(json.dumps(whole))
        out[message_type] = paths
    return out


def _by_type(paths: list[Path]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path in paths:
        message_type = json.loads(path.read_bytes())["header"]["messageType"]
        grouped.setdefault(message_type, []).append(str(path))
    return grouped


def _interopcheck_command(schema: Path, files: list[str], out: str) -> list[str]:
    return [
        _tool("interopcheck"),
        "validate",
        "--schema",
        str(schema),
        "-j",
        "1",
        "-f",
        "json",
        "-o",
        out,
        *files,
    ]


def _cjs_command(schema: Path, files: list[str], justice: bool) -> list[str]:
    extra = ["--validator-class", "benchmarks.cjs_justice:JusticeValidator"] if justice else []
    return [_tool("check-jsonschema"), *extra, "--schemafile", str(schema), "-o", "json", *files]


def _verdicts(command: list[str], report: Path | None) -> set[str]:
    """The files a run finds invalid: from interopcheck's JSON report, or check-jsonschema's
    JSON output on stdout."""
    proc = subprocess.run(command, capture_output=True, cwd=ROOT, env=CJS_ENV, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
    if report is not None:
        document = json.loads(report.read_text())
        return {r["source"] for r in document["results"] if not r["valid"]}
    output = json.loads(proc.stdout)
    failing = output.get("errors", []) + output.get("parse_errors", [])
    return {e["filename"] for e in failing}


def compare_check_jsonschema(
    paths: list[Path], catalog: Catalog, workdir: Path, rounds: int
) -> list[tuple[str, str]]:
    """interopcheck and check-jsonschema on the same files and the same schema, one run per
    message type: first proved to reach the same verdict on every file (else the benchmark
    stops and says where), then timed in alternation (A B A B ...), reported as the paired
    ratios. Once with standard formats only, once with the justice formats (check-jsonschema
    given them through --validator-class)."""
    schemas = comparison_schemas(catalog, workdir)
    grouped = _by_type(paths)
    report = workdir / "verdicts.json"
    rows = []
    for label, justice in (("standard formats only", False), ("with the justice formats", True)):
        for message_type, files in sorted(grouped.items()):
            schema = schemas[message_type][1 if justice else 0]
            ours = _verdicts(_interopcheck_command(schema, files, str(report)), report)
            theirs = _verdicts(_cjs_command(schema, files, justice), None)
            if ours != theirs:
                differ = sorted(ours ^ theirs)
                sys.exit(
                    f"not the same verdicts ({label}, {message_type}): {len(differ)} files "
                    f"differ, e.g. {differ[:3]}; no time is reported for tools that disagree"
                )
        invalid = sum(
            len(_verdicts(_interopcheck_command(schemas[t][int(justice)], f, str(report)), report))
            for t, f in grouped.items()
        )
        ratios = []
        ours_times, theirs_times = [], []
        for _ in range(rounds):
            ours_time = sum(
                _timed(_interopcheck_command(schemas[t][int(justice)], f, os.devnull))[0]
                for t, f in grouped.items()
            )
            theirs_time = sum(
                _timed(_cjs_command(schemas[t][int(justice)], f, justice))[0]
                for t, f in grouped.items()
            )
            ours_times.append(ours_time)
            theirs_times.append(theirs_time)
            ratios.append(theirs_time / ours_time)
        rows += [
            (
                f"same verdict on every file, {label} ({len(paths)} files, {invalid} invalid)",
                "yes (checked before timing)",
            ),
            (
                f"check-jsonschema / interopcheck -j1, {label} (paired ratio, {rounds} pairs)",
                f"median {statistics.median(ratios):.1f}x (range {min(ratios):.1f}-"
                f"{max(ratios):.1f}x); {min(theirs_times):.1f} s vs {min(ours_times):.1f} s best",
            ),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--memory-count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instructions", action="store_true", help="count, do not time")
    parser.add_argument(
        "--cjs-count",
        type=int,
        default=2000,
        help="files of the corpus for the check-jsonschema comparison (it is the slow side)",
    )
    args = parser.parse_args()

    corpus = HERE / f"_corpus_{args.count}"
    paths = build(corpus, args.count)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(PACKAGE_INIT).parent)], check=True
    )
    if args.instructions:
        print("| measure | figure |\n|---|---|")
        for name, figure in instruction_counts(corpus, args.count):
            print(f"| {name} | {figure} |")
        return
    catalog = Catalog.bundled()
    interop = _tool("interopcheck")
    cores = len(os.sched_getaffinity(0))
    rows: list[tuple[str, str]] = []

    def best(command: list[str]) -> float:
        return min(_timed(command)[0] for _ in range(args.repeat))

    def interopcheck(subcommand: str, directory: Path, *options: str) -> list[str]:
        """A whole run, JSON to /dev/null: the work, not the terminal, is what is timed."""
        return [interop, subcommand, str(directory), *options, "-f", "json", "-o", os.devnull]

    profile = ("-p", "justice-ew")
    # Schema-only and --profile runs alternate, so that both see the same machine (a shared
    # machine's speed drifts by tens of per cent between minutes); the best of each is kept.
    schema_run = interopcheck("validate", corpus, "-j", "1")
    profile_run = interopcheck("validate", corpus, "-j", "1", *profile)
    pairs = [(_timed(schema_run)[0], _timed(profile_run)[0]) for _ in range(args.repeat)]
    t_one = min(p[0] for p in pairs)
    t_profile = min(p[1] for p in pairs)
    t_all = best(interopcheck("validate", corpus, "-j", str(cores)))
    t_profile_all = best(interopcheck("validate", corpus, "-j", str(cores), *profile))
    t_journey = best(interopcheck("journey", corpus, *profile))
    t_bare, invalid = min(bare_loop(paths, catalog) for _ in range(args.repeat))
    schema_dir = HERE / f"_corpus_{args.count}_schemas"
    schema_dir.mkdir(exist_ok=True)
    rows += [
        (f"interopcheck validate, 1 worker ({args.count} files, incl. start-up)", f"{t_one:.2f} s"),
        (f"interopcheck validate, {cores} workers", f"{t_all:.2f} s"),
        ("interopcheck validate --profile justice-ew, 1 worker", f"{t_profile:.2f} s"),
        ("profile / schema-only (1 worker)", f"{t_profile / t_one:.2f}x"),
        (f"interopcheck validate --profile justice-ew, {cores} workers", f"{t_profile_all:.2f} s"),
        (f"profile / schema-only ({cores} workers)", f"{t_profile_all / t_all:.2f}x"),
        (
            f"interopcheck journey --profile justice-ew ({args.count // 8:,} cases of 8 messages)",
            f"{t_journey:.2f} s",
        ),
        ("bare jsonschema-rs loop (read + json.loads + is_valid, in-process)", f"{t_bare:.2f} s"),
        ("invalid payloads in corpus (bare loop)", f"{invalid}"),
        (
            "interopcheck / bare loop (1 worker / all)",
            f"{t_one / t_bare:.2f}x / {t_all / t_bare:.2f}x",
        ),
    ]

    rows += compare_check_jsonschema(paths[: args.cjs_count], catalog, schema_dir, args.repeat)

    # one file, start-up included: the same file and schema for both, alternated
    one = str(paths[0])
    justice = schema_dir / "charge-file.justice.json"
    single = []
    for _ in range(10):
        single.append(
            (
                _timed(_interopcheck_command(justice, [one], os.devnull))[0],
                _timed(_cjs_command(justice, [one], True))[0],
            )
        )
    rows += [
        (
            "one file, whole process: interopcheck / check-jsonschema (median of 10 pairs)",
            f"{statistics.median(a for a, _ in single) * 1000:.0f} ms / "
            f"{statistics.median(b for _, b in single) * 1000:.0f} ms",
        ),
        (
            "one file: check-jsonschema / interopcheck (median paired ratio)",
            f"{statistics.median(b / a for a, b in single):.2f}x",
        ),
    ]

    def rss(directory: Path) -> str:
        return f"{_peak_rss_mib(interopcheck('validate', directory, '-j', '1')):.0f} MiB"

    rows.append((f"peak RSS, {args.count} files, 1 worker", rss(corpus)))
    if args.memory_count:
        big = HERE / f"_corpus_{args.memory_count}"
        build(big, args.memory_count)
        rows.append((f"peak RSS, {args.memory_count} files, 1 worker", rss(big)))

    print("| measure | figure |\n|---|---|")
    for name, figure in rows:
        print(f"| {name} | {figure} |")


if __name__ == "__main__":
    main()
