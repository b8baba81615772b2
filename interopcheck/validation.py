"""The ``validate`` pipeline: sources -> schema check -> results, streamed.

Kept out of the CLI so that tests and other commands reach it through Python. Results stream
out in input order as they are made, so memory stays flat whatever the corpus size. A large
corpus is split into chunks that worker processes validate in parallel, with a bounded number
of chunks in flight; output is the same whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interopcheck import __version__
from interopcheck.checks.schema import SchemaChecker, SchemaSelection
from interopcheck.errors import InputError, UsageError
from interopcheck.profile.checks import messages_read
from interopcheck.results import PayloadResult, RequirementTally, RunSummary
from interopcheck.run import Run
from interopcheck.sources.payloads import (
    DEFAULT_MAX_BYTES,
    LOOKED_FOR,
    STDIN,
    discover,
    read_payloads,
)
from interopcheck.standard.catalog import Catalog
from interopcheck.standard.schema_sources import SchemaSources

if TYPE_CHECKING:
    from concurrent.futures import Future

    from interopcheck.profile.model import Profile

#: Below this many sources a worker pool costs more than it saves.
PARALLEL_THRESHOLD = 200
_CHUNK = 64
#: Chunks in flight per worker: enough to keep workers busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 2

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class ValidationSpec:
    """Everything a worker needs to rebuild the checker: plain, picklable values."""

    sources: SchemaSources = field(default_factory=SchemaSources)
    """Where schemas beyond the standard's come from, and how they are read."""
    schema_file: Path | None = None
    message_type: str | None = None
    version: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    profile: str | None = None
    """A bundled profile id or a profile file; None for schema-only validation."""


@dataclass
class ValidationOptions:
    spec: ValidationSpec = field(default_factory=ValidationSpec)
    workers: int | None = None
    show_personal_data: bool = False
    strict: bool = False
    """SHOULD failures decide conformance too."""
    scope: str | None = None
    """The actor whose conformance is decided (``--actor``); None: every requirement."""


def build_checker(spec: ValidationSpec) -> SchemaChecker:
    """The schema checker for a spec; setup problems raise ``SetupError``."""
    catalog = Catalog.bundled(spec.sources)
    profile = None
    if spec.profile is not None:
        from interopcheck.profile.loader import load_profile

        profile = load_profile(spec.profile)
        if profile.api is not None and profile.api.schemas:
            catalog.add_entries(profile.api.schemas)  # an OpenAPI document's message types
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
            raise UsageError(
                f"unknown message type {spec.message_type!r}{version}; known: {', '.join(names)}"
            )
        selection.fixed = entry
    elif spec.version is not None and spec.version not in catalog.versions():
        raise UsageError(
            f"unknown standard version {spec.version!r}; known: {', '.join(catalog.versions())}"
        )
    rules = None
    if profile is not None:
        from interopcheck.checks.rules import RuleChecker

        rules = RuleChecker(profile, catalog.documents())
    return SchemaChecker(catalog, selection, rules)


def _check_sources(
    checker: SchemaChecker, sources: Iterable[str], max_bytes: int
) -> list[PayloadResult]:
    return [
        checker.check(payload, index=0)
        for source in sources
        for payload in read_payloads(source, max_bytes)
    ]


_worker_checker: SchemaChecker | None = None
_worker_max_bytes = DEFAULT_MAX_BYTES


def _worker_init(spec: ValidationSpec) -> None:
    """Give the worker its checker: inherited from the parent when the pool forks (the
    profile, code lists and compiled validators are then not built again), else built anew."""
    global _worker_checker, _worker_max_bytes
    import signal

    # Ctrl-C is the parent's to handle (it stops the pool and says so once); a worker that
    # took it too printed a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_checker is None:
        _worker_checker = build_checker(spec)
    _worker_max_bytes = spec.max_bytes


def _worker_run(sources: Sequence[str]) -> list[PayloadResult]:
    assert _worker_checker is not None
    return _check_sources(_worker_checker, sources, _worker_max_bytes)


def default_workers() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _chunks(sources: Iterator[str]) -> Iterator[list[str]]:
    while chunk := list(itertools.islice(sources, _CHUNK)):
        yield chunk


