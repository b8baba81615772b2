"""The compatibility verdicts as people read them (console) and as programs do (JSON)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from interopcheck import __version__
from interopcheck.compat.compare import Comparison, Direction

MEANING = {
    "backward": "NEW accepts every payload OLD accepted: receivers can upgrade first",
    "forward": "OLD accepts every payload NEW produces: senders can upgrade first",
}


def direction_to_dict(direction: Direction | None) -> dict[str, Any] | None:
    if direction is None:
        return None
    out: dict[str, Any] = {"verdict": direction.verdict, "how": direction.how}
    if direction.how != "proved" or direction.tries:
        out["tries"] = direction.tries
    if direction.counterexample is not None:
        out["counterexample"] = {
            "payload": direction.counterexample,
            "acceptedBy": direction.accepted_by,
            "rejectedBy": direction.rejected_by,
            "rejection": direction.rejection,
        }
    return out


def to_document(
    comparisons: list[Comparison], directions: tuple[str, ...], compatible: bool
) -> dict[str, Any]:
    return {
        "tool": {"name": "interopcheck", "version": __version__},
        "command": "compat",
        "directions": list(directions),
        "compatible": compatible,
        "messageTypes": [
            {
                "messageType": c.message_type,
                "old": c.old,
                "new": c.new,
                "backward": direction_to_dict(c.backward),
                "forward": direction_to_dict(c.forward),
                "differences": c.differences,
            }
            for c in comparisons
        ],
    }


def write_json(out: TextIO, document: dict[str, Any]) -> None:
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _cell(direction: Direction | None) -> str:
    if direction is None:
        return "-"
    if direction.verdict == "yes":
        return "yes (proved)"
    if direction.verdict == "no":
        return "NO" + (" (counterexample)" if direction.counterexample is not None else " (proved)")
    return f"unknown ({direction.tries} tries, none found)"


def write_console(out: TextIO, comparisons: list[Comparison], compatible: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False)
    first = comparisons[0]
    table = Table(
        title=f"{first.old} → {first.new}", show_edge=False, pad_edge=False, header_style="bold"
    )
    table.add_column("message type", no_wrap=True)
    table.add_column("backward", no_wrap=True)
    table.add_column("forward", no_wrap=True)
    for c in comparisons:
        table.add_row(c.message_type, _cell(c.backward), _cell(c.forward))
    console.print(table)
    for c in comparisons:
        for name, direction in (("backward", c.backward), ("forward", c.forward)):
            if direction is None or direction.counterexample is None:
                continue
            size = len(json.dumps(direction.counterexample, ensure_ascii=False).encode())
            console.print(
                f"[red]✗[/red] {escape(c.message_type)} {name}: a payload "
                f"{escape(direction.accepted_by)} accepts and {escape(direction.rejected_by)} "
                f"rejects {escape(direction.rejection)} [dim]({size} bytes; --format json has "
                "it)[/dim]"
            )
        if c.differences and (c.backward, c.forward) != (None, None):
            changed = [d for d in c.differences if "shared definitions" not in d]
            if changed:
                console.print(
                    f"  [dim]{escape(c.message_type)} differs at: "
                    f"{escape(', '.join(changed[:6]))}[/dim]"
                )
    for name in ("backward", "forward"):
        console.print(f"[dim]{name}: {MEANING[name]}[/dim]")
    verdict = "COMPATIBLE" if compatible else "NOT COMPATIBLE (or not proven)"
    colour = "green" if compatible else "red"
    console.print(f"[bold {colour}]{verdict}[/bold {colour}]")


def _words(direction: Direction | None) -> str:
    if direction is None:
        return "-"
    if direction.verdict == "unknown":
        return f"unknown ({direction.tries} tries)"
    return f"{direction.verdict} ({direction.how})"


def to_markdown(comparisons: list[Comparison], compatible: bool) -> str:
    """A summary for a pull request or a step summary; payloads stay in the JSON."""
    first = comparisons[0]
    lines = [
        f"# Compatibility: {_md(first.old)} → {_md(first.new)}",
        "",
        f"**{'COMPATIBLE' if compatible else 'NOT COMPATIBLE (or not proven)'}**",
        "",
        "| message type | backward | forward |",
        "|---|---|---|",
    ]
    for c in comparisons:
        lines.append(f"| {_md(c.message_type)} | {_words(c.backward)} | {_words(c.forward)} |")
    lines.append("")
    for c in comparisons:
        for name, direction in (("backward", c.backward), ("forward", c.forward)):
            if direction is not None and direction.counterexample is not None:
                lines.append(
                    f"- {_md(c.message_type)} {name}: {_md(direction.accepted_by)} accepts a "
                    f"payload {_md(direction.rejected_by)} rejects {_md(direction.rejection)}"
                )
    lines += ["", f"backward: {MEANING['backward']}. forward: {MEANING['forward']}."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Inert in Markdown and in the HTML step summaries render."""
    import html

    escaped = html.escape(text.replace("\n", " "))
    for char in "\\`*_[]|#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def to_junit(comparisons: list[Comparison]) -> str:
    """A testcase per message type and direction: a failure for "no", and for "unknown" (not
    proven is not passed)."""
    from xml.etree import ElementTree as ET

    cases = [
        (c, name, d)
        for c in comparisons
        for name, d in (("backward", c.backward), ("forward", c.forward))
        if d is not None
    ]
    failures = sum(1 for _, _, d in cases if d.verdict != "yes")
    suite = ET.Element(
        "testsuite", name="interopcheck.compat", tests=str(len(cases)), failures=str(failures)
    )
    for c, name, d in cases:
        case = ET.SubElement(
            suite, "testcase", classname=f"compat.{c.message_type}", name=f"{name} compatible"
        )
        if d.verdict != "yes":
            text = d.rejection if d.counterexample is not None else _words(d)
            failure = ET.SubElement(case, "failure", type=d.verdict, message=text[:500])
            failure.text = f"{c.old} → {c.new}: {MEANING[name]}; {_words(d)}"
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, "unicode") + "\n"
