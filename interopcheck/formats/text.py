"""Shared wording for the rendered formats: one line per finding, one order for requirements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from interopcheck.results import Verdict, archive_words, redaction_words, subjects_words

#: Characters XML 1.0 cannot carry at all (even escaped); payload text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

OUTCOME_ORDER = {"failed": 0, "error": 1, "untested": 2, "passed": 3}


#: What a terminal, a CI log viewer or a reader's eye would act on rather than show: C0 and C1
#: controls (ESC clears a screen and paints a forged green line), and the bidirectional
#: overrides that make "evil\u202egnp.json" read as "evil.json".
_NOT_PRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from a payload, a file name or a server, safe to print: every control character
    shown as its escape (``\\x1b``), so that nothing in an input can act on the reader."""
    return _NOT_PRINTABLE.sub(lambda m: ascii(m.group())[1:-1], text)


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def location(result: dict[str, Any], finding: dict[str, Any]) -> str:
    """``source:line:col`` as far as known."""
    where = printable(str(result["source"]))
    if finding.get("line"):
        where += f":{finding['line']}"
        if finding.get("column"):
            where += f":{finding['column']}"
    return where


def finding_line(result: dict[str, Any], finding: dict[str, Any]) -> str:
    """One finding in words: where, what, what was expected, the value (already redacted)."""
    if finding.get("check") == "compat":  # its message says where the counterexample fails
        text = f"{location(result, finding)}: {printable(finding['message'])}"
    else:
        pointer = printable(finding.get("pointer") or "(document)")
        text = f"{location(result, finding)} {pointer}: {printable(finding['message'])}"
    if finding.get("expected"):
        text += f" (expected {printable(finding['expected'])})"
    if finding.get("value") is not None:
        text += f" [value: {printable(finding['value'])}]"
    return text


def findings_by_requirement(
    document: dict[str, Any], reproduce: bool = False
) -> dict[str | None, list[str]]:
    """Finding lines grouped by the requirement they break (None: no requirement); with
    ``reproduce``, a probed exchange's line is followed by the curl command that sends it again."""
    grouped: dict[str | None, list[str]] = {}
    for result in document.get("results", []):
        reproduction = reproduction_of(result) if reproduce else None
        for finding in result.get("findings", []):
            line = finding_line(result, finding)
            if reproduction:
                line += "\n  send it again:\n" + reproduction
            grouped.setdefault(finding.get("requirement"), []).append(line)
    return grouped


def sorted_requirements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Failures first, then errors, untested, passed; profile order within each."""
    requirements = list(document.get("requirements", []))
    return sorted(requirements, key=lambda r: OUTCOME_ORDER.get(r["outcome"], 9))


def verdict_of(document: dict[str, Any]) -> Verdict:
    """The report's verdict (a report saved before the verdict had three values says only
    ``conformant``)."""
    try:
        return Verdict(document.get("verdict"))
    except ValueError:
        return Verdict.conformant if document["conformant"] else Verdict.not_conformant


def untested_words(document: dict[str, Any]) -> str | None:
    """Beside an INCOMPLETE verdict: how many deciding requirements were never tested, by id."""
    untested = document.get("untestedDeciding") or []
    if not untested:
        return None
    deciding = document.get("decidingInScope")
    if deciding is None:  # a report saved before the count was recorded
        deciding = sum(
            1
            for r in document.get("requirements", [])
            if r["level"] in document.get("deciding", [])
            and (not document.get("scope") or document["scope"] in r.get("actors", []))
        )
    return f"{len(untested)} of {deciding} deciding requirements untested: {', '.join(untested)}"


def verdict_words(document: dict[str, Any]) -> str:
    profile = document.get("profile")
    if document.get("command") == "compat" and profile:
        directions = ", ".join(
            dict.fromkeys(str(r["group"]) for r in document.get("requirements", []))
        )
        verdict = "COMPATIBLE" if document["conformant"] else "NOT COMPATIBLE (or not proven)"
        return f"{verdict}: {profile['version']} ({directions})"
    words = verdict_of(document).words
    if profile:
        scope = f" as {document['scope']}" if document.get("scope") else ""
        return f"{words} to {profile['id']} {profile['version']}{scope}"
    return "all payloads valid" if document["conformant"] else "invalid payloads found"


def counts_words(document: dict[str, Any]) -> str:
    summary = document["summary"]
    exchanges = int(summary.get("exchanges", 0))
    if document.get("command") == "probe" and "exchanges" not in summary:
        exchanges = int(summary["payloads"])  # a report saved before exchanges were counted
    journeys = document.get("journeys")
    subject = "comparison" if document.get("command") == "compat" else "payload"
    subjects = subjects_words(
        int(summary["payloads"]) - exchanges,
        exchanges,
        len(journeys) if journeys is not None else None,
        subject,
    )
    return f"{subjects}; {summary['invalid']} with findings, {summary['findings']} findings"


def omitted_words(document: dict[str, Any]) -> str | None:
    archive = document.get("archive")
    if archive is not None:
        return archive_words(archive, len(document.get("results", [])))
    omitted = document.get("resultsOmitted", 0)
    if not omitted:
        return None
    return f"{omitted} more failing payloads are not shown here; the JSON report has every one."


def counterexample_json(result: dict[str, Any]) -> str | None:
    """A compat result's counterexample, indented for reading (generated: never personal)."""
    import json

    example = (result.get("comparison") or {}).get("counterexample")
    if example is None:
        return None
    return json.dumps(example["payload"], ensure_ascii=False, indent=2)


