"""The console format: a table per payload with findings, then a one-line verdict.

Results are printed as they arrive. Valid payloads are listed one by one only in small runs
(always with ``--verbose``): the first few are held back until it is clear whether the run is
small. ``--quiet`` prints failures and the verdict only, a line each. rich decides about colour:
only on a terminal, and never when NO_COLOR is set.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from interopcheck.formats.text import OUTCOME_ORDER, printable
from interopcheck.formats.verbosity import Verbosity
from interopcheck.results import (
    Finding,
    PayloadResult,
    RunSummary,
    Verdict,
    archive_words,
    plural,
)

#: List valid payloads one by one only for runs of at most this many payloads.
LIST_VALID_UP_TO = 20


def _shown(text: str) -> str:
    """Text from an input, for the console: controls escaped, then rich's markup."""
    return escape(printable(text))


def _location(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    return f"{line}:{column}" if column else str(line)


def _table(result: PayloadResult, show_personal_data: bool) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False, header_style="bold")
    table.add_column("line:col", no_wrap=True, style="dim")
    table.add_column("where", overflow="fold", ratio=3)
    table.add_column("problem", overflow="fold", ratio=5)
    table.add_column("value", overflow="fold", ratio=2)
    for finding in result.findings:
        problem = _shown(finding.message)
        if finding.requirement:
            problem = f"[bold]{_shown(finding.requirement)}[/bold] {finding.level}: {problem}"
        if finding.expected:
            problem += f"\n[dim]expected {_shown(finding.expected)}[/dim]"
        table.add_row(
            _location(finding.line, finding.column),
            _shown(finding.pointer or "(document)"),
            problem,
            _shown(finding.shown_value(show_personal_data) or ""),
        )
    return table


def _one_line(finding: Finding, summary: RunSummary) -> str:
    """A finding on one line (``--quiet``): where, which requirement, what, the shown value."""
    where = _location(finding.line, finding.column)
    text = f"{where} " if where else ""
    text += finding.pointer or "(document)"
    if finding.requirement:
        text += f" {finding.requirement} {finding.level}:"
    text += f" {finding.message}"
    if finding.expected:
        text += f" (expected {finding.expected})"
    value = finding.shown_value(summary.show_personal_data)
    return text + (f" [value: {value}]" if value is not None else "")


