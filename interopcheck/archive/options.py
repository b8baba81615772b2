"""What an archive run is told (``--engine``, ``--scheduler``, ``--partition-size``,
``--failures-dir``): kept apart from the engine so that naming the options imports no Dask."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from interopcheck.errors import UsageError
from interopcheck.report.document import MAX_KEPT

#: Where failing results go when no directory is named.
DEFAULT_FAILURES_DIR = Path("interopcheck-failures")
#: Payload files (not JSON Lines) per partition unless ``--partition-size`` says otherwise.
DEFAULT_PARTITION_SIZE = 256


@dataclass(frozen=True)
class EngineOptions:
    """Where and how an archive run is spread."""

    scheduler: str | None = None
    """A Dask scheduler's address (``tcp://host:8786``); None: a local cluster of processes."""
    workers: int | None = None
    """Worker processes of the local cluster (default: the machine's cores)."""
    partition_size: int = DEFAULT_PARTITION_SIZE
    failures_dir: Path = field(default=DEFAULT_FAILURES_DIR)
    keep: int = MAX_KEPT
    """Failing results, and failing journeys, the report itself lists."""


def options_for(
    engine: Literal["local", "dask"],
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int | None = None,
    failures_dir: str | os.PathLike[str] | None = None,
) -> EngineOptions | None:
    """The Dask engine's options, or None for the local path (which takes none of them)."""
    if engine == "local":
        given = [
            name
            for name, value in (
                ("--scheduler", scheduler),
                ("--partition-size", partition_size),
                ("--failures-dir", failures_dir),
            )
            if value is not None
        ]
        if given:
            raise UsageError(f"{', '.join(given)}: only with --engine dask")
        return None
    return EngineOptions(
        scheduler=scheduler,
        workers=workers,
        partition_size=partition_size or DEFAULT_PARTITION_SIZE,
        failures_dir=DEFAULT_FAILURES_DIR if failures_dir is None else Path(failures_dir),
    )
