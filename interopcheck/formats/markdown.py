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
    finding_line,
    omitted_words,
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
    escaped = html.escape(str(text), quote=False)
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
    if document["personalData"] == "redacted":
        parts.append("Personal data is redacted.\n")
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
    requirements = sorted_requirements(document)
    if requirements:
        rows = [
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
        parts.append("\n".join(rows) + "\n")
    changes = document.get("requirementChanges")
    if changes is not None:
        rows = ["| Requirement | Change | Old level | New level | Text |", "|---|---|---|---|---|"]
        rows += [
            f"| {_esc(c['id'])} | {c['change']} | {c['oldLevel'] or '-'} | "
            f"{c['newLevel'] or '-'} | {_esc(c['text'])} |"
            for c in changes
        ]
        parts.append(
            "### Requirement changes\n\n" + ("\n".join(rows) if changes else "None.") + "\n"
        )
    reproduce = manifest.get("reproduce")
    tail = []
    if reproduce:
        tail.append(f"Reproduce: `{_esc(reproduce)}`\n")
    budget = MAX_BYTES - sum(len(p.encode()) for p in (*parts, *tail)) - 1024
    failing = document.get("results", [])
    if failing:
        subjects = "Comparisons" if document.get("command") == "compat" else "Payloads"
        section = [f"### {subjects} with findings\n"]
        used = 0
        shown = 0
        for result in failing:
            kind = _esc(
                result.get("messageType")
                or ("profile" if subjects == "Comparisons" else "unknown type")
            )
            lines = [f"- **{_esc(result['source'])}** ({kind})"]
            findings = result.get("findings", [])
            for finding in findings[:MAX_FINDINGS_PER_PAYLOAD]:
                label = (
                    f"{finding['requirement']} {finding['level']}: "
                    if finding.get("requirement")
                    else ""
                )
                lines.append(f"  - {_esc(label + finding_line(result, finding))}")
            if len(findings) > MAX_FINDINGS_PER_PAYLOAD:
                lines.append(f"  - … {len(findings) - MAX_FINDINGS_PER_PAYLOAD} more")
            example = counterexample_json(result)
            if example is not None:  # HTML-escaped inside <pre>: inert, and kept verbatim
                lines.append(
                    "\n  <details><summary>counterexample</summary>\n\n  <pre>"
                    + html.escape(example).replace("\n", "&#10;")
                    + "</pre>\n  </details>\n"
                )
            block = "\n".join(lines) + "\n"
            if used + len(block.encode()) > budget:
                break
            section.append(block)
            used += len(block.encode())
            shown += 1
        if shown < len(failing):
            section.append(
                f"\n{len(failing) - shown} more payloads with findings are not shown (size limit); "
                "the JSON report has every one.\n"
            )
        omitted = omitted_words(document)
        if omitted:
            section.append(f"\n{_esc(omitted)}\n")
        parts.append("".join(section))
    return "\n".join(parts + tail)
