"""Which version of each message can talk to which: the view a programme board needs before
agreeing an upgrade order. A sender on version S can talk to a receiver on version R when R
admits every payload S produces (R covers S); the diagonal is always yes."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.compatibility.compare import Side, compare_sides, load_side
from interopcheck.errors import UsageError
from interopcheck.profile.model import Profile
from interopcheck.standard.catalog import SchemaEntry, version_key


@dataclass
class Matrix:
    versions: list[str]
    cells: dict[str, dict[tuple[str, str], str]]
    """message type -> (sender version, receiver version) -> yes / no / unknown; for profiles,
    ``requirements`` -> (version certified against, version required) -> verdict."""
    kind: str = "schemas"
    """``schemas`` (versions of the messages) or ``profiles`` (versions of a profile)."""

    def upgrades(self, message_type: str) -> list[tuple[str, str, str]]:
        """For each step between adjacent versions: who may upgrade first, in words. Only for
        messages (a profile's versions have no senders and receivers)."""
        if self.kind != "schemas":
            return []
        row = self.cells[message_type]
        steps = []
        for older, newer in zip(self.versions, self.versions[1:], strict=False):
            receivers_first = row.get((older, newer))  # an old sender, a new receiver
            senders_first = row.get((newer, older))  # a new sender, an old receiver
            steps.append((older, newer, _order(receivers_first, senders_first)))
        return steps

    @property
    def axes(self) -> tuple[str, str]:
        if self.kind == "profiles":
            return "certified against", "required"
        return "sender", "receiver"


def _order(receivers_first: str | None, senders_first: str | None) -> str:
    if receivers_first == senders_first == "yes":
        return "either side may upgrade first"
    if receivers_first == "yes":
        return "receivers upgrade first" + _unless(senders_first, "senders")
    if senders_first == "yes":
        return "senders upgrade first" + _unless(receivers_first, "receivers")
    if "unknown" in (receivers_first, senders_first):
        return "no order proved: upgrade together, or settle the unknown first"
    return "neither side can go first: upgrade together"


def _unless(verdict: str | None, side: str) -> str:
    return f" ({side} first not proved)" if verdict == "unknown" else ""


def build(
    folder: Path,
    tries: int,
    seed: int,
    keep_version_label: bool,
    refs: Sequence[SchemaEntry] = (),
) -> Matrix:
    """The matrix of a directory: one subdirectory of schemas per version, or one profile file
    per version of a profile."""
    from interopcheck.profile.loader import PROFILE_SUFFIXES

    if not folder.is_dir():
        raise UsageError(
            f"{folder}: --matrix needs a directory with one subdirectory of schemas per version, "
            "or one profile file per version"
        )
    subdirectories = [p for p in folder.iterdir() if p.is_dir()]
    profiles = [p for p in folder.iterdir() if p.is_file() and p.suffix in PROFILE_SUFFIXES]
    if subdirectories and profiles:
        raise UsageError(
            f"{folder}: holds both version directories and profile files; give a directory "
            "of one kind"
        )
    if profiles:
        return build_profile_matrix(profiles, tries, seed)
    return build_matrix(load_versions(folder, keep_version_label), tries, seed, refs)


def build_profile_matrix(files: list[Path], tries: int = 300, seed: int = 0) -> Matrix:
    """Versions of a profile: can a system certified against one claim another? From the
    requirements each adds, removes, re-levels or re-checks (compat/profiles.py)."""
    from interopcheck.compatibility.api_messages import compare_messages
    from interopcheck.compatibility.profiles import requirement_changes, verdicts
    from interopcheck.profile.loader import load_profile

    if len(files) < 2:
        raise UsageError(f"{files[0].parent}: found 1 profile file; at least 2 needed")
    loaded = sorted(
        (load_profile(str(f)) for f in files), key=lambda p: (version_key(p.version), p.id)
    )
    one_profile = len({p.id for p in loaded}) == 1  # versions of one profile: label by version

    def label(profile: Profile) -> str:
        return profile.version if one_profile else f"{profile.id} {profile.version}"

    labels = [label(p) for p in loaded]
    if len(set(labels)) < len(labels):
        raise UsageError(f"{files[0].parent}: two profile files have the same id and version")
    row: dict[tuple[str, str], str] = {}
    for i, older in enumerate(loaded):
        for newer in loaded[i + 1 :]:
            # API-sourced profiles: their message schemas too (never a "yes" they do not prove)
            messages = compare_messages(older, newer, ("backward", "forward"), tries, seed)
            judged = verdicts(requirement_changes(older, newer), newer.deciding, messages)
            a, b = label(older), label(newer)
            row[(a, b)] = judged["backward"].verdict  # certified against older, newer required
            row[(b, a)] = judged["forward"].verdict
    for version in labels:
        row[(version, version)] = "yes"
    return Matrix(labels, {"requirements": row}, "profiles")


def load_versions(folder: Path, keep_version_label: bool) -> list[Side]:
    if not folder.is_dir():
        raise UsageError(f"{folder}: --matrix needs a directory with one subdirectory per version")
    names = sorted((p.name for p in folder.iterdir() if p.is_dir()), key=version_key)
    if len(names) < 2:
        raise UsageError(f"{folder}: found {len(names)} version directories; at least 2 needed")
    sides = []
    for name in names:
        sides.append(load_side(str(folder / name), keep_version_label).relabelled(name))
    return sides


def build_matrix(
    sides: list[Side], tries: int, seed: int, refs: Sequence[SchemaEntry] = ()
) -> Matrix:
    cells: dict[str, dict[tuple[str, str], str]] = {}
    for i, sender in enumerate(sides):
        for receiver in sides[i + 1 :]:
            # one comparison settles both cells: backward = the newer receives the older
            for c in compare_sides(sender, receiver, ("backward", "forward"), tries, seed, refs):
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
            "of": matrix.kind,
            "versions": matrix.versions,
            "meaning": "tables[name][row][column]. " + _legend(matrix),
            "messageTypes" if matrix.kind == "schemas" else "tables": {
                message_type: {
                    sender: {r: row.get((sender, r), "-") for r in matrix.versions}
                    for sender in matrix.versions
                }
                for message_type, row in sorted(matrix.cells.items())
            },
            "upgrades": {
                message_type: {f"{a} → {b}": words for a, b, words in matrix.upgrades(message_type)}
                for message_type in sorted(matrix.cells)
                if matrix.kind == "schemas"
            },
        },
    }