def reproduction_of(result: dict[str, Any]) -> str | None:
    """The curl command that sends a probed exchange again (secrets as ``$VAR``)."""
    exchange = result.get("exchange")
    return str(exchange["reproduction"]) if exchange and exchange.get("reproduction") else None


def is_api_requirement(requirement: dict[str, Any]) -> bool:
    return str(requirement["kind"]).startswith("http:")


@dataclass(frozen=True)
class EndpointCell:
    """One API requirement at one endpoint: its outcome there and the counts behind it."""

    outcome: str
    """``failed``, ``error``, ``passed`` or ``n/a`` (no exchange there was judged by it)."""
    failed: int
    applicable: int

    @property
    def words(self) -> str:
        if self.outcome == "n/a":
            return "n/a"
        if self.failed:
            return f"{self.outcome} {self.failed}/{self.applicable}"
        return f"{self.outcome} {self.applicable}"


@dataclass(frozen=True)
class EndpointRow:
    endpoint: dict[str, Any]
    cells: list[EndpointCell]

    @property
    def label(self) -> str:
        message = self.endpoint.get("messageType") or "no body"
        note = self.endpoint.get("note")
        said = f"{self.endpoint['method']} {self.endpoint['url']} ({message})"
        coverage = self.endpoint.get("coverage")
        if coverage is not None:
            said += f" [{coverage_words(coverage)}]"
        return f"{said}: {note}" if note else said


def coverage_words(coverage: dict[str, Any]) -> str:
    """What an endpoint's negatives covered, in a few words."""
    said = f"negatives: {coverage['planned']} of {coverage['pairs']} constraint pairs"
    if coverage["notBreaking"]:
        said += f", {coverage['notBreaking']} break nothing"
    if coverage["overLimit"]:
        said += f", {coverage['overLimit']} over --max-negatives"
    aimed = coverage["requirements"]
    if aimed:
        said += f"; {len(coverage['broken'])} of {len(aimed)} rules broken alone"
        missed = [r for r in aimed if r not in coverage["broken"]]
        if missed:
            said += " (not " + ", ".join(missed[:5]) + (", ..." if len(missed) > 5 else "") + ")"
    return said


def endpoint_matrix(document: dict[str, Any]) -> tuple[list[dict[str, Any]], list[EndpointRow]]:
    """The API requirements (columns) and each endpoint probed (rows, failing ones first):
    each API requirement once per endpoint, with that endpoint's counts."""
    api = [r for r in document.get("requirements", []) if is_api_requirement(r)]
    rows = []
    for endpoint in document.get("endpoints", []):
        cells = []
        for requirement in api:
            passed, failed, errored = (
                endpoint["requirements"].get(requirement["id"], {}).get(k, 0)
                for k in ("passed", "failed", "errored")
            )
            outcome = "failed" if failed else "error" if errored else "passed" if passed else "n/a"
            cells.append(EndpointCell(outcome, failed + errored, passed + failed + errored))
        rows.append(EndpointRow(endpoint, cells))
    rows.sort(key=lambda row: min((OUTCOME_ORDER.get(c.outcome, 9) for c in row.cells), default=9))
    return api, rows


def redaction_of(document: dict[str, Any]) -> str | None:
    """What was redacted and why, said once (None when nothing was)."""
    if document.get("personalData") != "redacted":
        return None
    summary = document["summary"]
    return redaction_words(
        int(summary.get("redactedValues", 0)), list(summary.get("unmarkedSchemas", []))
    )


def failure_text(document: dict[str, Any]) -> str:
    """A run's verdict and what decided it, in the report's words, as plain lines: the verdict,
    the counts, the deciding requirements never tested (when INCOMPLETE), then each failed
    requirement with its finding lines (a probed exchange's with its curl reproduction). What a
    test failure says (the pytest plugin)."""
    lines = [verdict_words(document), counts_words(document)]
    if verdict_of(document) is Verdict.incomplete and (untested := untested_words(document)):
        lines.append(untested)
    grouped = findings_by_requirement(document, reproduce=True)
    for requirement in sorted_requirements(document):
        found = grouped.pop(requirement["id"], None)
        if found:
            lines.append(
                f"{requirement['id']} {requirement['level']} {requirement['outcome']}: "
                f"{printable(requirement['text'])}"
            )
            lines.extend(f"  {line}" for line in found)
    for requirement_id, found in grouped.items():
        lines.append(requirement_id or "findings (no profile requirement)")
        lines.extend(f"  {line}" for line in found)
    return "\n".join(lines)
