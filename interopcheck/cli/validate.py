"""``interopcheck validate``: check payload files against the standard's schemas."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interopcheck.errors import SetupError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: Show a progress bar for corpora larger than this (on a terminal only).
PROGRESS_OVER = 300


class OutputFormat(str, Enum):
    console = "console"
    json = "json"


def validate(
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
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.console,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the output to this file instead of stdout."),
    ] = None,
    show_personal_data: Annotated[
        bool,
        typer.Option(
            "--show-personal-data",
            help="Show personal values (names, dates of birth, identifiers) in findings. "
            "Redacted by default.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-j", help="Worker processes (default: the machine's cores).", min=1
        ),
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option("--max-bytes", help="Largest payload file to read, in bytes.", min=1),
    ] = 16 * 1024 * 1024,
) -> None:
    """Validate payloads against the exchange standard; exit 0 all valid, 1 findings, 2 error."""
    from interopcheck.validation import ValidationOptions, ValidationSpec, run_validation

    if schema is not None and message_type is not None:
        raise SetupError("give --schema or --type, not both")
    options = ValidationOptions(
        spec=ValidationSpec(
            ref_schemas=tuple(ref_schemas or ()),
            schema_file=schema,
            message_type=message_type,
            version=standard_version,
            max_bytes=max_bytes,
        ),
        workers=workers,
        show_personal_data=show_personal_data,
    )
    with _ProgressBar() as on_progress:
        run = run_validation(paths, options, on_progress)

    from interopcheck.cli.output import write_text

    if output_format is OutputFormat.json:
        from interopcheck.formats import json_format

        write_text(json_format.render(run), output)
    else:
        from rich.console import Console

        from interopcheck.formats import console as console_format

        if output is None:
            console_format.render(run, Console(highlight=False, soft_wrap=False))
        else:
            import io

            recorder = Console(record=True, file=io.StringIO(), width=120, no_color=True)
            console_format.render(run, recorder)
            write_text(recorder.export_text(), output)
    raise typer.Exit(0 if run.conformant else 1)


class _ProgressBar:
    """A progress bar on stderr for large corpora, only when stderr is a terminal."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, done: int, total: int) -> None:
        if total <= PROGRESS_OVER or not sys.stderr.isatty():
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("validating", total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done)
