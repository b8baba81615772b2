"""``interopcheck report``: render a saved JSON report again, in other formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from interopcheck.cli.options import OutputOption, ReportDirOption
from interopcheck.errors import UsageError
from interopcheck.formats.registry import OutputFormat

#: ``report`` renders files, so its formats and default differ from the checking commands'.
RenderedFormatsOption = Annotated[
    list[OutputFormat] | None,
    typer.Option(
        "--format",
        "-f",
        help="html (the default), markdown, junit, sarif or json; repeat with --report-dir for "
        "several (console is not a file format: the checking commands print it).",
        show_default=False,
    ),
]


def report(
    source: Annotated[
        Path,
        typer.Argument(help="A report.json written by validate or journey.", metavar="REPORT"),
    ],
    output_format: RenderedFormatsOption = None,
    output: OutputOption = None,
    report_dir: ReportDirOption = None,
) -> None:
    """Render a saved report as html (default), markdown, junit, sarif or json. Exit 0 when
    written, 2 when the file is not a report."""
    from interopcheck.formats.registry import FILE_NAMES, renderer
    from interopcheck.output import open_output
    from interopcheck.report.document import failing_only, load_report

    chosen = list(dict.fromkeys(output_format or [OutputFormat.html]))
    if OutputFormat.console in chosen:
        raise UsageError("report renders files: choose html, markdown, junit, sarif or json")
    if report_dir is None and len(chosen) > 1:
        raise UsageError("several --format values need --report-dir DIR (one file per format)")
    if report_dir is not None and output is not None:
        raise UsageError("give --output or --report-dir, not both")
    document = load_report(source)
    shown = failing_only(document)
    for output_format_ in chosen:
        target = report_dir / FILE_NAMES[output_format_] if report_dir is not None else output
        if target is not None and target.resolve() == source.resolve():
            raise UsageError(f"{target}: would overwrite the report being rendered")
        with open_output(target) as out:
            if output_format_ is OutputFormat.json:
                out.write(source.read_text(encoding="utf-8"))
            else:
                out.write(renderer(output_format_)(shown))
