"""Options shared by the commands that check payloads (``validate``, ``journey``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from interopcheck.errors import UsageError
from interopcheck.formats.registry import OutputFormat
from interopcheck.formats.verbosity import Verbosity
from interopcheck.results import FailOn
from interopcheck.standard.schema_sources import Draft, SchemaSources, parse_ref_map

if TYPE_CHECKING:
    from interopcheck.archive.options import EngineOptions
    from interopcheck.run import Run
    from interopcheck.validation import ValidationSpec

FormatsOption = Annotated[
    list[OutputFormat] | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format; repeat with --report-dir for several (default: console; with "
        "--report-dir: every file format).",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the output to this file instead of stdout."),
]
ReportDirOption = Annotated[
    Path | None,
    typer.Option(
        "--report-dir",
        help="Write each format to this directory (report.json, report.junit.xml, "
        "report.sarif, report.md, report.html); the console summary still goes to stdout.",
    ),
]
ShowPersonalDataOption = Annotated[
    bool,
    typer.Option(
        "--show-personal-data",
        help="Show personal values (names, dates of birth, identifiers) in findings. "
        "Redacted by default.",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="SHOULD requirements decide conformance too.")
]
FailOnOption = Annotated[
    list[FailOn] | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when the verdict is NOT CONFORMANT (must, the default); also when a SHOULD "
        "requirement fails (should) or a deciding requirement was never tested: INCOMPLETE "
        "(untested); repeatable. never: only setup errors exit non-zero.",
        show_default=False,
    ),
]
ActorScopeOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="Decide conformance for this actor only (police, court, ...): the deciding "
        "requirements are those binding what it sends and the endpoints it serves.",
    ),
]
SignOption = Annotated[
    Path | None,
    typer.Option(
        "--sign",
        help="Sign report.json with this Ed25519 private key (from `interopcheck keys "
        "generate`); writes report.json.sig beside it. An encrypted key's passphrase is read "
        "from INTEROPCHECK_KEY_PASSPHRASE.",
    ),
]
SupplierOption = Annotated[
    str | None,
    typer.Option("--supplier", help="Organisation that self-certifies (part of what is signed)."),
]
ProductOption = Annotated[
    str | None, typer.Option("--product", help="The product under test (with --supplier).")
]
ProductVersionOption = Annotated[
    str | None,
    typer.Option("--product-version", help="The product's version (with --supplier)."),
]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", help="Largest payload file to read, in bytes.", min=1)
]
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Console: the failures and the verdict only, a line each."),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Console: every payload, each requirement's whole text and source, and each "
        "failing exchange's curl reproduction.",
    ),
]


def verbosity_of(quiet: bool, verbose: bool) -> Verbosity:
    if quiet and verbose:
        raise UsageError("give --quiet or --verbose, not both")
    return Verbosity.quiet if quiet else Verbosity.verbose if verbose else Verbosity.normal


def profile_option(role: str, *, show_default: bool = True) -> Any:
    """``--profile``/``-p``, declared once for every command: the same flags and the same first
    words everywhere, then what this command uses the profile for."""
    return typer.Option(
        "--profile",
        "-p",
        help=f"Conformance profile, a bundled id or a YAML file: {role}",
        show_default=show_default,
    )


def seed_option(role: str) -> Any:
    """``--seed``, declared once: the same first words everywhere, then what it seeds here."""
    return typer.Option("--seed", help=f"Seed: the same seed gives the same run. {role}")


def ref_schemas_option(role: str) -> Any:
    """``--ref-schemas``, declared once for every command that resolves ``$ref``s."""
    return typer.Option(
        "--ref-schemas", help=f"Schema files or directories that $ref may point to: {role}"
    )


RefMapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ref-map",
        help="URI=PATH: a $ref to URI is the schema file PATH (for URIs no file declares as its "
        "$id); a URI ending in / maps a prefix to a folder, e.g. "
        "http://justice.gov.uk/=schemas/global/ (repeatable). Never fetched.",
        show_default=False,
    ),
]
DraftOption = Annotated[
    Draft | None,
    typer.Option(
        "--draft",
        help="JSON Schema draft of schemas without $schema (default: 2020-12); a schema's own "
        "$schema always wins.",
        show_default=False,
    ),
]
NoAssertFormatsOption = Annotated[
    bool,
    typer.Option(
        "--no-assert-formats",
        help="Read format as an annotation, as JSON Schema 2019-09 and later do by default "
        "(interopcheck asserts it: identifiers and dates are formats).",
    ),
]


def schema_sources(
    ref_schemas: list[Path] | None,
    ref_maps: list[str] | None,
    draft: Draft | None = None,
    no_assert_formats: bool = False,
) -> SchemaSources:
    """The schema options of a command, as one record (``UsageError`` on a malformed map)."""
    return SchemaSources(
        ref_schemas=tuple(ref_schemas or ()),
        ref_maps=tuple(parse_ref_map(text) for text in ref_maps or ()),
        draft=draft,
        assert_formats=not no_assert_formats,
    )


Engine = Literal["local", "dask"]
EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="local: this machine's processes; dask: a Dask cluster, for archives of any size "
        "(a local one, or --scheduler's). Dask needs: pip install 'interopcheck[dask]'.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: an existing Dask scheduler (tcp://host:8786); default: a "
        "cluster of --workers processes on this machine.",
    ),
]
PartitionSizeOption = Annotated[
    int | None,
    typer.Option(
        "--partition-size",
        min=1,
        help="With --engine dask: payload files per partition (default 256; a JSON Lines "
        "file is always a partition of its own).",
    ),
]
FailuresDirOption = Annotated[
    Path | None,
    typer.Option(
        "--failures-dir",
        help="With --engine dask: where every failing result goes, as JSON Lines, a file per "
        "partition (default: REPORT_DIR/failures, else ./interopcheck-failures).",
    ),
]


def engine_options(
    engine: Engine,
    scheduler: str | None,
    workers: int | None,
    partition_size: int | None,
    failures_dir: Path | None,
    report_dir: Path | None,
) -> EngineOptions | None:
    """The Dask engine's options (failing results beside the report by default), or None for
    the local path (whose options these are not)."""
    from interopcheck.archive.options import options_for

    if engine == "dask" and failures_dir is None and report_dir is not None:
        failures_dir = report_dir / "failures"
    return options_for(engine, scheduler, workers, partition_size, failures_dir)


def audited(
    paths: list[str],
    spec: ValidationSpec,
    archive: EngineOptions,
    *,
    journeys: bool,
    show_personal_data: bool,
    strict: bool,
    actor: str | None,
) -> Run:
    """An archive run on Dask, with a progress bar of the partitions checked."""
    from interopcheck.archive.engine import archive_run
    from interopcheck.cli.progress import ProgressBar
    from interopcheck.validation import ValidationOptions

    options = ValidationOptions(
        spec=spec, show_personal_data=show_personal_data, strict=strict, scope=actor
    )
    with ProgressBar("partitions checked") as progress:
        return archive_run(paths, options, archive, journeys=journeys, on_progress=progress.set)