def _legend(matrix: Matrix) -> str:
    """The reading of a table, for people."""
    if matrix.kind == "profiles":
        return (
            "Rows: the version a system is certified against. Columns: the version required. "
            "yes: conforming to the row's version means conforming to the column's (no "
            "deciding requirement was added or raised between them); no: one was; unknown: a "
            "deciding requirement checks something else now."
        )
    return (
        "Rows: the sender's version. Columns: the receiver's version. yes: the receiver "
        "accepts every payload the sender can produce (proved); no: a payload shows it does "
        "not; unknown: neither proved nor disproved."
    )


def to_markdown(matrix: Matrix) -> str:
    row_axis, column_axis = matrix.axes
    lines = [
        "# Compatibility matrix",
        "",
        _md(_legend(matrix)),
    ]
    for message_type, row in sorted(matrix.cells.items()):
        lines += ["", f"## {_md(message_type)}", ""]
        lines.append(
            f"| {row_axis} \\ {column_axis} | " + " | ".join(_md(v) for v in matrix.versions) + " |"
        )
        lines.append("|---|" + "---|" * len(matrix.versions))
        for sender in matrix.versions:
            cells = [_word(row.get((sender, r), "-")) for r in matrix.versions]
            lines.append(f"| {_md(sender)} | " + " | ".join(cells) + " |")
        lines += [""] + [
            f"- {_md(a)} → {_md(b)}: {words}" for a, b, words in matrix.upgrades(message_type)
        ]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    escaped = html.escape(text, quote=False)
    for char in "\\`*_[]|#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


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
        f"<h1>Compatibility matrix</h1><p>{e(_legend(matrix))}</p>",
    ]
    for message_type, row in sorted(matrix.cells.items()):
        parts.append(
            f"<h2>{e(message_type)}</h2><table><tr><th>{e(matrix.axes[0])} \\ "
            f"{e(matrix.axes[1])}</th>"
        )
        parts += [f"<th>{e(v)}</th>" for v in matrix.versions]
        parts.append("</tr>")
        for sender in matrix.versions:
            parts.append(f"<tr><th>{e(sender)}</th>")
            for receiver in matrix.versions:
                verdict = row.get((sender, receiver), "-")
                parts.append(f'<td class="{e(verdict)}">{e(verdict)}</td>')
            parts.append("</tr>")
        parts.append("</table>")
        parts += [
            f"<p>{e(a)} → {e(b)}: {e(words)}</p>" for a, b, words in matrix.upgrades(message_type)
        ]
    parts.append("</body></html>\n")
    return "".join(parts)


def write_console(out: Any, matrix: Matrix) -> None:
    from rich.markup import escape
    from rich.table import Table

    from interopcheck.compatibility.report import console_for

    console = console_for(out)
    styles = {"yes": "green", "no": "bold red", "unknown": "yellow"}
    for message_type, row in sorted(matrix.cells.items()):
        table = Table(title=escape(message_type), show_edge=False, header_style="bold")
        table.add_column(f"{matrix.axes[0]} \\ {matrix.axes[1]}", no_wrap=True)
        for version in matrix.versions:
            table.add_column(escape(version), no_wrap=True, justify="center")
        for sender in matrix.versions:
            cells = []
            for receiver in matrix.versions:
                verdict = row.get((sender, receiver), "-")
                cells.append(f"[{styles.get(verdict, 'dim')}]{verdict}[/]")
            table.add_row(escape(sender), *cells)
        console.print(table)
        for a, b, words in matrix.upgrades(message_type):
            console.print(f"  {escape(a)} → {escape(b)}: {escape(words)}")
