"""One progress bar on stderr for long runs, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ProgressBar:
    """``set(done)`` or ``advance()``; the bar appears once ``done`` passes ``show_over``
    (a total of None counts without estimating, for corpora walked lazily)."""

    def __init__(self, label: str, show_over: int = 0) -> None:
        self._label = label
        self._show_over = show_over
        self._enabled = sys.stderr.isatty()
        self._total: int | None = None
        self._done = 0
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def planned(self, total: int) -> None:
        self._total = total

    def advance(self) -> None:
        self.set(self._done + 1)

    def set(self, done: int) -> None:
        self._done = done
        if done <= self._show_over or not self._enabled:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn(self._label),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=self._total)
        assert self._task is not None
        self._bar.update(self._task, completed=done)
