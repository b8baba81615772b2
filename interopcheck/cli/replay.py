"""``interopcheck replay``: send a probe report's failing exchanges again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import (
    FormatsOption,
    OutputOption,
    QuietOption,
    ReportDirOption,
    VerboseOption,
)
from interopcheck.cli.probe import AuthOption


def replay(
    context: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(help="A report.json written by probe.", metavar="REPORT"),
    ],
    target: Annotated[
        str | None,
        typer.Option("--target", help="Send them here instead of the report's target."),
    ] = None,
    auth: AuthOption = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for an answer.", min=0.1)
    ] = 10.0,
    output_format: FormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Send the exchanges a probe report records as failing again (planned again from its
    options, the profile unchanged) and judge them the same way: the way to re-check a fix.
    Exit 0 when none fails any more, 1 when some still fail, 2 when it cannot run."""
    from interopcheck.cli.reporting import plan_from_options
    from interopcheck.publish import publish
    from interopcheck.replay import ReplayOptions, replay_run

    plan = plan_from_options(context)
    run = replay_run(ReplayOptions(source, target, tuple(auth) if auth else None, timeout))
    sent, still = run.summary.exchanges, run.summary.invalid
    typer.echo(
        f"replayed {sent} failing exchange(s) of {source}: {still} still fail, "
        f"{sent - still} pass now",
        err=True,
    )
    raise typer.Exit(publish(run, plan, None))
