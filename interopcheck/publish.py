"""Publishing a ``Run``: its manifest, every requested format, the signature, the exit code.

Every checking command hands its ``Run`` here (the CLI, the demo and the Python API alike).
Streaming formats (console, json) write each result as it comes; rendered formats (junit,
sarif, markdown, html) are made at the end from the report document (report/document.py).
Every file goes through a temporary file renamed into place only when the whole run
succeeded, so a failed run leaves no report behind.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from interopcheck.errors import UsageError
from interopcheck.formats.registry import FILE_NAMES, STREAMING, OutputFormat, renderer
from interopcheck.formats.verbosity import Verbosity
from interopcheck.results import FailOn

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from interopcheck.report.manifest import Supplier
    from interopcheck.results import PayloadResult, RunSummary
    from interopcheck.run import Run

#: The console's width where output is not a terminal: wide enough that nothing wraps.
UNWRAPPED_WIDTH = 4000


class ResultWriter(Protocol):
    """What a streaming format offers: one result at a time, then close."""

    def add(self, result: PayloadResult) -> None: ...
    def close(self) -> None: ...


@dataclass
class ReportPlan:
    """Where each format goes (None: stdout), and the signing key if any."""

    targets: dict[OutputFormat, Path | None]
    key: Ed25519PrivateKey | None = None
    supplier: Supplier | None = None
    verbosity: Verbosity = Verbosity.normal
    """How much the console says (``--quiet``, ``--verbose``)."""

    @property
    def json_file(self) -> Path | None:
        return self.targets.get(OutputFormat.json)

    def signer(self) -> dict[str, str] | None:
        if self.key is None:
            return None
        from interopcheck.report.signing import ALGORITHM, fingerprint

        return {"algorithm": ALGORITHM, "keyFingerprint": fingerprint(self.key.public_key())}


def plan_reports(
    formats: Sequence[OutputFormat] | None = None,
    output: Path | None = None,
    report_dir: Path | None = None,
    sign: Path | None = None,
    supplier: str | None = None,
    product: str | None = None,
    product_version: str | None = None,
    *,
    configured_report_dir: bool = False,
    verbosity: Verbosity = Verbosity.normal,
) -> ReportPlan:
    """Check the output options together, before the run: a mistake is a setup error, and
    nothing has been written. A report directory from the configuration gives way to
    ``--output`` on the command line."""
    if configured_report_dir and output is not None:
        report_dir = None
    chosen = list(dict.fromkeys(formats or []))
    if report_dir is not None:
        if output is not None:
            raise UsageError("give --output or --report-dir, not both")
        if report_dir.exists() and not report_dir.is_dir():
            raise UsageError(f"{report_dir}: --report-dir is not a directory")
        files: list[OutputFormat] = [f for f in chosen if f is not OutputFormat.console]
        files = files or list(FILE_NAMES)
        if sign is not None and OutputFormat.json not in files:
            files.insert(0, OutputFormat.json)  # what a signature covers
        targets: dict[OutputFormat, Path | None] = {f: report_dir / FILE_NAMES[f] for f in files}
        if OutputFormat.console in chosen or not chosen:
            targets[OutputFormat.console] = None
    else:
        if len(chosen) > 1:
            raise UsageError("several --format values need --report-dir DIR (one file per format)")
        only = chosen[0] if chosen else OutputFormat.console
        targets = {only: output}
        if sign is not None and (only is not OutputFormat.json or output is None):
            raise UsageError(
                "--sign signs report.json: give --report-dir DIR, or --format json --output FILE"
            )
    if (product or product_version) and not supplier:
        raise UsageError("--product and --product-version need --supplier (who certifies)")
    plan = ReportPlan(targets, verbosity=verbosity)
    if supplier:
        from interopcheck.report.manifest import Supplier

        plan.supplier = Supplier(supplier, product, product_version)
    if sign is not None:
        from interopcheck.report.signing import load_private_key

        plan.key = load_private_key(sign)
    return plan


def publish(run: Run, plan: ReportPlan, fail_on: Sequence[FailOn] | None = None) -> int:
    """Record the run's manifest, write every planned format, and give the exit code (by
    ``fail_on``, or by the policy the command fixes)."""
    from interopcheck.report.manifest import build_manifest

    policy = fail_policy(run.fail_on if run.fail_on is not None else fail_on)
    summary = run.summary
    summary.manifest = build_manifest(
        command=run.command,
        inputs=run.inputs,
        catalog=run.catalog,
        profile=summary.profile if run.profile_in_manifest else None,
        options={**run.options, "failOn": sorted(f.value for f in policy), "scope": summary.scope},
        supplier=plan.supplier,
        signer=plan.signer(),
        schemas=run.schemas,
    )
    if run.console_view is None:
        write_reports(plan, summary, run.command, run.results)
    else:
        _with_own_console(plan, run, run.console_view)
    return exit_code(summary, policy)


def _with_own_console(plan: ReportPlan, run: Run, view: Callable[[TextIO], None]) -> None:
    """Every planned file through the shared writers; the console as the command's own view."""
    from interopcheck.output import open_output

    shown = OutputFormat.console in plan.targets
    files: dict[OutputFormat, Path | None] = {
        f: t for f, t in plan.targets.items() if f is not OutputFormat.console
    }
    write_reports(
        ReportPlan(files, plan.key, plan.supplier, plan.verbosity),
        run.summary,
        run.command,
        run.results,
    )
    if shown:
        with open_output(plan.targets[OutputFormat.console]) as out:
            view(out)


