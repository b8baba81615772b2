"""``interopcheck validate``: check payload files against the standard's schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    DEFAULT_MAX_BYTES,
    ActorScopeOption,
    FailOnOption,
    FormatsOption,
    MaxBytesOption,
    OutputOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
    ReportDirOption,
    ShowPersonalDataOption,
    SignOption,
    StrictOption,
    SupplierOption,
    VerboseOption,
    profile_option,
)
from interopcheck.cli.progress import ProgressBar
from interopcheck.errors import SetupError

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
        typer.Option(
            "--ref-schemas",
            help="Extra schema files or directories that $ref may point to (repeatable).",
        ),
    ] = None,
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
) -> None:
    """Validate payloads against the exchange standard; exit 0 all valid, 1 findings, 2 error."""
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish
    from interopcheck.validation import ValidationOptions, ValidationSpec, validation_run

    if schema is not None and message_type is not None:
        raise SetupError("give --schema or --type, not both")
    options = ValidationOptions(
        spec=ValidationSpec(
            ref_schemas=tuple(ref_schemas or ()),
            schema_file=schema,
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
    if strict and profile is None:
        raise SetupError("--strict needs --profile (it changes which requirement levels decide)")
    if actor is not None and profile is None:
        raise SetupError("--actor needs --profile (it limits which requirements decide)")
    plan = plan_from_options(context)
    with ProgressBar("validating", show_over=PROGRESS_OVER) as progress:
        code = publish(validation_run(paths, options, progress.set), plan, fail_on)
    raise typer.Exit(code)
