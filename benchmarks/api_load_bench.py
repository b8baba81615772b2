"""Benchmark loading real API documents: the corpus in tests/data/api-corpus, each document read,
validated (openapi-spec-validator) and its operations read (``interopcheck apis show``'s work),
then taken as a profile's api (endpoints, message types, parameters, the catalog's registry).

    python benchmarks/api_load_bench.py [--repeat 3] [--top 10]

Each document is timed ``--repeat`` times in one process, in turn (document 1, 2, ..., then
again), and the median is kept: a shared machine's speed drifts over minutes, so no document
is timed only in a slow stretch. A document the validator refuses is timed to its refusal.
Prints a Markdown table of the slowest, and the totals; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interopcheck.apis.operations import load_api  # noqa: E402
from interopcheck.errors import SetupError  # noqa: E402
from interopcheck.standard.openapi_source import load_openapi  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "api-corpus"
REF_SCHEMAS = {"openapi/moj-opg-data-lpa-store": ("schemas",)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    documents = [e for e in manifest if e["kind"] in ("openapi", "swagger2")]
    read: dict[str, list[float]] = {e["dir"]: [] for e in documents}
    taken: dict[str, list[float]] = {e["dir"]: [] for e in documents}
    facts: dict[str, tuple[int, int, str]] = {}
    for _ in range(args.repeat):
        for entry in documents:
            path = CORPUS / entry["dir"] / entry["main"]
            refs = tuple(CORPUS / entry["dir"] / d for d in REF_SCHEMAS.get(entry["dir"], ()))
            t0 = time.perf_counter()
            try:
                api = load_api(path, refs)
                facts[entry["dir"]] = (api.files, len(api.operations), "loads")
            except SetupError:
                facts[entry["dir"]] = (0, 0, "refused")
            read[entry["dir"]].append(time.perf_counter() - t0)
            if facts[entry["dir"]][2] == "refused":
                continue
            t0 = time.perf_counter()
            load_openapi(path, "agency", refs)
            taken[entry["dir"]].append(time.perf_counter() - t0)
    median = {d: statistics.median(t) for d, t in read.items()}
    as_api = {d: statistics.median(t) for d, t in taken.items() if t}
    print(f"{len(documents)} documents, each timed {args.repeat} times in turn (median kept)")
    print(
        "| document | files | operations | read + validate + operations (ms) "
        "| as a profile's api (ms) |"
    )
    print("|---|---|---|---|---|")
    for name in sorted(median, key=lambda d: -(median[d] + as_api.get(d, 0)))[: args.top]:
        files, operations, state = facts[name]
        said = f"{as_api[name] * 1000:.0f}" if name in as_api else state
        print(f"| {name} | {files} | {operations} | {median[name] * 1000:.0f} | {said} |")
    print(
        f"\nall {len(documents)}: {sum(median.values()):.2f} s to read; "
        f"{len(as_api)} as profiles' apis: {sum(as_api.values()):.2f} s; "
        f"median document {statistics.median(median.values()) * 1000:.0f} ms to read"
    )


if __name__ == "__main__":
    main()
