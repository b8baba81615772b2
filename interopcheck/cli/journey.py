"""``interopcheck journey``: group payloads into journeys and check them across agencies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.validate import OutputFormat, _writer
from interopcheck.errors import SetupError


def journey(
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
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Conformance profile (bundled id or YAML file).",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.console,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the output to this file instead of stdout."),
    ] = None,
    show_personal_data: Annotated[
        bool,
        typer.Option("--show-personal-data", help="Show personal values in findings."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="SHOULD requirements decide conformance too.")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest payload file to read, in bytes.", min=1)
    ] = 16 * 1024 * 1024,
) -> None:
    """Check the messages of each case together: identifiers, dates, offences, what follows
    what. Exit 0 conformant, 1 not, 2 error."""
    from interopcheck.cli.output import open_output
    from interopcheck.journeys import run_journeys
    from interopcheck.validation import ValidationOptions, ValidationSpec

    if not profile:
        raise SetupError("journey needs --profile")
    options = ValidationOptions(
        spec=ValidationSpec(max_bytes=max_bytes, profile=profile),
        workers=1,
        show_personal_data=show_personal_data,
        strict=strict,
    )
    run = run_journeys(paths, options)
    with open_output(output) as out:
        writer = _writer(
            output_format, out, run.summary, to_file=output is not None, command="journey"
        )
        for result in run.results:
            writer.add(result)
        writer.close()
    raise typer.Exit(0 if run.summary.conformant else 1)
