"""Writing output safely: a report file appears whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from interopcheck.errors import SetupError


def write_text(text: str, destination: Path | None) -> None:
    """Write to ``destination`` atomically (temp file + rename), or to stdout when None."""
    if destination is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = destination.parent if str(destination.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, destination)
    except OSError as exc:
        raise SetupError(f"{destination}: cannot write output: {exc.strerror or exc}") from None
