"""``--format json``: the validation result as a documented, machine-readable document.

The shape is fixed by ``schemas/validate-result.schema.json`` beside this module (tests check
every document written against it) and described in docs/output.md. Results are written as
they arrive, one per line, so a corpus of any size is written in constant memory; the summary
closes the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from interopcheck.results import Finding, PayloadResult, RunSummary

RESULT_SCHEMA_PATH = Path(__file__).parent / "schemas" / "validate-result.schema.json"
FORMAT_VERSION = "1"


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
    return {
        "source": result.source,
        "messageType": result.message_type,
        "schema": result.schema,
        "valid": result.valid,
        "findings": [finding_to_dict(f, show_personal_data) for f in result.findings],
    }


class JsonWriter:
    """Streams one validation document: head on the first result, one line per result, tail."""

    def __init__(self, out: TextIO, summary: RunSummary, command: str = "validate") -> None:
        self._out = out
        self._summary = summary
        self._command = command
        self._started = False

    def _head(self) -> str:
        head = {
            "formatVersion": FORMAT_VERSION,
            "tool": {"name": "interopcheck", "version": self._summary.tool_version},
            "command": self._command,
            "startedAt": self._summary.started_at,
            "personalData": "shown" if self._summary.show_personal_data else "redacted",
        }
        return json.dumps(head, ensure_ascii=False)[:-1] + ', "results": [\n'

    def add(self, result: PayloadResult) -> None:
        self._out.write(",\n" if self._started else self._head())
        self._started = True
        self._out.write(
            json.dumps(result_to_dict(result, self._summary.show_personal_data), ensure_ascii=False)
        )

    def close(self) -> None:
        if not self._started:
            self._out.write(self._head().rstrip("\n"))
        summary = self._summary
        tail: dict[str, Any] = {
            "finishedAt": summary.finished_at,
            "conformant": summary.conformant,
            "summary": {
                "payloads": summary.payloads,
                "valid": summary.valid,
                "invalid": summary.invalid,
                "findings": summary.findings,
            },
        }
        if summary.profile is not None:
            tail["profile"] = summary.profile
            tail["deciding"] = list(summary.deciding)
            tail["levelsAchieved"] = summary.achieved_levels()
            tail["requirements"] = [
                {
                    "id": t.id,
                    "level": t.level,
                    "text": t.text,
                    "kind": t.kind,
                    "group": t.group,
                    "source": t.source,
                    "outcome": t.outcome,
                    "passed": t.passed,
                    "failed": t.failed,
                    "errored": t.errored,
                    "notApplicable": summary.not_applicable(t),
                }
                for t in summary.requirements.values()
            ]
            tail["untested"] = [t.id for t in summary.untested()]
        if summary.journeys_checked:
            tail["journeys"] = [
                {
                    "number": j.number,
                    "messages": list(j.sources),
                    "conformant": j.conformant,
                    "findings": j.findings,
                }
                for j in summary.journeys
            ]
        self._out.write("\n], " + json.dumps(tail, ensure_ascii=False)[1:] + "\n")
