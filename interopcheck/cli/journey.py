"""``interopcheck journey``: group payloads into journeys and check them across agencies."""

from __future__ import annotations

from typing import Annotated

import typer

from interopcheck.cli.options import (
    DEFAULT_MAX_BYTES,
    ActorScopeOption,
    EngineOption,
    FailOnOption,
    FailuresDirOption,
    FormatsOption,
    MaxBytesOption,
    OutputOption,
    PartitionSizeOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
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
)
from interopcheck.errors import UsageError


def journey(
    context: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Payload files, directories, globs, or - for stdin: the messages of one or "
            "more cases.",
            show_default=False,
            metavar="PATH",
        ),
    ],
    profile: Annotated[
        str, profile_option("its journey and message requirements.", show_default=False)
    ],
    output_format: FormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    show_personal_data: ShowPersonalDataOption = False,
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
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-j",
            help="With --engine dask: worker processes of the local cluster (default: the "
            "machine's cores).",
            min=1,
        ),
    ] = None,
    partition_size: PartitionSizeOption = None,
    failures_dir: FailuresDirOption = None,
) -> None:
    """Check the messages of each case together: identifiers, dates, offences, what follows
    what. Exit 0 conformant, 1 not, 2 error."""
    from interopcheck.api import journey as run_journey
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish

    if not profile:
        raise UsageError("journey needs --profile")
    plan = plan_from_options(context)
    if engine == "local" and workers is not None:
        source = context.get_parameter_source("workers")
        if source is not None and source.name == "COMMANDLINE":
            raise UsageError("--workers: only with --engine dask (journey runs in one process)")
        workers = None  # a configured worker count is validate's; journey runs in one process
    archive = engine_options(engine, scheduler, workers, partition_size, failures_dir, report_dir)
    if archive is not None:
        from interopcheck.validation import ValidationSpec

        spec = ValidationSpec(max_bytes=max_bytes, profile=profile)
        run = audited(
            paths,
            spec,
            archive,
            journeys=True,
            show_personal_data=show_personal_data,
            strict=strict,
            actor=actor,
        )
        raise typer.Exit(publish(run, plan, fail_on))
    run = run_journey(
        paths,
        profile=profile,
        actor=actor,
        strict=strict,
        show_personal_data=show_personal_data,
        max_bytes=max_bytes,
        stream=True,
    )
    raise typer.Exit(publish(run, plan, fail_on))
