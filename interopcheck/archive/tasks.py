"""What Dask workers run: plain functions over picklable records, with the same checker code
as the local path (``SchemaChecker.check``, ``JourneyReads``, ``JourneyChecker``, ``judge``).

Each worker process builds its checker once per run settings and keeps it (``_built``), as
the local pool's workers do. Nothing here talks to the scheduler: ``engine.py`` wires these
into Dask collections.
"""

from __future__ import annotations

import json
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from pathlib import Path
from typing import Any

from interopcheck import __version__
from interopcheck.archive.partitions import Partition
from interopcheck.checks.journey import (
    Carried,
    Journey,
    JourneyChecker,
    JourneyMessage,
    JourneyReads,
    join_keys,
    judge,
)
from interopcheck.checks.schema import SchemaChecker
from interopcheck.journeys import checked, locate_again
from interopcheck.output import open_output
from interopcheck.results import (
    OUTCOME_SLOT,
    Finding,
    JourneySummary,
    Outcome,
    PayloadResult,
    RunSummary,
)
from interopcheck.sources.payloads import Rereader
from interopcheck.validation import ValidationSpec, build_checker, describe_profile


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs, as plain values (hashable: the key of its built checker)."""

    spec: ValidationSpec
    show_personal_data: bool = False
    strict: bool = False
    scope: str | None = None
    journeys: bool = False


@dataclass
class Checked:
    """One partition after each payload's own checks: its counts, its failing results and the
    journey view of its messages (positions within the partition)."""

    partition: int
    count: int
    summary: RunSummary
    failing: list[PayloadResult]
    messages: list[JourneyMessage]


@dataclass
class Judged:
    """One journey, judged: its summary, its requirement outcomes, and the messages that got
    findings (positions in the run)."""

    summary: JourneySummary
    outcomes: dict[str, Outcome]
    added: list[JourneyMessage]


@dataclass
class JourneyTally:
    """A bag partition of judged journeys, counted: what the client needs of them."""

    journeys: int = 0
    failing: int = 0
    outcomes: dict[str, list[int]] = field(default_factory=dict)
    """Requirement id -> [passed, failed, errored] over these journeys."""
    shown: list[JourneySummary] = field(default_factory=list)


@dataclass
class Finished:
    """One partition's failing results merged with its journey findings, and written out."""

    partition: int
    failing: int
    late: RunSummary
    """The counts the journey findings add (findings, results turned invalid)."""
    shown: list[PayloadResult]


class _Built:
    def __init__(self, settings: Settings) -> None:
        self.checker: SchemaChecker = build_checker(settings.spec)
        self.reads: JourneyReads | None = None
        self.journeys: JourneyChecker | None = None
        self.join_names = ""
        self.deciding = set(fresh_summary(settings, self.checker).deciding)
        if settings.journeys and self.checker.rules is not None:
            profile = self.checker.rules.profile
            self.reads = JourneyReads(profile, self.checker.rules)
            self.journeys = JourneyChecker(profile, self.checker.rules)
            self.join_names = ", ".join(profile.journey_join)


_built: dict[Settings, _Built] = {}


def built(settings: Settings) -> _Built:
    """This worker process's checker for these settings, built on first use."""
    found = _built.get(settings)
    if found is None:
        found = _built[settings] = _Built(settings)
    return found


def fresh_summary(settings: Settings, checker: SchemaChecker) -> RunSummary:
    summary = RunSummary(
        tool_version=__version__,
        show_personal_data=settings.show_personal_data,
        journeys_checked=settings.journeys,
    )
    if checker.rules is not None:
        describe_profile(summary, checker.rules.profile, settings.strict, settings.scope)
    return summary


def worker_version() -> str:
    """The interopcheck version a worker runs (it must be the client's)."""
    return __version__


def check_partition(partition: Partition, settings: Settings) -> Checked:
    """Every payload of a partition through its own checks, as ``validate`` checks it."""
    here = built(settings)
    summary = fresh_summary(settings, here.checker)
    failing: list[PayloadResult] = []
    messages: list[JourneyMessage] = []
    max_bytes = settings.spec.max_bytes
    for result, message in checked(
        here.checker, here.reads, partition.sources, max_bytes, here.deciding
    ):
        if message is not None:
            messages.append(message)
        summary.add(result)
        if result.findings:
            failing.append(result)
    return Checked(partition.number, summary.payloads, summary, failing, messages)


def message_positions(checked: Checked) -> tuple[int, int, list[int]]:
    """(partition, payload count, positions of its journey messages): what the client needs
    to number the run's payloads."""
    return checked.partition, checked.count, [m.position for m in checked.messages]


Bucketed = list[tuple[int, list[Any]]]
"""A task's records split into (bucket, records) pairs: what Dask's shuffle moves. Shuffling
buckets of records, not records, made the shuffle's cost per bucket (measured on 100,000
messages: 151,248 join keys took 2.2 s to shuffle one by one)."""


def _bucketed(pairs: Iterable[tuple[int, Any]]) -> Bucketed:
    buckets: dict[int, list[Any]] = {}
    for bucket, record in pairs:
        buckets.setdefault(bucket, []).append(record)
    return sorted(buckets.items(), key=itemgetter(0))