def fail_policy(fail_on: Sequence[FailOn] | None) -> frozenset[FailOn]:
    """The ``--fail-on`` values as a set (``must`` when none); ``never`` stands alone."""
    policy = frozenset(fail_on or (FailOn.must,))
    if FailOn.never in policy and len(policy) > 1:
        raise UsageError("--fail-on never cannot be combined with other --fail-on values")
    return policy


def write_reports(
    plan: ReportPlan,
    summary: RunSummary,
    command: str,
    results: Iterable[PayloadResult],
) -> None:
    """Write every planned format from the results, then sign report.json if asked."""
    from interopcheck.output import open_output

    rendered = [f for f in plan.targets if f not in STREAMING]
    with contextlib.ExitStack() as stack:
        writers: list[ResultWriter] = []
        for output_format in STREAMING:
            if output_format in plan.targets:
                destination = plan.targets[output_format]
                out = stack.enter_context(open_output(destination))
                writers.append(
                    _writer(output_format, out, summary, destination, command, plan.verbosity)
                )
        collector = None
        if rendered:
            from interopcheck.report.document import ReportCollector

            collector = ReportCollector(summary, command)
        for result in results:
            for writer in writers:
                writer.add(result)
            if collector is not None:
                collector.add(result)
        for writer in writers:
            writer.close()
        if collector is not None:
            document = collector.document()
            for output_format in rendered:
                out = stack.enter_context(open_output(plan.targets[output_format]))
                out.write(renderer(output_format)(document))
    if plan.key is not None:
        _sign(plan)


def _sign(plan: ReportPlan) -> None:
    from interopcheck.output import open_output
    from interopcheck.report.signing import sign_bytes, signature_path

    report = plan.json_file
    assert report is not None and plan.key is not None
    data = report.read_bytes()
    with open_output(signature_path(report)) as out:
        out.write(sign_bytes(data, plan.key))


def _writer(
    output_format: OutputFormat,
    out: TextIO,
    summary: RunSummary,
    destination: Path | None,
    command: str,
    verbosity: Verbosity,
) -> ResultWriter:
    if output_format is OutputFormat.json:
        from interopcheck.formats.json_format import JsonWriter

        return JsonWriter(out, summary, command)
    from rich.console import Console

    from interopcheck.formats.console import ConsoleWriter

    if destination is not None or not sys.stdout.isatty():
        # A file or a CI log: no terminal width to fit, so lines are not wrapped (paths and
        # requirement texts stay whole and searchable).
        console = Console(
            file=out if destination is not None else sys.stdout,
            width=UNWRAPPED_WIDTH,
            no_color=destination is not None,
            highlight=False,
            soft_wrap=True,
        )
    else:
        console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    return ConsoleWriter(console, summary, verbosity)


def exit_code(summary: RunSummary, policy: frozenset[FailOn]) -> int:
    """0 or 1 by the exit policy; the verdict in the report is not changed by it.
    NOT CONFORMANT exits 1; INCOMPLETE exits 1 when nothing of the profile applied at all, or
    with ``--fail-on untested``; SHOULD failures exit 1 with ``--fail-on should``."""
    if FailOn.never in policy:
        return 0
    from interopcheck.results import Verdict

    verdict = summary.verdict
    if verdict is Verdict.not_conformant:
        return 1
    if verdict is Verdict.incomplete and (FailOn.untested in policy or not summary.tested_any()):
        return 1
    if FailOn.should in policy:
        should = [t for t in summary.requirements.values() if t.level == "SHOULD"]
        if any((t.failed or t.errored) and summary.in_scope(t) for t in should):
            return 1
    return 0
