"""The report document: the manifest, the results, the requirement summaries and the verdict.

One shape, fixed by ``report.schema.json`` beside this module and described in docs/output.md.
``--format json`` streams it (every payload's result, one per line); every other format renders
from the same document held in memory with only the failing results (at most ``MAX_KEPT``),
and ``interopcheck report`` renders a saved one again. So what a person reads in HTML is what a
CI system reads in JUnit or SARIF, and what a signature covers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interopcheck.errors import ReportError
from interopcheck.results import Finding, PayloadResult, RunSummary

REPORT_SCHEMA_PATH = Path(__file__).parent / "report.schema.json"
FORMAT_VERSION = "2"

#: Failing results a rendered (non-JSON) report keeps; the rest are counted, not shown.
MAX_KEPT = 5000

Document = dict[str, Any]


def finding_to_dict(finding: Finding, show_personal_data: bool) -> dict[str, Any]:
    return {
        "check": finding.check,
        "message": finding.message,
        "pointer": finding.pointer,
        "line": finding.line,
        "column": finding.column,
        "keyword": finding.keyword,
        "expected": finding.expected,
        "schemaLocation": finding.schema_location,
        "value": finding.shown_value(show_personal_data),
        "valueRedacted": bool(
            finding.value_json is not None and finding.personal and not show_personal_data
        ),
        "requirement": finding.requirement,
        "level": finding.level,
    }


def result_to_dict(result: PayloadResult, show_personal_data: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "source": result.source,
        "messageType": result.message_type,
        "schema": result.schema,
        "valid": result.valid,
        "findings": [finding_to_dict(f, show_personal_data) for f in result.findings],
    }
    if result.exchange is not None:
        entry["exchange"] = result.exchange
    if result.comparison is not None:
        entry["comparison"] = result.comparison
    return entry


def head(summary: RunSummary, command: str) -> Document:
    """What is known before the first result: who ran what, on what."""
    return {
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "interopcheck", "version": summary.tool_version},
        "command": command,
        "startedAt": summary.started_at,
        "personalData": "shown" if summary.show_personal_data else "redacted",
        "manifest": summary.manifest,
    }


def tail(summary: RunSummary) -> Document:
    """What is known at the end: counts, requirements, journeys and the verdict."""
    document: Document = {
        "finishedAt": summary.finished_at,
        "conformant": summary.conformant,
        "verdict": summary.verdict.value,
        "scope": summary.scope,
        "summary": {
            "payloads": summary.payloads,
            "exchanges": summary.exchanges,
            "valid": summary.valid,
            "invalid": summary.invalid,
            "findings": summary.findings,
            "redactedValues": summary.redacted_values,
            "unmarkedSchemas": sorted(summary.unmarked_schemas),
            "messageTypes": [
                {"messageType": name or None, "payloads": counts[0], "invalid": counts[1]}
                for name, counts in sorted(summary.message_types.items())
            ],
        },
    }
    if summary.profile is not None:
        document["profile"] = summary.profile
        document["deciding"] = list(summary.deciding)
        document["levelsAchieved"] = summary.achieved_levels()
        document["requirements"] = [
            {
                "id": t.id,
                "level": t.level,
                "text": t.text,
                "kind": t.kind,
                "group": t.group,
                "source": t.source,
                "messages": list(t.messages),
                "actors": list(t.actors),
                "outcome": t.outcome,
                "passed": t.passed,
                "failed": t.failed,
                "errored": t.errored,
                "notApplicable": summary.not_applicable(t),
            }
            for t in summary.requirements.values()
        ]
        document["untested"] = [t.id for t in summary.untested()]
        document["untestedDeciding"] = [t.id for t in summary.untested_deciding()]
        document["decidingInScope"] = len(summary.deciding_in_scope())
    if summary.endpoints:
        document["endpoints"] = [
            {
                "id": e.id,
                "method": e.method,
                "url": e.url,
                "messageType": e.message_type,
                "exchanges": e.exchanges,
                "withFindings": e.with_findings,
                "requirements": {
                    rid: {"passed": c[0], "failed": c[1], "errored": c[2]}
                    for rid, c in e.outcomes.items()
                },
                **({"note": e.note} if e.note else {}),
                **({"coverage": e.coverage} if e.coverage is not None else {}),
            }
            for e in summary.endpoints.values()
        ]
    if summary.changes is not None:
        document["requirementChanges"] = summary.changes
    if summary.journeys_checked:
        document["journeys"] = [
            {
                "number": j.number,
                "messages": list(j.sources),
                "conformant": j.conformant,
                "findings": j.findings,
            }
            for j in summary.journeys
        ]
    if summary.archive is not None:
        # An archive run's report lists the first failing results and journeys; every failing
        # result is in the failures directory.
        document["archive"] = dict(summary.archive)
        document["resultsShown"] = "failing"
        document["resultsOmitted"] = max(0, summary.archive["failingResults"] - MAX_KEPT)
    return document


class ReportCollector:
    """Keeps what rendered formats need as results stream past: the failing results (up to
    ``MAX_KEPT``, the rest counted), so memory stays bounded on any corpus."""

    def __init__(self, summary: RunSummary, command: str) -> None:
        self._summary = summary
        self._command = command
        self._kept: list[dict[str, Any]] = []
        self._omitted = 0

    def add(self, result: PayloadResult) -> None:
        if result.valid:
            return
        if len(self._kept) < MAX_KEPT:
            self._kept.append(result_to_dict(result, self._summary.show_personal_data))
        else:
            self._omitted += 1

    def document(self) -> Document:
        return {
            **head(self._summary, self._command),
            "results": self._kept,
            "resultsShown": "failing",
            "resultsOmitted": self._omitted,
            **tail(self._summary),
        }


def failing_only(document: Document) -> Document:
    """A saved report cut down as ``ReportCollector`` would have kept it."""
    failing = [r for r in document.get("results", []) if not r.get("valid", False)]
    return {
        **document,
        "results": failing[:MAX_KEPT],
        "resultsShown": "failing",
        "resultsOmitted": document.get("resultsOmitted", 0) + max(0, len(failing) - MAX_KEPT),
    }


def load_report(path: Path) -> Document:
    """A saved JSON report, checked against the report schema; ``SetupError`` if it is not one."""
    import jsonschema_rs

    try:
        document = json.loads(path.read_bytes())
    except OSError as exc:
        raise ReportError(f"{path}: cannot read report: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f":{exc.lineno}:{exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ReportError(f"{path}{where}: not a JSON report ({exc})") from None
    schema = json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(schema)
    error = next(iter(validator.iter_errors(document)), None)
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.instance_path)
        version = document.get("formatVersion") if isinstance(document, dict) else None
        hint = (
            f" (format version {version}; this interopcheck reads {FORMAT_VERSION})"
            if version != FORMAT_VERSION
            else ""
        )
        raise ReportError(
            f"{path}: not an interopcheck report at {where}: "
            f"{error.message.splitlines()[0][:200]}{hint}"
        )
    return document  # type: ignore[no-any-return]
