"""``interopcheck compat``: will the next version of the standard break a neighbour?"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    DraftOption,
    FormatsOption,
    OutputOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
    RefMapOption,
    ReportDirOption,
    SignOption,
    SupplierOption,
    VerboseOption,
    ref_schemas_option,
    schema_sources,
    seed_option,
)
from interopcheck.errors import UsageError
from interopcheck.formats.registry import OutputFormat


class DirectionChoice(str, Enum):
    backward = "backward"
    forward = "forward"
    both = "both"


def compat(
    context: typer.Context,
    old: Annotated[
        str | None,
        typer.Argument(
            help="The version in use: a schema file, a directory, 1.0 (bundled), or a profile.",
            show_default=False,
        ),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="The next version, the same way.", show_default=False)
    ] = None,
    matrix: Annotated[
        Path | None,
        typer.Option(
            "--matrix",
            help="A directory with one subdirectory of schemas per version (which version of "
            "each message can talk to which, and who upgrades first), or one profile file per "
            "version of a profile (which certifies which). Console, json, markdown or html.",
        ),
    ] = None,
    direction: Annotated[
        DirectionChoice,
        typer.Option(
            "--direction",
            help="backward: NEW accepts all OLD did; forward: OLD accepts all NEW makes; both.",
        ),
    ] = DirectionChoice.both,
    message_type: Annotated[
        str | None, typer.Option("--type", help="Only this message type.")
    ] = None,
    tries: Annotated[
        int,
        typer.Option(
            "--tries",
            help="Payloads to draw per direction where the schemas alone do not decide.",
            min=1,
            max=100000,
        ),
    ] = 300,
    seed: Annotated[int, seed_option("it draws the same payloads.")] = 0,
    keep_version_label: Annotated[
        bool,
        typer.Option(
            "--keep-version-label",
            help="Compare header.standardVersion too (by default it may differ: it is the label).",
        ),
    ] = False,
    ref_schemas: Annotated[
        list[Path] | None,
        ref_schemas_option("both versions may use them (repeatable)."),
    ] = None,
    ref_map: RefMapOption = None,
    draft: DraftOption = None,
    output_format: FormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    sign: SignOption = None,
    supplier: SupplierOption = None,
    product: ProductOption = None,
    product_version: ProductVersionOption = None,
) -> None:
    """Compare two versions of the exchange's schemas (or two profiles), message type by
    message type. Exit 0 compatible in the direction asked, 1 not (or not proven), 2 could not
    run. Every report format, --report-dir and --sign work as for validate."""
    if matrix is not None:
        if old is not None or new is not None:
            raise UsageError("give OLD NEW, or --matrix DIR, not both")
        if report_dir is not None or sign is not None or supplier is not None:
            raise UsageError(
                "--report-dir, --sign and --supplier are for OLD NEW (a gate), not for --matrix"
            )
        _matrix(matrix, output_format, output, tries, seed, keep_version_label, ref_schemas)
        return
    if old is None or new is None:
        raise UsageError("give OLD and NEW (two versions), or --matrix DIR")
    from interopcheck.api import compat as run_compat
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish

    plan = plan_from_options(context)
    sources = schema_sources(ref_schemas, ref_map, draft)
    run = run_compat(
        old,
        new,
        direction=direction.value,
        message_type=message_type,
        tries=tries,
        seed=seed,
        keep_version_label=keep_version_label,
        ref_schemas=sources.ref_schemas,
        ref_maps={m.uri: m.path for m in sources.ref_maps},
        draft=sources.draft,
    )
    raise typer.Exit(publish(run, plan))


def _matrix(
    folder: Path,
    formats: list[OutputFormat] | None,
    output: Path | None,
    tries: int,
    seed: int,
    keep_version_label: bool,
    ref_schemas: list[Path] | None,
) -> None:
    """The matrix is a view, not a gate: it exits 0 once drawn."""
    from interopcheck.compatibility.command import draw_matrix, write_matrix
    from interopcheck.output import open_output

    chosen = list(dict.fromkeys(formats or [OutputFormat.console]))
    if len(chosen) > 1:
        raise UsageError("--matrix writes one format at a time (console, json, markdown, html)")
    output_format = chosen[0]
    if output_format in (OutputFormat.junit, OutputFormat.sarif):
        raise UsageError(
            f"--format {output_format.value} is for OLD NEW (a gate), not for --matrix (a view): "
            "use console, json, markdown or html"
        )
    drawn = draw_matrix(
        folder,
        tries=tries,
        seed=seed,
        keep_version_label=keep_version_label,
        ref_schemas=tuple(ref_schemas or ()),
    )
    with open_output(output) as out:
        write_matrix(drawn, out, output_format.value)
