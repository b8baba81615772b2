"""Benchmark ``generate``: cases per second for every bundled message type, valid and invalid.

    python benchmarks/generate_bench.py [--count 1000] [--profile justice-ew]

In-process (start-up is not the question here): for each message type, the time to generate
COUNT valid cases and COUNT invalid ones, how many examples Hypothesis drew, and how many were
rejected by the validator (valid: a profile rule failed; invalid: the mutation did not break
what it aimed at). Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interopcheck.generation.cases import CaseGenerator
from interopcheck.validation import ValidationSpec, build_checker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--valid-only", action="store_true", help="skip the invalid cases")
    args = parser.parse_args()
    checker = build_checker(ValidationSpec(profile=args.profile))
    print(
        "| message type | valid: cases/s (drawn, rejected) | invalid: cases/s (drawn, rejected) |"
    )
    print("|---|---|---|")
    totals = [0.0, 0.0]
    for message_type in checker.catalog.message_types():
        entry = checker.catalog.for_message(message_type, "1.0")
        assert entry is not None
        cells = []
        kinds = ("valid",) if args.valid_only else ("valid", "invalid")
        for index, kind in enumerate(kinds):
            generator = CaseGenerator(checker, entry, args.seed)
            start = time.perf_counter()
            generation = (
                generator.valid(args.count) if kind == "valid" else generator.invalid(args.count)
            )
            elapsed = time.perf_counter() - start
            totals[index] += elapsed
            made = len(generation.cases)
            cells.append(
                f"{made / elapsed:.0f}/s ({made} in {elapsed:.1f} s; drawn {generation.tried}, "
                f"rejected {generation.rejected})"
            )
        print(f"| {message_type} | {' | '.join(cells)} |" + (" - |" if args.valid_only else ""))
    print(f"| **total** | {totals[0]:.1f} s | {totals[1]:.1f} s |")


if __name__ == "__main__":
    main()
