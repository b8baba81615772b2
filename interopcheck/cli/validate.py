"""``interopcheck validate``: check payload files against the standard's schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    DEFAULT_MAX_BYTES,
    ActorScopeOption,
    DraftOption,
    EngineOption,
    FailOnOption,
    FailuresDirOption,
    FormatsOption,
    MaxBytesOption,
    NoAssertFormatsOption,
    OutputOption,
    PartitionSizeOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
    RefMapOption,
    ReportDirOption,
    SchedulerOption,
    ShowPersonalDataOption,
    SignOption,
    StrictOption,
    SupplierOption,
    VerboseOption,
    audited,
    engine_options,
    profile_option,
    ref_schemas_option,
    schema_sources,
)
from interopcheck.cli.progress import ProgressBar

#: Show a progress bar for corpora larger than this (on a terminal only).
PROGRESS_OVER = 300


def validate(
    context: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Payload files, directories (recursive), globs, or - for stdin. "
            "JSON, YAML and JSON Lines (.jsonl/.ndjson).",
            show_default=False,
            metavar="PATH",
        ),
    ],
    schema: Annotated[
        Path | None,
        typer.Option("--schema", help="Validate every payload against this schema file."),
    ] = None,
    message_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Validate every payload as this message type (e.g. charge-file) instead of "
            "reading it from the payload's header.",
        ),
    ] = None,
    standard_version: Annotated[
        str | None,
        typer.Option(
            "--standard-version",
            help="Standard version for payloads whose header does not say (default: latest).",
        ),
    ] = None,
    ref_schemas: Annotated[
        list[Path] | None,
        ref_schemas_option("extra ones beside the standard's (repeatable)."),
    ] = None,
    ref_map: RefMapOption = None,
    draft: DraftOption = None,
    no_assert_formats: NoAssertFormatsOption = False,
    output_format: FormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    show_personal_data: ShowPersonalDataOption = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-j", help="Worker processes (default: the machine's cores).", min=1
        ),
    ] = None,
    profile: Annotated[str | None, profile_option("check its requirements too.")] = None,
    strict: StrictOption = False,
    fail_on: FailOnOption = None,
    actor: ActorScopeOption = None,
    sign: SignOption = None,
    supplier: SupplierOption = None,
    product: ProductOption = None,
    product_version: ProductVersionOption = None,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    partition_size: PartitionSizeOption = None,
    failures_dir: FailuresDirOption = None,
) -> None:
    """Validate payloads against the exchange standard; exit 0 all valid, 1 findings, 2 error."""
    from interopcheck.api import validate as run_validate
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish

    plan = plan_from_options(context)
    sources = schema_sources(ref_schemas, ref_map, draft, no_assert_formats)
    archive = engine_options(engine, scheduler, workers, partition_size, failures_dir, report_dir)
    if archive is not None:
        from interopcheck.validation import ValidationSpec

        spec = ValidationSpec(
            sources=sources,
            schema_file=schema,
            message_type=message_type,
            version=standard_version,
            max_bytes=max_bytes,
            profile=profile,
        )
        run = audited(
            paths,
            spec,
            archive,
            journeys=False,
            show_personal_data=show_personal_data,
            strict=strict,
            actor=actor,
        )
        raise typer.Exit(publish(run, plan, fail_on))
    with ProgressBar("validating", show_over=PROGRESS_OVER) as progress:
        run = run_validate(
            paths,
            profile=profile,
            actor=actor,
            strict=strict,
            schema=schema,
            message_type=message_type,
            standard_version=standard_version,
            ref_schemas=sources.ref_schemas,
            ref_maps={m.uri: m.path for m in sources.ref_maps},
            draft=sources.draft,
            assert_formats=sources.assert_formats,
            show_personal_data=show_personal_data,
            workers=workers,
            max_bytes=max_bytes,
            stream=True,
            on_progress=progress.set,
        )
        code = publish(run, plan, fail_on)
    raise typer.Exit(code)
