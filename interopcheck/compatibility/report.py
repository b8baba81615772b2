"""The compatibility verdicts on a terminal: one table, message type by direction, then each
counterexample in a line. Every other format comes from the shared report model
(compat/results.py)."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, TextIO

from interopcheck.compatibility.compare import Comparison, Direction
from interopcheck.compatibility.results import MEANING

if TYPE_CHECKING:
    from rich.console import Console


def console_for(out: TextIO) -> Console:
    """A terminal as it is; a file (``-o``) 120 columns wide and without colour, as the other
    commands write theirs; a pipe as wide as COLUMNS says, else 120, not rich's 80."""
    import sys

    from rich.console import Console

    if out is not sys.stdout:
        return Console(file=out, width=120, no_color=True, highlight=False, soft_wrap=False)
    wide = not out.isatty() and "COLUMNS" not in os.environ
    return Console(file=out, highlight=False, soft_wrap=False, width=120 if wide else None)


def _cell(direction: Direction | None) -> str:
    if direction is None:
        return "-"
    if direction.verdict == "yes":
        return "yes (proved: patterns)" if direction.note else "yes (proved)"
    if direction.verdict == "no":
        return "NO" + (" (counterexample)" if direction.counterexample is not None else " (proved)")
    return f"unknown ({direction.tries} tries, none found)"


def write_console(out: TextIO, comparisons: list[Comparison], compatible: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = console_for(out)
    first = comparisons[0]
    table = Table(
        title=escape(f"{first.old} → {first.new}"),
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    table.add_column("message type", no_wrap=True)
    table.add_column("backward", no_wrap=True)
    table.add_column("forward", no_wrap=True)
    for c in comparisons:
        table.add_row(escape(c.message_type), _cell(c.backward), _cell(c.forward))
    console.print(table)
    for c in comparisons:
        for name, direction in (("backward", c.backward), ("forward", c.forward)):
            if direction is None or direction.counterexample is None:
                continue
            size = len(json.dumps(direction.counterexample, ensure_ascii=False).encode())
            console.print(
                f"[red]✗[/red] {escape(c.message_type)} {name}: a payload "
                f"{escape(direction.accepted_by)} accepts and {escape(direction.rejected_by)} "
                f"rejects {escape(direction.rejection)} [dim]({size} bytes; the JSON report has "
                "it)[/dim]"
            )
        if c.differences and (c.backward, c.forward) != (None, None):
            changed = [d for d in c.differences if "shared definitions" not in d]
            if changed:
                console.print(
                    f"  [dim]{escape(c.message_type)} differs at: "
                    f"{escape(', '.join(changed[:6]))}[/dim]"
                )
    for name in ("backward", "forward"):
        console.print(f"[dim]{name}: {MEANING[name]}[/dim]")
    verdict = "COMPATIBLE" if compatible else "NOT COMPATIBLE (or not proven)"
    colour = "green" if compatible else "red"
    console.print(f"[bold {colour}]{verdict}[/bold {colour}]")
