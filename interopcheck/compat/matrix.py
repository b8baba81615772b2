"""Which version of each message can talk to which: the view a programme board needs before
agreeing an upgrade order. A sender on version S can talk to a receiver on version R when R
admits every payload S produces (R covers S); the diagonal is always yes."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.compat.compare import Side, compare_sides, load_side
from interopcheck.errors import SetupError
from interopcheck.standard.catalog import version_key


@dataclass
class Matrix:
    versions: list[str]
    cells: dict[str, dict[tuple[str, str], str]]
    """message type -> (sender version, receiver version) -> yes / no / unknown."""


def load_versions(folder: Path, keep_version_label: bool) -> list[Side]:
    if not folder.is_dir():
        raise SetupError(f"{folder}: --matrix needs a directory with one subdirectory per version")
    names = sorted((p.name for p in folder.iterdir() if p.is_dir()), key=version_key)
    if len(names) < 2:
        raise SetupError(f"{folder}: found {len(names)} version directories; at least 2 needed")
    sides = []
    for name in names:
        side = load_side(str(folder / name), keep_version_label)
        sides.append(Side(name, side.entries, side.documents))
    return sides


def build_matrix(sides: list[Side], tries: int, seed: int) -> Matrix:
    cells: dict[str, dict[tuple[str, str], str]] = {}
    for i, sender in enumerate(sides):
        for receiver in sides[i + 1 :]:
            # one comparison settles both cells: backward = the newer receives the older
            for c in compare_sides(sender, receiver, ("backward", "forward"), tries, seed):
                row = cells.setdefault(c.message_type, {})
                assert c.backward is not None and c.forward is not None
                row[(sender.label, receiver.label)] = c.backward.verdict
                row[(receiver.label, sender.label)] = c.forward.verdict
    versions = [s.label for s in sides]
    for row in cells.values():
        for version in versions:
            row[(version, version)] = "yes"
    return Matrix(versions, cells)


def to_document(matrix: Matrix) -> dict[str, Any]:
    return {
        "command": "compat",
        "matrix": {
            "versions": matrix.versions,
            "meaning": "cells[sender][receiver]: can a sender on that version talk to a "
            "receiver on this one (yes, no, unknown)",
            "messageTypes": {
                message_type: {
                    sender: {r: row.get((sender, r), "-") for r in matrix.versions}
                    for sender in matrix.versions
                }
                for message_type, row in sorted(matrix.cells.items())
            },
        },
    }


def to_markdown(matrix: Matrix) -> str:
    lines = [
        "# Compatibility matrix",
        "",
        "Rows: the sender's version. Columns: the receiver's version. **yes**: the receiver "
        "accepts every payload the sender can produce (proved); **no**: a payload shows it "
        "does not; **unknown**: neither proved nor disproved.",
    ]
    for message_type, row in sorted(matrix.cells.items()):
        lines += ["", f"## {message_type}", ""]
        lines.append("| sender \\ receiver | " + " | ".join(matrix.versions) + " |")
        lines.append("|---|" + "---|" * len(matrix.versions))
        for sender in matrix.versions:
            cells = [_word(row.get((sender, r), "-")) for r in matrix.versions]
            lines.append(f"| {sender} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _word(verdict: str) -> str:
    return {"yes": "yes", "no": "**no**", "unknown": "unknown"}.get(verdict, verdict)


def to_html(matrix: Matrix) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src "
        "'unsafe-inline'\">",
        "<title>Compatibility matrix</title><style>body{font-family:sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin-bottom:1.5em}td,th{border:1px solid #999;"
        "padding:.3em .7em;text-align:center}.yes{background:#d9f2d9}.no{background:#f8d0d0}"
        ".unknown{background:#fff3c4}</style></head><body>",
        "<h1>Compatibility matrix</h1><p>Rows: the sender's version. Columns: the receiver's. "
        "<b>yes</b>: proved; <b>no</b>: a payload shows it; <b>unknown</b>: neither.</p>",
    ]
    for message_type, row in sorted(matrix.cells.items()):
        parts.append(f"<h2>{e(message_type)}</h2><table><tr><th>sender \\ receiver</th>")
        parts += [f"<th>{e(v)}</th>" for v in matrix.versions]
        parts.append("</tr>")
        for sender in matrix.versions:
            parts.append(f"<tr><th>{e(sender)}</th>")
            for receiver in matrix.versions:
                verdict = row.get((sender, receiver), "-")
                parts.append(f'<td class="{e(verdict)}">{e(verdict)}</td>')
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_console(out: Any, matrix: Matrix) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False)
    styles = {"yes": "green", "no": "bold red", "unknown": "yellow"}
    for message_type, row in sorted(matrix.cells.items()):
        table = Table(title=message_type, show_edge=False, header_style="bold")
        table.add_column("sender \\ receiver", no_wrap=True)
        for version in matrix.versions:
            table.add_column(version, no_wrap=True, justify="center")
        for sender in matrix.versions:
            cells = []
            for receiver in matrix.versions:
                verdict = row.get((sender, receiver), "-")
                cells.append(f"[{styles.get(verdict, 'dim')}]{verdict}[/]")
            table.add_row(sender, *cells)
        console.print(table)
