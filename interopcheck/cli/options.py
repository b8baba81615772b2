"""Options shared by the commands that check payloads (``validate``, ``journey``)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(str, Enum):
    console = "console"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the output to this file instead of stdout."),
]
ShowPersonalDataOption = Annotated[
    bool,
    typer.Option(
        "--show-personal-data",
        help="Show personal values (names, dates of birth, identifiers) in findings. "
        "Redacted by default.",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="SHOULD requirements decide conformance too.")
]
MaxBytesOption = Annotated[
    int, typer.Option("--max-bytes", help="Largest payload file to read, in bytes.", min=1)
]
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
