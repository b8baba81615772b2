"""Compatibility verdicts in the shared report model, so that ``compat`` writes every format
``validate`` does (JSON, SARIF, JUnit, Markdown, HTML), can be signed and verified, and is
re-rendered by ``interopcheck report``.

Each message type and direction asked is a MUST requirement (``charge-file/backward``) and a
result: "yes" passes it, "no" fails it with a finding, "unknown" is an error (not proven is not
passed). The result's source is the message's schema file in the new version (the file a pull
request changes), and the finding is located at the change nearest to where the counterexample
is refused, so code-scanning views annotate that line. The counterexample itself travels in
the result's ``comparison`` record: it is generated, never a real person's data, and shown whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from interopcheck import __version__
from interopcheck.compatibility.compare import Comparison, Direction, Side
from interopcheck.results import (
    ComparisonRecord,
    Finding,
    Outcome,
    PayloadResult,
    RequirementTally,
    RunSummary,
)
from interopcheck.sources.positions import json_positions
from interopcheck.standard.catalog import SchemaEntry

MEANING = {
    "backward": "NEW accepts every payload OLD accepted: receivers can upgrade first",
    "forward": "OLD accepts every payload NEW produces: senders can upgrade first",
}
#: Schema keywords that sit between property names in a pointer: skipped when matching a
#: schema location to a place in the payload.
_STRUCTURE = {
    "properties",
    "items",
    "prefixItems",
    "additionalProperties",
    "patternProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "if",
    "then",
    "else",
    "$defs",
    "definitions",
    "dependentSchemas",
}

#: A direction's verdict as the requirement's outcome ("unknown" is an error: not proven).
OUTCOME_OF: dict[str, Outcome] = {"yes": "passed", "no": "failed"}


def requirement_id(message_type: str, direction: str) -> str:
    return f"{message_type}/{direction}"


def requirement_text(message_type: str, direction: str, old: str, new: str) -> str:
    if direction == "backward":
        return f"{new} accepts every {message_type} {old} accepted (receivers can upgrade first)"
    return f"{old} accepts every {message_type} {new} produces (senders can upgrade first)"


def schema_digests(sides: list[Side], refs: Sequence[SchemaEntry] = ()) -> list[dict[str, str]]:
    """SHA-256 of every schema file of both versions and of the shared ``refs``, by ``$id``
    (the file's name where it has none): what the manifest records and ``verify`` compares."""
    digests: dict[str, str] = {
        ref.uri: hashlib.sha256(ref.path.read_bytes()).hexdigest() for ref in refs
    }
    for side in sides:
        for name, path in side.files.items():
            uri = side.documents[name].get("$id")
            key = uri if isinstance(uri, str) else side.source_of_file(name)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digests.get(key, digest) != digest:  # one $id, two contents: name the file
                key = side.source_of_file(name)
            digests.setdefault(key, digest)
    return [{"id": key, "sha256": digest} for key, digest in sorted(digests.items())]


def compat_summary(
    comparisons: list[Comparison],
    directions: tuple[str, ...],
    old: str,
    new: str,
    digests: list[dict[str, str]],
    started_at: str,
) -> RunSummary:
    """The run summary: a requirement per message type and direction, a level per direction."""
    summary = RunSummary(tool_version=__version__, started_at=started_at, subject="comparison")
    digest = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
    summary.profile = {
        "id": "compat",
        "version": f"{old} → {new}",
        "title": f"Compatibility of {new} with {old}",
        "digest": digest,
    }
    summary.deciding = ("MUST",)
    for direction in directions:
        for c in comparisons:
            rid = requirement_id(c.message_type, direction)
            summary.requirements[rid] = RequirementTally(
                id=rid,
                level="MUST",
                text=requirement_text(c.message_type, direction, old, new),
                kind=f"compat:{direction}",
                group=direction,
                source=MEANING[direction],
                messages=(c.message_type,),
            )
    summary.levels = [(f"{d} compatible", (d,)) for d in directions]
    return summary


def compat_results(
    comparisons: list[Comparison], directions: tuple[str, ...]
) -> list[PayloadResult]:
    results: list[PayloadResult] = []
    for direction in directions:
        for c in comparisons:
            verdict = getattr(c, direction)
            assert isinstance(verdict, Direction)
            results.append(_result(c, direction, verdict, len(results)))
    return results


def _result(c: Comparison, name: str, d: Direction, index: int) -> PayloadResult:
    rid = requirement_id(c.message_type, name)
    cover, covered = (c.new, c.old) if name == "backward" else (c.old, c.new)
    result = PayloadResult(
        source=c.new_source or c.old_source,
        index=index,
        message_type=c.message_type,
        outcomes={rid: OUTCOME_OF.get(d.verdict, "error")},
        comparison=_record(c, name, d),
    )
    if d.verdict == "yes":
        return result
    schema_location, line, column = _located(c, d.rejected_at)
    if d.counterexample is not None:
        message = (
            f"{d.rejected_by} rejects a {c.message_type} that {d.accepted_by} accepts, "
            f"{d.rejection}"
        )
    elif d.verdict == "no":
        message = (
            f"{cover} does not accept every {c.message_type} {covered} accepts (decided on the "
            f"canonical schemas; none of {d.tries} payloads drawn from the difference showed it)"
        )
    else:
        message = (
            f"not proven: the schemas alone do not decide whether {cover} accepts every "
            f"{c.message_type} {covered} accepts, and none of {d.tries} payloads drawn from "
            "the difference shows otherwise (unknown: not passed)"
        )
    result.findings.append(
        Finding(
            check="compat",
            message=message,
            pointer=d.rejected_at,
            line=line,
            column=column,
            keyword=d.keyword or None,
            schema_location=schema_location,
            personal=False,
            requirement=rid,
            level="MUST",
        )
    )
    return result


def _record(c: Comparison, name: str, d: Direction) -> ComparisonRecord:
    record: ComparisonRecord = {
        "direction": name,
        "old": c.old,
        "new": c.new,
        "verdict": d.verdict,
        "how": d.how,
        "tries": d.tries,
        "differences": c.differences,
    }
    if d.note:
        record["note"] = d.note
    if d.counterexample is not None:
        record["counterexample"] = {
            "payload": d.counterexample,
            "acceptedBy": d.accepted_by,
            "rejectedBy": d.rejected_by,
            "rejection": d.rejection,
            "pointer": d.rejected_at,
        }
    return record


def _located(c: Comparison, rejected_at: str) -> tuple[str | None, int | None, int | None]:
    """The schema change nearest to where the payload is refused, and its line and column in
    the source file; the first difference (without position) when the own file did not change."""
    path = c.new_path or c.old_path
    if not c.changed or path is None:
        return (c.differences[0] if c.differences else None), None, None
    pointer, kind = _nearest(c.changed, rejected_at)
    in_file = pointer
    if kind == "removed" and c.new_path is not None:
        in_file = pointer.rsplit("/", 1)[0]  # gone from the new file: point at its parent
    name = Path(path).name
    try:
        positions = json_positions(Path(path).read_text(encoding="utf-8"), {in_file})
    except (OSError, UnicodeDecodeError):
        positions = {}
    line, column = positions.get(in_file, (None, None))
    return f"{name}#{pointer} ({kind})", line, column


def _nearest(changed: list[tuple[str, str]], rejected_at: str) -> tuple[str, str]:
    wanted = [t for t in rejected_at.split("/")[1:] if not t.isdigit()]

    def score(item: tuple[str, str]) -> int:
        tokens = [t for t in item[0].split("/")[1:] if t not in _STRUCTURE and not t.isdigit()]
        same = 0
        for a, b in zip(tokens, wanted, strict=False):
            if a != b:
                break
            same += 1
        return same

    return max(changed, key=score)
