"""The ``validate`` pipeline: sources -> schema check -> ``ValidationRun``.

Kept out of the CLI so that tests and other commands reach it through Python. A corpus is
split into chunks that worker processes validate in parallel; results are put back in input
order, so output is the same whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from interopcheck import __version__
from interopcheck.checks.schema import SchemaChecker, SchemaSelection
from interopcheck.errors import SetupError
from interopcheck.results import PayloadResult, ValidationRun
from interopcheck.sources.payloads import DEFAULT_MAX_BYTES, STDIN, discover, read_payloads
from interopcheck.standard.catalog import Catalog

#: Below this many sources a worker pool costs more than it saves.
PARALLEL_THRESHOLD = 200
_CHUNK = 64


@dataclass(frozen=True)
class ValidationSpec:
    """Everything a worker needs to rebuild the checker: plain, picklable values."""

    ref_schemas: tuple[Path, ...] = ()
    schema_file: Path | None = None
    message_type: str | None = None
    version: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class ValidationOptions:
    spec: ValidationSpec = field(default_factory=ValidationSpec)
    workers: int | None = None
    show_personal_data: bool = False


def build_checker(spec: ValidationSpec) -> SchemaChecker:
    """The schema checker for a spec; setup problems raise ``SetupError``."""
    catalog = Catalog.bundled(spec.ref_schemas)
    selection = SchemaSelection(version=spec.version)
    if spec.schema_file is not None:
        selection.fixed = catalog.add_user_schema(spec.schema_file)
    elif spec.message_type is not None:
        entry = catalog.find(spec.message_type, spec.version)
        if entry is None or entry.kind == "definitions":
            names = sorted(
                {e.name for e in catalog.entries() if e.version and e.kind != "definitions"}
            )
            version = f" in version {spec.version}" if spec.version else ""
            raise SetupError(
                f"unknown message type {spec.message_type!r}{version}; known: {', '.join(names)}"
            )
        selection.fixed = entry
    elif spec.version is not None and spec.version not in catalog.versions():
        raise SetupError(
            f"unknown standard version {spec.version!r}; known: {', '.join(catalog.versions())}"
        )
    return SchemaChecker(catalog, selection)


def _check_sources(
    checker: SchemaChecker, sources: Sequence[str], max_bytes: int
) -> list[PayloadResult]:
    results: list[PayloadResult] = []
    for source in sources:
        for payload in read_payloads(source, max_bytes):
            results.append(checker.check(payload, index=0))
    return results


_worker_checker: SchemaChecker | None = None
_worker_max_bytes = DEFAULT_MAX_BYTES


def _worker_init(spec: ValidationSpec) -> None:
    global _worker_checker, _worker_max_bytes
    _worker_checker = build_checker(spec)
    _worker_max_bytes = spec.max_bytes


def _worker_run(sources: Sequence[str]) -> list[PayloadResult]:
    assert _worker_checker is not None
    return _check_sources(_worker_checker, sources, _worker_max_bytes)


def default_workers() -> int:
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def run_validation(
    paths: Sequence[str],
    options: ValidationOptions,
    on_progress: Callable[[int, int], None] | None = None,
) -> ValidationRun:
    """Validate every payload named by ``paths``; raise ``SetupError`` if the run cannot start."""
    started = _now()
    sources = discover(paths)
    if not sources:
        raise SetupError("no payload files found (looked for .json, .yaml, .yml, .jsonl, .ndjson)")
    spec = options.spec
    checker = build_checker(spec)
    workers = options.workers if options.workers is not None else default_workers()
    if workers < 1:
        raise SetupError("--workers must be at least 1")
    chunks = [sources[i : i + _CHUNK] for i in range(0, len(sources), _CHUNK)]
    results: list[PayloadResult] = []
    done = 0
    if workers == 1 or len(sources) < PARALLEL_THRESHOLD or STDIN in sources:
        for chunk in chunks:
            results.extend(_check_sources(checker, chunk, spec.max_bytes))
            done += len(chunk)
            if on_progress:
                on_progress(done, len(sources))
    else:
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        )
        with ProcessPoolExecutor(
            max_workers=min(workers, len(chunks)),
            mp_context=context,
            initializer=_worker_init,
            initargs=(spec,),
        ) as pool:
            for chunk, chunk_results in zip(chunks, pool.map(_worker_run, chunks), strict=True):
                results.extend(chunk_results)
                done += len(chunk)
                if on_progress:
                    on_progress(done, len(sources))
    for index, result in enumerate(results):
        result.index = index
    return ValidationRun(
        tool_version=__version__,
        results=results,
        show_personal_data=options.show_personal_data,
        started_at=started,
        finished_at=_now(),
    )


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
