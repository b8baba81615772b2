"""``interopcheck demo``: the main job on the bundled default, nothing to configure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import profile_option, seed_option


def demo(
    report_dir: Annotated[
        Path, typer.Option("--report-dir", help="Where the report goes, in every format.")
    ] = Path("interopcheck-report"),
    profile: Annotated[str, profile_option("the one to demonstrate.")] = "justice-ew",
    max_examples: Annotated[
        int,
        typer.Option(
            "--max-examples", "-n", help="Generated cases per endpoint (valid and invalid).", min=0
        ),
    ] = 3,
    seed: Annotated[int, seed_option("it generates the same cases.")] = 0,
) -> None:
    """Check the bundled example case at every level, start a sandbox for each agency on a free
    loopback port, probe it, write the report in every format, and stop the sandboxes.
    Exit 0 when everything conforms."""
    from interopcheck.demo.run import run_demo
    from interopcheck.publish import plan_reports, publish

    plan = plan_reports(report_dir=report_dir)

    def say(line: str) -> None:
        sys.stderr.write(f"interopcheck demo: {line}\n")

    code = publish(run_demo(profile, max_examples, seed, say), plan)
    html = report_dir / "report.html"
    say(f"the report, in every format, is in {report_dir}/ — open {html} in a browser")
    raise typer.Exit(code)
