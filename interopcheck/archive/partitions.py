"""An archive cut into partitions: what one Dask task reads and checks.

A JSON Lines file (plain or gzip) is a partition of its own, as an archive's files are large;
other files go ``size`` at a time. Partitions keep the run's input order, so a payload's
position in the run is its partition's offset plus its place in the partition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from interopcheck.archive.options import DEFAULT_PARTITION_SIZE
from interopcheck.errors import UsageError
from interopcheck.sources.payloads import STDIN, discover, syntax_for


@dataclass(frozen=True)
class Partition:
    number: int
    sources: tuple[str, ...]


def partitions(paths: Sequence[str], size: int = DEFAULT_PARTITION_SIZE) -> list[Partition]:
    """The partitions of the payloads ``paths`` name, in input order."""
    if size < 1:
        raise UsageError("--partition-size must be at least 1")
    if STDIN in paths:
        raise UsageError("--engine dask reads files, not standard input: name the files")
    cut: list[tuple[str, ...]] = []
    batch: list[str] = []
    for source in discover(paths):
        if syntax_for(source) == "jsonl":
            if batch:
                cut.append(tuple(batch))
                batch = []
            cut.append((source,))
            continue
        batch.append(source)
        if len(batch) >= size:
            cut.append(tuple(batch))
            batch = []
    if batch:
        cut.append(tuple(batch))
    return [Partition(number, sources) for number, sources in enumerate(cut)]
