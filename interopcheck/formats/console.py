"""The console format: a table per payload with findings, then a one-line verdict.

rich decides about colour: only on a terminal, and never when NO_COLOR is set.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from interopcheck.results import PayloadResult, ValidationRun

#: List valid payloads one by one only for small runs; a corpus gets the summary.
LIST_VALID_UP_TO = 20


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _location(finding_line: int | None, finding_column: int | None) -> str:
    if finding_line is None:
        return ""
    return f"{finding_line}:{finding_column}" if finding_column else str(finding_line)


def _table(result: PayloadResult, show_personal_data: bool) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("line:col", no_wrap=True, style="dim")
    table.add_column("where", overflow="fold", ratio=3)
    table.add_column("problem", overflow="fold", ratio=5)
    table.add_column("value", overflow="fold", ratio=2)
    for finding in result.findings:
        problem = escape(finding.message)
        if finding.expected:
            problem += f"\n[dim]expected {escape(finding.expected)}[/dim]"
        table.add_row(
            _location(finding.line, finding.column),
            escape(finding.pointer or "(document)"),
            problem,
            escape(finding.shown_value(show_personal_data) or ""),
        )
    return table


def render(run: ValidationRun, console: Console) -> None:
    show_valid = len(run.results) <= LIST_VALID_UP_TO
    for result in run.results:
        label = f" [dim]({escape(result.message_type)})[/dim]" if result.message_type else ""
        if result.valid:
            if show_valid:
                console.print(f"[green]✓[/green] {escape(result.source)}{label}")
            continue
        count = _plural(len(result.findings), "finding")
        console.print(f"[red]✗[/red] {escape(result.source)}{label}: {count}")
        console.print(_table(result, run.show_personal_data))
        console.print()
    total = len(run.results)
    invalid = len(run.invalid)
    if invalid:
        console.print(
            f"[bold red]{invalid} of {_plural(total, 'payload')} invalid[/bold red], "
            f"{_plural(run.finding_count, 'finding')}"
        )
    else:
        console.print(f"[bold green]{_plural(total, 'payload')}, all valid[/bold green]")
    if not run.show_personal_data and any(
        f.personal and f.value_json is not None for r in run.results for f in r.findings
    ):
        console.print("[dim]Personal data redacted; --show-personal-data shows it.[/dim]")
