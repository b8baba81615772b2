"""``--format markdown``: a summary for ``$GITHUB_STEP_SUMMARY`` and merge-request comments.

Always under ``MAX_BYTES`` (GitHub refuses step summaries over 1 MiB), however large the run:
sections are added while they fit and the failing payloads are cut short with a note. Text that
comes from payloads or file names is escaped, since step summaries render HTML.
"""

from __future__ import annotations

import html
from typing import Any

from interopcheck.formats.text import (
    counterexample_json,
    counts_words,
    endpoint_matrix,
    finding_line,
    omitted_words,
    printable,
    redaction_of,
    reproduction_of,
    sorted_requirements,
    untested_words,
    verdict_of,
    verdict_words,
)
from interopcheck.results import Verdict

MAX_BYTES = 1024 * 1024 - 4096
MAX_FINDINGS_PER_PAYLOAD = 10


def _esc(text: object) -> str:
    """Markdown- and HTML-inert text for a table cell or list item."""
    escaped = html.escape(printable(str(text)), quote=False)
    for char in "\\`*_[]|#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", " ")


def render(document: dict[str, Any]) -> str:
    mark = {Verdict.conformant: "✅", Verdict.incomplete: "⏸️"}.get(verdict_of(document), "❌")
    parts = [f"## {mark} interopcheck: {_esc(verdict_words(document))}\n"]
    untested = untested_words(document)
    if untested:
        parts.append(f"**{_esc(untested)}.**\n")
    summary_line = _esc(counts_words(document))
    if document.get("profile"):
        deciding = ", ".join(document.get("deciding", []))
        levels = ", ".join(document.get("levelsAchieved", [])) or "none"
        summary_line += (
            f". Deciding levels: {deciding}. Conformance levels reached: {_esc(levels)}."
        )
    parts.append(summary_line + "\n")
    redaction = redaction_of(document)
    if redaction:
        parts.append(_esc(redaction) + "\n")
    manifest = document.get("manifest") or {}
    if manifest.get("supplier"):
        supplier = manifest["supplier"]
        who = " ".join(
            _esc(v)
            for v in (supplier["organisation"], supplier.get("product"), supplier.get("version"))
            if v
        )
        parts.append(f"Self-certification by {who}.\n")
    if manifest.get("signer"):
        parts.append(f"Signed with key `{_esc(manifest['signer']['keyFingerprint'])}`.\n")
    after: list[str] = []  # the sections that follow the failures, always shown whole
    requirements = sorted_requirements(document)
    if requirements:
        rows = [
            "### Requirements\n",
            "| Requirement | Level | Outcome | Passed | Failed | N/A | Text |",
            "|---|---|---|---:|---:|---:|---|",
        ]
        for r in requirements:
            outcome = {"failed": "❌ failed", "error": "⚠️ error", "untested": "⏸️ untested"}.get(
                r["outcome"], "✅ passed"
            )
            if r["outcome"] == "error" and r["kind"].startswith("compat:"):
                outcome = "⚠️ unknown"  # not proven either way: not passed
            rows.append(
                f"| {_esc(r['id'])} | {r['level']} | {outcome} | {r['passed']} | "
                f"{r['failed'] + r['errored']} | {r['notApplicable']} | {_esc(r['text'])} |"
            )
        after.append("\n".join(rows) + "\n")
    api, endpoints = endpoint_matrix(document)
    if endpoints:
        rows = [
            "### API requirements by endpoint\n",
            "| Endpoint | Exchanges | " + " | ".join(_esc(r["id"]) for r in api) + " |",
            "|---|---:|" + "---|" * len(api),
        ]
        for row in endpoints:
            marks = " | ".join(
                {"failed": "❌ ", "error": "⚠️ ", "passed": "✅ "}.get(c.outcome, "") + c.words
                for c in row.cells
            )
            rows.append(f"| {_esc(row.label)} | {row.endpoint['exchanges']} | {marks} |")
        after.append("\n".join(rows) + "\n")
    changes = document.get("requirementChanges")
    if changes is not None:
        rows = ["| Requirement | Change | Old level | New level | Text |", "|---|---|---|---|---|"]
        rows += [
            f"| {_esc(c['id'])} | {c['change']} | {c['oldLevel'] or '-'} | "
            f"{c['newLevel'] or '-'} | {_esc(c['text'])} |"
            for c in changes
        ]
        after.append(
            "### Requirement changes\n\n" + ("\n".join(rows) if changes else "None.") + "\n"
        )
    reproduce = manifest.get("reproduce")
    tail = []
    if reproduce:
        tail.append(f"Reproduce: `{_esc(reproduce)}`\n")
    failing = document.get("results", [])
    subjects = "Comparisons" if document.get("command") == "compat" else "Payloads"
    heading = "Failing comparisons" if subjects == "Comparisons" else "Failures"
    contents = [f"[{heading}](#{heading.lower().replace(' ', '-')})"] if failing else []
    contents += [
        f"[{title}](#{title.lower().replace(' ', '-')})"
        for title in ("Requirements", "API requirements by endpoint", "Requirement changes")
        if any(section.startswith(f"### {title}\n") for section in after)
    ]
    if len(contents) > 1:
        parts.append("Contents: " + " · ".join(contents) + "\n")
    budget = MAX_BYTES - sum(len(p.encode()) for p in (*parts, *after, *tail)) - 1024
    if failing:
        section = [f"### {heading}\n"]
        used = 0
        shown = 0
        for result in failing:
            block = _failure_block(result, subjects)
            if used + len(block.encode()) > budget:
                break
            section.append(block)
            used += len(block.encode())
            shown += 1
        if shown < len(failing):
            section.append(
                f"\n{len(failing) - shown} more {subjects.lower()} with findings are not shown "
                "(size limit); the JSON report has every one.\n"
            )
        omitted = omitted_words(document)
        if omitted:
            section.append(f"\n{_esc(omitted)}\n")
        parts.append("".join(section))
    parts += after
    return "\n".join(parts + tail)


def _failure_block(result: dict[str, Any], subjects: str) -> str:
    """One failing subject: where, its findings (at most ``MAX_FINDINGS_PER_PAYLOAD``), and the
    counterexample or the curl command that sends it again, folded."""
    kind = _esc(
        result.get("messageType") or ("profile" if subjects == "Comparisons" else "unknown type")
    )
    lines = [f"- **{_esc(result['source'])}** ({kind})"]
    findings = result.get("findings", [])
    for finding in findings[:MAX_FINDINGS_PER_PAYLOAD]:
        owner = finding.get("requirement")
        label = f"{owner} {finding['level']}: " if owner else ""
        lines.append(f"  - {_esc(label + finding_line(result, finding))}")
    if len(findings) > MAX_FINDINGS_PER_PAYLOAD:
        lines.append(f"  - … {len(findings) - MAX_FINDINGS_PER_PAYLOAD} more")
    for summary, text in (
        ("counterexample", counterexample_json(result)),
        ("send it again (curl; secrets as the variable named)", reproduction_of(result)),
    ):
        if text is not None:  # HTML-escaped inside <pre>: inert, and kept verbatim
            lines.append(
                f"\n  <details><summary>{summary}</summary>\n\n  <pre>"
                + html.escape(text).replace("\n", "&#10;")
                + "</pre>\n  </details>\n"
            )
    return "\n".join(lines) + "\n"
