"""interopcheck: test whether a system speaks a cross-agency data-exchange standard, provably.

The public Python API (pinned by ``__all__`` and ``tests/test_public_api.py``)::

    import interopcheck

    run = interopcheck.validate(["payloads/"], profile="justice-ew", actor="police")
    run.verdict            # Verdict.conformant / not_conformant / incomplete
    run.failed()           # the results with findings, each finding in the report's words
    interopcheck.write_report(run, "report/")   # every format, as the CLI writes them

Names are imported on first use, so ``import interopcheck`` (and the CLI's start-up) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from interopcheck.api import (
        Generated,
        compat,
        generate,
        journey,
        probe,
        validate,
        write_report,
    )
    from interopcheck.errors import (
        ApiDocumentError,
        ConfigError,
        CredentialError,
        GenerationError,
        InputError,
        InteropcheckError,
        OutputError,
        ProfileError,
        ReportError,
        SchemaError,
        SetupError,
        SigningError,
        TargetError,
        UsageError,
    )
    from interopcheck.formats.registry import OutputFormat
    from interopcheck.results import FailOn, Finding, PayloadResult, RunSummary, Verdict
    from interopcheck.run import Run

#: Where each public name lives (imported when first asked for).
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(
        ["validate", "journey", "probe", "compat", "generate", "write_report", "Generated"],
        "interopcheck.api",
    ),
    "Run": "interopcheck.run",
    **dict.fromkeys(
        ["Finding", "PayloadResult", "RunSummary", "Verdict", "FailOn"], "interopcheck.results"
    ),
    "OutputFormat": "interopcheck.formats.registry",
    **dict.fromkeys(
        [
            "InteropcheckError",
            "SetupError",
            "UsageError",
            "ConfigError",
            "InputError",
            "SchemaError",
            "ApiDocumentError",
            "ProfileError",
            "GenerationError",
            "CredentialError",
            "TargetError",
            "ReportError",
            "SigningError",
            "OutputError",
        ],
        "interopcheck.errors",
    ),
}

__all__ = [
    "ApiDocumentError",
    "ConfigError",
    "CredentialError",
    "FailOn",
    "Finding",
    "Generated",
    "GenerationError",
    "InputError",
    "InteropcheckError",
    "OutputError",
    "OutputFormat",
    "PayloadResult",
    "ProfileError",
    "ReportError",
    "Run",
    "RunSummary",
    "SchemaError",
    "SetupError",
    "SigningError",
    "TargetError",
    "UsageError",
    "Verdict",
    "__version__",
    "compat",
    "generate",
    "journey",
    "probe",
    "validate",
    "write_report",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'interopcheck' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
