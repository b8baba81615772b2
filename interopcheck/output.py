"""Writing output safely: a report file appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from interopcheck.errors import OutputError

#: Set when the user asked the run to stop (Ctrl-C, SIGTERM): no output is renamed into place
#: after that, whatever swallowed the KeyboardInterrupt the signal raised.
STOP_REQUESTED = threading.Event()


@contextlib.contextmanager
def open_output(destination: Path | None) -> Iterator[TextIO]:
    """Stdout, or a temporary file beside ``destination`` renamed over it only on success.

    A run that fails part-way (a setup error, an interruption) leaves no file behind, so a
    half-written report is never presented as complete.
    """
    if STOP_REQUESTED.is_set():
        raise KeyboardInterrupt  # asked to stop: not even a directory is made
    if destination is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    if _is_special(destination):
        # /dev/null, /dev/stdout, a named pipe: written as they are, never renamed over (a
        # rename would replace the device itself with a regular file).
        try:
            handle = destination.open("w", encoding="utf-8")
        except OSError as exc:
            raise OutputError(
                f"{destination}: cannot write output: {exc.strerror or exc}"
            ) from None
        with handle:
            yield handle
        return
    directory = destination.parent if str(destination.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", dir=directory)
    except OSError as exc:
        raise OutputError(f"{destination}: cannot write output: {exc.strerror or exc}") from None
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; a report is for reading
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        if STOP_REQUESTED.is_set():
            # Ctrl-C or SIGTERM came and was swallowed on its way (raised inside a callback
            # whose exceptions are ignored): the run still stops before anything is written.
            raise KeyboardInterrupt
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_special(path: Path) -> bool:
    """Whether the path exists and is not a regular file (a device, a pipe, a socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
