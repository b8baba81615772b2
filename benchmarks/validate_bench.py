"""Benchmark ``interopcheck validate`` against check-jsonschema and a bare jsonschema-rs loop.

    python benchmarks/validate_bench.py [--count 10000] [--memory-count 100000]

Builds a deterministic corpus (benchmarks/corpus.py) under benchmarks/_corpus_N/ and times,
on the same files: interopcheck (1 worker and all cores), check-jsonschema (one invocation per
message type, each given its bundled schema), and a bare in-process loop of read + json.loads +
jsonschema-rs is_valid with the same compiled validators. Then start-up on one file, and peak
memory for two corpus sizes. Prints a Markdown table; nothing is asserted.

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
    proc = subprocess.run(command, capture_output=True, check=False)
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


def check_jsonschema(paths: list[Path], catalog: Catalog, workdir: Path) -> float:
    """One check-jsonschema run per message type, on a schema bundled with its $refs."""
    by_type: dict[str, list[str]] = {}
    for path in paths:
        by_type.setdefault(path.parent.name, []).append(str(path))
    total = 0.0
    for _folder, files in sorted(by_type.items()):
        message_type = json.loads(Path(files[0]).read_text())["header"]["messageType"]
        entry = catalog.for_message(message_type, "1.0")
        assert entry is not None
        bundled = jsonschema_rs.bundle(entry.document, registry=catalog.registry())
        schema_file = workdir / f"{message_type}.bundled.schema.json"
        schema_file.write_text(json.dumps(bundled))
        elapsed, _ = _timed([_tool("check-jsonschema"), "--schemafile", str(schema_file), *files])
        total += elapsed
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--memory-count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--instructions", action="store_true", help="count, do not time")
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
    t_cj = check_jsonschema(paths, catalog, schema_dir)
    rows += [
        (f"interopcheck validate, 1 worker ({args.count} files, incl. start-up)", f"{t_one:.2f} s"),
        (f"interopcheck validate, {cores} workers", f"{t_all:.2f} s"),
        ("interopcheck validate --profile justice-ew, 1 worker", f"{t_profile:.2f} s"),
        ("profile / schema-only (1 worker)", f"{t_profile / t_one:.2f}x"),
        (f"interopcheck validate --profile justice-ew, {cores} workers", f"{t_profile_all:.2f} s"),
        (f"profile / schema-only ({cores} workers)", f"{t_profile_all / t_all:.2f}x"),
        (
            "interopcheck journey --profile justice-ew (1,250 cases of 8 messages)",
            f"{t_journey:.2f} s",
        ),
        ("bare jsonschema-rs loop (read + json.loads + is_valid, in-process)", f"{t_bare:.2f} s"),
        ("check-jsonschema (one run per message type)", f"{t_cj:.2f} s"),
        ("invalid payloads in corpus (bare loop)", f"{invalid}"),
        (
            "speed-up vs check-jsonschema (1 worker / all)",
            f"{t_cj / t_one:.1f}x / {t_cj / t_all:.1f}x",
        ),
        (
            "interopcheck / bare loop (1 worker / all)",
            f"{t_one / t_bare:.2f}x / {t_all / t_bare:.2f}x",
        ),
    ]

    one = str(paths[0])
    single = [
        statistics.median(_timed(c)[0] for _ in range(10))
        for c in (
            [interop, "validate", one],
            [
                _tool("check-jsonschema"),
                "--schemafile",
                str(schema_dir / "charge-file.bundled.schema.json"),
                one,
            ],
        )
    ]
    rows += [
        ("one file: interopcheck validate (median of 10)", f"{single[0] * 1000:.0f} ms"),
        ("one file: check-jsonschema (median of 10)", f"{single[1] * 1000:.0f} ms"),
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
