"""Every output format, in one table: its name, its file under ``--report-dir``, and how it is
made (streamed as results come, or rendered from the report document at the end).

The CLI's ``--format`` choices are this table's keys, and ``tests/test_declarations.py``
checks the table against the modules (each streaming format has its writer, each rendered one
a ``render(document) -> str``): a format cannot be named without an implementation, nor
implemented without a name (the way pip-audit's ``_format/interface.py`` is kept honest).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal


class OutputFormat(str, Enum):
    console = "console"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    markdown = "markdown"
    html = "html"


@dataclass(frozen=True)
class FormatSpec:
    """How one format is made and where it goes."""

    made: Literal["streamed", "rendered"]
    """Streamed: a writer takes each result as it comes. Rendered: ``render(document)`` at the
    end, from the report document that keeps the failing results."""
    module: str
    """The module under ``interopcheck.formats`` that makes it (imported only when used)."""
    file_name: str | None
    """Its file under ``--report-dir``; None for the console, which is not a file format."""


FORMATS: dict[OutputFormat, FormatSpec] = {
    OutputFormat.console: FormatSpec("streamed", "console", None),
    OutputFormat.json: FormatSpec("streamed", "json_format", "report.json"),
    OutputFormat.junit: FormatSpec("rendered", "junit", "report.junit.xml"),
    OutputFormat.sarif: FormatSpec("rendered", "sarif", "report.sarif"),
    OutputFormat.markdown: FormatSpec("rendered", "markdown", "report.md"),
    OutputFormat.html: FormatSpec("rendered", "html", "report.html"),
}

#: The file formats, in the order ``--report-dir`` writes them by default.
FILE_NAMES: dict[OutputFormat, str] = {
    name: spec.file_name for name, spec in FORMATS.items() if spec.file_name is not None
}
STREAMING: tuple[OutputFormat, ...] = tuple(
    name for name, spec in FORMATS.items() if spec.made == "streamed"
)


def renderer(output_format: OutputFormat) -> Callable[[dict[str, Any]], str]:
    """The ``render(document) -> str`` of a rendered format, imported on first use."""
    spec = FORMATS[output_format]
    if spec.made != "rendered":
        raise ValueError(f"{output_format.value} is streamed, not rendered")
    module = importlib.import_module(f"interopcheck.formats.{spec.module}")
    render: Callable[[dict[str, Any]], str] = module.render
    return render
