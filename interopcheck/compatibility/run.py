"""The ``compat`` pipeline for two versions of the schemas: load both, compare every message
type in the directions asked, and hand on the summary and results of the shared report model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from interopcheck.compatibility.compare import (
    Comparison,
    compare_sides,
    load_side,
    side_entries,
)
from interopcheck.compatibility.results import compat_results, compat_summary, schema_digests
from interopcheck.errors import UsageError
from interopcheck.results import PayloadResult, RunSummary
from interopcheck.standard.catalog import SchemaEntry, mapped_entries, user_schemas
from interopcheck.standard.schema_sources import Draft, SchemaSources

Direction = Literal["backward", "forward", "both"]


@dataclass(frozen=True)
class CompatOptions:
    """What ``interopcheck compat OLD NEW`` is given."""

    old: str
    new: str
    direction: Direction = "both"
    message_type: str | None = None
    tries: int = 300
    seed: int = 0
    keep_version_label: bool = False
    sources: SchemaSources = field(default_factory=SchemaSources)
    """``--ref-schemas``, ``--ref-map`` and ``--draft``, for both versions."""

    @property
    def directions(self) -> tuple[str, ...]:
        return ("backward", "forward") if self.direction == "both" else (self.direction,)


@dataclass
class CompatRun:
    comparisons: list[Comparison]
    summary: RunSummary
    results: list[PayloadResult]
    digests: list[dict[str, str]]
    """SHA-256 of every schema of both versions and of the shared references (the manifest's)."""


def references(
    paths: tuple[Path, ...] | list[Path], draft: Draft | None = None
) -> list[SchemaEntry]:
    """The schemas of every ``--ref-schemas`` file or directory."""
    return [entry for path in paths for entry in user_schemas(path, draft)]


def run_compat(request: CompatOptions, started_at: str) -> CompatRun:
    sources = request.sources
    refs = references(sources.ref_schemas, sources.draft)
    old = load_side(request.old, request.keep_version_label, sources.draft)
    new = load_side(request.new, request.keep_version_label, sources.draft)
    if request.message_type is not None:
        if not any(request.message_type in side.entries for side in (old, new)):
            raise UsageError(
                f"neither {request.old} nor {request.new} has a message type "
                f"{request.message_type!r}"
            )
        for side in (old, new):
            for other in [t for t in side.entries if t != request.message_type]:
                del side.entries[other]
    refs += mapped_entries(
        [*side_entries(old), *side_entries(new), *refs], sources.ref_maps, sources.draft
    )
    comparisons = compare_sides(old, new, request.directions, request.tries, request.seed, refs)
    digests = schema_digests([old, new], refs)
    summary = compat_summary(
        comparisons, request.directions, old.label, new.label, digests, started_at
    )
    results = compat_results(comparisons, request.directions)
    for result in results:
        summary.add(result)
    return CompatRun(comparisons, summary, results, digests)
