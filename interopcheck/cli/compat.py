"""``interopcheck compat``: will the next version of the standard break a neighbour?"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from interopcheck.cli.options import (
    FormatsOption,
    OutputOption,
    ProductOption,
    ProductVersionOption,
    QuietOption,
    ReportDirOption,
    SignOption,
    SupplierOption,
    VerboseOption,
)
from interopcheck.errors import SetupError
from interopcheck.formats.registry import OutputFormat

if TYPE_CHECKING:
    from interopcheck.cli.reporting import ReportPlan
    from interopcheck.results import PayloadResult, RunSummary
    from interopcheck.standard.catalog import SchemaEntry


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
    seed: Annotated[int, typer.Option("--seed", help="Seed for the search.")] = 0,
    keep_version_label: Annotated[
        bool,
        typer.Option(
            "--keep-version-label",
            help="Compare header.standardVersion too (by default it may differ: it is the label).",
        ),
    ] = False,
    ref_schemas: Annotated[
        list[Path] | None,
        typer.Option(
            "--ref-schemas",
            help="Schema files or directories both versions may $ref (repeatable).",
        ),
    ] = None,
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
            raise SetupError("give OLD NEW, or --matrix DIR, not both")
        if report_dir is not None or sign is not None or supplier is not None:
            raise SetupError(
                "--report-dir, --sign and --supplier are for OLD NEW (a gate), not for --matrix"
            )
        from interopcheck.compat.run import references

        refs = references(ref_schemas or [])
        _matrix(matrix, tries, seed, keep_version_label, refs, output_format, output)
        return
    if old is None or new is None:
        raise SetupError("give OLD and NEW (two versions), or --matrix DIR")
    from interopcheck.cli.reporting import plan_from_options

    plan = plan_from_options(context)

    directions = (
        ("backward", "forward") if direction is DirectionChoice.both else (direction.value,)
    )
    from interopcheck.compat.profiles import is_profile

    if is_profile(old) != is_profile(new):
        profile, other = (old, new) if is_profile(old) else (new, old)
        raise SetupError(
            f"{profile} is a profile and {other} is not: compare two profiles, or two versions "
            "of the schemas"
        )
    if is_profile(old):
        _profiles(old, new, directions, plan)
        return
    from interopcheck.compat.run import CompatRequest, run_compat
    from interopcheck.validation import now_iso

    run = run_compat(
        CompatRequest(
            old,
            new,
            directions,
            message_type,
            tries,
            seed,
            keep_version_label,
            tuple(ref_schemas or ()),
        ),
        now_iso(),
    )
    options = {
        "direction": direction.value,
        "messageType": message_type,
        "tries": tries,
        "seed": seed,
        "keepVersionLabel": keep_version_label,
        "refSchemas": [str(p) for p in ref_schemas or ()],
    }

    def console(out: TextIO) -> None:
        from interopcheck.compat.report import write_console

        write_console(out, run.comparisons, run.summary.conformant)

    _publish(plan, run.summary, [old, new], options, run.results, run.digests, console)


def _publish(
    plan: ReportPlan,
    summary: RunSummary,
    inputs: list[str],
    options: dict[str, Any],
    results: list[PayloadResult],
    digests: list[dict[str, str]],
    console: Callable[[TextIO], None],
) -> None:
    """Every planned format through the shared writers, except the console, which shows the
    comparison as a table of its own; exit 0 compatible, 1 not or not proven."""
    from interopcheck.cli.options import FailOn
    from interopcheck.cli.reporting import publish
    from interopcheck.output import open_output
    from interopcheck.validation import now_iso

    summary.finished_at = now_iso()
    shown = OutputFormat.console in plan.targets
    to_console = plan.targets.pop(OutputFormat.console, None)
    code = publish(
        plan,
        summary,
        "compat",
        inputs,
        None,
        options,
        results,
        [FailOn.must],
        schemas=digests,
        profile_in_manifest=False,
    )
    if shown:
        with open_output(to_console) as out:
            console(out)
    raise typer.Exit(code)


def _matrix(
    folder: Path,
    tries: int,
    seed: int,
    keep_version_label: bool,
    refs: list[SchemaEntry],
    formats: list[OutputFormat] | None,
    output: Path | None,
) -> None:
    """The matrix is a view, not a gate: it exits 0 once drawn."""
    import json

    from interopcheck.compat import matrix as views
    from interopcheck.output import open_output

    chosen = list(dict.fromkeys(formats or [OutputFormat.console]))
    if len(chosen) > 1:
        raise SetupError("--matrix writes one format at a time (console, json, markdown, html)")
    output_format = chosen[0]
    if output_format in (OutputFormat.junit, OutputFormat.sarif):
        raise SetupError(
            f"--format {output_format.value} is for OLD NEW (a gate), not for --matrix (a view): "
            "use console, json, markdown or html"
        )
    drawn = views.build(folder, tries, seed, keep_version_label, refs)
    with open_output(output) as out:
        if output_format is OutputFormat.json:
            out.write(json.dumps(views.to_document(drawn), indent=2, ensure_ascii=False) + "\n")
        elif output_format is OutputFormat.markdown:
            out.write(views.to_markdown(drawn))
        elif output_format is OutputFormat.html:
            out.write(views.to_html(drawn))
        else:
            views.write_console(out, drawn)


def _profiles(old: str, new: str, directions: tuple[str, ...], plan: ReportPlan) -> None:
    from interopcheck.compat import profiles as diff
    from interopcheck.profile.loader import load_profile
    from interopcheck.validation import now_iso

    started = now_iso()
    before, after = load_profile(old), load_profile(new)
    changes = diff.requirement_changes(before, after)
    judged = {
        name: verdict
        for name, verdict in diff.verdicts(changes, after.deciding).items()
        if name in directions
    }
    summary, results = diff.profile_report(before, after, changes, judged, started)

    def console(out: TextIO) -> None:
        diff.write_console(out, before, after, changes, judged)

    options = {"direction": "both" if len(directions) == 2 else directions[0]}
    _publish(plan, summary, [old, new], options, results, [], console)
