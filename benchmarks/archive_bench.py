"""An archive audit on Dask: a million messages as gzip JSON Lines, journeys spread across files.

    python benchmarks/archive_bench.py generate [--messages 1000000] [--files 100] [--out DIR]
    python benchmarks/archive_bench.py audit [--workers 1 2] [--slice-files 10 | --slice DIR]

``generate`` writes ``benchmarks/_archive/day-NNN.jsonl.gz`` (git-ignored). Whole journeys come
from ``interopcheck generate -p justice-ew --journey`` (a pool, made once) and are cloned with
fresh join identifiers (PTI-URN, booking number and a PNC ID with its check letter), so that
every clone is a case of its own; one clone in twenty is broken on purpose (its hearing result
carries another case's ASN: JR-001). A case's eight messages go to eight different files, as an
exchange's daily files would hold them.

``audit`` runs ``interopcheck journey -p justice-ew --engine dask`` on the whole archive with
each number of workers, and, for comparison, the local path and the Dask path on a slice (the
first ``--slice-files`` files). For each run: wall seconds, messages per second, the peak
resident memory of the client process and of the largest Dask worker (the report's
``archive.clientPeakMemory`` and ``archive.workerPeakMemory``; the local path's from wait4), and
the verdict counts, which must agree between the two paths
on the slice. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVE = HERE / "_archive"
POOL = HERE / "_archive_pool.jsonl"
BREAK_EVERY = 20
HEARING = '"messageType": "hearing-result"'
sys.path.insert(0, str(ROOT))


def _interopcheck() -> list[str]:
    return [sys.executable, "-m", "interopcheck"]


def _pool(journeys: int) -> list[list[str]]:
    """Whole journeys from the generator (eight JSON texts each), made once and kept."""
    if not POOL.exists():
        made = subprocess.run(
            [*_interopcheck(), "generate", "-p", "justice-ew", "--journey", "-n", str(journeys),
             "--seed", "19"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        POOL.write_text(made.stdout, encoding="utf-8")
    lines = POOL.read_text(encoding="utf-8").rstrip("\n").split("\n")
    return [lines[i : i + 8] for i in range(0, len(lines) - 7, 8)]


def _join_values(messages: list[str]) -> tuple[dict[str, str], str]:
    """A journey's join identifiers (value -> kind) and its hearing result's ASN."""
    from interopcheck.checks.journey import JourneyMessage, join_values
    from interopcheck.profile.loader import load_profile

    join = load_profile("justice-ew").journey_join
    found: dict[str, str] = {}
    asn = ""
    for text in messages:
        document = json.loads(text)
        message = JourneyMessage(0, "", document["header"]["messageType"], document)
        for name, value in join_values(message, join):
            found.setdefault(value, name)
        if message.message_type == "hearing-result":
            asn = document["defendant"]["asn"]
    return found, asn


def _fresh(kind: str, original: str, clone: int) -> str:
    from interopcheck.domain.identifiers import pnc_check_letter

    if kind == "pti-urn":
        return f"{original[:4]}{clone:07d}"
    if kind == "booking-number":
        return f"{clone % 100000:05d}{chr(65 + clone // 100000 % 26)}"
    year = original[:4]
    serial = f"{clone:07d}"
    return f"{year}/{serial}{pnc_check_letter(year, serial)}"


def generate(messages: int, files: int, pool_size: int, out: Path = ARCHIVE) -> None:
    pool = _pool(pool_size)
    bases = []
    for journey in pool:
        values, asn = _join_values(journey)
        bases.append((journey, values, asn))
    out.mkdir(exist_ok=True)
    for old in out.glob("day-*.jsonl.gz"):
        old.unlink()
    step = files // 8 + 1
    clones = messages // 8
    broken = 0
    started = time.perf_counter()
    with ExitStack() as stack:
        outs = [
            stack.enter_context(
                gzip.open(out / f"day-{n:03d}.jsonl.gz", "wt", encoding="utf-8", compresslevel=1)
            )
            for n in range(files)
        ]
        for clone in range(clones):
            journey, values, asn = bases[clone % len(bases)]
            other_asn = bases[(clone + 1) % len(bases)][2]
            for number, text in enumerate(journey):
                for value, kind in values.items():
                    text = text.replace(json.dumps(value), json.dumps(_fresh(kind, value, clone)))
                if clone % BREAK_EVERY == 7 and HEARING in text and other_asn != asn:
                    text = text.replace(json.dumps(asn), json.dumps(other_asn))
                    broken += 1
                outs[(clone + number * step) % files].write(text + "\n")
    size = sum(p.stat().st_size for p in out.glob("day-*.jsonl.gz"))
    print(
        f"{clones * 8:,} messages ({clones:,} journeys, {broken:,} broken on purpose) in {files} "
        f"files, {size / 1e6:.0f} MB gzip, from {len(bases)} generated journeys, "
        f"{time.perf_counter() - started:.0f} s"
    )


def _timed(arguments: list[str]) -> tuple[float, int, int]:
    """Wall seconds, the child's peak RSS (bytes) and its exit code."""
    started = time.perf_counter()
    child = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        assert child.stderr is not None
        sys.exit(f"failed ({child.returncode}): {' '.join(arguments)}\n{child.stderr.read()}")
    return wall, usage.ru_maxrss * 1024, child.returncode


