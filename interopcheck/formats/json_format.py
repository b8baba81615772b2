"""``--format json``: the validation result as a documented, machine-readable document.

The shape is fixed by ``schemas/validate-result.schema.json`` beside this module (tests check
every document written against it) and described in docs/output.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interopcheck.results import Finding, PayloadResult, ValidationRun

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
    }


def result_to_dict(result: PayloadResult, show_personal_data: bool) -> dict[str, Any]:
    return {
        "source": result.source,
        "messageType": result.message_type,
        "schema": result.schema,
        "valid": result.valid,
        "findings": [finding_to_dict(f, show_personal_data) for f in result.findings],
    }


def run_to_dict(run: ValidationRun) -> dict[str, Any]:
    invalid = len(run.invalid)
    return {
        "formatVersion": FORMAT_VERSION,
        "tool": {"name": "interopcheck", "version": run.tool_version},
        "command": "validate",
        "startedAt": run.started_at,
        "finishedAt": run.finished_at,
        "personalData": "shown" if run.show_personal_data else "redacted",
        "conformant": run.conformant,
        "summary": {
            "payloads": len(run.results),
            "valid": len(run.results) - invalid,
            "invalid": invalid,
            "findings": run.finding_count,
        },
        "results": [result_to_dict(r, run.show_personal_data) for r in run.results],
    }


def render(run: ValidationRun) -> str:
    """Compact JSON with one payload result per line: C-encoder fast, still diffable."""
    document = run_to_dict(run)
    results = document.pop("results")
    head = json.dumps(document, ensure_ascii=False)[:-1]
    if not results:
        return head + ', "results": []}\n'
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in results)
    return f'{head}, "results": [\n{lines}\n]}}\n'
