"""Benchmark ``compat``: how long each verdict takes, and how small its counterexample is.

    python benchmarks/compat_bench.py [--old 1.0] [--new examples/compat/versions/1.1]
                                      [--tries 300] [--rounds 3]

In-process, per message type and direction: the verdict, how it was reached, the payloads drawn,
the counterexample's size after shrinking, and the time (best of ROUNDS). Then the whole CLI run
(start-up included) as a user sees it, and the search rate where nothing decides (payloads drawn
per second for an "unknown"). Prints Markdown; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interopcheck.compatibility.compare import compare_sides, load_side

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default="1.0")
    parser.add_argument("--new", default=str(ROOT / "examples" / "compat" / "versions" / "1.1"))
    parser.add_argument("--tries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    old, new = load_side(args.old, False), load_side(args.new, False)
    print("| message type | direction | verdict | how | drawn | counterexample bytes | ms |")
    print("|---|---|---|---:|---:|---:|---:|")
    total = 0.0
    unknown_drawn = 0
    unknown_seconds = 0.0
    for message_type in sorted(set(old.entries) | set(new.entries)):
        for direction in ("backward", "forward"):
            best = float("inf")
            verdict = None
            for _ in range(args.rounds):
                a = load_side(args.old, False)
                b = load_side(args.new, False)
                for side in (a, b):
                    for other in [t for t in side.entries if t != message_type]:
                        del side.entries[other]
                started = time.perf_counter()
                (comparison,) = compare_sides(a, b, (direction,), args.tries, args.seed)
                best = min(best, time.perf_counter() - started)
                verdict = getattr(comparison, direction)
            assert verdict is not None
            size = (
                len(json.dumps(verdict.counterexample, ensure_ascii=False).encode())
                if verdict.counterexample is not None
                else 0
            )
            total += best
            if verdict.verdict == "unknown":
                unknown_drawn += verdict.tries
                unknown_seconds += best
            print(
                f"| {message_type} | {direction} | {verdict.verdict} | {verdict.how} | "
                f"{verdict.tries} | {size or '-'} | {best * 1000:.0f} |"
            )
    print(f"\nIn-process, every message type both ways: {total:.2f} s (best of {args.rounds}).")
    if unknown_seconds:
        print(
            f"Search where nothing decides: {unknown_drawn} payloads in {unknown_seconds:.2f} s "
            f"({unknown_drawn / unknown_seconds:.0f} payloads/s, each drawn and validated twice)."
        )
    walls = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "interopcheck", "compat", args.old, args.new, "-f", "json"],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        walls.append(time.perf_counter() - started)
    print(f"CLI `interopcheck compat {args.old} {args.new}`: best {min(walls):.2f} s wall.")


if __name__ == "__main__":
    main()