def _counts(report: dict[str, Any]) -> tuple[Any, ...]:
    summary = report["summary"]
    failed = sorted(
        (r["id"], r["failed"]) for r in report.get("requirements", []) if r["outcome"] == "failed"
    )
    return report["verdict"], summary["payloads"], summary["invalid"], summary["findings"], failed


def audit(workers: list[int], slice_files: int, slice_dir: Path | None = None) -> None:
    files = sorted(ARCHIVE.glob("day-*.jsonl.gz"))
    if not files:
        sys.exit("no archive: run `python benchmarks/archive_bench.py generate` first")
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)

        def dask(paths: list[str], count: int, name: str) -> dict[str, Any]:
            report = out / f"{name}.json"
            wall, _, _ = _timed(
                [*_interopcheck(), "journey", "-p", "justice-ew", *paths, "--engine", "dask",
                 "-j", str(count), "--failures-dir", str(out / f"{name}-failures"),
                 "-f", "json", "-o", str(report)],
            )  # fmt: skip
            document: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
            archive = document["archive"]
            messages = document["summary"]["payloads"]
            print(
                f"{name}: dask, {count} worker(s): {messages:,} messages in {wall:.0f} s "
                f"({messages / wall:,.0f}/s); client peak "
                f"{archive['clientPeakMemory'] / 2**20:.0f} MiB, largest "
                f"worker peak {archive['workerPeakMemory'] / 2**20:.0f} MiB; "
                f"{archive['journeys']:,} journeys, {archive['failingJourneys']:,} failing; "
                f"{document['summary']['invalid']:,} failing messages"
            )
            return document

        if slice_dir is not None:  # an archive of whole journeys, generated apart
            sliced = [str(p) for p in sorted(slice_dir.glob("day-*.jsonl.gz"))]
        else:  # the first files: their journeys are cut (most messages match no other)
            sliced = [str(p) for p in files[:slice_files]]
        report = out / "local.json"
        wall, peak, _ = _timed(
            [*_interopcheck(), "journey", "-p", "justice-ew", *sliced, "-f", "json",
             "-o", str(report)],
        )  # fmt: skip
        local = json.loads(report.read_text(encoding="utf-8"))
        messages = local["summary"]["payloads"]
        print(
            f"slice: local path, one process: {messages:,} messages in {wall:.0f} s "
            f"({messages / wall:,.0f}/s); peak {peak / 2**20:.0f} MiB"
        )
        spread = dask(sliced, max(workers), "slice")
        agree = _counts(local) == _counts(spread)
        print(f"slice: the two paths agree on verdict, counts and failed requirements: {agree}")
        if not agree:
            sys.exit(f"they differ:\n{_counts(local)}\n{_counts(spread)}")
        for count in workers:
            dask([str(ARCHIVE)], count, f"whole-{count}")
    print(f"load average after: {os.getloadavg()}")
    print(f"this process's own peak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("generate")
    made.add_argument("--messages", type=int, default=1_000_000)
    made.add_argument("--files", type=int, default=100)
    made.add_argument("--pool", type=int, default=40, help="generated journeys to clone")
    made.add_argument("--out", type=Path, default=ARCHIVE, help="directory to write")
    run = commands.add_parser("audit")
    run.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    run.add_argument("--slice-files", type=int, default=10)
    run.add_argument(
        "--slice",
        type=Path,
        help="compare the two paths on this archive instead (whole journeys: generate it with "
        "--messages 100000 --files 10 --out DIR)",
    )
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.messages, args.files, args.pool, args.out)
    else:
        audit(args.workers, args.slice_files, args.slice)


if __name__ == "__main__":
    main()
