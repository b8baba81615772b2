"""``interopcheck journey``: group payloads into journeys and check them across agencies."""

from __future__ import annotations

from typing import Annotated

import typer

from interopcheck.cli.options import (
    DEFAULT_MAX_BYTES,
    FormatOption,
    MaxBytesOption,
    OutputFormat,
    OutputOption,
    ShowPersonalDataOption,
    StrictOption,
)
from interopcheck.cli.validate import writer_for
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
    output_format: FormatOption = OutputFormat.console,
    output: OutputOption = None,
    show_personal_data: ShowPersonalDataOption = False,
    strict: StrictOption = False,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
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
        writer = writer_for(
            output_format, out, run.summary, to_file=output is not None, command="journey"
        )
        for result in run.results:
            writer.add(result)
        writer.close()
    raise typer.Exit(0 if run.summary.conformant else 1)
