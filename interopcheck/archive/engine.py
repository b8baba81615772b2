"""``validate`` and ``journey`` on Dask (``--engine dask``): an archive audit.

Four steps, each a Dask collection over the partitions (``partitions.py``), the work in
``tasks.py``:

1. **Check.** Each partition's payloads through their own checks, kept on the workers
   (persisted): counts, failing results, and each message's journey view (only the fields the
   journey rules read).
2. **Join** (journeys). Each message's join values shuffled by value (``Bag.groupby``, Dask's
   task shuffle, moving buckets of values: a bucket per partition, by CRC-32 of the value);
   the messages sharing a value come back as links between positions, integers only, and the
   client joins them (union-find over one 8-byte slot per payload). A journey's number is its
   first message's rank, as on the local path.
3. **Judge** (journeys). The messages (plain tuples) shuffled by bucket of journey number;
   each journey judged by the local path's ``JourneyChecker``; counted per bag partition.
4. **Finish.** The failing results and the journey findings shuffled by the partition they
   were read in; each partition's failing results, their journey findings located, written to
   ``FAILURES_DIR/part-NNNNNN.jsonl``. The report keeps the counts, the first failing results
   and journeys, and says where the rest are.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interopcheck import __version__
from interopcheck.archive import tasks
from interopcheck.archive.options import EngineOptions
from interopcheck.archive.partitions import Partition, partitions
from interopcheck.checks.journey import Links
from interopcheck.errors import InputError, OutputError, TargetError, UsageError
from interopcheck.journeys import journey_profile
from interopcheck.results import ArchiveRecord, PayloadResult, RunSummary
from interopcheck.run import Run
from interopcheck.sources.payloads import LOOKED_FOR
from interopcheck.validation import (
    ValidationOptions,
    build_checker,
    check_usage,
    default_workers,
    now_iso,
    recorded_options,
)

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client

#: Memory each worker of a local cluster may use before Dask spills and pauses it.
LOCAL_WORKER_MEMORY = "2GiB"

ProgressCallback = Callable[[int], None]


def archive_run(
    paths: Sequence[str],
    options: ValidationOptions,
    engine: EngineOptions,
    *,
    journeys: bool,
    on_progress: ProgressCallback | None = None,
) -> Run:
    """An archive audit on Dask: the ``validate`` (or, with ``journeys``, ``journey``) run of
    ``paths``, collected. Setup errors raise before a cluster is started."""
    spec = options.spec
    if journeys and spec.profile is None:
        raise UsageError("journey needs --profile (journeys are defined by a profile)")
    check_usage(options)
    settings = tasks.Settings(
        spec, options.show_personal_data, options.strict, options.scope, journeys
    )
    checker = build_checker(spec)
    if journeys:
        journey_profile(checker)
    summary = tasks.fresh_summary(settings, checker)
    summary.started_at = now_iso()
    cut = partitions(paths, engine.partition_size)
    if not cut:
        raise InputError(f"no payload files found (looked for {LOOKED_FOR})")
    failures_dir = _prepared(engine.failures_dir)
    with _client(engine) as (client, where):
        audit = _Audit(client, settings, cut, engine, failures_dir, summary)
        results = audit.run(on_progress)
        workers = len(client.scheduler_info().get("workers", {}))
        peaks = client.run(tasks.peak_memory)
    summary.archive = ArchiveRecord(
        engine="dask",
        scheduler=where,
        workers=workers,
        partitions=len(cut),
        failuresDir=str(failures_dir),
        failingResults=audit.failing,
        journeys=summary.journey_count or 0,
        failingJourneys=audit.failing_journeys,
        workerPeakMemory=max(peaks.values(), default=0),
        clientPeakMemory=tasks.peak_memory(),
    )
    summary.finished_at = now_iso()
    return Run(
        command="journey" if journeys else "validate",
        summary=summary,
        inputs=list(paths),
        options={**recorded_options(options, journeys=journeys), "engine": "dask"},
        results=results,
        catalog=checker.catalog,
    )


class _Audit:
    """The four steps, on one client."""

    def __init__(
        self,
        client: Client,
        settings: tasks.Settings,
        cut: list[Partition],
        engine: EngineOptions,
        failures_dir: Path,
        summary: RunSummary,
    ) -> None:
        self.client = client
        self.settings = settings
        self.cut = cut
        self.engine = engine
        self.failures_dir = failures_dir
        self.summary = summary
        self.failing = 0
        self.failing_journeys = 0
        #: How many buckets the join values and the journeys are shuffled in: one per
        #: partition, so that a bucket holds about a partition's messages.
        self.buckets = len(cut)

    def run(self, on_progress: ProgressCallback | None) -> list[PayloadResult]:
        import dask.bag as db
        from distributed import as_completed, futures_of

        client = self.client
        settings = self.settings
        versions = set(client.run(tasks.worker_version).values())
        if versions - {__version__}:
            raise TargetError(
                f"the Dask workers run interopcheck {', '.join(sorted(versions))}, this is "
                f"{__version__}: install the same version on every worker"
            )
        parts = db.from_sequence(self.cut, npartitions=len(self.cut))
        checked = client.persist(parts.map(tasks.check_partition, settings))
        for done, _ in enumerate(as_completed(futures_of(checked)), start=1):
            if on_progress:
                on_progress(done)
        heads = sorted(self._computed(checked.map(tasks.message_positions)))
        offsets = [0]
        for _, count, _ in heads:
            offsets.append(offsets[-1] + count)
        for partial in self._computed(checked.map(_summary_of)):
            self.summary.merge(partial)
        routed = checked.map(tasks.routed_results, offsets).flatten()
        if settings.journeys:
            labels = self._journey_numbers(checked, heads, offsets)
            judged = self._judged(checked, offsets, labels)
            routed = db.concat([routed, judged.map_partitions(tasks.routed_findings, offsets)])
        finished = routed.groupby(itemgetter(0), shuffle="tasks").map(
            tasks.finish_partition, settings, str(self.failures_dir), self.engine.keep
        )
        keep = self.engine.keep
        shown: list[PayloadResult] = []
        for batch in self._stream(finished):  # one bag partition at a time: bounded here
            for part in batch:
                self.summary.merge(part.late)
                self.failing += part.failing
                shown.extend(part.shown)
            if len(shown) > keep:
                shown.sort(key=lambda r: r.index)
                del shown[keep:]
        shown.sort(key=lambda r: r.index)
        return shown

    def _journey_numbers(
        self, checked: Bag, heads: list[tuple[int, int, list[int]]], offsets: list[int]
    ) -> Any:
        """Each payload's journey number (0: not a message), broadcast to the workers."""
        total = offsets[-1]
        links = Links(total)
        edges = (
            checked.map(tasks.keyed_positions, offsets, self.settings, self.buckets)
            .flatten()
            .groupby(itemgetter(0), shuffle="tasks")
            .map(tasks.star_edges)
        )
        for batch in self._stream(edges):
            for flat in batch:
                pairs = iter(flat)
                for first, other in zip(pairs, pairs, strict=False):
                    links.link(first, other)
        labels = array("q", bytes(8 * total))
        numbers: dict[int, int] = {}
        for partition, _, positions in heads:
            for local in positions:
                position = offsets[partition] + local
                root = links.root(position)  # the journey's first message
                number = numbers.get(root)
                if number is None:
                    number = numbers[root] = len(numbers) + 1
                labels[position] = number
        return self.client.scatter(labels, broadcast=True)

    def _judged(self, checked: Bag, offsets: list[int], labels: Any) -> Bag:
        """Journeys judged on the workers; their counts and first failing ones taken here."""
        judged = self.client.persist(
            checked.map(tasks.labelled, offsets, labels, self.buckets)
            .flatten()
            .groupby(itemgetter(0), shuffle="tasks")
            .map(tasks.judge_bucket, self.settings)
            .flatten()
        )
        tallies = self._computed(judged.map_partitions(tasks.tally_journeys, self.engine.keep))
        count = 0
        shown = []
        for tally in tallies:
            count += tally.journeys
            self.failing_journeys += tally.failing
            shown.extend(tally.shown)
            for requirement_id, counts in tally.outcomes.items():
                self.summary.add_outcomes(requirement_id, *counts)
        shown.sort(key=lambda j: j.number)
        self.summary.journeys = shown[: self.engine.keep]
        self.summary.journey_count = count
        return judged

    def _computed(self, bag: Bag) -> list[Any]:
        """A bag computed on this run's cluster (never on Dask's default scheduler)."""
        return list(self.client.compute(bag).result())

    def _stream(self, bag: Bag) -> Iterator[Any]:
        """A bag's partitions as they are computed, one at a time (never all at once)."""
        from distributed import as_completed

        futures = self.client.compute(bag.to_delayed())
        for future in as_completed(futures):
            yield future.result()
            future.release()


def _summary_of(checked: tasks.Checked) -> RunSummary:
    return checked.summary


def _prepared(failures_dir: Path) -> Path:
    """The failures directory, made, and emptied of a previous run's parts (only those)."""
    directory = failures_dir.resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("part-*.jsonl"):
            old.unlink()
    except OSError as exc:
        raise OutputError(
            f"{failures_dir}: cannot write failing results there ({exc.strerror or exc}); "
            "name another directory with --failures-dir"
        ) from None
    return directory


@contextmanager
def _client(engine: EngineOptions) -> Iterator[tuple[Client, str]]:
    """A client of the named scheduler, or of a local cluster started for this run."""
    from distributed import Client, LocalCluster

    if engine.scheduler is not None:
        try:
            client = Client(engine.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise TargetError(
                f"{engine.scheduler}: cannot reach the Dask scheduler ({exc}); start one "
                "(`dask scheduler`) or leave out --scheduler for a cluster on this machine"
            ) from None
        with client:
            yield client, engine.scheduler
        return
    workers = engine.workers if engine.workers is not None else default_workers()
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=LOCAL_WORKER_MEMORY,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client, "local"
