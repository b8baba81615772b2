"""A slice of the fuzzer (benchmarks/fuzz.py) on every run: 300 mutated payloads through
validate (every format) and journey, 40 mutated profiles through lint and validate, all by the
CLI's own entry point. Not one internal error, every input listed, every format valid. The full
run (3,000 and 500) is the benchmark script; its figures are in the issue notes."""

from __future__ import annotations

from pathlib import Path

from benchmarks.fuzz import Tally, fuzz_payloads, fuzz_profiles


def test_hostile_payloads_never_break_a_run(tmp_path: Path) -> None:
    tally = Tally()
    fuzz_payloads(300, seed=20261130, work=tmp_path, tally=tally, batch=300)
    assert tally.inputs == 300 and tally.runs == 2
    assert tally.internal_errors == []


def test_hostile_profiles_are_clear_errors_never_internal_ones(tmp_path: Path) -> None:
    tally = Tally()
    fuzz_profiles(40, seed=20261130, work=tmp_path, tally=tally)
    assert tally.inputs >= 35 and tally.runs == 2 * tally.inputs
    assert tally.internal_errors == []
