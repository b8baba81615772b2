"""The Python API: each command as a function returning what the CLI would report.

``validate``, ``journey``, ``probe`` and ``compat`` return a collected ``Run`` (its summary is
final, its results a list); ``write_report`` publishes one exactly as the CLI does (every
format, the manifest, the signature) and returns the CLI's exit code. ``generate`` returns the
cases it made, each confirmed by the validator. Everything that stops a run before it starts is
an ``interopcheck.errors.SetupError`` (one subclass per kind); nothing here prints or exits.
Re-exported, and pinned, by ``interopcheck.__all__``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from interopcheck.formats.registry import OutputFormat
from interopcheck.results import FailOn
from interopcheck.sources.payloads import DEFAULT_MAX_BYTES
from interopcheck.standard.schema_sources import Draft, SchemaSources, parse_ref_map

if TYPE_CHECKING:
    from interopcheck.generation.cases import Case
    from interopcheck.run import Run

PathLike = str | Path


def validate(
    paths: Sequence[PathLike],
    *,
    profile: str | None = None,
    actor: str | None = None,
    strict: bool = False,
    schema: PathLike | None = None,
    message_type: str | None = None,
    standard_version: str | None = None,
    ref_schemas: Sequence[PathLike] = (),
    show_personal_data: bool = False,
    workers: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stream: bool = False,
    on_progress: Callable[[int], None] | None = None,
    ref_maps: Mapping[str, PathLike] | None = None,
    draft: str | None = None,
    assert_formats: bool = True,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    partition_size: int | None = None,
    failures_dir: PathLike | None = None,
) -> Run:
    """Validate payload files (paths, directories, globs) against the standard's schemas, or
    ``schema``, and against ``profile``'s requirements when given (as ``actor`` if given).
    ``ref_maps`` say which file a ``$ref`` to a URI no schema declares is (a URI ending in
    ``/`` maps a prefix to a folder); ``draft`` (``"4"`` ... ``"2020-12"``) is that of schemas
    without ``$schema``; ``assert_formats=False`` reads ``format`` as an annotation.
    ``workers``: processes for large corpora (default: the machine's cores). ``stream=True``
    returns the run set up but not yet checked: its results are checked as they are consumed
    (by ``write_report``, or by iterating them), in constant memory. ``engine="dask"`` checks
    on a Dask cluster (``scheduler``'s, else ``workers`` local processes), every failing result
    written to ``failures_dir`` and the run's results the first 5,000 of them (the CLI's
    ``--engine dask``)."""
    from interopcheck.archive.options import options_for
    from interopcheck.validation import ValidationOptions, ValidationSpec, validation_run

    archive = options_for(engine, scheduler, workers, partition_size, failures_dir)

    options = ValidationOptions(
        spec=ValidationSpec(
            sources=_sources(ref_schemas, ref_maps, draft, assert_formats),
            schema_file=None if schema is None else Path(schema),
            message_type=message_type,
            version=standard_version,
            max_bytes=max_bytes,
            profile=profile,
        ),
        workers=workers,
        show_personal_data=show_personal_data,
        strict=strict,
        scope=actor,
    )
    if archive is not None:
        from interopcheck.archive.engine import archive_run

        return archive_run([str(p) for p in paths], options, archive, journeys=False)
    run = validation_run([str(p) for p in paths], options, on_progress)
    return run if stream else run.collect()


def journey(
    paths: Sequence[PathLike],
    *,
    profile: str,
    actor: str | None = None,
    strict: bool = False,
    show_personal_data: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stream: bool = False,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int | None = None,
    failures_dir: PathLike | None = None,
) -> Run:
    """Check the messages of each case together by ``profile``'s journey rules. With
    ``stream=True`` the results are a stream (consumed once, by ``write_report`` or
    ``Run.collect``), so memory stays nearly flat on any corpus. ``engine="dask"`` as for
    ``validate``."""
    from interopcheck.archive.options import options_for
    from interopcheck.journeys import journey_run

    if engine == "local" and workers is not None:
        from interopcheck.errors import UsageError

        raise UsageError("workers: only with engine='dask' (journey runs in one process)")
    archive = options_for(engine, scheduler, workers, partition_size, failures_dir)
    from interopcheck.validation import ValidationOptions, ValidationSpec

    options = ValidationOptions(
        spec=ValidationSpec(max_bytes=max_bytes, profile=profile),
        workers=1,
        show_personal_data=show_personal_data,
        strict=strict,
        scope=actor,
    )
    if archive is not None:
        from interopcheck.archive.engine import archive_run

        return archive_run([str(p) for p in paths], options, archive, journeys=True)
    run = journey_run([str(p) for p in paths], options)
    return run if stream else run.collect()


def probe(
    target: str,
    *,
    actor: str,
    profile: str = "justice-ew",
    auth: str | Sequence[str] | None = None,
    max_examples: int = 10,
    max_negatives: int = 500,
    max_failures: int | None = None,
    max_time: float | None = None,
    seed: int = 0,
    strict: bool = False,
    timeout: float = 10.0,
    concurrency: int = 8,
    rate_limit: float | None = None,
    ca_bundle: str | None = None,
    max_response_bytes: int = 1024 * 1024,
    shrink_budget: int = 50,
    on_planned: Callable[[int], None] | None = None,
    on_answer: Callable[[], None] | None = None,
    include_endpoints: Sequence[str] = (),
    exclude_endpoints: Sequence[str] = (),
    include_checks: Sequence[str] = (),
    exclude_checks: Sequence[str] = (),
    headers: Sequence[str] = (),
) -> Run:
    """Probe ``actor``'s endpoints at ``target`` (``auth`` names where the secret is:
    ``bearer:ENV_VAR``, ``api-key:file:PATH``, ``mtls:CERT.pem[:KEY.pem]``). ``on_planned``
    hears how many exchanges are planned, ``on_answer`` each answer. ``include_endpoints``
    and ``exclude_endpoints`` choose endpoints by id (shell-style patterns, ``get-*``);
    ``include_checks`` and ``exclude_checks`` the http checks judged (``response-time``).
    ``max_negatives`` bounds the systematic negatives per message type; ``max_failures`` and
    ``max_time`` stop sending after that many failing exchanges or seconds. ``headers``:
    ``NAME:VALUE`` sent on every request (``NAME:env:VAR`` or ``NAME:file:PATH`` for a
    secret)."""
    from interopcheck.probing.pipeline import ProbeOptions, probe_run

    return probe_run(
        ProbeOptions(
            target=target,
            actor=actor,
            profile=profile,
            auth=auth if auth is None or isinstance(auth, str) else tuple(auth),
            ca_bundle=ca_bundle,
            max_examples=max_examples,
            max_negatives=max_negatives,
            max_failures=max_failures,
            max_time=max_time,
            seed=seed,
            rate_limit=rate_limit,
            timeout=timeout,
            concurrency=concurrency,
            max_response_bytes=max_response_bytes,
            shrink_budget=shrink_budget,
            strict=strict,
            include_endpoints=tuple(include_endpoints),
            exclude_endpoints=tuple(exclude_endpoints),
            include_checks=tuple(include_checks),
            exclude_checks=tuple(exclude_checks),
            headers=tuple(headers),
        ),
        on_planned,
        on_answer,
    )


def compat(
    old: PathLike,
    new: PathLike,
    *,
    direction: Literal["backward", "forward", "both"] = "both",
    message_type: str | None = None,
    tries: int = 300,
    seed: int = 0,
    keep_version_label: bool = False,
    ref_schemas: Sequence[PathLike] = (),
    ref_maps: Mapping[str, PathLike] | None = None,
    draft: str | None = None,
) -> Run:
    """Compare two versions of the schemas (files, directories, a bundled version such as
    ``1.0``) or two profiles; ``run.conformant`` is "compatible in the direction asked"."""
    from interopcheck.compatibility.command import compat_run
    from interopcheck.compatibility.run import CompatOptions

    return compat_run(
        CompatOptions(
            str(old),
            str(new),
            direction,
            message_type,
            tries,
            seed,
            keep_version_label,
            _sources(ref_schemas, ref_maps, draft),
        )
    )


@dataclass(frozen=True)
class Generated:
    """Generated cases and the manifest that says how to make them again."""

    cases: list[Case]
    manifest: dict[str, Any]
    seed: int
    asked: int

    @property
    def complete(self) -> bool:
        """As many distinct cases as asked (the CLI exits 1 otherwise)."""
        return len(self.cases) >= self.asked


def generate(
    *,
    message_type: str | None = None,
    schema: PathLike | None = None,
    profile: str | None = None,
    count: int = 10,
    invalid: bool = False,
    breaks: str | None = None,
    journey: bool = False,
    seed: int | None = None,
    standard_version: str | None = None,
    ref_schemas: Sequence[PathLike] = (),
    ref_maps: Mapping[str, PathLike] | None = None,
    draft: str | None = None,
) -> Generated:
    """Valid cases, invalid ones each confirmed on what it breaks (``breaks``: one
    requirement of ``profile``), or whole journeys; the same seed gives the same cases."""
    from interopcheck.generation.run import GenerateRequest, random_seed
    from interopcheck.generation.run import generate as run_generate

    chosen = seed if seed is not None else random_seed()
    generation, manifest = run_generate(
        GenerateRequest(
            message_type=message_type,
            schema_file=None if schema is None else Path(schema),
            profile=profile,
            count=count,
            invalid=invalid,
            target=breaks,
            seed=chosen,
            version=standard_version,
            journey=journey,
            sources=_sources(ref_schemas, ref_maps, draft),
        )
    )
    return Generated(generation.cases, manifest, chosen, count)


def write_report(
    run: Run,
    report_dir: PathLike | None = None,
    *,
    formats: Sequence[OutputFormat | str] = (),
    output: PathLike | None = None,
    sign: PathLike | None = None,
    supplier: str | None = None,
    product: str | None = None,
    product_version: str | None = None,
    fail_on: Sequence[FailOn | str] = (),
) -> int:
    """Write ``run``'s report as the CLI does (``report_dir``: every file format; or one
    format to ``output``) and return the CLI's exit code for it. A streamed run is consumed."""
    from interopcheck.publish import plan_reports, publish

    plan = plan_reports(
        [OutputFormat(f) for f in formats] or None,
        None if output is None else Path(output),
        None if report_dir is None else Path(report_dir),
        None if sign is None else Path(sign),
        supplier,
        product,
        product_version,
    )
    return publish(run, plan, [FailOn(f) for f in fail_on] or None)


def _sources(
    ref_schemas: Sequence[PathLike],
    ref_maps: Mapping[str, PathLike] | None,
    draft: str | None,
    assert_formats: bool = True,
) -> SchemaSources:
    """The schema options as the CLI reads them: ``{URI: PATH}`` checked as ``--ref-map
    URI=PATH`` is, ``draft`` as ``--draft``."""
    from interopcheck.errors import UsageError

    chosen = None
    if draft is not None:
        try:
            chosen = Draft(draft)
        except ValueError:
            known = ", ".join(d.value for d in Draft)
            raise UsageError(f"draft {draft!r}: give one of {known}") from None
    return SchemaSources(
        ref_schemas=tuple(Path(p) for p in ref_schemas),
        ref_maps=tuple(parse_ref_map(f"{uri}={path}") for uri, path in (ref_maps or {}).items()),
        draft=chosen,
        assert_formats=assert_formats,
    )
