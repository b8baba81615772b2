"""The report plan from a command's own options: ``--format``, ``--output``, ``--report-dir``,
``--sign``, ``--supplier``, ``--product``, ``--product-version``, ``--quiet``, ``--verbose``
(publishing the run is ``interopcheck.publish``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interopcheck.formats.registry import OutputFormat
from interopcheck.publish import ReportPlan, plan_reports


def plan_from_options(context: Any) -> ReportPlan:
    """The report plan from the running command's own options, named alike in every checking
    command (``output_format``, ``output``, ``report_dir``, ``sign``, ``supplier``,
    ``product``, ``product_version``, ``quiet``, ``verbose``); a report directory that came
    from the configuration gives way to ``--output`` on the command line."""
    from interopcheck.cli.config import configured
    from interopcheck.cli.options import verbosity_of

    given = context.params  # as click parsed them: Typer converts only what it hands the command

    def path(name: str) -> Path | None:
        value = given.get(name)
        return None if value is None else Path(value)

    formats = given.get("output_format")
    return plan_reports(
        None if formats is None else [OutputFormat(f) for f in formats],
        path("output"),
        path("report_dir"),
        path("sign"),
        given.get("supplier"),
        given.get("product"),
        given.get("product_version"),
        configured_report_dir=configured(context, "report_dir"),
        verbosity=verbosity_of(given.get("quiet", False), given.get("verbose", False)),
    )
