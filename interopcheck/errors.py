"""The one error type that stops a run before it starts (exit code 2).

Its message is a single line that names the file, line or URL at fault and what to do; the CLI
prints it as it is, never a traceback. Imports nothing of ours.
"""

from __future__ import annotations


class SetupError(Exception):
    """The run could not be set up: bad option, missing file, bad schema or profile."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