class ConsoleWriter:
    """Prints each result as it comes; the verdict line on close."""

    def __init__(
        self, console: Console, summary: RunSummary, verbosity: Verbosity = Verbosity.normal
    ) -> None:
        self._console = console
        self._summary = summary
        self._verbosity = verbosity
        self._held: list[PayloadResult] | None = [] if verbosity is Verbosity.normal else None
        self._failing_shown = 0

    def add(self, result: PayloadResult) -> None:
        self._failing_shown += not result.valid
        if self._verbosity is not Verbosity.normal:
            self._print(result, list_valid=self._verbosity is Verbosity.verbose)
            return
        if self._held is not None:
            self._held.append(result)
            if len(self._held) <= LIST_VALID_UP_TO:
                return
            held, self._held = self._held, None
            for earlier in held:
                self._print(earlier, list_valid=False)
            return
        self._print(result, list_valid=False)

    def _print(self, result: PayloadResult, list_valid: bool) -> None:
        label = f" [dim]({_shown(result.message_type)})[/dim]" if result.message_type else ""
        if result.valid:
            if list_valid:
                self._console.print(f"[green]✓[/green] {_shown(result.source)}{label}")
            return
        count = plural(len(result.findings), "finding")
        self._console.print(f"[red]✗[/red] {_shown(result.source)}{label}: {count}")
        if self._verbosity is Verbosity.quiet:
            for finding in result.findings:
                self._console.print("  " + _shown(_one_line(finding, self._summary)))
            return
        if result.exchange is not None:
            exchange = result.exchange
            answer = f"HTTP {exchange['status']}" if exchange["status"] else "no answer"
            where = (
                "send it again with:"
                if self._verbosity is Verbosity.verbose
                else "the curl reproduction is in the JSON report (exchange.reproduction), and "
                "with --verbose here"
            )
            self._console.print(
                f"  [dim]{answer} in {exchange['elapsedMs']:.0f} ms; seed {exchange['seed']}; "
                f"{where}[/dim]"
            )
            if self._verbosity is Verbosity.verbose:
                reproduction = str(exchange.get("reproduction", ""))
                self._console.print(
                    "\n".join(_shown(line) for line in reproduction.split("\n")), soft_wrap=True
                )
        self._console.print(_table(result, self._summary.show_personal_data))
        self._console.print()

    def close(self) -> None:
        if self._held is not None:
            for result in self._held:
                self._print(result, list_valid=True)
        summary = self._summary
        if summary.profile is not None:
            self._requirements()
        if summary.journeys_checked and self._verbosity is not Verbosity.quiet:
            self._journeys()
        subjects = summary.subjects_words()
        if summary.subject != "payload":
            failing = f"{subjects}: {summary.invalid} with findings"
            passing = f"{subjects}, none with findings"
        else:
            failing, passing = f"{summary.invalid} of {subjects} invalid", f"{subjects}, all valid"
        if summary.invalid:
            self._console.print(
                f"[bold red]{failing}[/bold red], {plural(summary.findings, 'finding')}"
            )
        else:
            self._console.print(f"[bold green]{passing}[/bold green]")
        if summary.profile is not None:
            if not summary.tested_any():
                self._console.print(
                    "[yellow]No requirement of the profile applied to these payloads[/yellow] "
                    "(are they the profile's message types?)"
                )
            verdict = summary.verdict
            colour = {Verdict.conformant: "green", Verdict.incomplete: "yellow"}.get(verdict, "red")
            profile = summary.profile
            levels = ", ".join(summary.achieved_levels()) or "none"
            scope = f" as {_shown(summary.scope)}" if summary.scope else ""
            self._console.print(
                f"[bold {colour}]{verdict.words}[/bold {colour}] to {_shown(profile['id'])} "
                f"{_shown(profile['version'])}{scope} (deciding: {', '.join(summary.deciding)}; "
                f"levels reached: {_shown(levels)})"
            )
            untested = summary.untested_deciding()
            if untested:
                self._console.print(
                    f"[yellow]{len(untested)} of {len(summary.deciding_in_scope())} deciding "
                    f"requirements untested[/yellow]: {', '.join(t.id for t in untested)}"
                )
        redaction = summary.redaction_words()
        if redaction:
            self._console.print(f"[dim]{_shown(redaction)}[/dim]")
        if summary.archive is not None:
            words = archive_words(summary.archive, self._failing_shown)
            self._console.print(f"[dim]{_shown(words)}[/dim]")

    def _requirements(self) -> None:
        summary = self._summary
        if self._verbosity is Verbosity.quiet:
            for tally in summary.requirements.values():
                if tally.outcome in ("failed", "error"):
                    bad = tally.failed + tally.errored
                    self._console.print(
                        f"[red]{tally.outcome}[/red] {_shown(tally.id)} {tally.level}: "
                        f"{bad} of {tally.applicable}: {_shown(tally.text)}"
                    )
            return
        verbose = self._verbosity is Verbosity.verbose
        table = Table(title="Requirements", show_edge=False, pad_edge=False, header_style="bold")
        for column, width in (("id", 7), ("level", 6), ("outcome", 8)):
            table.add_column(column, no_wrap=True, width=width)
        for column in ("passed", "failed", "n/a"):
            table.add_column(column, no_wrap=True, justify="right", width=6)
        # One line per requirement: the full text is in the JSON report and `profiles show`.
        room = max(20, self._console.width - 66)
        if verbose:  # the whole text, wrapped, and where it comes from
            table.add_column("requirement", overflow="fold", max_width=room)
        else:
            table.add_column("requirement", no_wrap=True, overflow="ellipsis", max_width=room)
        styles = {"failed": "red", "error": "red", "passed": "green", "untested": "yellow"}
        # Failures first, then errors, untested, passed; profile order within each.
        ordered = sorted(summary.requirements.values(), key=lambda t: OUTCOME_ORDER[t.outcome])
        for tally in ordered:
            outcome = tally.outcome
            table.add_row(
                _shown(tally.id),
                tally.level,
                f"[{styles[outcome]}]{outcome}[/{styles[outcome]}]",
                str(tally.passed),
                str(tally.failed + tally.errored),
                str(summary.not_applicable(tally)),
                _shown(
                    tally.text + (f" (source: {tally.source})" if verbose and tally.source else "")
                ),
            )
        self._console.print(table)
        untested = summary.untested()
        if untested:
            self._console.print(
                f"[yellow]Untested[/yellow] (nothing in this run applied): "
                f"{', '.join(t.id for t in untested)}"
            )

    def _journeys(self) -> None:
        summary = self._summary
        for journey in summary.journeys:
            mark = "[green]✓[/green]" if journey.conformant else "[red]✗[/red]"
            count = plural(len(journey.sources), "message")
            findings = plural(journey.findings, "finding")
            self._console.print(f"{mark} journey {journey.number}: {count}, {findings}")
            for source in journey.sources:
                self._console.print(f"    {_shown(source)}")