def _key_bucket(key: str, buckets: int) -> int:
    """A join value's bucket: the same on every worker (``hash`` of a string is not)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % buckets


def keyed_positions(
    checked: Checked, offsets: Sequence[int], settings: Settings, buckets: int
) -> Bucketed:
    """Each message's join keys with its position in the run, by bucket of the key."""
    here = built(settings)
    assert here.checker.rules is not None
    join = here.checker.rules.profile.journey_join
    offset = offsets[checked.partition]
    return _bucketed(
        (_key_bucket(key, buckets), (key, offset + message.position))
        for message in checked.messages
        for key in join_keys(message, join)
    )


def star_edges(group: tuple[int, list[tuple[int, list[tuple[str, int]]]]]) -> list[int]:
    """The messages sharing each join value of a bucket, as links from the first of them to
    each other, flattened: ``[a, b, a, c, ...]``."""
    sharing: dict[str, list[int]] = {}
    for _, records in group[1]:
        for key, position in records:
            sharing.setdefault(key, []).append(position)
    links: list[int] = []
    for positions in sharing.values():
        if len(positions) > 1:
            first = min(positions)
            for other in positions:
                if other != first:
                    links += (first, other)
    return links


def labelled(checked: Checked, offsets: Sequence[int], labels: Any, buckets: int) -> Bucketed:
    """Each message as a plain tuple with its journey number (``labels``: an array by
    position in the run) and its position made the run's, by bucket of the journey number
    (the persisted partition is never changed: a task run again sees it as it was)."""
    offset = offsets[checked.partition]
    carried = (m.carried(offset) for m in checked.messages)
    numbered = ((int(labels[c[0]]), c) for c in carried)
    return _bucketed((number % buckets, (number, c)) for number, c in numbered)


def judge_bucket(
    group: tuple[int, list[tuple[int, list[tuple[int, Carried]]]]], settings: Settings
) -> list[Judged]:
    """Every journey of a bucket, each through the journey requirements in input order."""
    here = built(settings)
    assert here.journeys is not None
    journeys: dict[int, list[JourneyMessage]] = {}
    for _, records in group[1]:
        for number, carried in records:
            journeys.setdefault(number, []).append(JourneyMessage.arrived(carried))
    judged = []
    for number, messages in sorted(journeys.items()):
        messages.sort(key=lambda m: m.position)
        journey = Journey(number, messages)
        summary = judge(journey, here.journeys, here.join_names, here.deciding)
        for message in messages:
            message.document = None
        judged.append(Judged(summary, journey.outcomes, [m for m in messages if m.findings]))
    return judged


def tally_journeys(judged: Sequence[Judged], keep: int) -> list[JourneyTally]:
    """A bag partition of judged journeys as counts, the outcomes and the first failing."""
    tally = JourneyTally()
    for item in judged:
        tally.journeys += 1
        for requirement_id, outcome in item.outcomes.items():
            counts = tally.outcomes.setdefault(requirement_id, [0, 0, 0])
            counts[OUTCOME_SLOT.get(outcome, 2)] += 1
        if not item.summary.conformant:
            tally.failing += 1
            if len(tally.shown) < keep:
                tally.shown.append(item.summary)
    return [tally]


def routed_results(checked: Checked, offsets: Sequence[int]) -> Bucketed:
    """A partition's failing results (copies, positions made the run's), keyed by partition
    for the final shuffle."""
    offset = offsets[checked.partition]
    moved = [
        ("result", r.index + offset, replace(r, index=r.index + offset, findings=list(r.findings)))
        for r in checked.failing
    ]
    return [(checked.partition, moved)] if moved else []


def routed_findings(judged: Sequence[Judged], offsets: Sequence[int]) -> Bucketed:
    """A bag partition's journey findings, by the partition their messages were read in."""
    return _bucketed(
        (bisect_right(offsets, m.position) - 1, ("journey", m.position, m))
        for item in judged
        for m in item.added
    )


def finish_partition(
    group: tuple[int, list[tuple[int, list[Any]]]],
    settings: Settings,
    failures_dir: str,
    keep: int,
) -> Finished:
    """A partition's failing results with their journey findings (located by reading its
    files again), written to ``failures_dir/part-NNNNNN.jsonl`` whole or not at all."""
    from interopcheck.report.document import result_to_dict

    number, bucketed = group
    items = [item for _, records in bucketed for item in records]
    here = built(settings)
    late = RunSummary(tool_version=__version__, show_personal_data=settings.show_personal_data)
    results: dict[int, PayloadResult] = {}
    added: dict[int, JourneyMessage] = {}
    for kind, position, item in items:
        if kind == "result":
            results[position] = item
        else:
            added[position] = item
    again = Rereader(settings.spec.max_bytes)
    for position in sorted(added):
        message = added[position]
        findings: list[Finding] = locate_again(here.checker, again, message)
        result = results.get(position)
        was_valid = result is None
        if result is None:
            result = results[position] = PayloadResult(
                source=message.source,
                index=position,
                message_type=message.message_type,
                schema=message.schema,
                unmarked_schema=message.unmarked_schema,
            )
        result.findings.extend(findings)
        late.add_late(result, findings, was_valid)
    ordered = [results[p] for p in sorted(results)]
    with open_output(Path(failures_dir) / f"part-{number:06d}.jsonl") as out:
        for result in ordered:
            out.write(
                json.dumps(result_to_dict(result, settings.show_personal_data), ensure_ascii=False)
            )
            out.write("\n")
    return Finished(number, len(ordered), late, ordered[:keep])


def peak_memory() -> int:
    """The worker process's peak resident memory, in bytes (Linux reports KiB)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
