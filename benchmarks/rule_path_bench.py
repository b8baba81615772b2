"""The rule path on payloads that break code-list rules: ``validate -p justice-ew`` against
schema-only ``validate``, on the same files.

    python benchmarks/rule_path_bench.py [--per-requirement 250] [--rounds 5]

Real suppliers get codes wrong, and that is where an audit spends its time: the "nearest real
codes" hint of each finding. The benchmark corpus of validate_bench.py is profile-clean, so it
never meets that path. This one, under benchmarks/_corpus_rules/ (made once, then reused),
holds:

- for every code-list requirement of justice-ew, cases made by ``interopcheck generate --break
  CL-00N`` (each confirmed by the checker to break it: a code of the right shape that is not in
  the list);
- as many valid generated cases of the same message types;
- as many generated from the schema alone (codes drawn from the pattern at random, as a
  supplier's wrong codes often are).

Then, in paired rounds (A B A B ...), the two commands run on the corpus with one worker, and
the CPU time (user + system) of each child is measured; each round's ratio and the median are
printed with the load average. Both read the same files; they reach different verdicts by
design (schema-only cannot see a code list), so this is the cost of the profile, not a
comparison of tools.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "_corpus_rules"
#: justice-ew's code-list requirements and the message type each binds first.
BREAKS = {
    "CL-001": "charge-file",
    "CL-002": "hearing-result",
    "CL-003": "hearing-result",
    "CL-004": "hearing-result",
    "CL-005": "charge-file",
    "CL-006": "charge-file",
    "CL-007": "charge-file",
    "CL-008": "charge-file",
}


def _interopcheck() -> str:
    return str(Path(sys.executable).parent / "interopcheck")


def build(per_requirement: int) -> Path:
    """The corpus: ``per_requirement`` cases breaking each code-list requirement, and as many
    valid cases of each message type involved (made once; a count change makes it again)."""
    stamp = CORPUS / f".made-2-{per_requirement}"
    if stamp.exists():
        return CORPUS
    if CORPUS.exists():
        for path in sorted(CORPUS.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    CORPUS.mkdir(parents=True, exist_ok=True)
    for seed, (requirement, message_type) in enumerate(BREAKS.items()):
        out = CORPUS / requirement
        command = [_interopcheck(), "generate", "-p", "justice-ew", "--type", message_type]
        command += ["--break", requirement, "-n", str(per_requirement), "--seed", str(seed)]
        subprocess.run([*command, "--output-dir", str(out)], check=False, capture_output=True)
    for seed, message_type in enumerate(sorted(set(BREAKS.values()))):
        out = CORPUS / f"valid-{message_type}"
        count = per_requirement * list(BREAKS.values()).count(message_type)
        command = [_interopcheck(), "generate", "-p", "justice-ew", "--type", message_type]
        command += ["-n", str(count), "--seed", str(100 + seed), "--output-dir", str(out)]
        subprocess.run(command, check=False, capture_output=True)
    for seed, message_type in enumerate(sorted(set(BREAKS.values()))):
        # generated from the schema alone: codes of the right pattern drawn at random, as a
        # supplier's own codes are when wrong (most share no prefix with a real one)
        out = CORPUS / f"schema-only-{message_type}"
        count = per_requirement * list(BREAKS.values()).count(message_type)
        command = [_interopcheck(), "generate", "--type", message_type, "-n", str(count)]
        command += ["--seed", str(200 + seed), "--output-dir", str(out)]
        subprocess.run(command, check=False, capture_output=True)
    stamp.touch()
    return CORPUS


def _cpu(command: list[str]) -> float:
    """CPU seconds (user + system) the command's process took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{command[:3]} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-requirement", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    corpus = build(args.per_requirement)
    files = sum(1 for _ in corpus.rglob("*.json") if _.name != "interopcheck-manifest.json")
    base = [_interopcheck(), "validate", str(corpus), "-j", "1", "-f", "json", "-o", os.devnull]
    print(f"{files} files under {corpus.relative_to(ROOT)}; load average {os.getloadavg()[0]:.2f}")
    ratios = []
    for round_number in range(args.rounds):
        schema_only = _cpu(base)
        profiled = _cpu([*base, "-p", "justice-ew"])
        ratios.append(profiled / schema_only)
        print(
            f"round {round_number + 1}: schema-only {schema_only:.2f} s, --profile justice-ew "
            f"{profiled:.2f} s CPU, ratio {ratios[-1]:.2f}",
            flush=True,
        )
    print(
        f"median ratio {statistics.median(ratios):.2f} over {args.rounds} paired rounds; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