class ValidationStream:
    """One ``validate`` run: set up at construction (setup errors raise before any output),
    then iterated for its results, in input order; ``summary`` counts them as they pass."""

    def __init__(
        self,
        paths: Sequence[str],
        options: ValidationOptions,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.summary = RunSummary(
            tool_version=__version__,
            show_personal_data=options.show_personal_data,
            started_at=now_iso(),
        )
        self._options = options
        self._on_progress = on_progress
        self._sources = discover(paths)
        self._checker = build_checker(options.spec)
        if self._checker.rules is not None:
            describe_profile(
                self.summary, self._checker.rules.profile, options.strict, options.scope
            )
        self._workers = options.workers if options.workers is not None else default_workers()
        if self._workers < 1:
            raise UsageError("--workers must be at least 1")

    @property
    def catalog(self) -> Catalog:
        """The schemas this run validates against (for the manifest's digests)."""
        return self._checker.catalog

    def __iter__(self) -> Iterator[PayloadResult]:
        max_bytes = self._options.spec.max_bytes
        head = list(itertools.islice(self._sources, PARALLEL_THRESHOLD))
        sources = itertools.chain(head, self._sources)
        parallel = self._workers > 1 and len(head) >= PARALLEL_THRESHOLD and STDIN not in head
        batches = (
            self._parallel(sources)
            if parallel
            else (_check_sources(self._checker, chunk, max_bytes) for chunk in _chunks(sources))
        )
        for batch in batches:
            for result in batch:
                result.index = self.summary.payloads
                self.summary.add(result)
                yield result
            if self._on_progress:
                self._on_progress(self.summary.payloads)
        self.summary.finished_at = now_iso()
        if self.summary.payloads == 0:
            raise InputError(f"no payload files found (looked for {LOOKED_FOR})")

    def _parallel(self, sources: Iterator[str]) -> Iterator[list[PayloadResult]]:
        global _worker_checker
        # imported here: a run that stays in one process (one file, -j1) need not load them
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        forking = "fork" in methods
        context = multiprocessing.get_context("fork" if forking else None)
        # Forked workers inherit the parent's checker; warm its compiled validators first so
        # that each worker does not compile them again.
        _worker_checker = self._checker if forking else None
        if forking:
            self._checker.warm()
        with ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(self._options.spec,),
        ) as pool:
            in_flight: deque[Future[list[PayloadResult]]] = deque()
            for chunk in _chunks(sources):
                in_flight.append(pool.submit(_worker_run, chunk))
                if len(in_flight) >= self._workers * _IN_FLIGHT_PER_WORKER:
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()


def describe_profile(
    summary: RunSummary, profile: Profile, strict: bool, scope: str | None = None
) -> None:
    """Put the profile's identity, verdict policy, scope and requirements into a run's summary.
    A requirement binds the actors that send its messages, or serve its endpoints (http)."""
    if scope is not None and scope not in profile.actors:
        names = ", ".join(sorted(profile.actors))
        raise UsageError(f"--actor {scope}: {profile.id} has no such actor (its actors: {names})")
    summary.scope = scope
    summary.profile = {
        "id": profile.id,
        "version": profile.version,
        "title": profile.title,
        "digest": profile.digest,
    }
    deciding = set(profile.deciding) | ({"SHOULD"} if strict else set())
    summary.deciding = tuple(level for level in ("MUST", "SHOULD", "MAY") if level in deciding)
    summary.levels = [(level.name, level.groups) for level in profile.levels]
    known = {m for actor in profile.actors.values() for m in (*actor.sends, *actor.receives)}
    senders = {m: a.name for a in profile.actors.values() for m in a.sends}
    summary.requirements = {}
    for r in profile.requirements:
        if r.is_http and profile.api is not None:
            bound = profile.api.bound_by(r)
            messages = tuple(sorted({e.receives for e in bound if e.receives}))
            actors = tuple(sorted({e.actor for e in bound}))  # who serves the endpoints
        else:
            messages = tuple(sorted(r.message_types() or messages_read(r.check) & known))
            actors = tuple(sorted({senders[m] for m in messages if m in senders}))
        summary.requirements[r.id] = RequirementTally(
            r.id, r.level, r.text, r.kind, r.group, r.source, messages, actors
        )


def validation_run(
    paths: Sequence[str],
    options: ValidationOptions,
    on_progress: ProgressCallback | None = None,
) -> Run:
    """The ``validate`` run, its results streamed: set up now (a setup error raises before any
    output), checked as ``publish`` or ``Run.collect`` consumes them."""
    check_usage(options)
    stream = ValidationStream(paths, options, on_progress)
    return Run(
        command="validate",
        summary=stream.summary,
        inputs=list(paths),
        options=recorded_options(options, journeys=False),
        results=stream,
        catalog=stream.catalog,
    )


def check_usage(options: ValidationOptions) -> None:
    """Options that go only together, refused before anything runs."""
    spec = options.spec
    if spec.schema_file is not None and spec.message_type is not None:
        raise UsageError("give --schema or --type, not both")
    if options.strict and spec.profile is None:
        raise UsageError("--strict needs --profile (it changes which requirement levels decide)")
    if options.scope is not None and spec.profile is None:
        raise UsageError("--actor needs --profile (it limits which requirements decide)")


def recorded_options(options: ValidationOptions, *, journeys: bool) -> dict[str, Any]:
    """The options that decide a validate (or journey) run's result, as its manifest keeps
    them: what ``reproduce`` needs and a reader of the report may ask."""
    spec = options.spec
    chosen: dict[str, Any] = {"profile": spec.profile}
    if not journeys:
        chosen.update(
            messageType=spec.message_type,
            schemaFile=str(spec.schema_file) if spec.schema_file else None,
            standardVersion=spec.version,
            **spec.sources.record(),
        )
    chosen.update(
        strict=options.strict, actor=options.scope, showPersonalData=options.show_personal_data
    )
    return chosen


def run_validation(
    paths: Sequence[str],
    options: ValidationOptions,
    on_progress: ProgressCallback | None = None,
) -> Run:
    """Validate every payload named by ``paths`` and keep all results."""
    return validation_run(paths, options, on_progress).collect()


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
